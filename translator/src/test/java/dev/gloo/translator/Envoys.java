package dev.gloo.translator;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;

/** Reading translated Envoy resources in tests. */
final class Envoys {
  private Envoys() {}

  static HttpConnectionManager hcm(Listener l) {
    try {
      return l.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
