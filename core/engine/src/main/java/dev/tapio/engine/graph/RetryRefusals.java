package dev.tapio.engine.graph;

import dev.tapio.consumer.ConsumerException;
import dev.tapio.pdata.TelemetryData;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Between a queued pipeline and one of its exporters: an exporter that refuses a batch with a
 * retryable error (its sending queue is full, its disk is full) is offered the same batch again,
 * with backoff from 1 ms to 100 ms, on the calling thread. That thread is the pipeline's (or a
 * batch processor's flush), so the pipeline stops taking batches, its queue fills, and receivers
 * are refused: the pressure reaches the clients instead of data being dropped.
 *
 * <p>Only this exporter is retried: the pipeline's other exporters got the batch once. The retry
 * ends at the pipeline's stop deadline; what is still refused then is counted as dropped by the
 * pipeline with reason {@code shutdown_timeout}. Synchronous pipelines do not use this: there the
 * refusal reaches the receiver's caller, who still has the data.
 *
 * <p>One caller at a time, like every pipeline stage.
 */
final class RetryRefusals<T extends TelemetryData<?>> implements DataSink<T> {
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final DataSink<T> exporter;
  private final Pipeline<T> pipeline;
  private final String label;
  private long lastLogNanos;

  RetryRefusals(DataSink<T> exporter, Pipeline<T> pipeline, String label) {
    this.exporter = exporter;
    this.pipeline = pipeline;
    this.label = label;
  }

  @Override
  public void consume(T data) {
    long backoff = TimeUnit.MILLISECONDS.toNanos(1);
    long since = 0;
    while (true) {
      try {
        exporter.consume(data);
        if (since != 0) {
          pipeline.logger().log(Level.INFO, label + " accepted a batch after refusing it for "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) + " ms");
        }
        return;
      } catch (ConsumerException e) {
        if (!e.retryable()) {
          throw e;
        }
        if (pipeline.pastDrainDeadline()) {
          pipeline.droppedAtStop(data.itemCount(), label + " still refused: " + e.getMessage());
          return;
        }
        long now = System.nanoTime();
        if (since == 0) {
          since = now;
        }
        if (lastLogNanos == 0 || now - lastLogNanos > LOG_INTERVAL_NANOS) {
          lastLogNanos = now;
          pipeline.logger().log(Level.WARNING, label + " refuses data, retrying (the pipeline"
              + " holds its queue meanwhile): " + e.getMessage());
        }
        LockSupport.parkNanos(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      }
    }
  }

  @Override
  public boolean mutates() {
    return exporter.mutates();
  }
}
