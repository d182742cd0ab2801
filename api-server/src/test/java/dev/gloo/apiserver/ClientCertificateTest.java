package dev.gloo.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kubectl authenticates with a client certificate of the configured CA, and only of that CA. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClientCertificateTest {
  @TempDir Path tmp;

  @Test
  void aCertificateOfTheClientCaAuthenticatesAndOneOfAnotherCaDoesNot() throws Exception {
    Path trusted = tmp.resolve("trusted");
    Path foreign = tmp.resolve("foreign");
    ServerTls.issueClientCertificate(trusted, "admin");
    ServerTls.issueClientCertificate(foreign, "admin");
    try (ProcessCluster c = new ProcessCluster(tmp, 1)) {
      c.addSetting("CLIENT_CA_FILE=" + trusted.resolve("client-ca.crt"));
      c.startAll();
      Path good = kubeconfig(c, trusted, "good");
      Path bad = kubeconfig(c, foreign, "bad");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      ProcessCluster.Result r;
      do {
        r = kubectl(good, "get", "namespace", "gloo-system", "-o", "name");
        Thread.sleep(300);
      } while (!r.out().contains("namespace/gloo-system") && System.nanoTime() < deadline);
      assertEquals(0, r.code(), r.out());
      assertTrue(r.out().contains("namespace/gloo-system"), r.out());
      ProcessCluster.Result refused = kubectl(bad, "get", "namespaces");
      assertNotEquals(0, refused.code(), refused.out());
    }
  }

  private static Path kubeconfig(ProcessCluster c, Path certs, String name) throws Exception {
    String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(c.dir.resolve("node1/tls/ca.crt")));
    String crt = Base64.getEncoder().encodeToString(Files.readAllBytes(certs.resolve("admin.crt")));
    String key = Base64.getEncoder().encodeToString(Files.readAllBytes(certs.resolve("admin.key")));
    Path f = c.dir.resolve(name + ".kubeconfig");
    Files.writeString(f, "apiVersion: v1\nkind: Config\nclusters:\n- name: node\n  cluster:\n    server: https://127.0.0.1:"
        + c.apiPorts.get("node1") + "\n    certificate-authority-data: " + ca + "\nusers:\n- name: admin\n  user:\n"
        + "    client-certificate-data: " + crt + "\n    client-key-data: " + key + "\ncontexts:\n- name: ctx\n"
        + "  context: {cluster: node, user: admin}\ncurrent-context: ctx\n");
    return f;
  }

  private static ProcessCluster.Result kubectl(Path kubeconfig, String... args) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl did not finish");
    }
    return new ProcessCluster.Result(p.exitValue(), new String(p.getInputStream().readAllBytes()));
  }
}
