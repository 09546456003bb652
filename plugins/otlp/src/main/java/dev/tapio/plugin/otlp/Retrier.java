package dev.tapio.plugin.otlp;

import dev.tapio.component.ComponentContext;
import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.ConsumerException;
import java.lang.System.Logger.Level;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code retry_on_failure} loop shared by the {@code otlphttp} and {@code otlp} exporters:
 * runs an attempt until it succeeds, fails permanently (it throws a permanent
 * {@link ConsumerException}, which passes through), or the retries run out; waits with
 * exponential backoff, or the server's requested delay when it names one.
 *
 * <p>Every retry is counted ({@code tapio_exporter_retries_total{exporter}}). An outage — from
 * the first failed attempt to the next success, over all concurrent sends — is logged once when
 * it starts, with its cause, and once when it ends, with how many retries and how long it took.
 *
 * <p>Thread-safe: one instance per exporter, {@link #send} called concurrently by the pipelines,
 * each call synchronously on the caller's thread. {@link #stop} makes waiting calls give up.
 */
final class Retrier {
  /** The longest single park while waiting to retry, so that shutdown is noticed promptly. */
  private static final long MAX_PARK_NANOS = 50_000_000L;
  private static final long MAX_SERVER_DELAY_NANOS = TimeUnit.DAYS.toNanos(1);

  /** A failed attempt worth retrying. */
  static final class RetryableFailure extends Exception {
    private final long retryAfterNanos;

    /** {@code retryAfterNanos}: the delay the server asked for, or -1 when it named none. */
    RetryableFailure(String message, long retryAfterNanos) {
      super(message, null, false, false);
      this.retryAfterNanos = retryAfterNanos;
    }
  }

  /** One attempt: returns on success, throws {@link RetryableFailure} to be retried. */
  interface Attempt {
    void run() throws RetryableFailure, InterruptedException;
  }

  private final ComponentContext context;
  private final OtlpHttpExporterConfig.Retry retry;
  private final ComponentContext.Counter retries;
  private final AtomicLong outageStartNanos = new AtomicLong(); // 0: no outage
  private final AtomicLong outageRetries = new AtomicLong();
  private volatile boolean stopping;

  Retrier(ComponentContext context, OtlpHttpExporterConfig.Retry retry) {
    this.context = context;
    this.retry = retry;
    this.retries = context.counter("tapio_exporter_retries",
        "Send attempts the exporter retried after a retryable failure.");
  }

  void stop() {
    stopping = true;
  }

  /** Runs {@code attempt} until success; throws a retryable ConsumerException when giving up. */
  void send(String target, Attempt attempt) {
    long start = System.nanoTime();
    long backoff = retry.initialInterval().toNanos();
    long maxElapsed = retry.maxElapsedTime().toNanos();
    int attempts = 0;
    while (true) {
      attempts++;
      RetryableFailure failure;
      try {
        attempt.run();
        outageOver();
        return;
      } catch (RetryableFailure f) {
        failure = f;
        outage(target, f);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ConsumerException.retryable("interrupted while sending to " + target, e);
      }
      if (!retry.enabled()) {
        throw ConsumerException.retryable(failure.getMessage()
            + " (retry_on_failure is disabled)");
      }
      // A server's delay is honoured up to a day; past that it is a broken header, not advice.
      long wait = failure.retryAfterNanos >= 0
          ? Math.min(failure.retryAfterNanos, MAX_SERVER_DELAY_NANOS) : jittered(backoff);
      if (maxElapsed > 0 && wait > maxElapsed - (System.nanoTime() - start)) {
        throw ConsumerException.retryable(failure.getMessage() + " (gave up after " + attempts
            + " attempts; max_elapsed_time " + retry.maxElapsedTime() + ")");
      }
      context.logger().log(Level.DEBUG, "{0}; retrying in {1} ms", failure.getMessage(),
          TimeUnit.NANOSECONDS.toMillis(wait));
      retries.add(1);
      outageRetries.incrementAndGet();
      if (!pause(wait)) {
        throw ConsumerException.retryable(failure.getMessage() + " (exporter shutting down)");
      }
      backoff = (long) Math.min(backoff * retry.multiplier(),
          (double) retry.maxInterval().toNanos());
    }
  }

  // Slow path: an attempt failed. Only the first failure of an outage is logged.
  private void outage(String target, RetryableFailure f) {
    long now = System.nanoTime();
    if (outageStartNanos.compareAndSet(0, now == 0 ? 1 : now)) {
      context.logger().log(Level.WARNING, "exporter " + context.id() + " cannot send to "
          + target + ": " + f.getMessage() + "; retrying (retries are counted in"
          + " tapio_exporter_retries_total; logged again when sending works)");
    }
  }

  private void outageOver() {
    long start = outageStartNanos.get();
    if (start != 0 && outageStartNanos.compareAndSet(start, 0)) {
      context.logger().log(Level.INFO, "exporter " + context.id() + " sends again after "
          + outageRetries.getAndSet(0) + " retries over "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
    }
  }

  /** {@code backoff} spread uniformly over ±{@code randomization_factor} of itself. */
  private long jittered(long backoff) {
    double factor = retry.randomizationFactor();
    if (factor == 0) {
      return backoff;
    }
    double spread = factor * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return (long) (backoff * (1 + spread));
  }

  /** Parks for {@code nanos}; false when the exporter is shutting down meanwhile. */
  private boolean pause(long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
      if (stopping || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, MAX_PARK_NANOS));
    }
    return !stopping;
  }

  /** Reads the {@code retry_on_failure} section, every key, with {@code d} as defaults. */
  static OtlpHttpExporterConfig.Retry read(ConfigReader r, OtlpHttpExporterConfig.Retry d) {
    ConfigReader rr = r.section("retry_on_failure");
    return new OtlpHttpExporterConfig.Retry(
        rr.bool("enabled", d.enabled()),
        rr.duration("initial_interval", d.initialInterval()),
        rr.duration("max_interval", d.maxInterval()),
        rr.duration("max_elapsed_time", d.maxElapsedTime()),
        rr.number("multiplier", d.multiplier()),
        rr.number("randomization_factor", d.randomizationFactor()));
  }

  static void validate(OtlpHttpExporterConfig.Retry retry, ConfigProblems problems) {
    if (retry.initialInterval().isNegative()) {
      problems.error("retry_on_failure.initial_interval", "must not be negative");
    }
    if (retry.maxInterval().compareTo(retry.initialInterval()) < 0) {
      problems.error("retry_on_failure.max_interval", "must be >= initial_interval");
    }
    if (retry.maxElapsedTime().isNegative()) {
      problems.error("retry_on_failure.max_elapsed_time", "must not be negative (0 = no limit)");
    }
    if (!(retry.randomizationFactor() >= 0 && retry.randomizationFactor() < 1)) {
      problems.error("retry_on_failure.randomization_factor", "must be in [0, 1)");
    }
    if (!(retry.multiplier() >= 1) || Double.isInfinite(retry.multiplier())) {
      problems.error("retry_on_failure.multiplier", "must be a finite number >= 1");
    }
  }
}
