package dev.gloo.extauth.check;

import com.google.protobuf.BoolValue;
import dev.gloo.extauth.auth.AuthRequest;
import dev.gloo.extauth.auth.Decision;
import dev.gloo.extauth.auth.Header;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Translation between Envoy's ext_authz v3 messages and our request and decision types. */
public final class EnvoyMessages {
  /** The context extension the translator sets on every route with auth. */
  public static final String CONFIG_ID = "config_id";

  private EnvoyMessages() {}

  /**
   * The HTTP request a CheckRequest describes. Envoy sends headers either in the {@code headers}
   * map or, with {@code encode_raw_headers}, in {@code header_map}; both are read, and repeated
   * names are joined with ',' as Envoy itself does.
   */
  public static AuthRequest request(CheckRequest check) {
    AttributeContext.HttpRequest http = check.getAttributes().getRequest().getHttp();
    Map<String, String> headers = new HashMap<>();
    http.getHeadersMap().forEach((k, v) -> headers.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b));
    for (HeaderValue h : http.getHeaderMap().getHeadersList()) {
      String value = h.getRawValue().isEmpty() ? h.getValue() : h.getRawValue().toString(StandardCharsets.UTF_8);
      headers.merge(h.getKey().toLowerCase(Locale.ROOT), value, (a, b) -> a + "," + b);
    }
    return new AuthRequest(http.getMethod(), http.getHost(), http.getPath(), headers);
  }

  public static CheckResponse response(Decision d) {
    if (d.allowed()) {
      OkHttpResponse.Builder ok = OkHttpResponse.newBuilder();
      for (Header h : d.headers()) {
        ok.addHeaders(option(h));
      }
      ok.addAllHeadersToRemove(d.removeUpstream());
      return CheckResponse.newBuilder()
          .setStatus(com.google.rpc.Status.newBuilder().setCode(io.grpc.Status.Code.OK.value()))
          .setOkResponse(ok)
          .build();
    }
    DeniedHttpResponse.Builder denied = DeniedHttpResponse.newBuilder()
        .setStatus(HttpStatus.newBuilder().setCode(statusCode(d.status())));
    for (Header h : d.headers()) {
      denied.addHeaders(option(h));
    }
    io.grpc.Status.Code code = d.status() == 401 ? io.grpc.Status.Code.UNAUTHENTICATED
        : io.grpc.Status.Code.PERMISSION_DENIED;
    return CheckResponse.newBuilder()
        .setStatus(com.google.rpc.Status.newBuilder().setCode(code.value()))
        .setDeniedResponse(denied)
        .build();
  }

  private static HeaderValueOption option(Header h) {
    // In ext_authz responses an unset append means "replace"; saying it outright reads clearer.
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(h.name()).setValue(h.value()))
        .setAppend(BoolValue.of(h.append()))
        .build();
  }

  private static StatusCode statusCode(int status) {
    StatusCode c = StatusCode.forNumber(status);
    return c != null ? c : StatusCode.Forbidden;
  }
}
