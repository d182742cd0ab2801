package dev.gloo.extauth.auth;

import java.util.Map;
import java.util.Optional;

/**
 * What a check sees of one HTTP request, as Envoy describes it in a CheckRequest.
 *
 * @param headers header names in lower case (Envoy sends them so); repeated headers joined by
 *     Envoy with ','
 */
public record AuthRequest(String method, String host, String path, Map<String, String> headers) {
  public AuthRequest {
    headers = Map.copyOf(headers);
  }

  public Optional<String> header(String lowerCaseName) {
    return Optional.ofNullable(headers.get(lowerCaseName));
  }

  /** Keeps credentials out of logs. */
  @Override
  public String toString() {
    return "AuthRequest[" + method + " " + host + path + ", headers=" + headers.keySet() + "]";
  }
}
