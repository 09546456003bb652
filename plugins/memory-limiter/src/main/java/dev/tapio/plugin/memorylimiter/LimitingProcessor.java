package dev.tapio.plugin.memorylimiter;

import dev.tapio.component.Host;
import dev.tapio.consumer.Admission;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;

/**
 * The processor face of a {@link MemoryLimiter}, for whichever signal it was created for (the
 * other consumers are null). As {@link Admission} the engine asks it on the receiver's thread,
 * before the data is queued, so a refusal reaches the client; as a processor it asks again on
 * the pipeline thread, which retries what it refuses. Passes data on unchanged (read-only data is
 * fine); throws the limiter's retryable refusal without retaining the data. Thread-safe.
 */
final class LimitingProcessor
    implements LogsProcessor, MetricsProcessor, TracesProcessor, Admission {
  private final MemoryLimiter limiter;
  private final LogsConsumer logs;
  private final MetricsConsumer metrics;
  private final TracesConsumer traces;

  LimitingProcessor(MemoryLimiter limiter, LogsConsumer logs, MetricsConsumer metrics,
      TracesConsumer traces) {
    this.limiter = limiter;
    this.logs = logs;
    this.metrics = metrics;
    this.traces = traces;
  }

  @Override
  public void admit(TelemetryData<?> data) {
    limiter.admit(data);
  }

  @Override
  public void consumeLogs(Logs data) {
    limiter.admit(data);
    logs.consumeLogs(data);
  }

  @Override
  public void consumeMetrics(Metrics data) {
    limiter.admit(data);
    metrics.consumeMetrics(data);
  }

  @Override
  public void consumeTraces(Traces data) {
    limiter.admit(data);
    traces.consumeTraces(data);
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.READS_ONLY;
  }

  @Override
  public void start(Host host) {
    limiter.start(host);
  }

  @Override
  public void shutdown() throws InterruptedException {
    limiter.shutdown();
  }
}
