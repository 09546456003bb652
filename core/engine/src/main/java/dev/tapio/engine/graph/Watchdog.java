package dev.tapio.engine.graph;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Names a processor or exporter whose call has run longer than {@code service.stuck_timeout}: it
 * logs the component, the pipeline and where the thread is, and reports the component
 * {@code degraded} on {@code /readyz} until the call returns ({@link ComponentCall#checkStuck}).
 *
 * <p>One daemon thread ({@code tapio-watchdog}) waking every quarter of the timeout, at most once
 * a second. Started and stopped by the lifecycle thread.
 */
final class Watchdog {
  private final List<ComponentCall> calls;
  private final long timeoutNanos;
  private final long tickNanos;
  private Thread thread;

  Watchdog(List<ComponentCall> calls, Duration timeout) {
    this.calls = List.copyOf(calls);
    this.timeoutNanos = timeout.toNanos();
    this.tickNanos = Math.clamp(timeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(10),
        TimeUnit.SECONDS.toNanos(1));
  }

  void start() {
    if (calls.isEmpty()) {
      return;
    }
    thread = Thread.ofPlatform().name("tapio-watchdog").daemon(true).start(this::run);
  }

  void stop() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        TimeUnit.NANOSECONDS.sleep(tickNanos);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (ComponentCall c : calls) {
        c.checkStuck(now, timeoutNanos);
      }
    }
  }
}
