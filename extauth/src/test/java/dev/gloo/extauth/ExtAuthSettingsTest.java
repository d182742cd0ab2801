package dev.gloo.extauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtAuthSettingsTest {
  @TempDir Path dir;

  @Test
  void readsAnEnvFileWithOverrides() throws Exception {
    Files.writeString(dir.resolve("token"), "t0k\n");
    Path env = Files.writeString(dir.resolve("gloo-extauth.env"), """
        # /etc/gloo/gloo-extauth.env
        CONTROL_SERVERS=https://10.0.0.1:6443,https://10.0.0.2:6443
        export CONTROL_TOKEN_FILE="%s"
        SOCKET_PATH=/run/gloo/other.sock   # comment
        SOCKET_MODE=0600
        """.formatted(dir.resolve("token")));
    ExtAuthSettings s = ExtAuthSettings.from(ExtAuthSettings.parseArgs(new String[] {
        "--env-file", env.toString(), "--set", "TCP_ADDRESS=127.0.0.1:8083"}));
    assertEquals(List.of(URI.create("https://10.0.0.1:6443"), URI.create("https://10.0.0.2:6443")), s.control().servers());
    assertEquals("t0k", s.control().token());
    assertEquals(Path.of("/run/gloo/other.sock"), s.socketPath());
    assertEquals(PosixFilePermissions.fromString("rw-------"), s.socketPermissions());
    assertEquals(Optional.of(new InetSocketAddress("127.0.0.1", 8083)), s.tcpAddress());
  }

  @Test
  void defaultsToTheStandardSocketWithGroupAccessAndNoTcp() {
    ExtAuthSettings s = ExtAuthSettings.from(Map.of("CONTROL_SERVERS", "https://127.0.0.1:6443"));
    assertEquals(ExtAuthSettings.DEFAULT_SOCKET, s.socketPath());
    assertEquals(PosixFilePermissions.fromString("rw-rw----"), s.socketPermissions());
    assertEquals(Optional.empty(), s.tcpAddress());
  }

  @Test
  void badSettingsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ExtAuthSettings.from(Map.of()))
        .getMessage().startsWith("CONTROL_SERVERS is required"));
    assertEquals("TCP_ADDRESS: '8083' is not host:port", assertThrows(IllegalArgumentException.class,
        () -> ExtAuthSettings.from(Map.of("CONTROL_SERVERS", "https://h:1", "TCP_ADDRESS", "8083"))).getMessage());
    assertEquals("SOCKET_MODE: 'rw' is not an octal mode like 660", assertThrows(IllegalArgumentException.class,
        () -> ExtAuthSettings.from(Map.of("CONTROL_SERVERS", "https://h:1", "SOCKET_MODE", "rw"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ExtAuthSettings.parseArgs(new String[] {"--bogus"}))
        .getMessage().startsWith("unexpected argument --bogus"));
  }
}
