package dev.tapio.plugin.synthetic;

import java.util.function.LongSupplier;

/**
 * Token-bucket pacing for a target rate: each batch reserves its records' share of time and is
 * told how long to wait first. Reservations are made against a virtual schedule rather than the
 * time the caller actually woke up, so oversleeping one batch shortens the next wait and the
 * average rate holds. Credit a stalled caller may catch up with is capped at {@code burst}, so a
 * pause downstream does not turn into an unbounded burst afterwards.
 *
 * <p>Not thread-safe: one generator thread uses it.
 */
final class Pacer {
  /** Catch-up allowed at least, whatever the batch size: absorbs scheduler and GC jitter. */
  static final long MIN_BURST_NANOS = 50_000_000L;

  private final double nanosPerRecord;
  private final long burstNanos;
  private final LongSupplier nanoClock;
  private boolean started;
  private long next;
  private double carry;

  /**
   * @param recordsPerSecond the target rate, > 0
   * @param batchSize the records per reservation, which sets the burst allowance
   * @param nanoClock a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests
   */
  Pacer(double recordsPerSecond, int batchSize, LongSupplier nanoClock) {
    if (!(recordsPerSecond > 0)) {
      throw new IllegalArgumentException("rate must be > 0, got " + recordsPerSecond);
    }
    this.nanosPerRecord = 1e9 / recordsPerSecond;
    this.burstNanos = Math.max(MIN_BURST_NANOS, (long) (nanosPerRecord * batchSize));
    this.nanoClock = nanoClock;
  }

  /** Reserves {@code records}; returns the nanoseconds to wait before emitting them (>= 0). */
  long reserve(int records) {
    long now = nanoClock.getAsLong();
    if (!started) {
      started = true;
      next = now;
    } else if (now - next > burstNanos) {
      next = now - burstNanos;
    }
    long wait = next - now;
    // Carry the fraction of a nanosecond so that rates like 3/s do not drift.
    double step = records * nanosPerRecord + carry;
    long whole = (long) step;
    carry = step - whole;
    next += whole;
    return Math.max(0, wait);
  }
}
