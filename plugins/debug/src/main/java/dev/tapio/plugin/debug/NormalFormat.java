package dev.tapio.plugin.debug;

import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ExponentialHistogramDataPoint;
import dev.tapio.pdata.HistogramDataPoint;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SummaryDataPoint;
import dev.tapio.pdata.Traces;
import dev.tapio.pdata.ValueType;

/**
 * The {@code normal} verbosity: one readable line per log record, span or metric data point.
 * Stateless.
 */
final class NormalFormat {
  private NormalFormat() {}

  /** {@code <time> <severity> [<event name>] [<body>] [key=value…] [trace_id=… span_id=…]}. */
  static void appendLogs(StringBuilder sb, Logs logs, Runnable itemDone) {
    for (ResourceLogs rl : logs.resourceLogs()) {
      for (ScopeLogs sl : rl.scopeLogs()) {
        for (LogRecord r : sl.logRecords()) {
          appendLogRecord(sb, r);
          itemDone.run();
        }
      }
    }
  }

  static void appendLogRecord(StringBuilder sb, LogRecord r) {
    long time = r.timeUnixNano() != 0 ? r.timeUnixNano() : r.observedTimeUnixNano();
    Text.appendIsoMillis(sb, time);
    sb.append(' ');
    if (!r.severityText().isEmpty()) {
      sb.append(r.severityText());
    } else if (r.severity() != Severity.UNSPECIFIED) {
      sb.append(r.severity().name());
    } else {
      sb.append('-');
    }
    if (!r.eventName().isEmpty()) {
      sb.append(' ').append(r.eventName());
    }
    if (r.bodyType() == ValueType.STRING) {
      String body = r.bodyString();
      if (!body.isEmpty()) {
        sb.append(' ');
        Text.appendOneLine(sb, body);
      }
    } else if (r.bodyType() != ValueType.EMPTY) {
      sb.append(' ');
      Text.appendOneLine(sb, Text.asText(r.body()));
    }
    appendAttributes(sb, r.attributes());
    if (!Text.isZero(r.traceId())) {
      sb.append(" trace_id=");
      Text.appendId(sb, r.traceId());
    }
    if (!Text.isZero(r.spanId())) {
      sb.append(" span_id=");
      Text.appendId(sb, r.spanId());
    }
    sb.append('\n');
  }

  /**
   * {@code <start> <name> <kind> <duration> trace_id=… span_id=… [parent_span_id=…]
   * status=<code> [status_message="…"] [key=value…]}.
   */
  static void appendTraces(StringBuilder sb, Traces traces, Runnable itemDone) {
    for (ResourceSpans rs : traces.resourceSpans()) {
      for (ScopeSpans ss : rs.scopeSpans()) {
        for (Span s : ss.spans()) {
          appendSpan(sb, s);
          itemDone.run();
        }
      }
    }
  }

  static void appendSpan(StringBuilder sb, Span s) {
    Text.appendIsoMillis(sb, s.startTimeUnixNano());
    sb.append(' ');
    Text.appendOneLine(sb, s.name());
    sb.append(' ').append(s.kind().name()).append(' ');
    Text.appendDuration(sb, s.endTimeUnixNano() - s.startTimeUnixNano());
    sb.append(" trace_id=");
    Text.appendId(sb, s.traceId());
    sb.append(" span_id=");
    Text.appendId(sb, s.spanId());
    if (!Text.isZero(s.parentSpanId())) {
      sb.append(" parent_span_id=");
      Text.appendId(sb, s.parentSpanId());
    }
    sb.append(" status=").append(s.statusCode().name());
    if (!s.statusMessage().isEmpty()) {
      sb.append(" status_message=");
      Text.appendJsonString(sb, s.statusMessage());
    }
    appendAttributes(sb, s.attributes());
    sb.append('\n');
  }

  /** One line per data point: {@code <name> <type>[{key=value,…}] <value>}. */
  static void appendMetrics(StringBuilder sb, Metrics metrics, Runnable itemDone) {
    for (ResourceMetrics rm : metrics.resourceMetrics()) {
      for (ScopeMetrics sm : rm.scopeMetrics()) {
        for (Metric m : sm.metrics()) {
          appendMetric(sb, m);
          itemDone.run();
        }
      }
    }
  }

