package dev.gloo.glooapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {
  @TempDir Path dir;

  private static ByteArrayInputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsMultiDocumentYamlFoldersStdinAndLists() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), "kind: A\n---\n# only a comment\n---\nkind: B\n");
    Files.createDirectories(dir.resolve("more"));
    Files.writeString(dir.resolve("more/2.yml"), "kind: D\n");
    Files.writeString(dir.resolve("more/1.json"), "{\"kind\":\"C\"}");
    Files.writeString(dir.resolve("more/notes.txt"), "not a manifest");
    List<Manifests.Manifest> m = Manifests.read(List.of("a.yaml", "more", "-"), dir,
        in("kind: List\nitems:\n- kind: E\n- kind: F\n"));
    assertEquals(List.of("A", "B", "C", "D", "E", "F"), m.stream().map(x -> x.object().path("kind").asText()).toList());
    assertEquals("a.yaml (document 3)", m.get(1).source());
    assertEquals("more/1.json", m.get(2).source());
  }

  @Test
  void badInputNamesTheFile() throws Exception {
    assertEquals("the path \"nope.yaml\" does not exist",
        assertThrows(CliException.class, () -> Manifests.read(List.of("nope.yaml"), dir, in(""))).getMessage());
    Files.writeString(dir.resolve("bad.yaml"), "kind: [unclosed\n");
    assertTrue(assertThrows(CliException.class, () -> Manifests.read(List.of("bad.yaml"), dir, in("")))
        .getMessage().startsWith("error parsing bad.yaml: "));
    Files.writeString(dir.resolve("empty.yaml"), "---\n");
    assertTrue(assertThrows(CliException.class, () -> Manifests.read(List.of("empty.yaml"), dir, in("")))
        .getMessage().startsWith("no objects passed"));
    Files.writeString(dir.resolve("scalar.yaml"), "just text\n");
    assertEquals("scalar.yaml: a document is not an object",
        assertThrows(CliException.class, () -> Manifests.read(List.of("scalar.yaml"), dir, in(""))).getMessage());
  }
}
