package dev.tapio.plugin.resource;

import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.Traces;
import dev.tapio.plugin.attributes.Actions;

/**
 * Applies the actions to every resource's attributes. One instance serves one signal.
 * Threading: its pipeline's thread only. Ownership: mutates; read-only data is copied first.
 */
final class ResourceProcessor implements LogsProcessor, TracesProcessor, MetricsProcessor {
  private final Actions actions;
  private final LogsConsumer logs;
  private final TracesConsumer traces;
  private final MetricsConsumer metrics;

  ResourceProcessor(ResourceConfig config, LogsConsumer logs, TracesConsumer traces,
      MetricsConsumer metrics) {
    this.actions = new Actions(config.attributes());
    this.logs = logs;
    this.traces = traces;
    this.metrics = metrics;
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }

  @Override
  public void consumeLogs(Logs data) {
    Logs d = data.isReadOnly() ? data.copy() : data;
    for (ResourceLogs r : d.resourceLogs()) {
      actions.apply(r.resource().attributes());
    }
    logs.consumeLogs(d);
  }

  @Override
  public void consumeTraces(Traces data) {
    Traces d = data.isReadOnly() ? data.copy() : data;
    for (ResourceSpans r : d.resourceSpans()) {
      actions.apply(r.resource().attributes());
    }
    traces.consumeTraces(d);
  }

  @Override
  public void consumeMetrics(Metrics data) {
    Metrics d = data.isReadOnly() ? data.copy() : data;
    for (ResourceMetrics r : d.resourceMetrics()) {
      actions.apply(r.resource().attributes());
    }
    metrics.consumeMetrics(d);
  }
}
