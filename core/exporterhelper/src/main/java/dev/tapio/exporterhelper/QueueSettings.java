package dev.tapio.exporterhelper;

import dev.tapio.component.ComponentId;
import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;

/**
 * An exporter's {@code sending_queue} section, with the Collector's keys and defaults except
 * {@code num_consumers} (4 rather than 10: this engine's consumers are platform threads on small
 * hosts).
 *
 * <p>{@code wait_for_result: true} makes {@code offer} return only once the batch was sent, and
 * throw when sending it failed, so the caller (and the client behind a receiver) learns the
 * outcome; a failure is then the caller's to retry, not a drop of the queue's. Each pipeline
 * hands the exporter one batch at a time, so with {@code batch} too every batch waits up to
 * {@code flush_timeout} for others that only other pipelines can offer.
 *
 * @param enabled when false, batches are sent on the caller's thread and failures refused upstream
 * @param queueSize batches the queue holds, in memory or on disk (not counting those being sent)
 * @param numConsumers threads calling the sender concurrently
 * @param blockOnOverflow when full, block the caller instead of refusing the batch
 * @param storage the storage extension ({@code file_storage[/name]}) for a persistent queue, or
 *     null for an in-memory one
 * @param sizer what {@code queue_size} counts
 * @param waitForResult whether {@code offer} waits for the send and reports its failure
 * @param batch batching in the exporter, or null for none (each batch is sent as offered)
 */
public record QueueSettings(
    boolean enabled, int queueSize, int numConsumers, boolean blockOnOverflow, ComponentId storage,
    QueueSizer sizer, boolean waitForResult, BatchSettings batch)
    implements dev.tapio.config.ComponentConfig {

  public static final QueueSettings DEFAULT = new QueueSettings(true, 1000, 4, false, null);

  /** A queue of {@code queueSize} requests that does not wait for results nor batch. */
  public QueueSettings(
      boolean enabled, int queueSize, int numConsumers, boolean blockOnOverflow,
      ComponentId storage) {
    this(enabled, queueSize, numConsumers, blockOnOverflow, storage, QueueSizer.REQUESTS, false,
        null);
  }

  public QueueSettings {
    sizer = sizer == null ? QueueSizer.REQUESTS : sizer;
  }

  /** Reads every key of a {@code sending_queue} section, defaults for those absent. */
  public static QueueSettings read(ConfigReader r) {
    QueueSettings d = DEFAULT;
    boolean enabled = r.bool("enabled", d.enabled());
    int queueSize = r.integer("queue_size", d.queueSize());
    int numConsumers = r.integer("num_consumers", d.numConsumers());
    boolean block = r.bool("block_on_overflow", d.blockOnOverflow());
    if (r.has("blocking")) {
      block = r.bool("blocking", block);
      r.warning("blocking", "is deprecated in the Collector; write block_on_overflow");
    }
    QueueSizer sizer = r.enumValue("sizer", QueueSizer.class, d.sizer());
    boolean waitForResult = r.bool("wait_for_result", d.waitForResult());
    BatchSettings batch = null;
    if (r.has("batch")) {
      ConfigReader b = r.section("batch");
      // The batch's sizer defaults to the queue's, where that can size a merged batch.
      QueueSizer batchSizer = sizer == QueueSizer.REQUESTS ? QueueSizer.ITEMS : sizer;
      BatchSettings read = BatchSettings.read(b);
      batch = new BatchSettings(read.flushTimeout(), read.minSize(), read.maxSize(),
          b.has("sizer") ? read.sizer() : batchSizer);
      // enabled: false is the Collector's way to keep an optional section but leave it out.
      batch = b.bool("enabled", true) ? batch : null;
    }
    String storageText = r.string("storage", "");
    ComponentId storage = null;
    if (storageText != null && !storageText.isBlank()) {
      try {
        storage = ComponentId.parse(storageText);
      } catch (IllegalArgumentException e) {
        r.error("storage", e.getMessage());
      }
    }
    return new QueueSettings(enabled, queueSize, numConsumers, block, storage, sizer,
        waitForResult, batch);
  }

  /** Reports problems under {@code prefix} (e.g. {@code "sending_queue."}). */
  public void validate(ConfigProblems problems, String prefix) {
    if (queueSize < 1) {
      problems.error(prefix + "queue_size", "must be at least 1, got " + queueSize);
    }
    if (numConsumers < 1) {
      problems.error(prefix + "num_consumers", "must be at least 1, got " + numConsumers);
    }
    if (batch != null) {
      batch.validate(problems, prefix + "batch.");
      if (waitForResult) {
        problems.warning(prefix + "wait_for_result", "with batch, each pipeline waits up to "
            + "batch.flush_timeout (" + batch.flushTimeout() + ") per batch it hands over, since"
            + " only other pipelines can fill the batch meanwhile; drop one of the two unless"
            + " several pipelines share this exporter");
      }
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    validate(problems, "");
  }
}
