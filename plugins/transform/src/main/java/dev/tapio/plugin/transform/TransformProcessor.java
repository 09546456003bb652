package dev.tapio.plugin.transform;

import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.TransformContext;
import dev.tapio.pdata.DataPoint;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.Traces;
import dev.tapio.plugin.attributes.Points;

/**
 * Runs one signal's statements ({@code log_statements}, {@code trace_statements} or {@code
 * metric_statements}): each group over the whole batch at its context, groups in order. The
 * resource and scope walk is {@link Groups#run}'s; what differs per signal is below the scope:
 * log records; spans and their events; metrics and their data points. One instance serves one
 * signal (the consumer given for it). Threading: its pipeline's thread only. Ownership: mutates;
 * read-only data is copied first.
 */
final class TransformProcessor implements LogsProcessor, TracesProcessor, MetricsProcessor {
  private final Groups groups;
  private final LogsConsumer logs;
  private final TracesConsumer traces;
  private final MetricsConsumer metrics;

  TransformProcessor(Groups groups, LogsConsumer logs, TracesConsumer traces,
      MetricsConsumer metrics) {
    this.groups = groups;
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
    if (!groups.isEmpty()) {
      data = data.isReadOnly() ? data.copy() : data;
      groups.run(data.resourceLogs(), TransformProcessor::records);
    }
    logs.consumeLogs(data);
  }

  @Override
  public void consumeTraces(Traces data) {
    if (!groups.isEmpty()) {
      data = data.isReadOnly() ? data.copy() : data;
      groups.run(data.resourceSpans(), TransformProcessor::spans);
    }
    traces.consumeTraces(data);
  }

  @Override
  public void consumeMetrics(Metrics data) {
    if (!groups.isEmpty()) {
      data = data.isReadOnly() ? data.copy() : data;
      groups.run(data.resourceMetrics(), TransformProcessor::metrics);
    }
    metrics.consumeMetrics(data);
  }

  private static void records(Groups.Compiled g, TransformContext tc, ScopeLogs scope) {
    if (g.context != OttlContext.LOG) {
      throw new IllegalStateException(g.context + " in log_statements");
    }
    var records = scope.logRecords();
    for (int k = 0; k < records.size(); k++) {
      g.run(tc.log(records.get(k)));
    }
  }

  private static void spans(Groups.Compiled g, TransformContext tc, ScopeSpans scope) {
    PList<Span> spans = scope.spans();
    for (int k = 0; k < spans.size(); k++) {
      Span span = spans.get(k);
      tc.span(span);
      if (g.context == OttlContext.SPAN) {
        g.run(tc);
        continue;
      }
      var events = span.events();
      for (int e = 0; e < events.size(); e++) {
        g.run(tc.spanEvent(events.get(e)));
      }
    }
  }

  private static void metrics(Groups.Compiled g, TransformContext tc, ScopeMetrics scope) {
    PList<Metric> list = scope.metrics();
    for (int k = 0; k < list.size(); k++) {
      Metric m = list.get(k);
      tc.metric(m);
      if (g.context == OttlContext.METRIC) {
        g.run(tc);
        continue;
      }
      PList<? extends DataPoint> points = Points.of(m);
      if (points != null) {
        for (int i = 0; i < points.size(); i++) {
          g.run(tc.dataPoint(points.get(i)));
        }
      }
    }
  }
}
