package dev.gloo.apiserver.http;

import dev.gloo.apiserver.objects.ApiException;
import java.util.Map;

/**
 * Operator endpoints beside the Kubernetes API, under {@code /gloo/v1/} on the same port and
 * with the same authentication (what {@code glooapi} uses for Envoy config and cluster state).
 */
public interface OperationsApi {
  /** A response body and its content type. */
  record Response(int code, String contentType, byte[] body) {}

  /**
   * Answers {@code method path} ({@code path} without the {@code /gloo/v1} prefix).
   *
   * @throws ApiException for a 4xx with a {@code Status}
   */
  Response handle(String method, String path, Map<String, String[]> query, byte[] body);
}
