package dev.tapio.engine.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounded queue at a pipeline's entry (a Tapio extension of the Collector's config): how many
 * batches it holds and what a producer does when it is full. Immutable.
 *
 * @param blockTimeout with {@link Overflow#BLOCK}, how long a producer waits for room before
 *     the batch is dropped and counted
 */
public record QueueSpec(int size, Overflow overflow, Duration blockTimeout) {

  public static final int DEFAULT_SIZE = 4096;
  public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(5);
  public static final QueueSpec DEFAULT =
      new QueueSpec(DEFAULT_SIZE, Overflow.BLOCK, DEFAULT_BLOCK_TIMEOUT);

  public QueueSpec {
    Objects.requireNonNull(overflow, "overflow");
    Objects.requireNonNull(blockTimeout, "blockTimeout");
    if (size < 1) {
      throw new IllegalArgumentException("queue size must be at least 1, got " + size);
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
