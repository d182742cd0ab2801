package dev.gloo.glooapi.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.Connection;
import dev.gloo.glooapi.Endpoint;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.glooapi.Printer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code glooapi cluster}: the state of the control nodes, and changes to their membership. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Inspect and change the control cluster.",
    subcommands = {ClusterCommand.Status.class, MembershipCommands.Join.class, MembershipCommands.Leave.class,
        MembershipCommands.Remove.class, MembershipCommands.TransferLeader.class, ClusterCommand.InitCa.class})
public final class ClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: status, join, leave, remove, transfer-leader, init-ca");
  }

  /** {@code cluster init-ca --dir D}: the CA of the nodes' mutual TLS (offline, no server). */
  @Command(name = "init-ca", mixinStandardHelpOptions = true,
      description = {"Create the cluster CA for peer (Raft) mutual TLS: DIR/ca.crt and DIR/ca.key (mode 600).",
          "Give every node PEER_TLS_CA_FILE=ca.crt; nodes that issue certificates (the first ones) also"
              + " PEER_TLS_CA_KEY_FILE=ca.key. A joining node needs only ca.crt and the join token."})
  static final class InitCa implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where to write the CA.")
    java.nio.file.Path dir;

    @Override
    public Integer call() {
      GlooApi root = GlooApi.of(spec);
      java.nio.file.Path target = root.env().workingDir().resolve(dir);
      try {
        dev.gloo.cluster.PeerTls.initCa(target);
      } catch (dev.gloo.cluster.ConfigException e) {
        throw new CliException(e.getMessage());
      } catch (IOException | java.security.GeneralSecurityException e) {
        throw new CliException("cannot create the CA in " + dir + ": " + e.getMessage());
      }
      root.out().println("cluster CA written: " + dir.resolve("ca.crt") + " (certificate), " + dir.resolve("ca.key")
          + " (key, keep it secret)");
      root.out().flush();
      return 0;
    }
  }

  /**
   * Asks every server given for its own view and prints one row per node: role, term, commit,
   * applied, and lag behind the leader's commit index. Members that some node lists but that did
   * not answer, and servers that did not answer, are rows marked unreachable. Exit code 1 when
   * any node is unreachable, so scripts can alert on it.
   */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Ask every server for its Raft state; show role, term, commit, applied, lag and unreachable nodes.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      GlooApi root = GlooApi.of(spec);
      Connection c = root.connection();
      Map<String, JsonNode> byNode = new LinkedHashMap<>();
      Map<String, String> urlOf = new LinkedHashMap<>();
      List<String[]> unreachable = new ArrayList<>();
      for (Endpoint e : c.servers().endpoints()) {
        try {
          Connection.Response r = c.sendTo(e, "/gloo/v1/cluster/status");
          if (r.code() != 200) {
            unreachable.add(new String[] {e.url().toString(), Connection.error(r).getMessage()});
            continue;
          }
          JsonNode store = r.json().path("store");
          String id = store.path("nodeId").asText(e.url().toString());
          byNode.put(id, store);
          urlOf.put(id, e.url().toString());
        } catch (IOException ex) {
          unreachable.add(new String[] {e.url().toString(), ex instanceof java.net.ConnectException
              ? "connection refused" : ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage())});
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new CliException("interrupted");
        }
      }
      if (byNode.isEmpty()) {
        List<String> why = new ArrayList<>();
        unreachable.forEach(u -> why.add(u[0] + ": " + u[1]));
        throw new CliException("no server answered: " + String.join("; ", why));
      }
      Long leaderCommit = null;
      Set<String> members = new LinkedHashSet<>();
      Map<String, String> memberAddress = new LinkedHashMap<>();
      for (JsonNode s : byNode.values()) {
        if (s.path("role").asText().equals("LEADER")) {
          leaderCommit = s.path("commitIndex").asLong();
        }
        for (JsonNode m : s.path("members")) {
          members.add(m.path("id").asText());
          memberAddress.putIfAbsent(m.path("id").asText(), m.path("address").asText(""));
        }
      }
      List<List<String>> rows = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : byNode.entrySet()) {
        JsonNode s = e.getValue();
        long applied = s.path("appliedIndex").asLong();
        rows.add(List.of(e.getKey(), urlOf.get(e.getKey()), s.path("role").asText(), s.path("term").asText(),
            leader(s), s.path("commitIndex").asText(), Long.toString(applied),
            leaderCommit == null ? "?" : Long.toString(Math.max(0, leaderCommit - applied)), "ok"));
      }
      int missing = unreachable.size();
      for (String m : members) {
        if (!byNode.containsKey(m)) {
          // The cluster knows this member but it did not answer us: down, cut off, or its API was not given.
          rows.add(List.of(m, "raft " + memberAddress.get(m), "-", "-", "-", "-", "-", "-", "unreachable (not answering)"));
          missing++;
        }
      }
      for (String[] u : unreachable) {
        rows.add(List.of("?", u[0], "-", "-", "-", "-", "-", "-", "unreachable: " + u[1]));
      }
      new Printer.Table(List.of("Node", "Address", "Role", "Term", "Leader", "Commit", "Applied", "Lag", "State"), rows)
          .print(root.out(), true);
      if (leaderCommit == null) {
        root.err().println("warning: no answering node is the leader");
      }
      root.err().flush();
      return missing == 0 ? 0 : 1;
    }

    private static String leader(JsonNode s) {
      JsonNode l = s.path("leaderId");
      if (l.isTextual()) {
        return l.asText();
      }
      return l.path("value").asText(l.isNull() || l.isMissingNode() ? "-" : l.toString());
    }
  }
}
