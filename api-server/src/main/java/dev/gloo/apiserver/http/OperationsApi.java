package dev.gloo.apiserver.http;

import dev.gloo.apiserver.objects.ApiException;
import java.util.Map;

/**
 * Operator endpoints beside the Kubernetes API, under {@code /gloo/v1/} on the same port and
 * with the same authentication (what {@code glooapi} uses for Envoy config and cluster state).
 */
public interface OperationsApi {
  /**
   * A response: its body, or a temporary {@code file} that is sent and then deleted (for bodies
   * too large to hold in memory), and extra headers.
   */
  record Response(int code, String contentType, byte[] body, Map<String, String> headers, java.nio.file.Path file) {
    public Response(int code, String contentType, byte[] body) {
      this(code, contentType, body, Map.of(), null);
    }

    /** Sends {@code file} as the body and deletes it afterwards. */
    public static Response temporaryFile(String contentType, java.nio.file.Path file, Map<String, String> headers) {
      return new Response(200, contentType, null, Map.copyOf(headers), file);
    }
  }

  /**
   * Answers {@code method path} ({@code path} without the {@code /gloo/v1} prefix).
   *
   * @throws ApiException for a 4xx with a {@code Status}
   */
  Response handle(String method, String path, Map<String, String[]> query, byte[] body);
}
