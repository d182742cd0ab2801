package dev.gloo.glooapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServersTest {
  @TempDir Path dir;

  private static final Servers.Flags NONE = new Servers.Flags(List.of(), null, null, false, null, null);

  private Environment env(Map<String, String> vars) throws IOException {
    Files.createDirectories(dir.resolve("home"));
    Files.createDirectories(dir.resolve("cwd"));
    return new Environment(vars, dir.resolve("home"), dir.resolve("cwd"), new ByteArrayInputStream(new byte[0]));
  }

  private Path kubeconfig(Path file) throws IOException {
    String ca1 = Base64.getEncoder().encodeToString("CA-ONE".getBytes(StandardCharsets.UTF_8));
    String ca2 = Base64.getEncoder().encodeToString("CA-TWO".getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n",
        "apiVersion: v1", "kind: Config", "clusters:",
        "- name: node1", "  cluster: {server: 'https://127.0.0.1:6441', certificate-authority-data: " + ca1 + "}",
        "- name: node2", "  cluster: {server: 'https://127.0.0.1:6442', certificate-authority-data: " + ca2 + "}",
        "- name: node3", "  cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}",
        "users:", "- name: admin", "  user: {token: kube-token}",
        "contexts:",
        "- name: node1", "  context: {cluster: node1, user: admin, namespace: infra}",
        "- name: node2", "  context: {cluster: node2, user: admin}",
        "current-context: node2", ""));
    return file;
  }

  @Test
  void serverFlagWinsAndSplitsCommas() throws IOException {
    kubeconfig(dir.resolve("cwd/data/kubeconfig"));
    Servers s = Servers.resolve(new Servers.Flags(List.of("https://a:1,https://b:2", "https://c:3/"), "t", null, false,
        null, null), env(Map.of("GLOO_SERVER", "https://env:1")));
    assertEquals(List.of("https://a:1", "https://b:2", "https://c:3"), s.endpoints().stream().map(e -> e.url().toString()).toList());
    assertEquals("t", s.token());
  }

  @Test
  void kubeconfigWithoutContextIsAFailoverListCurrentClusterFirstEachWithItsCa() throws IOException {
    Path kc = kubeconfig(dir.resolve("kc"));
    Servers s = Servers.resolve(new Servers.Flags(List.of(), null, null, false, kc, null), env(Map.of()));
    assertEquals(List.of("https://127.0.0.1:6442", "https://127.0.0.1:6441", "https://127.0.0.1:6443"),
        s.endpoints().stream().map(e -> e.url().toString()).toList());
    assertEquals("CA-TWO", new String(s.endpoints().get(0).caPem(), StandardCharsets.UTF_8));
    assertEquals("CA-ONE", new String(s.endpoints().get(1).caPem(), StandardCharsets.UTF_8));
    assertTrue(s.endpoints().get(2).insecure());
    assertEquals("kube-token", s.token());
  }

  @Test
  void kubeconfigContextPicksOneClusterAndItsNamespace() throws IOException {
    Path kc = kubeconfig(dir.resolve("kc"));
    Servers s = Servers.resolve(new Servers.Flags(List.of(), null, null, false, kc, "node1"), env(Map.of()));
    assertEquals(1, s.endpoints().size());
    assertEquals("https://127.0.0.1:6441", s.endpoints().get(0).url().toString());
    assertEquals("infra", s.namespace());
    CliException e = assertThrows(CliException.class,
        () -> Servers.resolve(new Servers.Flags(List.of(), null, null, false, kc, "nope"), env(Map.of())));
    assertTrue(e.getMessage().contains("no context named 'nope'"), e.getMessage());
  }

  @Test
  void contextAloneReadsKubeconfigEnvElseTheDevClusters() throws IOException {
    kubeconfig(dir.resolve("cwd/data/kubeconfig"));
    Servers dev = Servers.resolve(new Servers.Flags(List.of(), null, null, false, null, "node1"), env(Map.of()));
    assertEquals("https://127.0.0.1:6441", dev.endpoints().get(0).url().toString());
    assertTrue(dev.source().endsWith("data/kubeconfig"), dev.source());
    Path other = kubeconfig(dir.resolve("elsewhere/kc"));
    Servers fromEnv = Servers.resolve(new Servers.Flags(List.of(), null, null, false, null, "node1"),
        env(Map.of("KUBECONFIG", other.toString())));
    assertTrue(fromEnv.source().endsWith("elsewhere/kc"), fromEnv.source());
  }

  @Test
  void envComesBeforeGlooConfigWhichComesBeforeTheDevKubeconfig() throws IOException {
    kubeconfig(dir.resolve("cwd/data/kubeconfig"));
    Environment noVars = env(Map.of());
    assertEquals("https://127.0.0.1:6442", Servers.resolve(NONE, noVars).endpoints().get(0).url().toString(),
        "./data/kubeconfig is the last resort");

    Files.createDirectories(dir.resolve("home/.gloo"));
    Files.writeString(dir.resolve("home/.gloo/ca.pem"), "CONFIG-CA");
    Files.writeString(dir.resolve("home/.gloo/config"),
        "servers: [https://cfg1:7443, https://cfg2:7443]\ntoken: cfg-token\ncaFile: ca.pem\n");
    Servers fromConfig = Servers.resolve(NONE, noVars);
    assertEquals("https://cfg1:7443", fromConfig.endpoints().get(0).url().toString());
    assertEquals(2, fromConfig.endpoints().size());
    assertEquals("cfg-token", fromConfig.token());
    assertEquals("CONFIG-CA", new String(fromConfig.endpoints().get(1).caPem(), StandardCharsets.UTF_8));

    Files.writeString(dir.resolve("cwd/env-ca.pem"), "ENV-CA");
    Servers fromEnv = Servers.resolve(NONE, env(Map.of("GLOO_SERVER", "https://e1:1,https://e2:2",
        "GLOO_TOKEN", "env-token", "GLOO_CA_FILE", "env-ca.pem")));
    assertEquals(List.of("https://e1:1", "https://e2:2"), fromEnv.endpoints().stream().map(e -> e.url().toString()).toList());
    assertEquals("env-token", fromEnv.token());
    assertEquals("ENV-CA", new String(fromEnv.endpoints().get(0).caPem(), StandardCharsets.UTF_8));
  }

  @Test
  void tokenAndCaFlagsOverrideTheSourcesOwn() throws IOException {
    Path kc = kubeconfig(dir.resolve("kc"));
    Files.writeString(dir.resolve("flag-ca.pem"), "FLAG-CA");
    Servers s = Servers.resolve(new Servers.Flags(List.of(), "flag-token", dir.resolve("flag-ca.pem"), false, kc, null),
        env(Map.of("GLOO_TOKEN", "env-token")));
    assertEquals("flag-token", s.token());
    s.endpoints().forEach(e -> assertEquals("FLAG-CA", new String(e.caPem(), StandardCharsets.UTF_8)));
  }

  @Test
  void theCheckoutsDevKubeconfigIsFoundFromAnyFolder() throws IOException {
    Path kc = kubeconfig(dir.resolve("checkout/data/kubeconfig"));
    Servers s = Servers.resolve(NONE, env(Map.of("GLOO_DEV_KUBECONFIG", kc.toString())));
    assertEquals(3, s.endpoints().size());
    assertEquals("kubeconfig " + kc, s.source());
  }

  @Test
  void nothingConfiguredSaysWhatToDo() throws IOException {
    CliException e = assertThrows(CliException.class, () -> Servers.resolve(NONE, env(Map.of())));
    assertTrue(e.getMessage().contains("--server") && e.getMessage().contains("GLOO_SERVER")
        && e.getMessage().contains("data/kubeconfig"), e.getMessage());
  }

  @Test
  void badInputIsOneClearLine() throws IOException {
    Environment env = env(Map.of());
    assertTrue(assertThrows(CliException.class, () -> Servers.resolve(
        new Servers.Flags(List.of("http://plain:80"), null, null, false, null, null), env)).getMessage()
        .contains("not an https://host:port URL"));
    assertTrue(assertThrows(CliException.class, () -> Servers.resolve(
        new Servers.Flags(List.of("https://a:1"), null, dir.resolve("missing.pem"), false, null, null), env)).getMessage()
        .contains("--certificate-authority: cannot read"));
    Files.writeString(dir.resolve("broken"), "clusters: [unclosed");
    assertTrue(assertThrows(CliException.class, () -> Servers.resolve(
        new Servers.Flags(List.of(), null, null, false, dir.resolve("broken"), null), env)).getMessage()
        .startsWith("cannot read " + dir.resolve("broken")));
    assertNull(Servers.resolve(new Servers.Flags(List.of("https://a:1"), null, null, false, null, null), env).token());
  }
}
