package dev.gloo.glooapi.cmd;

import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.glooapi.Manifests;
import dev.gloo.glooapi.ResourceTypes;
import dev.gloo.glooapi.ResourceTypes.Ref;
import dev.gloo.glooapi.Writes;
import dev.gloo.api.crd.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glooapi delete}: by type and name, or the objects of {@code -f} files. */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete objects by type and name, or those in files.",
    footer = {"", "Examples:", "  glooapi delete httproute foo", "  glooapi delete gateway/gw -n infra",
        "  glooapi delete -f manifests/"})
public final class DeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "TYPE[/NAME] [NAME...]")
  List<String> args = new ArrayList<>();

  @Option(names = {"-f", "--filename"}, split = ",", paramLabel = "FILE", description = "File, folder, or - for stdin.")
  List<String> files = new ArrayList<>();

  @Option(names = "--ignore-not-found", description = "Succeed silently when an object does not exist.")
  boolean ignoreNotFound;

  @Override
  public Integer call() {
    GlooApi root = GlooApi.of(spec);
    if (!files.isEmpty()) {
      if (!args.isEmpty()) {
        throw new CliException("give either -f or TYPE NAME, not both");
      }
      return ApplyCommand.forEach(root, Manifests.read(files, root.env().workingDir(), root.env().stdin()),
          (w, t) -> report(root, w.delete(t.type(), t.namespace(), t.name(), t.source(), ignoreNotFound), t.type(), t.name()));
    }
    List<Ref> refs = root.types().refs(args, "delete");
    if (refs.get(0).name() == null) {
      throw new CliException("resource(s) were provided, but no name was specified");
    }
    Writes writes = new Writes(root);
    int failed = 0;
    for (Ref r : refs) {
      try {
        String ns = r.type().namespaced() ? root.namespace() : null;
        report(root, writes.delete(r.type(), ns, r.name(), null, ignoreNotFound), r.type(), r.name());
      } catch (CliException e) {
        failed++;
        root.err().println("error: " + e.getMessage());
      }
    }
    root.out().flush();
    root.err().flush();
    return failed == 0 ? 0 : 1;
  }

  private static void report(GlooApi root, boolean deleted, ResourceType type, String name) {
    if (deleted) {
      root.out().println(ResourceTypes.qualifiedSingular(type) + " \"" + name + "\" deleted");
    }
  }
}
