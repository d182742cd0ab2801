package dev.gloo.xds;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A barrier whose cluster revision the test sets; counts its calls. */
public final class TestBarrier implements ReadBarrier {
  private final AtomicLong revision;
  public final AtomicInteger calls = new AtomicInteger();

  public TestBarrier(long revision) {
    this.revision = new AtomicLong(revision);
  }

  public void set(long value) {
    revision.set(value);
  }

  @Override
  public CompletableFuture<Long> revision() {
    calls.incrementAndGet();
    return CompletableFuture.completedFuture(revision.get());
  }
}
