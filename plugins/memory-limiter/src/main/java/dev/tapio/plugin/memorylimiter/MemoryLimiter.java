package dev.tapio.plugin.memorylimiter;

import dev.tapio.component.Component;
import dev.tapio.component.Host;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.pdata.TelemetryData;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Measures heap usage every {@code check_interval} on its own thread and decides whether data
 * is refused, as the Collector's memory limiter does: above the soft limit (hard limit minus the
 * spike margin) every {@link #admit} throws a retryable {@link ConsumerException}; above the hard
 * limit a GC is forced (at most once per {@code min_gc_interval_when_hard_limited}, and above the
 * soft limit once per {@code min_gc_interval_when_soft_limited}) and usage measured again.
 *
 * <p>A refusal is not a drop: the caller keeps the data and may offer it again, so refused items
 * are counted in {@code tapio_memory_limiter_refused} (label {@code signal}), not with
 * {@code ComponentContext.dropped}. While refusing, the component reports
 * {@link ComponentStatus#DEGRADED}.
 *
 * <p>Threading: {@link #admit} may be called from any thread; {@link #check} runs on the check
 * thread ({@code tapio-memory-limiter-<id>-<signal>}) or a test thread, one at a time; {@link
 * #start} and {@link #shutdown} come from the lifecycle thread. The decision is published through
 * a volatile field, so {@link #admit} takes no lock.
 */
final class MemoryLimiter implements Component {
  static final String REFUSED_COUNTER = "tapio_memory_limiter_refused";
  private static final long MIB = 1 << 20;

  private final ComponentContext context;
  private final LongSupplier usedBytes;
  private final Runnable gc;
  private final LongSupplier nanoClock;
  private final Duration checkInterval;
  private final long hardLimitBytes;
  private final long softLimitBytes;
  private final long minGcNanosSoft;
  private final long minGcNanosHard;
  private final ComponentContext.Counter refused;

  /** The refusal message while above the soft limit, else null. Written by the check thread. */
  private volatile String refusal;
  // Check thread only.
  private long lastGcNanos;
  private boolean gcDone;

  private Thread checker;

  /** Measures this JVM's heap. */
  MemoryLimiter(ComponentContext context, MemoryLimiterConfig config) {
    this(context, config, MemoryLimiter::usedHeapBytes, maxHeapBytes(config), System::gc,
        System::nanoTime);
  }

  /**
   * For tests: {@code usedBytes} replaces the heap measurement, {@code maxBytes} the maximum
   * heap that percentages refer to, {@code gc} the forced GC and {@code nanoClock} the clock.
   */
  MemoryLimiter(ComponentContext context, MemoryLimiterConfig config, LongSupplier usedBytes,
      long maxBytes, Runnable gc, LongSupplier nanoClock) {
    this.context = context;
    this.usedBytes = usedBytes;
    this.gc = gc;
    this.nanoClock = nanoClock;
    this.checkInterval = config.checkInterval();
    long hard = config.hardLimitBytes(maxBytes);
    long soft = config.softLimitBytes(maxBytes);
    long ceiling = maxBytes / 10 * 9;
    if (hard > ceiling) {
      // A limit the heap can never reach protects nothing: the JVM throws OutOfMemoryError
      // first. Clamp it below -Xmx, keeping the spike margin where it fits.
      long spike = Math.min(hard - soft, ceiling / 2);
      context.logger().log(Level.WARNING, "memory limit " + hard / MIB + " MiB is above 90% of"
          + " the maximum heap (" + maxBytes / MIB + " MiB, -Xmx): clamped to " + ceiling / MIB
          + " MiB (soft limit " + (ceiling - spike) / MIB + " MiB); raise -Xmx (TAPIO_JAVA_OPTS)"
          + " to allow more");
      hard = ceiling;
      soft = ceiling - spike;
    }
    this.hardLimitBytes = hard;
    this.softLimitBytes = soft;
    this.minGcNanosSoft = config.minGcIntervalWhenSoftLimited().toNanos();
    this.minGcNanosHard = config.minGcIntervalWhenHardLimited().toNanos();
    String signal = context.signal() == null ? "" : context.signal().id();
    this.refused = context.counter(REFUSED_COUNTER,
        "Items refused because heap usage was above the memory limiter's soft limit",
        "signal", signal);
  }

  private static long usedHeapBytes() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long maxHeapBytes(MemoryLimiterConfig config) {
    long max = Runtime.getRuntime().maxMemory();
    if (max == Long.MAX_VALUE && config.limitMib() == 0) {
      throw new IllegalStateException("limit_percentage needs a bounded heap but this JVM has no"
          + " maximum heap size; start it with -Xmx or set limit_mib instead");
    }
    return max;
  }

  long hardLimitBytes() {
    return hardLimitBytes;
  }

  long softLimitBytes() {
    return softLimitBytes;
  }

  /**
   * Returns when data may pass; throws a retryable ConsumerException, counting the items of
   * {@code data} as refused, when heap usage was above the soft limit at the last check.
   * Counts items only when refusing, so that admitting costs one volatile read.
   */
  void admit(TelemetryData<?> data) {
    String message = refusal;
    if (message != null) {
      refused.add(data.itemCount());
      throw ConsumerException.retryable(message);
    }
  }

  /** Measures once and starts the check thread. */
  @Override
  public void start(Host host) {
    start();
  }

  void start() {
    check();
    String name = "tapio-memory-limiter-" + context.id()
        + (context.signal() == null ? "" : "-" + context.signal().id());
    checker = Thread.ofPlatform().name(name).daemon(true).start(this::runChecks);
  }

  @Override
  public void shutdown() throws InterruptedException {
    Thread t = checker;
    if (t != null) {
      t.interrupt();
      t.join();
    }
  }

  private void runChecks() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(checkInterval);
        check();
      } catch (InterruptedException e) {
        return; // shutdown
      } catch (Throwable t) {
        // An OutOfMemoryError in the very check that would refuse data: the last decision
        // stands, refusing if it was, and the next check tries again. A dead check thread would
        // leave the limiter admitting forever, so it must not die.
        try {
          context.logger().log(Level.ERROR, "memory check failed; trying again next interval",
              t);
        } catch (Throwable ignored) {
          // still out of memory
        }
      }
    }
  }

  /** One measurement: forces a GC where due, then publishes the decision. */
  void check() {
    long used = usedBytes.getAsLong();
    if (used > hardLimitBytes) {
      used = gcIfDue(used, minGcNanosHard, true);
    } else if (used > softLimitBytes) {
      used = gcIfDue(used, minGcNanosSoft, false);
    }
    boolean wasRefusing = refusal != null;
    if (used > softLimitBytes) {
      refusal = "memory usage above soft limit (" + used / MIB + " MiB used, soft limit "
          + softLimitBytes / MIB + " MiB): data refused, retry later";
      if (!wasRefusing) {
        context.logger().log(Level.WARNING, "Memory usage is above soft limit: refusing data ("
            + used / MIB + " MiB used, soft limit " + softLimitBytes / MIB + " MiB, hard limit "
            + hardLimitBytes / MIB + " MiB)");
        context.reportStatus(ComponentStatus.DEGRADED, "heap usage " + used / MIB
            + " MiB is above the soft limit of " + softLimitBytes / MIB + " MiB; refusing data");
      }
    } else {
      refusal = null;
      if (wasRefusing) {
        context.logger().log(Level.INFO, "Memory usage back within limits: accepting data ("
            + used / MIB + " MiB used, soft limit " + softLimitBytes / MIB + " MiB)");
        context.reportStatus(ComponentStatus.OK, "");
      }
    }
  }

  private long gcIfDue(long used, long minIntervalNanos, boolean hard) {
    long now = nanoClock.getAsLong();
    if (gcDone && now - lastGcNanos < minIntervalNanos) {
      return used;
    }
    context.logger().log(hard ? Level.WARNING : Level.DEBUG, "Memory usage is above "
        + (hard ? "hard" : "soft") + " limit (" + used / MIB + " MiB): forcing a GC");
    gc.run();
    lastGcNanos = nanoClock.getAsLong();
    gcDone = true;
    return usedBytes.getAsLong();
  }
}
