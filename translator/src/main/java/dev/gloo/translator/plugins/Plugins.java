package dev.gloo.translator.plugins;

import java.util.List;

/** The option plugins, in the order their HTTP filters run (authentication before counting). */
public final class Plugins {
  private Plugins() {}

  public static List<OptionsPlugin> all() {
    return List.of(new ExtAuthPlugin(), new RateLimitPlugin(), new TimeoutRetryPlugin(),
        new HeaderManipulationPlugin());
  }
}