  static void appendMetric(StringBuilder sb, Metric m) {
    String type = switch (m.type()) {
      case EMPTY -> "empty";
      case GAUGE -> "gauge";
      case SUM -> "sum";
      case HISTOGRAM -> "histogram";
      case EXPONENTIAL_HISTOGRAM -> "exponential_histogram";
      case SUMMARY -> "summary";
    };
    switch (m.type()) {
      case EMPTY -> sb.append(m.name()).append(' ').append(type).append('\n');
      case GAUGE, SUM -> {
        PList<NumberDataPoint> points = m.numberPoints();
        for (int i = 0; i < points.size(); i++) {
          NumberDataPoint p = points.get(i);
          appendPointHead(sb, m.name(), type, p.attributes());
          if (p.isDouble()) {
            sb.append(p.doubleValue());
          } else {
            sb.append(p.longValue());
          }
          sb.append('\n');
        }
      }
      case HISTOGRAM -> {
        PList<HistogramDataPoint> points = m.histogramPoints();
        for (int i = 0; i < points.size(); i++) {
          HistogramDataPoint p = points.get(i);
          appendPointHead(sb, m.name(), type, p.attributes());
          sb.append("count=").append(p.count());
          appendOptional(sb, " sum=", p.sum());
          appendOptional(sb, " min=", p.min());
          appendOptional(sb, " max=", p.max());
          sb.append(" buckets=[");
          double[] bounds = p.explicitBounds();
          long[] counts = p.bucketCounts();
          for (int b = 0; b < counts.length; b++) {
            if (b > 0) {
              sb.append(", ");
            }
            if (b < bounds.length) {
              sb.append("le ").append(bounds[b]);
            } else {
              sb.append("le +Inf");
            }
            sb.append(": ").append(counts[b]);
          }
          sb.append("]\n");
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        PList<ExponentialHistogramDataPoint> points = m.exponentialHistogramPoints();
        for (int i = 0; i < points.size(); i++) {
          ExponentialHistogramDataPoint p = points.get(i);
          appendPointHead(sb, m.name(), type, p.attributes());
          sb.append("count=").append(p.count());
          appendOptional(sb, " sum=", p.sum());
          appendOptional(sb, " min=", p.min());
          appendOptional(sb, " max=", p.max());
          sb.append(" scale=").append(p.scale()).append(" zero_count=").append(p.zeroCount());
          appendBuckets(sb, " positive=", p.positiveOffset(), p.positiveBucketCounts());
          appendBuckets(sb, " negative=", p.negativeOffset(), p.negativeBucketCounts());
          sb.append('\n');
        }
      }
      case SUMMARY -> {
        PList<SummaryDataPoint> points = m.summaryPoints();
        for (int i = 0; i < points.size(); i++) {
          SummaryDataPoint p = points.get(i);
          appendPointHead(sb, m.name(), type, p.attributes());
          sb.append("count=").append(p.count()).append(" sum=").append(p.sum());
          sb.append(" quantiles=[");
          double[] q = p.quantiles();
          double[] v = p.quantileValues();
          for (int k = 0; k < q.length; k++) {
            if (k > 0) {
              sb.append(", ");
            }
            sb.append('q').append(q[k]).append(": ").append(v[k]);
          }
          sb.append("]\n");
        }
      }
    }
  }

  private static void appendPointHead(StringBuilder sb, String name, String type,
      Attributes attributes) {
    sb.append(name).append(' ').append(type);
    if (!attributes.isEmpty()) {
      sb.append('{');
      for (int i = 0; i < attributes.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Text.appendKeyValue(sb, attributes, i);
      }
      sb.append('}');
    }
    sb.append(' ');
  }

  private static void appendOptional(StringBuilder sb, String label, double value) {
    if (!Double.isNaN(value)) {
      sb.append(label).append(value);
    }
  }

  private static void appendBuckets(StringBuilder sb, String label, int offset, long[] counts) {
    if (counts.length == 0) {
      return;
    }
    sb.append(label).append(offset).append(":[");
    for (int i = 0; i < counts.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(counts[i]);
    }
    sb.append(']');
  }

  private static void appendAttributes(StringBuilder sb, Attributes attributes) {
    for (int i = 0; i < attributes.size(); i++) {
      sb.append(' ');
      Text.appendKeyValue(sb, attributes, i);
    }
  }
}
