package dev.gloo.translator.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.Optional;

/** {@code options.timeout} and {@code options.retries} of a RouteOption. */
public final class TimeoutRetryPlugin implements OptionsPlugin {
  @Override
  public void applyToRoute(PolicySource source, Route.Builder route, PluginContext ctx) {
    JsonNode options = source.options();
    if (!route.hasRoute()) {
      return;
    }
    if (options.has("timeout")) {
      Optional<Duration> d = GlooDurations.parse(options.path("timeout").asText());
      if (d.isPresent()) {
        route.getRouteBuilder().setTimeout(d.get());
      } else {
        ctx.problem(source.policy(), "options.timeout: not a duration: " + options.path("timeout").asText());
      }
    }
    JsonNode retries = options.path("retries");
    if (retries.isObject()) {
      RetryPolicy.Builder p = RetryPolicy.newBuilder()
          .setRetryOn(retries.path("retryOn").asText("5xx"))
          .setNumRetries(UInt32Value.of(retries.path("numRetries").asInt(1)));
      if (retries.has("perTryTimeout")) {
        Optional<Duration> d = GlooDurations.parse(retries.path("perTryTimeout").asText());
        if (d.isPresent()) {
          p.setPerTryTimeout(d.get());
        } else {
          ctx.problem(source.policy(), "options.retries.perTryTimeout: not a duration");
        }
      }
      route.getRouteBuilder().setRetryPolicy(p);
    }
  }
}
