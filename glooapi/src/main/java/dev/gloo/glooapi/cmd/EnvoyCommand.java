package dev.gloo.glooapi.cmd;

import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.Connection;
import dev.gloo.glooapi.Endpoint;
import dev.gloo.glooapi.EnvoyBootstrap;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.glooapi.Printer;
import dev.gloo.glooapi.ResourceTypes;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glooapi envoy}: what a Gateway's Envoys are sent, and a bootstrap to start one. */
@Command(name = "envoy", mixinStandardHelpOptions = true, description = "Envoy configuration of a Gateway.",
    subcommands = {EnvoyCommand.Config.class, EnvoyCommand.Bootstrap.class})
public final class EnvoyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: config or bootstrap");
  }

  /** NAMESPACE/NAME, or NAME in the current namespace. */
  static String[] gateway(GlooApi root, String value) {
    String[] parts = value.split("/", -1);
    if (parts.length > 2 || parts[parts.length - 1].isEmpty() || (parts.length == 2 && parts[0].isEmpty())) {
      throw new CliException("--gateway '" + value + "': expected NAMESPACE/NAME or NAME");
    }
    return parts.length == 2 ? parts : new String[] {root.namespace(), parts[0]};
  }

  @Command(name = "config", mixinStandardHelpOptions = true,
      description = "Print the Envoy resources (listeners, routes, clusters, endpoints, secrets without private keys)"
          + " a Gateway's proxies get, as YAML.")
  static final class Config implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--gateway", required = true, paramLabel = "NAMESPACE/NAME")
    String gateway;

    @Override
    public void run() {
      GlooApi root = GlooApi.of(spec);
      String[] gw = gateway(root, gateway);
      Connection.Response r = root.connection().call("GET", "/gloo/v1/envoy/config?gateway="
          + ResourceTypes.encode(gw[0] + "/" + gw[1]), "application/yaml", null, null);
      root.out().print(r.text());
      root.out().flush();
    }
  }

  @Command(name = "bootstrap", mixinStandardHelpOptions = true,
      description = {"Print an Envoy bootstrap for a Gateway: ADS from a static cluster holding every control node's"
          + " xDS address, health-checked so Envoy moves to another node when one fails.",
          "Every server given is asked where it serves xDS; pass --xds-address to list the addresses yourself."})
  static final class Bootstrap implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--gateway", required = true, paramLabel = "NAMESPACE/NAME")
    String gateway;

    @Option(names = "--node-id", paramLabel = "ID", description = "Envoy's node.id, unique per Envoy (default: this host's name).")
    String nodeId;

    @Option(names = "--xds-address", split = ",", paramLabel = "HOST:PORT",
        description = "Control nodes' xDS addresses (default: asked from every server).")
    List<String> xdsAddresses = new ArrayList<>();

    @Option(names = "--admin-port", defaultValue = "19000", description = "Envoy admin port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Override
    public void run() {
      GlooApi root = GlooApi.of(spec);
      String[] gw = gateway(root, gateway);
      // A bootstrap for a Gateway that does not exist would give an Envoy with nothing to serve.
      root.connection().call("GET", "/apis/gateway.networking.k8s.io/v1/namespaces/" + ResourceTypes.encode(gw[0])
          + "/gateways/" + ResourceTypes.encode(gw[1]), "application/json", null, null);
      List<EnvoyBootstrap.Address> addresses = xdsAddresses.isEmpty() ? askEveryNode(root) : parse(xdsAddresses);
      String id = nodeId != null ? nodeId : hostName();
      root.out().print(Printer.yaml(EnvoyBootstrap.build(gw[0] + "/" + gw[1], id, addresses, adminPort)));
      root.out().flush();
    }

    private static List<EnvoyBootstrap.Address> askEveryNode(GlooApi root) {
      Connection c = root.connection();
      List<EnvoyBootstrap.Address> out = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (Endpoint e : c.servers().endpoints()) {
        try {
          Connection.Response r = c.sendTo(e, "/gloo/v1/cluster/xds");
          if (r.code() != 200) {
            failed.add(e.url() + ": " + Connection.error(r).getMessage());
            continue;
          }
          String address = r.json().path("address").asText("");
          out.addAll(parse(List.of(address)));
        } catch (IOException ex) {
          failed.add(e.url() + ": " + ex.getClass().getSimpleName());
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new CliException("interrupted");
        }
      }
      if (!failed.isEmpty()) {
        // A bootstrap that silently lacks a node would lose failover exactly when it is needed.
        throw new CliException("cannot learn every node's xDS address (" + String.join("; ", failed)
            + "); pass them all with --xds-address HOST:PORT,...");
      }
      return out;
    }

    private static List<EnvoyBootstrap.Address> parse(List<String> addresses) {
      return addresses.stream().map(EnvoyBootstrap.Address::parse).toList();
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        throw new CliException("cannot tell this host's name; pass --node-id");
      }
    }
  }
}
