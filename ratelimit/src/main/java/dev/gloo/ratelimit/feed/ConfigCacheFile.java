package dev.gloo.ratelimit.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last RateLimitConfig list received, on disk, so that a rate limiter restarted while no
 * control node answers still enforces the last good configs (DESIGN invariant 8 across
 * restarts). Written whole to a temporary file and renamed, so a crash never leaves half a file.
 */
public final class ConfigCacheFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public ConfigCacheFile(Path file) {
    this.file = file;
  }

  public record Contents(Map<String, JsonNode> objects, long revision) {}

  /** @return the saved list, or null when there is none */
  public Contents load() throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    JsonNode root = JSON.readTree(file.toFile());
    if (root == null || !root.path("objects").isObject() || !root.path("revision").canConvertToLong()) {
      throw new IOException(file + " is not a rate limit config cache");
    }
    Map<String, JsonNode> objects = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("objects").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      objects.put(e.getKey(), e.getValue());
    }
    return new Contents(objects, root.path("revision").asLong());
  }

  public void save(Map<String, JsonNode> objects, long revision) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("revision", revision);
    ObjectNode o = root.putObject("objects");
    objects.forEach(o::set);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), root);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
