package dev.tapio.plugin.memorylimiter;

import dev.tapio.component.Host;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;

/**
 * The signal-typed faces of a {@link MemoryLimiter}: each asks the limiter to admit the data and
 * passes it on unchanged, or throws the limiter's retryable refusal without retaining it.
 * Thread-safe; reads only, so the data may be read-only.
 */
final class MemoryLimiterProcessor {
  private MemoryLimiterProcessor() {}

  static final class ForLogs implements LogsProcessor {
    private final MemoryLimiter limiter;
    private final LogsConsumer next;

    ForLogs(MemoryLimiter limiter, LogsConsumer next) {
      this.limiter = limiter;
      this.next = next;
    }

    @Override
    public void consumeLogs(Logs logs) {
      limiter.admit(logs);
      next.consumeLogs(logs);
    }

    @Override
    public void start(Host host) {
      limiter.start();
    }

    @Override
    public void shutdown() throws InterruptedException {
      limiter.shutdown();
    }
  }

  static final class ForMetrics implements MetricsProcessor {
    private final MemoryLimiter limiter;
    private final MetricsConsumer next;

    ForMetrics(MemoryLimiter limiter, MetricsConsumer next) {
      this.limiter = limiter;
      this.next = next;
    }

    @Override
    public void consumeMetrics(Metrics metrics) {
      limiter.admit(metrics);
      next.consumeMetrics(metrics);
    }

    @Override
    public void start(Host host) {
      limiter.start();
    }

    @Override
    public void shutdown() throws InterruptedException {
      limiter.shutdown();
    }
  }

  static final class ForTraces implements TracesProcessor {
    private final MemoryLimiter limiter;
    private final TracesConsumer next;

    ForTraces(MemoryLimiter limiter, TracesConsumer next) {
      this.limiter = limiter;
      this.next = next;
    }

    @Override
    public void consumeTraces(Traces traces) {
      limiter.admit(traces);
      next.consumeTraces(traces);
    }

    @Override
    public void start(Host host) {
      limiter.start();
    }

    @Override
    public void shutdown() throws InterruptedException {
      limiter.shutdown();
    }
  }
}
