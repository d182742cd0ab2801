package dev.gloo.ratelimit.config;

/** How a descriptor tree node is looked up: by key and value, or by key alone ({@code value == null}). */
public record EntryKey(String key, String value) {
  public static EntryKey wildcard(String key) {
    return new EntryKey(key, null);
  }
}
