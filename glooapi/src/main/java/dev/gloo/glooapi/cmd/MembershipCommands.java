package dev.gloo.glooapi.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.Connection;
import dev.gloo.glooapi.DurationConverter;
import dev.gloo.glooapi.Endpoint;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.glooapi.ServerError;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The verbs that change the cluster's membership, each one request to the node endpoints
 * ({@code /gloo/v1/cluster/...}); each prints what happened and the members afterwards.
 */
final class MembershipCommands {
  private static final Pattern NODE_ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern HOST_PORT = Pattern.compile(".+:\\d{1,5}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private MembershipCommands() {}

  static String nodeId(CommandSpec spec, String id) {
    if (!NODE_ID.matcher(id).matches()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "node id '" + id + "' must be lower-case letters, digits and '-'");
    }
    return id;
  }

  /** One line per member: id, voter or learner, Raft address; and the leader. */
  static void printMembers(PrintWriter out, JsonNode status) {
    String leader = status.path("leaderId").isTextual() ? status.path("leaderId").asText() : "-";
    List<String> parts = new ArrayList<>();
    for (JsonNode m : status.path("members")) {
      String id = m.path("id").asText();
      parts.add(id + (m.path("voter").asBoolean() ? "" : " (learner)") + (id.equals(leader) ? " (leader)" : ""));
    }
    out.println("members: " + String.join(", ", parts));
    out.flush();
  }

  /**
   * {@code cluster join NODE --raft-address HOST:PORT}: the operator's side of adding a node.
   * The node itself is started with no INITIAL_CLUSTER; a node started with {@code JOIN=...}
   * does all of this by itself.
   */
  @Command(name = "join", mixinStandardHelpOptions = true,
      description = {"Add a node to the cluster as a learner (it receives the data but does not vote),"
          + " then, with --promote, make it a voter once it answers.",
          "A node started with JOIN=<member API URL> and the join token in its env file does this by itself;"
              + " use this verb to add a node from the operator's side."})
  static final class Join implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NODE", description = "The new node's NODE_ID.")
    String node;

    @Option(names = "--raft-address", required = true, paramLabel = "HOST:PORT",
        description = "Where the other nodes reach the new node's Raft port (its RAFT_ADDRESS).")
    String raftAddress;

    @Option(names = "--promote", description = "Also make the node a voter (waits until its Raft port answers).")
    boolean promote;

    @Option(names = "--timeout", defaultValue = "2m", converter = DurationConverter.class, paramLabel = "DURATION",
        description = "How long to keep trying while the node is not up yet (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      GlooApi root = GlooApi.of(spec);
      nodeId(spec, node);
      if (!HOST_PORT.matcher(raftAddress).matches()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--raft-address '" + raftAddress + "' is not HOST:PORT");
      }
      Connection c = root.connection();
      final byte[] body;
      try {
        body = JSON.writeValueAsBytes(JSON.createObjectNode().put("id", node).put("address", raftAddress));
      } catch (IOException e) {
        throw new CliException("cannot encode the request: " + e.getMessage());
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      Connection.Response added = retrying(deadline, "add " + node + " (is it running?)",
          () -> c.call("POST", "/gloo/v1/cluster/members", "application/json", "application/json", body));
      root.out().println(node + " is a learner of the cluster (raft " + raftAddress + ")");
      if (!promote) {
        printMembers(root.out(), added.json());
        root.out().println("start " + node + " without INITIAL_CLUSTER, then: glooapi cluster join " + node
            + " --raft-address " + raftAddress + " --promote");
        root.out().flush();
        return 0;
      }
      Connection.Response promoted = retrying(deadline, "promote " + node, () -> c.call("POST",
          "/gloo/v1/cluster/members/" + node + "/promote", "application/json", "application/json", new byte[0]));
      root.out().println(node + " is a voter of the cluster");
      printMembers(root.out(), promoted.json());
      return 0;
    }
  }

  /**
   * Repeats {@code request} while the cluster answers Conflict or 5xx or no node answers (a
   * new node still starting, an election), until {@code deadline}; other errors are final.
   */
  static Connection.Response retrying(long deadline, String what, java.util.function.Supplier<Connection.Response> request) {
    while (true) {
      String last;
      try {
        return request.get();
      } catch (ServerError e) {
        if (e.code() != 409 && e.code() < 500) {
          throw e;
        }
        last = e.getMessage();
      } catch (CliException e) {
        last = e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw new CliException("could not " + what + " in time: " + last);
      }
      sleep(1000);
    }
  }

