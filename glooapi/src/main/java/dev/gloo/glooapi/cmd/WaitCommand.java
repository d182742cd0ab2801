package dev.gloo.glooapi.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.Conditions;
import dev.gloo.glooapi.Connection;
import dev.gloo.glooapi.DurationConverter;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.glooapi.ResourceTypes;
import dev.gloo.glooapi.ResourceTypes.Ref;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code glooapi wait --for=condition=X}: like kubectl's, but it also reads the conditions that
 * routes keep per parent ({@code status.parents[].conditions}, met when every parent has it)
 * and the Gloo kinds' {@code status.statuses.*.state}, which kubectl's wait cannot see.
 *
 * <p>It polls with linearizable GETs rather than watching: a poll survives the loss of the node
 * it was talking to by simply asking the next one.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
    description = "Wait until objects have a condition (Accepted, Programmed, ResolvedRefs...) or are deleted.",
    footer = {"", "Examples:", "  glooapi wait --for=condition=Programmed gateway/gw --timeout=60s",
        "  glooapi wait --for=condition=Accepted httproute/foo upstream/web",
        "  glooapi wait --for=condition=Accepted=False routeoption/bad", "  glooapi wait --for=delete gateway/old"})
public final class WaitCommand implements Runnable {
  private static final Pattern CONDITION = Pattern.compile("condition=([A-Za-z0-9_.-]+)(?:=(\\w+))?");
  private static final Duration POLL = Duration.ofMillis(300);

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "TYPE/NAME... | TYPE NAME...")
  List<String> args = new ArrayList<>();

  @Option(names = "--for", required = true, paramLabel = "condition=NAME[=VALUE]|delete",
      description = "What to wait for: condition=NAME (status True), condition=NAME=VALUE, or delete.")
  String forWhat;

  @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long to wait in all (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public void run() {
    GlooApi root = GlooApi.of(spec);
    boolean delete = forWhat.equals("delete");
    Matcher m = CONDITION.matcher(forWhat);
    if (!delete && !m.matches()) {
      throw new CliException("--for: unrecognized condition '" + forWhat + "': use condition=NAME[=VALUE] or delete");
    }
    String type = delete ? null : m.group(1);
    String wanted = delete || m.group(2) == null ? "True" : m.group(2);
    List<Ref> refs = root.types().refs(args, "wait");
    if (refs.get(0).name() == null) {
      throw new CliException("resource name is required: glooapi wait --for=... TYPE/NAME");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Ref r : refs) {
      String ns = r.type().namespaced() ? root.namespace() : null;
      String path = ResourceTypes.objectPath(r.type(), ns, r.name());
      String display = ResourceTypes.qualifiedSingular(r.type()) + "/" + r.name();
      String last;
      while (true) {
        Connection.Response resp = root.connection().send("GET", path, "application/json", null, null);
        if (delete) {
          if (resp.code() == 404) {
            root.out().println(display + " condition met");
            break;
          }
          if (resp.code() >= 400) {
            throw Connection.error(resp);
          }
          last = "it still exists";
        } else {
          if (resp.code() >= 400 && resp.code() != 404) {
            throw Connection.error(resp);
          }
          if (resp.code() == 404) {
            last = "it does not exist";
          } else {
            JsonNode o = resp.json();
            List<Conditions.Condition> cs = Conditions.of(o);
            if (Conditions.met(cs, type, wanted)) {
              root.out().println(display + " condition met");
              break;
            }
            last = Conditions.explain(cs, type);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new CliException("timed out waiting for the condition on " + r.type().plural() + "/" + r.name()
              + ": " + last);
        }
        sleep(POLL);
      }
      root.out().flush();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
