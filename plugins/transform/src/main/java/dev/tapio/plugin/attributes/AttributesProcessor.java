package dev.tapio.plugin.attributes;

import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.DataPoint;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Traces;

/**
 * Applies the actions to the attributes of every log record, span or data point. One instance
 * serves one signal (the consumer given for it). Threading: its pipeline's thread only.
 * Ownership: mutates; read-only data is copied first.
 */
final class AttributesProcessor implements LogsProcessor, TracesProcessor, MetricsProcessor {
  private final Actions actions;
  private final LogsConsumer logs;
  private final TracesConsumer traces;
  private final MetricsConsumer metrics;

  AttributesProcessor(AttributesConfig config, LogsConsumer logs, TracesConsumer traces,
      MetricsConsumer metrics) {
    this.actions = new Actions(config.actions());
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
    for (ResourceLogs rl : d.resourceLogs()) {
      for (ScopeLogs sl : rl.scopeLogs()) {
        var records = sl.logRecords();
        for (int i = 0; i < records.size(); i++) {
          actions.apply(records.get(i).attributes());
        }
      }
    }
    logs.consumeLogs(d);
  }

  @Override
  public void consumeTraces(Traces data) {
    Traces d = data.isReadOnly() ? data.copy() : data;
    for (ResourceSpans rs : d.resourceSpans()) {
      for (ScopeSpans ss : rs.scopeSpans()) {
        var spans = ss.spans();
        for (int i = 0; i < spans.size(); i++) {
          actions.apply(spans.get(i).attributes());
        }
      }
    }
    traces.consumeTraces(d);
  }

  @Override
  public void consumeMetrics(Metrics data) {
    Metrics d = data.isReadOnly() ? data.copy() : data;
    for (ResourceMetrics rm : d.resourceMetrics()) {
      for (ScopeMetrics sm : rm.scopeMetrics()) {
        for (Metric m : sm.metrics()) {
          PList<? extends DataPoint> points = Points.of(m);
          if (points != null) {
            for (int i = 0; i < points.size(); i++) {
              actions.apply(points.get(i).attributes());
            }
          }
        }
      }
    }
    metrics.consumeMetrics(d);
  }
}
