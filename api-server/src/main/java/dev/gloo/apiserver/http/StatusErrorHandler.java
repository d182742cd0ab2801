package dev.gloo.apiserver.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.apiserver.objects.ApiException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches the API (a malformed URI, an oversized
 * header), as {@code Status} JSON like every other API error, instead of an HTML page.
 */
public final class StatusErrorHandler extends ErrorHandler {
  private final ObjectMapper json = new ObjectMapper();

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) throws IOException {
    String reason = switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 413 -> "RequestEntityTooLarge";
      case 414, 431 -> "RequestURITooLong";
      default -> code >= 500 ? "InternalError" : "BadRequest";
    };
    String text = message == null || message.isBlank() ? "the request could not be handled (HTTP " + code + ")" : message;
    byte[] body = json.writeValueAsBytes(new ApiException(code, reason, text, null).toStatus());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    // Jetty drops the connection after a request it could not parse; say so, so that the
    // client opens a new one instead of reusing this one.
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
