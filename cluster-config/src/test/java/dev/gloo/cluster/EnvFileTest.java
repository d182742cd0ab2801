package dev.gloo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvFileTest {
  @Test
  void readsAssignmentsCommentsQuotesAndExport() {
    Map<String, String> env = EnvFile.parse("t.env", List.of(
        "# a comment",
        "",
        "NODE_ID=node1",
        "export DATA_DIR=/var/lib/gloo",
        "QUOTED=\"a value with spaces\"",
        "SINGLE='x=y'",
        "TRAILING=value # comment",
        "EMPTY="));
    assertEquals(Map.of("NODE_ID", "node1", "DATA_DIR", "/var/lib/gloo", "QUOTED", "a value with spaces",
        "SINGLE", "x=y", "TRAILING", "value", "EMPTY", ""), env);
  }

  @Test
  void aMalformedLineIsReportedWithItsFileAndLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> EnvFile.parse("node.env", List.of("A=1", "not an assignment")));
    assertTrue(e.getMessage().startsWith("node.env:2:"), e.getMessage());
    assertThrows(ConfigException.class, () -> EnvFile.parse("x", List.of("1BAD=x")));
    assertThrows(ConfigException.class, () -> EnvFile.parse("x", List.of("A=\"open")));
  }
}
