package dev.gloo.ratelimit.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCacheFileTest {
  @Test
  void whatIsSavedLoadsBackAndNothingSavedLoadsAsNull(@TempDir Path dir) throws IOException {
    ConfigCacheFile cache = new ConfigCacheFile(dir.resolve("configs.json"));
    assertNull(cache.load());
    JsonNode config = new ObjectMapper().readTree("{\"metadata\": {\"name\": \"rl\", \"namespace\": \"ns\"}}");
    cache.save(Map.of("ns/rl", config), 42);
    ConfigCacheFile.Contents back = cache.load();
    assertEquals(42, back.revision());
    assertEquals(Map.of("ns/rl", config), back.objects());
    cache.save(Map.of(), 43);
    assertEquals(Map.of(), cache.load().objects(), "a later, emptier list replaces the file whole");
  }

  @Test
  void aFileThatIsNotACacheIsAnError(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("configs.json"), "[1, 2]");
    assertThrows(IOException.class, () -> new ConfigCacheFile(file).load());
  }
}
