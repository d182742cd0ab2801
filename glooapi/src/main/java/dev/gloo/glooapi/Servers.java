package dev.gloo.glooapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The nodes to talk to, in failover order, with the token and the default namespace, and where
 * they came from (for error messages).
 *
 * <p>Resolution, first match wins for the server list:
 * <ol>
 *   <li>{@code --server} (repeated or comma-separated)</li>
 *   <li>{@code --kubeconfig} and/or {@code --context} (alone, it reads {@code KUBECONFIG}, else
 *       {@code ./data/kubeconfig}, else {@code ~/.kube/config})</li>
 *   <li>{@code GLOO_SERVER}</li>
 *   <li>{@code ~/.gloo/config} ({@code servers}, {@code token}, {@code caFile})</li>
 *   <li>{@code ./data/kubeconfig}, the local dev cluster (or {@code GLOO_DEV_KUBECONFIG}, which
 *       {@code bin/glooapi} sets to its checkout's)</li>
 * </ol>
 * The token is {@code --token}, else {@code GLOO_TOKEN}, else the chosen source's own; the CA is
 * {@code --certificate-authority}, else {@code GLOO_CA_FILE}, else the source's own (per cluster
 * for a kubeconfig, since every node may have its own CA).
 */
public record Servers(List<Endpoint> endpoints, String token, String namespace, String source) {
  public static final String DEV_KUBECONFIG = "data/kubeconfig";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public Servers {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new CliException("no server in " + source);
    }
  }

  /** The connection settings a user gives on the command line. */
  public record Flags(List<String> servers, String token, Path caFile, boolean insecure, Path kubeconfig,
      String context) {
    public Flags {
      servers = servers == null ? List.of() : List.copyOf(servers);
    }
  }

  public static Servers resolve(Flags flags, Environment env) {
    Servers base = baseSource(flags, env);
    String token = first(flags.token(), env.variable("GLOO_TOKEN"), base.token());
    byte[] pem = null;
    if (flags.caFile() != null) {
      pem = readCa(flags.caFile(), "--certificate-authority");
    } else if (env.variable("GLOO_CA_FILE") != null) {
      pem = readCa(env.workingDir().resolve(env.variable("GLOO_CA_FILE")), "GLOO_CA_FILE");
    }
    List<Endpoint> endpoints = base.endpoints();
    if (pem != null || flags.insecure()) {
      byte[] ca = pem;
      endpoints = endpoints.stream().map(e -> new Endpoint(e.url(), ca != null ? ca : e.caPem(), flags.insecure()))
          .toList();
    }
    return new Servers(endpoints, token, base.namespace(), base.source());
  }

  private static Servers baseSource(Flags flags, Environment env) {
    if (!flags.servers().isEmpty()) {
      return new Servers(urls(flags.servers(), "--server"), null, null, "--server");
    }
    if (flags.kubeconfig() != null || flags.context() != null) {
      Path kc = flags.kubeconfig() != null ? flags.kubeconfig() : contextOnlyKubeconfig(env);
      return fromKubeconfig(kc, flags.context());
    }
    String envServers = env.variable("GLOO_SERVER");
    if (envServers != null) {
      return new Servers(urls(List.of(envServers), "GLOO_SERVER"), null, null, "GLOO_SERVER");
    }
    Path config = env.home().resolve(".gloo/config");
    if (Files.exists(config)) {
      return fromGlooConfig(config);
    }
    Path dev = env.workingDir().resolve(DEV_KUBECONFIG);
    if (Files.exists(dev)) {
      return fromKubeconfig(dev, null);
    }
    // bin/glooapi names its checkout's dev cluster, so it works from any folder.
    String checkoutDev = env.variable("GLOO_DEV_KUBECONFIG");
    if (checkoutDev != null && Files.exists(Path.of(checkoutDev))) {
      return fromKubeconfig(Path.of(checkoutDev), null);
    }
    throw new CliException("no server given: pass --server URL[,URL...], set GLOO_SERVER, write ~/.gloo/config,"
        + " pass --kubeconfig, or start the local cluster (bin/dev-cluster start writes ./" + DEV_KUBECONFIG + ")");
  }

  /** {@code --context} alone: kubectl's KUBECONFIG, else the dev cluster's, else {@code ~/.kube/config}. */
  private static Path contextOnlyKubeconfig(Environment env) {
    String kc = env.variable("KUBECONFIG");
    if (kc != null) {
      return env.workingDir().resolve(kc.split(java.io.File.pathSeparator)[0]);
    }
    Path dev = env.workingDir().resolve(DEV_KUBECONFIG);
    return Files.exists(dev) ? dev : env.home().resolve(".kube/config");
  }

  /** {@code ~/.gloo/config}: {@code servers} (list or comma-separated), {@code token}, {@code caFile}. */
  static Servers fromGlooConfig(Path file) {
    JsonNode doc = readYaml(file);
    String where = file.toString();
    List<String> servers = new ArrayList<>();
    JsonNode s = doc.path("servers");
    if (s.isArray()) {
      s.forEach(n -> servers.add(n.asText()));
    } else if (s.isTextual()) {
      servers.add(s.asText());
    }
    if (servers.isEmpty()) {
      throw new CliException(where + ": 'servers' is missing (a list of https://host:port URLs)");
    }
    byte[] pem = null;
    if (doc.hasNonNull("caFile")) {
      pem = readCa(file.getParent().resolve(doc.get("caFile").asText()), where + ": caFile");
    }
    byte[] ca = pem;
    List<Endpoint> endpoints = urls(servers, where + ": servers").stream()
        .map(e -> new Endpoint(e.url(), ca, false)).toList();
    return new Servers(endpoints, doc.hasNonNull("token") ? doc.get("token").asText() : null,
        doc.hasNonNull("namespace") ? doc.get("namespace").asText() : null, where);
  }

  /**
   * A kubeconfig: with a context, that context's cluster; without one, every cluster of the file
   * as a failover list, the current context's first, each with its own CA.
   */
  static Servers fromKubeconfig(Path file, String contextName) {
    JsonNode doc = readYaml(file);
    String where = "kubeconfig " + file;
    String ctxName = contextName != null ? contextName : doc.path("current-context").asText("");
    JsonNode ctx = named(doc.path("contexts"), ctxName).path("context");
    if (contextName != null && ctx.isMissingNode()) {
      throw new CliException(where + ": no context named '" + contextName + "'");
    }
    if (ctx.isMissingNode() && doc.path("contexts").size() > 0) {
      ctx = doc.path("contexts").get(0).path("context");
    }
    String clusterName = ctx.path("cluster").asText("");
    List<JsonNode> clusters = new ArrayList<>();
    if (contextName != null) {
      JsonNode c = named(doc.path("clusters"), clusterName);
      if (c.isMissingNode()) {
        throw new CliException(where + ": context '" + contextName + "' names cluster '" + clusterName
            + "', which is not in the file");
      }
      clusters.add(c);
    } else {
      JsonNode current = named(doc.path("clusters"), clusterName);
      if (!current.isMissingNode()) {
        clusters.add(current);
      }
      for (JsonNode c : doc.path("clusters")) {
        if (!c.path("name").asText().equals(clusterName)) {
          clusters.add(c);
        }
      }
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (JsonNode c : clusters) {
      JsonNode cl = c.path("cluster");
      String cname = where + ": cluster '" + c.path("name").asText() + "'";
      URI url = url(cl.path("server").asText(""), cname + " server");
      byte[] pem = null;
      if (cl.hasNonNull("certificate-authority-data")) {
        try {
          pem = Base64.getMimeDecoder().decode(cl.get("certificate-authority-data").asText());
        } catch (IllegalArgumentException e) {
          throw new CliException(cname + ": certificate-authority-data is not base64");
        }
      } else if (cl.hasNonNull("certificate-authority")) {
        pem = readCa(file.toAbsolutePath().getParent().resolve(cl.get("certificate-authority").asText()),
            cname + " certificate-authority");
      }
      endpoints.add(new Endpoint(url, pem, cl.path("insecure-skip-tls-verify").asBoolean(false)));
    }
    JsonNode user = named(doc.path("users"), ctx.path("user").asText("")).path("user");
    String token = user.hasNonNull("token") ? user.get("token").asText() : null;
    if (token == null && user.hasNonNull("tokenFile")) {
      try {
        token = Files.readString(file.toAbsolutePath().getParent().resolve(user.get("tokenFile").asText())).strip();
      } catch (IOException e) {
        throw new CliException(where + ": cannot read tokenFile: " + e.getMessage());
      }
    }
    String ns = ctx.hasNonNull("namespace") ? ctx.get("namespace").asText() : null;
    return new Servers(endpoints, token, ns, where);
  }

  private static JsonNode named(JsonNode list, String name) {
    for (JsonNode n : list) {
      if (n.path("name").asText().equals(name)) {
        return n;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static List<Endpoint> urls(List<String> values, String where) {
    List<Endpoint> out = new ArrayList<>();
    for (String v : values) {
      for (String s : v.split(",")) {
        if (!s.isBlank()) {
          out.add(new Endpoint(url(s.strip(), where), null, false));
        }
      }
    }
    if (out.isEmpty()) {
      throw new CliException(where + ": no server URL given");
    }
    return out;
  }

  static URI url(String s, String where) {
    String v = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    try {
      URI u = new URI(v);
      // Nodes serve only https, and a bearer token must never travel in clear text.
      if (!"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new CliException(where + ": '" + s + "' is not an https://host:port URL");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new CliException(where + ": '" + s + "' is not a URL: " + e.getReason());
    }
  }

  private static byte[] readCa(Path file, String where) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliException(where + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static JsonNode readYaml(Path file) {
    try {
      JsonNode doc = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (doc == null || !doc.isObject()) {
        throw new CliException(file + ": not a YAML mapping");
      }
      return doc;
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  /** Keeps the token out of any output. */
  @Override
  public String toString() {
    return "Servers[" + endpoints + " from " + source + ", token=" + (token == null ? "none" : "(set)") + "]";
  }
}
