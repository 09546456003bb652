package dev.tapio.engine.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounded queue at a pipeline's entry (a Tapio extension of the Collector's config): how many
 * batches it holds and what a producer does when it is full. Immutable.
 *
 * @param size batches the queue holds; 0 means no queue: the receiver's thread runs the pipeline
 *     itself (one caller at a time), so a receiver answers its client only after the exporters
 *     took the data — what a persistent sending queue needs for at-least-once across a crash
 * @param blockTimeout with {@link Overflow#BLOCK}, how long a producer waits for room before
 *     the batch is dropped and counted
 */
public record QueueSpec(int size, Overflow overflow, Duration blockTimeout) {

  public static final int DEFAULT_SIZE = 4096;
  public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(5);
  public static final QueueSpec DEFAULT =
      new QueueSpec(DEFAULT_SIZE, Overflow.BLOCK, DEFAULT_BLOCK_TIMEOUT);

  /** Whether the pipeline runs on its callers' threads, without a queue. */
  public boolean synchronous() {
    return size == 0;
  }

  public QueueSpec {
    Objects.requireNonNull(overflow, "overflow");
    Objects.requireNonNull(blockTimeout, "blockTimeout");
    if (size < 0) {
      throw new IllegalArgumentException("queue size must be 0 or more, got " + size);
    }
    if (blockTimeout.isNegative()) {
      throw new IllegalArgumentException("block timeout must not be negative");
    }
  }

  /** What a producer does when the queue is full. */
  public enum Overflow {
    /** Wait up to the block timeout for room (back-pressure), then drop and count. */
    BLOCK,
    /** Drop the new batch at once and count it. */
    DROP
  }
}
