package dev.tapio.bpf.receiver;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfMap;

/**
 * The rate-adaptive wake-up threshold of an eBPF receiver's ring: how many pending bytes make
 * the kernel wake the reader. Each wake-up costs the same whatever it brings (a context switch
 * of the poll thread, a batch handed to the pipeline thread, which wakes too), so a low rate
 * should wake rarely; a high rate must still be read within the latency budget (p99 under 1 ms
 * at {@value #FULL_RATE} events/s: the p99 is about the interval). The reader measures the
 * event and byte rates over each {@value #WINDOW_MILLIS} ms and aims for a wake-up interval of
 *
 * <pre>  interval = 0.75 ms × (FULL_RATE / rate)³, between 0.75 ms and the poll timeout</pre>
 *
 * so wake-ups per second grow with the cube of the rate: 20/s (the poll timeout, 50 ms) up
 * to about 25k events/s, 167/s at 50k, 1,333/s at 100k and above, where the interval stays
 * 0.75 ms and each wake-up brings more. (The square woke a DNS agent at 10k queries/s, 20k
 * records, 53 times a second, and its pipeline thread as often, for a latency the budget does
 * not ask of that rate.) The threshold is the bytes that interval brings, at most a quarter of
 * the ring (the rest is headroom for a burst before the next window).
 *
 * <p>Idle: after a window without records the kernel is told to wake the reader at the first
 * record (threshold 1) and the reader waits {@value #IDLE_POLL_MILLIS} ms between polls instead
 * of the poll timeout, so an idle receiver wakes twice a second instead of 20 times, and the first
 * record after a quiet spell is read at once. The drain that brings it leaves idle: the configured
 * {@code wakeup_bytes} applies again until the next window has measured the rate, so a burst
 * does not wake the reader once per record.
 *
 * <p>Writes the program's {@code wakeup} array map (tapio_ring.h), which the kernel reads at
 * each record. Public for the benchmarks, which drive it as {@link RingPoller} does. Poll thread
 * only.
 */
public final class WakeupPolicy {
  /** Events per second from which the reader is woken at the shortest interval, 0.75 ms. */
  static final double FULL_RATE = 100_000;
  static final long WINDOW_MILLIS = 100;
  /** The poll timeout while idle. */
  static final int IDLE_POLL_MILLIS = 500;
  private static final long MIN_INTERVAL_NANOS = 750_000;

  private final BpfMap map;
  private final long idleThreshold;
  private final long pollTimeoutNanos;
  private final long ringBytes;
  private long windowStart;
  private long windowBytesAt;
  private long windowRecords;
  private long threshold;
  private boolean idle;

  /**
   * @param map the program's {@code wakeup} map
   * @param idleThreshold the configured {@code wakeup_bytes}: the threshold from the first
   *     records after a quiet spell until a window has measured their rate
   * @param pollTimeoutNanos the reader's poll timeout: the longest interval aimed for
   * @param ringBytes the ring's size
   * @param nowNanos {@link System#nanoTime()} now, the start of the first window
   * @param consumedBytes the ring's consumer position now ({@code RingBuffer.consumedBytes})
   */
  public WakeupPolicy(BpfMap map, long idleThreshold, long pollTimeoutNanos, long ringBytes,
      long nowNanos, long consumedBytes) {
    this.map = map;
    this.idleThreshold = idleThreshold;
    this.pollTimeoutNanos = pollTimeoutNanos;
    this.ringBytes = ringBytes;
    this.windowStart = nowNanos;
    this.windowBytesAt = consumedBytes;
    this.threshold = idleThreshold;
  }

  /**
   * The threshold for a measured rate: the bytes the target interval brings, between 1 and a
   * quarter of the ring; {@code idleThreshold} for no rate ({@link #update} goes idle instead).
   */
  static long threshold(double eventsPerSecond, double bytesPerSecond, long idleThreshold,
      long pollTimeoutNanos, long ringBytes) {
    if (eventsPerSecond <= 0 || bytesPerSecond <= 0) {
      return idleThreshold;
    }
    double ratio = FULL_RATE / eventsPerSecond;
    double interval = Math.clamp(MIN_INTERVAL_NANOS * ratio * ratio * ratio,
        MIN_INTERVAL_NANOS, Math.max(MIN_INTERVAL_NANOS, pollTimeoutNanos));
    long bytes = (long) (bytesPerSecond * interval / 1e9);
    return Math.clamp(bytes, 1, Math.max(1, ringBytes / 4));
  }

  /** Counts records drained; called after each drain. */
  public void drained(int records) {
    windowRecords += records;
  }

  /** How long the reader waits for records now, in ms: longer while idle. */
  public int pollTimeoutMillis(int configured) {
    return idle ? Math.max(configured, IDLE_POLL_MILLIS) : configured;
  }

  /**
   * Closes the window once it is {@value #WINDOW_MILLIS} ms old and writes the new threshold
   * when it moved by more than an eighth; enters or leaves idle (see the class comment). Returns
   * the threshold in force.
   */
  public long update(long nowNanos, long consumedBytes) throws BpfException {
    if (idle && windowRecords > 0) {
      // Woken by the first record after a quiet spell: a new window measures the rate, and
      // until it closes the configured threshold keeps a burst from waking per record.
      write(idleThreshold);
      idle = false;
      windowStart = nowNanos;
      windowBytesAt = consumedBytes;
      windowRecords = 0;
      return threshold;
    }
    long elapsed = nowNanos - windowStart;
    if (elapsed < WINDOW_MILLIS * 1_000_000) {
      return threshold;
    }
    double seconds = elapsed / 1e9;
    boolean quiet = windowRecords == 0;
    long next = quiet ? 1 : threshold(windowRecords / seconds,
        (consumedBytes - windowBytesAt) / seconds, idleThreshold, pollTimeoutNanos, ringBytes);
    windowStart = nowNanos;
    windowBytesAt = consumedBytes;
    windowRecords = 0;
    if (quiet ? next != threshold : Math.abs(next - threshold) > threshold / 8) {
      write(next);
    }
    idle = quiet;
    return threshold;
  }

  private void write(long next) throws BpfException {
    map.putU64(0, next);
    threshold = next;
  }
}
