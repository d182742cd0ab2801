package dev.gloo.api.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlEndpointsTest {
  @TempDir Path dir;

  @Test
  void readsServersTokenFileAndCaFile() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "  secret-token\n");
    Path ca = Files.writeString(dir.resolve("ca.crt"), "pem");
    ControlEndpoints e = ControlEndpoints.fromSettings(Map.of(
        "CONTROL_SERVERS", "https://10.0.0.1:6443, https://10.0.0.2:6443/,,https://cp3.example:6443",
        "CONTROL_TOKEN_FILE", token.toString(),
        "CONTROL_CA_FILE", ca.toString()));
    assertEquals(List.of(URI.create("https://10.0.0.1:6443"), URI.create("https://10.0.0.2:6443"),
        URI.create("https://cp3.example:6443")), e.servers());
    assertEquals("secret-token", e.token());
    assertEquals(ca, e.caFile());
    assertFalse(e.toString().contains("secret-token"), e.toString());
  }

  @Test
  void tokenAndCaAreOptional() {
    ControlEndpoints e = ControlEndpoints.fromSettings(Map.of("CONTROL_SERVERS", "https://127.0.0.1:6443"));
    assertNull(e.token());
    assertNull(e.caFile());
  }

  @Test
  void refusesMissingOrPlainHttpServersAndUnreadableFiles() {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> ControlEndpoints.fromSettings(Map.of()));
    assertTrue(none.getMessage().contains("CONTROL_SERVERS is required"), none.getMessage());
    IllegalArgumentException http = assertThrows(IllegalArgumentException.class,
        () -> ControlEndpoints.fromSettings(Map.of("CONTROL_SERVERS", "http://127.0.0.1:6443")));
    assertTrue(http.getMessage().contains("is not an https://host:port URL"), http.getMessage());
    IllegalArgumentException token = assertThrows(IllegalArgumentException.class,
        () -> ControlEndpoints.fromSettings(Map.of("CONTROL_SERVERS", "https://127.0.0.1:6443",
            "CONTROL_TOKEN_FILE", dir.resolve("missing").toString())));
    assertTrue(token.getMessage().startsWith("CONTROL_TOKEN_FILE: cannot read"), token.getMessage());
    IllegalArgumentException ca = assertThrows(IllegalArgumentException.class,
        () -> ControlEndpoints.fromSettings(Map.of("CONTROL_SERVERS", "https://127.0.0.1:6443",
            "CONTROL_CA_FILE", dir.resolve("missing.crt").toString())));
    assertTrue(ca.getMessage().startsWith("CONTROL_CA_FILE: cannot read"), ca.getMessage());
  }
}
