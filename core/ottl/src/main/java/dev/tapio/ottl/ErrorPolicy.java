package dev.tapio.ottl;

import dev.tapio.consumer.ConsumerException;
import java.lang.System.Logger.Level;

/**
 * Applies an {@link ErrorMode} to a failure on one record: throws a permanent
 * {@link ConsumerException} for {@code propagate}; for {@code ignore} logs at most one warning
 * per second (saying how many were not logged) and returns; for {@code silent} just returns.
 * Counts every failure ({@link #failures()}).
 *
 * <p>Not thread-safe: one per processor instance, called from its pipeline thread.
 */
public final class ErrorPolicy {
  private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

  private final ErrorMode mode;
  private final System.Logger logger;
  private long failures;
  private long lastLog = System.nanoTime() - LOG_INTERVAL_NANOS;
  private long unlogged;

  public ErrorPolicy(ErrorMode mode, System.Logger logger) {
    this.mode = mode;
    this.logger = logger;
  }

  public ErrorMode mode() {
    return mode;
  }

  /** Failures seen so far, in every mode. */
  public long failures() {
    return failures;
  }

  /** Handles a failure of {@code what} (a statement or condition text). */
  public void failed(String what, OttlRuntimeException e) {
    failures++;
    switch (mode) {
      case PROPAGATE -> throw ConsumerException.permanent(
          "failed to execute \"" + what + "\": " + e.getMessage() + " (error_mode: propagate)",
          e);
      case IGNORE -> {
        long now = System.nanoTime();
        if (now - lastLog >= LOG_INTERVAL_NANOS) {
          logger.log(Level.WARNING, "failed to execute \"" + what + "\": " + e.getMessage()
              + " (error_mode: ignore; going on"
              + (unlogged > 0 ? "; " + unlogged + " more failures not logged" : "") + ")");
          lastLog = now;
          unlogged = 0;
        } else {
          unlogged++;
        }
      }
      case SILENT -> {
      }
    }
  }
}
