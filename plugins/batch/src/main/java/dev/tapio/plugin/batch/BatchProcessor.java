package dev.tapio.plugin.batch;

import dev.tapio.component.Host;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;

/**
 * The signal-typed faces of a {@link Batcher}. They declare {@link Capabilities#MUTATES}
 * because the batcher takes ownership of what it is given and moves it into its pending batch.
 * Threading is the batcher's: consume from the pipeline thread only.
 */
final class BatchProcessor {
  private BatchProcessor() {}

  static final class ForLogs implements LogsProcessor {
    private final Batcher<Logs> batcher;

    ForLogs(Batcher<Logs> batcher) {
      this.batcher = batcher;
    }

    @Override
    public void consumeLogs(Logs logs) {
      batcher.consume(logs);
    }

    @Override
    public Capabilities capabilities() {
      return Capabilities.MUTATES;
    }

    @Override
    public void start(Host host) {
      batcher.start();
    }

    @Override
    public void shutdown() throws InterruptedException {
      batcher.shutdown();
    }
  }

  static final class ForMetrics implements MetricsProcessor {
    private final Batcher<Metrics> batcher;

    ForMetrics(Batcher<Metrics> batcher) {
      this.batcher = batcher;
    }

    @Override
    public void consumeMetrics(Metrics metrics) {
      batcher.consume(metrics);
    }

    @Override
    public Capabilities capabilities() {
      return Capabilities.MUTATES;
    }

    @Override
    public void start(Host host) {
      batcher.start();
    }

    @Override
    public void shutdown() throws InterruptedException {
      batcher.shutdown();
    }
  }

  static final class ForTraces implements TracesProcessor {
    private final Batcher<Traces> batcher;

    ForTraces(Batcher<Traces> batcher) {
      this.batcher = batcher;
    }

    @Override
    public void consumeTraces(Traces traces) {
      batcher.consume(traces);
    }

    @Override
    public Capabilities capabilities() {
      return Capabilities.MUTATES;
    }

    @Override
    public void start(Host host) {
      batcher.start();
    }

    @Override
    public void shutdown() throws InterruptedException {
      batcher.shutdown();
    }
  }
}
