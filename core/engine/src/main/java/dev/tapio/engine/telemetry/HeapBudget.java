package dev.tapio.engine.telemetry;

import dev.tapio.component.MemoryBudget;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's {@link MemoryBudget}: one counter of reserved bytes against a limit, with gauges
 * {@code tapio_memory_budget_limit_bytes} and {@code tapio_memory_budget_reserved_bytes}.
 * Lock-free: a reservation is one compare-and-set, a release one add.
 */
public final class HeapBudget implements MemoryBudget {
  /** The share of the maximum heap the budget takes when {@code service.memory_budget} is 0. */
  public static final double DEFAULT_HEAP_SHARE = 0.25;

  private final long limit;
  private final AtomicLong reserved = new AtomicLong();

  public HeapBudget(long limitBytes) {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("memory budget must be positive, got " + limitBytes);
    }
    this.limit = limitBytes;
  }

  /** {@code configured} bytes, or the default share of {@code maxHeap} when 0. */
  public static long limitFor(long configured, long maxHeap) {
    if (configured > 0) {
      return configured;
    }
    return maxHeap == Long.MAX_VALUE ? 1L << 30 : Math.max(1 << 20,
        (long) (maxHeap * DEFAULT_HEAP_SHARE));
  }

  /** Registers the gauges. */
  public HeapBudget exposeOn(SelfTelemetry telemetry) {
    telemetry.gauge("tapio_memory_budget_limit_bytes",
        "Bytes of telemetry the process may hold in queues and requests being read.",
        io.opentelemetry.api.common.Attributes.empty(), () -> limit);
    telemetry.gauge("tapio_memory_budget_reserved_bytes",
        "Estimated bytes of telemetry held in queues and requests being read.",
        io.opentelemetry.api.common.Attributes.empty(), reserved::get);
    return this;
  }

  @Override
  public boolean tryReserve(long bytes) {
    if (bytes <= 0) {
      return true;
    }
    while (true) {
      long now = reserved.get();
      if (now > 0 && now + bytes > limit) {
        return false;
      }
      if (reserved.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  @Override
  public void reserve(long bytes) {
    if (bytes > 0) {
      reserved.addAndGet(bytes);
    }
  }

  @Override
  public void release(long bytes) {
    if (bytes > 0) {
      reserved.addAndGet(-bytes);
    }
  }

  @Override
  public long limitBytes() {
    return limit;
  }

  @Override
  public long reservedBytes() {
    return reserved.get();
  }
}
