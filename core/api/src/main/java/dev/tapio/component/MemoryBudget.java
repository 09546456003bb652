package dev.tapio.component;

/**
 * The process-wide budget for telemetry held in memory on its way through: pipeline queues,
 * in-memory sending queues, request bodies being read. Sized from the heap ({@code
 * service.memory_budget}, by default a quarter of {@code -Xmx}). A component that holds data
 * reserves its estimated size ({@link dev.tapio.pdata.TelemetryData#estimatedBytes()}) before
 * taking it and releases exactly that much when it lets go; when a reservation fails it refuses
 * the data with a retryable error, so the pressure reaches the client, which still has the data,
 * before the heap runs out.
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

  /** Returns bytes an earlier {@link #tryReserve} took. */
  void release(long bytes);

  long limitBytes();

  long reservedBytes();
}
