package dev.gloo.chaos.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdsMonitorTest {
  @Test
  void findsTheRouteNamesTheListenersAskFor() {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName("default/chaos-gw/http")).build();
    Listener l = Listener.newBuilder().setName("l").addFilterChains(FilterChain.newBuilder()
        .addFilters(Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(hcm)))).build();
    assertEquals(List.of("default/chaos-gw/http"), AdsMonitor.routeNamesOf(Any.pack(l)));
  }

  @Test
  void readsTheWriteCounterFromThePathPrefixWhateverMatchKindCarriesIt() {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r").addVirtualHosts(VirtualHost.newBuilder()
        .setName("vh").addDomains("*")
        .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPathSeparatedPrefix("/v12")))
        .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/v3")))).build();
    assertEquals(12, AdsMonitor.counterOf(Any.pack(rc)));
    assertEquals(0, AdsMonitor.counterOf(Any.pack(RouteConfiguration.newBuilder().setName("empty").build())));
  }
}
