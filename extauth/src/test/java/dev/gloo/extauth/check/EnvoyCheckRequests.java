package dev.gloo.extauth.check;

import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CheckRequests shaped as Envoy's ext_authz HTTP filter sends them: pseudo-headers and lower-case
 * headers in the headers map, the request line in method/path/host, peer addresses, and the
 * route's context extensions.
 */
public final class EnvoyCheckRequests {
  private EnvoyCheckRequests() {}

  public static CheckRequest of(String configId, String method, String path, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put(":authority", "api.example.com");
    all.put(":method", method);
    all.put(":path", path);
    all.put(":scheme", "http");
    all.put("user-agent", "curl/8.5.0");
    all.put("accept", "*/*");
    all.put("x-forwarded-proto", "http");
    all.put("x-request-id", "2f1d0b7e-3c4e-4f0b-9a1e-7b1f0c0d0e0f");
    headers.forEach((k, v) -> all.put(k.toLowerCase(java.util.Locale.ROOT), v));
    AttributeContext.Builder attributes = AttributeContext.newBuilder()
        .setSource(peer("10.0.0.7", 53214))
        .setDestination(peer("10.0.0.2", 8080))
        .setRequest(AttributeContext.Request.newBuilder()
            .setTime(Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000))
            .setHttp(AttributeContext.HttpRequest.newBuilder()
                .setId("4242")
                .setMethod(method)
                .setPath(path)
                .setHost("api.example.com")
                .setScheme("http")
                .setProtocol("HTTP/1.1")
                .putAllHeaders(all)));
    if (configId != null) {
      attributes.putContextExtensions(EnvoyMessages.CONFIG_ID, configId);
    }
    return CheckRequest.newBuilder().setAttributes(attributes).build();
  }

  private static AttributeContext.Peer peer(String ip, int port) {
    return AttributeContext.Peer.newBuilder()
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)))
        .build();
  }
}
