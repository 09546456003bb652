package dev.tapio.exporterhelper;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs a failure that can repeat for every batch (a backend down, an exporter bug) at most once
 * per interval, saying how many like it were left out, so a flood of failures cannot flood the
 * log or slow the threads reporting them. Thread-safe.
 */
final class ThrottledLog {
  private final System.Logger log;
  private final long intervalNanos;
  private final AtomicLong nextAt;
  private final AtomicLong suppressed = new AtomicLong();

  ThrottledLog(System.Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.nextAt = new AtomicLong(System.nanoTime());
  }

  /** Logs {@code message} (and {@code thrown}, if not null) unless one was logged recently. */
  void log(Level level, String message, Throwable thrown) {
    long now = System.nanoTime();
    long next = nextAt.get();
    if (now - next < 0 || !nextAt.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long left = suppressed.getAndSet(0);
    String text = left == 0 ? message
        : message + " (" + left + " more like it since the last message, not logged)";
    if (thrown == null) {
      log.log(level, text);
    } else {
      log.log(level, text, thrown);
    }
  }
}
