package dev.gloo.glooapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Help, usage errors (exit 2), bad input before any request (exit 1), completion. */
class CliUsageTest {
  @TempDir Path dir;

  private Cli.Result run(String... args) {
    return Cli.run(Map.of(), dir, dir, "", args);
  }

  @Test
  void everyVerbHasHelp() {
    CommandLine cl = GlooApi.commandLine(new Environment(Map.of(), dir, dir, System.in),
        new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter()));
    List<List<String>> verbs = new java.util.ArrayList<>();
    collect(cl, List.of(), verbs);
    assertTrue(verbs.size() >= 15, "verbs: " + verbs);
    for (List<String> verb : verbs) {
      List<String> args = new java.util.ArrayList<>(verb);
      args.add("--help");
      Cli.Result r = run(args.toArray(String[]::new));
      assertEquals(0, r.code(), verb + ": " + r);
      assertTrue(r.out().startsWith("Usage: glooapi" + (verb.isEmpty() ? "" : " " + String.join(" ", verb))),
          verb + ": " + r.out());
    }
  }

  private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
    out.add(prefix);
    cl.getSubcommands().forEach((name, sub) -> {
      if (!sub.getCommandSpec().aliases().equals(new String[0]) && List.of(sub.getCommandSpec().aliases()).contains(name)) {
        return;
      }
      List<String> p = new java.util.ArrayList<>(prefix);
      p.add(name);
      collect(sub, p, out);
    });
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    for (String[] args : List.of(new String[] {"get"}, new String[] {"frobnicate"}, new String[] {"apply"},
        new String[] {"get", "gtw", "--output"}, new String[] {"wait", "gtw/x"}, new String[] {"create"},
        new String[] {"get", "gtw", "--request-timeout", "soon"},
        new String[] {"cluster", "join", "node4"}, new String[] {"cluster", "join", "Node_4", "--raft-address", "h:1"},
        new String[] {"cluster", "join", "node4", "--raft-address", "nohostport"}, new String[] {"cluster", "remove"},
        new String[] {"cluster", "transfer-leader", "--to", "NODE 2"}, new String[] {"snapshot"},
        new String[] {"snapshot", "restore", "s.zip", "--data-dir", "d", "--name", "n1"},
        new String[] {"snapshot", "restore", "s.zip", "--data-dir", "d", "--name", "n1", "--initial-cluster", "n1=h:1,n2=h:2"},
        new String[] {"snapshot", "restore", "s.zip", "--data-dir", "d", "--name", "n1", "--initial-cluster", "n1=h:1",
            "--cluster-id", "not-a-uuid"})) {
      Cli.Result r = run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r);
      assertEquals(1, r.err().lines().count(), String.join(" ", args) + ": " + r);
      assertTrue(r.err().startsWith("error: "), r.err());
    }
  }

  @Test
  void badInputExitsOneWithOneLineBeforeAnyRequest() throws java.io.IOException {
    java.nio.file.Files.writeString(dir.resolve("not-a-snapshot.zip"), "hello");
    java.nio.file.Files.writeString(dir.resolve("ca.crt"), "an existing CA");
    // No server is configured: these must fail on their input, not on the connection.
    Object[][] cases = {
        {new String[] {"get", "widgets"}, "error: the server doesn't have a resource type \"widgets\""},
        {new String[] {"get", "gtw", "-o", "xml"}, "error: unable to match a printer suitable for the output format \"xml\""},
        {new String[] {"wait", "--for=ready", "gtw/x"}, "error: --for: unrecognized condition 'ready'"},
        {new String[] {"completion", "fish"}, "error: unsupported shell 'fish'"},
        {new String[] {"apply", "-f", "missing.yaml"}, "error: the path \"missing.yaml\" does not exist"},
        {new String[] {"cluster", "init-ca", "--dir", "."}, "error: " + dir.resolve(".") + " already holds a CA"},
        {new String[] {"snapshot", "restore", "missing.zip", "--data-dir", "d", "--name", "n1", "--initial-cluster",
            "n1=127.0.0.1:9301"}, "error: missing.zip: no such file"},
        {new String[] {"snapshot", "restore", "not-a-snapshot.zip", "--data-dir", "d", "--name", "n1", "--initial-cluster",
            "n1=127.0.0.1:9301"}, "error: " + dir.resolve("not-a-snapshot.zip") + " is not a gloo-control snapshot"},
    };
    for (Object[] c : cases) {
      Cli.Result r = run((String[]) c[0]);
      assertEquals(1, r.code(), r.toString());
      assertTrue(r.err().startsWith((String) c[1]), r.toString());
      assertEquals(1, r.err().lines().count(), r.toString());
    }
  }

  @Test
  void initCaWritesACaCertificateAndAPrivateKey() throws Exception {
    Cli.Result r = run("cluster", "init-ca", "--dir", "pki");
    assertEquals(0, r.code(), r.toString());
    java.security.cert.X509Certificate ca = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
        .getInstance("X.509").generateCertificate(java.nio.file.Files.newInputStream(dir.resolve("pki/ca.crt")));
    assertTrue(ca.getBasicConstraints() >= 0, "a CA certificate");
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        java.nio.file.Files.getPosixFilePermissions(dir.resolve("pki/ca.key"))));
  }

  @Test
  void noServerSaysHowToConfigureOne() {
    Cli.Result r = run("get", "gateways");
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("error: no server given: pass --server"), r.err());
  }

  @Test
  void unreachableServersAreNamedWithTheirFailure() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    Cli.Result r = run("get", "gateways", "--server", "https://127.0.0.1:" + p1 + ",https://127.0.0.1:" + p2);
    assertEquals(1, r.code());
    assertEquals("error: no server could answer GET /apis/gateway.networking.k8s.io/v1/namespaces/default/gateways: "
        + "https://127.0.0.1:" + p1 + ": connection refused; https://127.0.0.1:" + p2 + ": connection refused\n", r.err());
  }

  @Test
  void completionIsABashScriptCoveringTheVerbs() {
    Cli.Result r = run("completion", "bash");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("#!/usr/bin/env bash"));
    for (String verb : List.of("apply", "get", "delete", "describe", "wait", "envoy", "bootstrap", "cluster", "status")) {
      assertTrue(r.out().contains(verb), verb);
    }
    assertTrue(r.out().contains("complete -F"), "registers a completion function");
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
