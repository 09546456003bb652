package dev.tapio.engine.graph;

import dev.tapio.component.ComponentStatus;
import dev.tapio.engine.config.PipelineId;
import dev.tapio.engine.telemetry.EngineContext;
import dev.tapio.engine.telemetry.Health;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * One pipeline's calls into one processor or exporter, as the engine watches them: when the
 * current call started (for the {@link Watchdog}), and whether the component is failing or stuck,
 * which {@code /readyz} shows under the component's name until a later call succeeds.
 *
 * <p>Threading: {@link #enter}, {@link #exit} and {@link #failed} are called by whichever thread
 * runs the pipeline stage, one at a time (the pipeline's contract: a stage is never called
 * concurrently); {@link #checkStuck} by the watchdog thread. The fields they share are volatile;
 * the success path costs two volatile writes and one volatile read per batch.
 */
final class ComponentCall {
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final EngineContext context;
  private final PipelineId pipeline;
  private final Health health;
  private volatile long enteredNanos; // 0 when no call is running
  private volatile Thread caller;
  private volatile boolean unhealthy; // failed or stuck since the last success
  private volatile boolean stuckReported;
  private long lastLogNanos; // caller thread only
  private long unloggedFailures;

  ComponentCall(EngineContext context, PipelineId pipeline, Health health) {
    this.context = context;
    this.pipeline = pipeline;
    this.health = health;
  }

  EngineContext context() {
    return context;
  }

  String label() {
    return context.componentLabel();
  }

  PipelineId pipeline() {
    return pipeline;
  }

  void enter() {
    caller = Thread.currentThread();
    long now = System.nanoTime();
    enteredNanos = now == 0 ? 1 : now;
  }

  /** The call returned (normally or not). {@code ok}: it succeeded, so an earlier failure is over. */
  void exit(boolean ok) {
    long entered = enteredNanos;
    enteredNanos = 0;
    if (stuckReported) {
      stuckReported = false;
      context.logger().log(Level.WARNING, label() + " in pipeline " + pipeline
          + " returned after " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - entered)
          + " s");
    }
    if (ok && unhealthy) {
      unhealthy = false;
      health.clearEngineReport(label());
      context.logger().log(Level.INFO, label() + " in pipeline " + pipeline + " works again");
    }
  }

  /**
   * The component threw {@code t} on a batch of {@code items}: report it on /readyz ({@code error}
   * for a JVM error such as OutOfMemoryError or a linkage error, which usually repeats,
   * {@code degraded} for an exception) and log, at most once every 10 s with the count of
   * failures in between; the first log of a series carries the stack trace.
   */
  void failed(int items, Throwable t, String outcome) {
    unhealthy = true;
    ComponentStatus status = t instanceof Error ? ComponentStatus.ERROR : ComponentStatus.DEGRADED;
    String what = describe(t);
    health.engineReport(label(), status, "failed on " + items + " items in pipeline " + pipeline
        + ": " + what);
    long now = System.nanoTime();
    if (lastLogNanos != 0 && now - lastLogNanos < LOG_INTERVAL_NANOS) {
      unloggedFailures++;
      return;
    }
    String more = unloggedFailures == 0 ? "" : " (" + unloggedFailures
        + " more failures since the last message)";
    boolean first = lastLogNanos == 0;
    lastLogNanos = now;
    unloggedFailures = 0;
    String message = label() + " failed on " + items + " items in pipeline " + pipeline + "; "
        + outcome + more + ": " + what;
    if (first) {
      context.logger().log(Level.ERROR, message, t);
    } else {
      context.logger().log(Level.ERROR, message);
    }
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getName() + (m == null ? "" : ": " + m);
  }

  /**
   * Watchdog thread: reports the call as stuck once it has run longer than {@code timeoutNanos},
   * naming the component, the pipeline and where its thread is.
   */
  void checkStuck(long now, long timeoutNanos) {
    long entered = enteredNanos;
    if (entered == 0 || stuckReported || now - entered < timeoutNanos) {
      return;
    }
    Thread t = caller;
    if (enteredNanos != entered) {
      return; // returned meanwhile
    }
    stuckReported = true;
    unhealthy = true;
    long seconds = TimeUnit.NANOSECONDS.toSeconds(now - entered);
    StringBuilder where = new StringBuilder();
    if (t != null) {
      StackTraceElement[] stack = t.getStackTrace();
      for (int i = 0; i < Math.min(stack.length, 8); i++) {
        where.append("\n\tat ").append(stack[i]);
      }
    }
    health.engineReport(label(), ComponentStatus.DEGRADED, "stuck: one call in pipeline "
        + pipeline + " has run for more than " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
        + " ms");
    context.logger().log(Level.WARNING, label() + " is stuck: a call from pipeline " + pipeline
        + " has run for " + seconds + " s on thread "
        + (t == null ? "?" : t.getName()) + where);
  }

  /** Whether a call is running now: the component a stuck pipeline thread is in. */
  boolean inCall() {
    return enteredNanos != 0;
  }
}
