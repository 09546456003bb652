package dev.tapio.component;

/**
 * The process-wide budget for telemetry held in memory on its way through: pipeline queues,
 * in-memory sending queues, request bodies being read. Sized from the heap ({@code
 * service.memory_budget}, by default a quarter of {@code -Xmx}). A component that holds data
 * reserves its estimated size ({@link dev.tapio.pdata.TelemetryData#estimatedBytes()}) before
 * taking it and releases exactly that much when it lets go.
 *
 * <p>Only the edge refuses: receivers and pipeline queues use {@link #tryReserve} and refuse the
 * data with a retryable error when it fails, so the pressure reaches the client, which still has
 * the data, before the heap runs out. Holders further down (a batch processor, a sending queue)
 * use {@link #reserve}, which always succeeds: data on its way out must never wait for room that
 * only its own leaving can free — a sending queue refused while the queues behind it held the
 * budget deadlocked a flooded gateway. What they hold still counts, so the edge refuses sooner.
 *
 * <p>Thread-safe and lock-free; meant to be called once per batch or request, not per item.
 */
public interface MemoryBudget {

  /** No limit: for tests and for hosts that do not budget. */
  MemoryBudget UNLIMITED = new MemoryBudget() {
    @Override
    public boolean tryReserve(long bytes) {
      return true;
    }

    @Override
    public void reserve(long bytes) {}

    @Override
    public void release(long bytes) {}

    @Override
    public long limitBytes() {
      return Long.MAX_VALUE;
    }

    @Override
    public long reservedBytes() {
      return 0;
    }
  };

  /**
   * Reserves {@code bytes}, or returns false when that would exceed the limit. A reservation
   * larger than the whole budget succeeds when nothing else is reserved, so one oversized batch
   * is slowed down, never refused forever.
   */
  boolean tryReserve(long bytes);

  /**
   * Reserves {@code bytes} even past the limit, for holders downstream of the edge (see the
   * class comment); they stay bounded by their own count limits.
   */
  void reserve(long bytes);

  /** Returns bytes an earlier {@link #tryReserve} or {@link #reserve} took. */
  void release(long bytes);

  long limitBytes();

  long reservedBytes();
}
