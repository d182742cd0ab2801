package dev.gloo.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of a range read, taken at store {@code revision}. {@code continueAfter} is the last
 * key of this page when more keys follow under the prefix; pass it back to read the next page.
 */
public record RangeResult(List<KeyValue> items, long revision, Optional<String> continueAfter) {
  public RangeResult {
    items = List.copyOf(items);
  }
}
