package dev.gloo.glooapi.cmd;

import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.glooapi.Manifests;
import dev.gloo.glooapi.Manifests.Manifest;
import dev.gloo.glooapi.Writes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glooapi apply -f}: create what is missing, update what differs, leave the rest; the
 * same last-applied annotation and merge patch as {@code kubectl apply}, so both tools can
 * manage the same objects.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = "Create or update objects from files, folders or stdin (multi-document YAML).",
    footer = {"", "Examples:", "  glooapi apply -f gateway.yaml", "  glooapi apply -f manifests/",
        "  cat route.yaml | glooapi apply -f -"})
public final class ApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, split = ",", paramLabel = "FILE",
      description = "File, folder, or - for stdin; repeatable.")
  List<String> files = new ArrayList<>();

  @Override
  public Integer call() {
    GlooApi root = GlooApi.of(spec);
    return forEach(root, Manifests.read(files, root.env().workingDir(), root.env().stdin()), (w, t) ->
        root.out().println(t.display() + " " + w.apply(t)));
  }

  interface Action {
    void run(Writes writes, Writes.Target target);
  }

  /**
   * Runs {@code action} on every object, reporting each failure on its own line and going on
   * with the rest, like kubectl; 1 if any failed.
   */
  static int forEach(GlooApi root, List<Manifest> manifests, Action action) {
    Writes w = new Writes(root);
    int failed = 0;
    for (Manifest m : manifests) {
      try {
        action.run(w, w.target(m));
      } catch (CliException e) {
        failed++;
        root.err().println("error: " + e.getMessage());
      }
      root.out().flush();
      root.err().flush();
    }
    return failed == 0 ? 0 : 1;
  }
}
