package dev.gloo.xds.internal;

import dev.gloo.xds.ReadBarrier;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/** What every stream of one server shares. */
public record StreamContext(
    SnapshotHub hub,
    ReadBarrier barrier,
    Duration barrierTimeout,
    ControlPlane controlPlane,
    GatewayCounters counters,
    Executor executor,
    AtomicLong streamIds) {}