  /** {@code cluster leave [NODE]}: the node itself hands leadership over and leaves. */
  @Command(name = "leave", mixinStandardHelpOptions = true,
      description = {"Ask a node to leave the cluster: it hands leadership over if it leads, then removes itself.",
          "NODE must be one of the servers given (the request goes to the node itself);"
              + " without NODE the only --server given leaves. To remove a dead node use 'cluster remove'."})
  static final class Leave implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NODE", description = "The NODE_ID of the node to leave.")
    String node;

    @Option(names = "--force", description = "Leave even if the remaining voters would have no live majority.")
    boolean force;

    @Override
    public Integer call() {
      GlooApi root = GlooApi.of(spec);
      Connection c = root.connection();
      List<Endpoint> servers = c.servers().endpoints();
      Endpoint target = null;
      List<String> seen = new ArrayList<>();
      if (node == null) {
        if (servers.size() != 1) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(),
              "name the node to leave (NODE), or give exactly one --server");
        }
        target = servers.get(0);
      } else {
        nodeId(spec, node);
        for (Endpoint e : servers) {
          try {
            Connection.Response r = c.sendTo(e, "/gloo/v1/cluster/status");
            String id = r.code() == 200 ? r.json().path("store").path("nodeId").asText() : "?";
            seen.add(e.url() + " is " + id);
            if (node.equals(id)) {
              target = e;
              break;
            }
          } catch (IOException ex) {
            seen.add(e.url() + " did not answer");
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
          }
        }
        if (target == null) {
          throw new CliException(node + " is not among the servers that answered (" + String.join("; ", seen)
              + "); give its API URL with --server, or remove it with: glooapi cluster remove " + node);
        }
      }
      Connection.Response r;
      try {
        r = c.sendTo(target, "POST", "/gloo/v1/cluster/leave" + (force ? "?force=true" : ""));
      } catch (IOException e) {
        throw new CliException(target + ": the leave request failed (" + e.getMessage() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
      if (r.code() != 200) {
        throw Connection.error(r);
      }
      JsonNode status = r.json();
      root.out().println((node == null ? status.path("nodeId").asText(target.toString()) : node) + " left the cluster");
      printMembers(root.out(), status);
      return 0;
    }
  }

  /** {@code cluster remove NODE [--force]}: removes a member, typically a dead one. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = {"Remove a member (a dead node, typically). Refused when the remaining voters would"
          + " have no live majority, unless --force."})
  static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NODE", description = "The NODE_ID of the member to remove.")
    String node;

    @Option(names = "--force", description = "Remove even if the remaining voters would have no live majority.")
    boolean force;

    @Override
    public Integer call() {
      GlooApi root = GlooApi.of(spec);
      nodeId(spec, node);
      Connection.Response r = root.connection().call("DELETE", "/gloo/v1/cluster/members/" + node
          + (force ? "?force=true" : ""), "application/json", null, null);
      root.out().println(node + " removed from the cluster");
      printMembers(root.out(), r.json());
      return 0;
    }
  }

  /** {@code cluster transfer-leader [--to NODE]}. */
  @Command(name = "transfer-leader", mixinStandardHelpOptions = true,
      description = "Move leadership to another voter (--to), or to any other live voter.")
  static final class TransferLeader implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--to", paramLabel = "NODE", description = "The voter to lead (default: any other live voter).")
    String to;

    @Override
    public Integer call() {
      GlooApi root = GlooApi.of(spec);
      String query = "";
      if (to != null) {
        query = "?to=" + URLEncoder.encode(nodeId(spec, to), StandardCharsets.UTF_8);
      }
      Connection.Response r = root.connection().call("POST", "/gloo/v1/cluster/transfer-leader" + query,
          "application/json", "application/json", new byte[0]);
      JsonNode status = r.json();
      String leader = status.path("leaderId").isTextual() ? status.path("leaderId").asText() : "?";
      root.out().println("leader: " + leader + " (term " + status.path("term").asText() + ")");
      printMembers(root.out(), status);
      return 0;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
