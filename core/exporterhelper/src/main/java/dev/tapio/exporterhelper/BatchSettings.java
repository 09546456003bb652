package dev.tapio.exporterhelper;

import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;
import java.time.Duration;

/**
 * An exporter's {@code sending_queue.batch} section, the Collector's batching in the exporter:
 * consumers merge queued batches until {@code min_size} is reached or {@code flush_timeout} has
 * passed since the first of them was taken, and split what exceeds {@code max_size}.
 *
 * @param flushTimeout the longest a taken batch waits for others to join it; more than zero
 * @param minSize the size at which a merged batch is sent at once, in {@code sizer} units
 * @param maxSize the largest batch sent, in {@code sizer} units; 0 for no limit. A single metric
 *     is never split, so a metric with more data points than this is sent whole
 * @param sizer {@link QueueSizer#ITEMS} or {@link QueueSizer#BYTES}
 */
public record BatchSettings(Duration flushTimeout, long minSize, long maxSize, QueueSizer sizer) {

  /** The Collector's defaults: 200 ms, 8192 items, no maximum. */
  public static final BatchSettings DEFAULT =
      new BatchSettings(Duration.ofMillis(200), 8192, 0, QueueSizer.ITEMS);

  /** Reads a present {@code batch} section; absent keys take the defaults. */
  static BatchSettings read(ConfigReader r) {
    BatchSettings d = DEFAULT;
    return new BatchSettings(r.duration("flush_timeout", d.flushTimeout()),
        r.longValue("min_size", d.minSize()), r.longValue("max_size", d.maxSize()),
        r.enumValue("sizer", QueueSizer.class, d.sizer()));
  }

  /** Reports problems under {@code prefix} (e.g. {@code "sending_queue.batch."}). */
  void validate(ConfigProblems problems, String prefix) {
    if (flushTimeout.isZero() || flushTimeout.isNegative()) {
      problems.error(prefix + "flush_timeout", "must be more than zero, got " + flushTimeout);
    }
    if (minSize < 0) {
      problems.error(prefix + "min_size", "must not be negative, got " + minSize);
    }
    if (maxSize < 0) {
      problems.error(prefix + "max_size", "must not be negative, got " + maxSize);
    } else if (maxSize > 0 && maxSize < minSize) {
      problems.error(prefix + "max_size", "must be 0 (no limit) or at least min_size ("
          + minSize + "), got " + maxSize);
    }
    if (sizer == QueueSizer.REQUESTS) {
      problems.error(prefix + "sizer", "'requests' cannot size a batch that merges requests;"
          + " use 'items' or 'bytes'");
    }
  }
}
