package dev.tapio.plugin.debug;

import java.util.function.LongSupplier;

/**
 * The Collector's (zap's) log sampling: in each one-second window the first {@code initial}
 * messages pass, then every {@code thereafter}-th; {@code thereafter} 0 lets none more through.
 * Thread-safe.
 */
final class Sampler {
  private static final long WINDOW_NANOS = 1_000_000_000L;

  private final int initial;
  private final int thereafter;
  private final LongSupplier nanoClock;
  private long window = Long.MIN_VALUE;
  private long seen;

  Sampler(int initial, int thereafter, LongSupplier nanoClock) {
    this.initial = initial;
    this.thereafter = thereafter;
    this.nanoClock = nanoClock;
  }

  /** Counts one message and says whether to print it. */
  synchronized boolean sample() {
    long w = Math.floorDiv(nanoClock.getAsLong(), WINDOW_NANOS);
    if (w != window) {
      window = w;
      seen = 0;
    }
    seen++;
    if (seen <= initial) {
      return true;
    }
    return thereafter > 0 && (seen - initial) % thereafter == 0;
  }
}
