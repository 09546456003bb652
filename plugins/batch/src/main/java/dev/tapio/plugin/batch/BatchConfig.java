package dev.tapio.plugin.batch;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import java.time.Duration;

/**
 * Configuration of the {@code batch} processor; see the package documentation for the keys.
 *
 * @param sendBatchSize items (log records, spans, metric data points) that trigger a send
 * @param sendBatchMaxSize upper bound of a sent batch in items; 0 means no bound
 * @param timeout how long the first buffered item may wait; zero sends without buffering
 */
public record BatchConfig(int sendBatchSize, int sendBatchMaxSize, Duration timeout)
    implements ComponentConfig {

  static final int DEFAULT_SEND_BATCH_SIZE = 8192;
  static final int DEFAULT_SEND_BATCH_MAX_SIZE = 0;
  static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);

  public BatchConfig {
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  static BatchConfig defaults() {
    return new BatchConfig(DEFAULT_SEND_BATCH_SIZE, DEFAULT_SEND_BATCH_MAX_SIZE, DEFAULT_TIMEOUT);
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (sendBatchSize < 0) {
      problems.error("send_batch_size", "must be 0 or greater, got " + sendBatchSize);
    }
    if (sendBatchMaxSize < 0) {
      problems.error("send_batch_max_size", "must be 0 (no limit) or greater, got "
          + sendBatchMaxSize);
    } else if (sendBatchMaxSize > 0 && sendBatchMaxSize < sendBatchSize) {
      problems.error("send_batch_max_size", "must be 0 (no limit) or greater than or equal to"
          + " send_batch_size (" + sendBatchSize + "), got " + sendBatchMaxSize);
    }
    if (timeout.isNegative()) {
      problems.error("timeout", "must be 0 (send without buffering) or greater, got " + timeout);
    }
  }
}
