package dev.tapio.exporterhelper;

import dev.tapio.component.ComponentId;
import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;

/**
 * An exporter's {@code sending_queue} section, with the Collector's keys and defaults except
 * {@code num_consumers} (4 rather than 10: this engine's consumers are platform threads on small
 * hosts).
 *
 * @param enabled when false, batches are sent on the caller's thread and failures refused upstream
 * @param queueSize batches the queue holds, in memory or on disk (not counting those being sent)
 * @param numConsumers threads calling the sender concurrently
 * @param blockOnOverflow when full, block the caller instead of refusing the batch
 * @param storage the storage extension ({@code file_storage[/name]}) for a persistent queue, or
 *     null for an in-memory one
 */
public record QueueSettings(
    boolean enabled, int queueSize, int numConsumers, boolean blockOnOverflow, ComponentId storage)
    implements dev.tapio.config.ComponentConfig {

  public static final QueueSettings DEFAULT = new QueueSettings(true, 1000, 4, false, null);

  /** Reads every key of a {@code sending_queue} section, defaults for those absent. */
  public static QueueSettings read(ConfigReader r) {
    QueueSettings d = DEFAULT;
    boolean enabled = r.bool("enabled", d.enabled());
    int queueSize = r.integer("queue_size", d.queueSize());
    int numConsumers = r.integer("num_consumers", d.numConsumers());
    boolean block = r.bool("block_on_overflow", d.blockOnOverflow());
    String storageText = r.string("storage", "");
    ComponentId storage = null;
    if (storageText != null && !storageText.isBlank()) {
      try {
        storage = ComponentId.parse(storageText);
      } catch (IllegalArgumentException e) {
        r.error("storage", e.getMessage());
      }
    }
    return new QueueSettings(enabled, queueSize, numConsumers, block, storage);
  }

  /** Reports problems under {@code prefix} (e.g. {@code "sending_queue."}). */
  public void validate(ConfigProblems problems, String prefix) {
    if (queueSize < 1) {
      problems.error(prefix + "queue_size", "must be at least 1, got " + queueSize);
    }
    if (numConsumers < 1) {
      problems.error(prefix + "num_consumers", "must be at least 1, got " + numConsumers);
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    validate(problems, "");
  }
}
