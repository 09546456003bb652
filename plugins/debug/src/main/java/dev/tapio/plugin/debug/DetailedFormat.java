package dev.tapio.plugin.debug;

import dev.tapio.pdata.AggregationTemporality;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.DataPoint;
import dev.tapio.pdata.ExponentialHistogramDataPoint;
import dev.tapio.pdata.HistogramDataPoint;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.Resource;
import dev.tapio.pdata.ResourceEntry;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.Scope;
import dev.tapio.pdata.ScopeEntry;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanEvent;
import dev.tapio.pdata.SpanLink;
import dev.tapio.pdata.SummaryDataPoint;
import dev.tapio.pdata.Traces;
import java.util.Locale;

/**
 * The {@code detailed} verbosity: the Collector's multi-line dump of every field ({@code
 * otlptext}), so output can be compared line by line with a Collector's. Fields the Collector does
 * not print (dropped counts of resources and scopes, span and point flags) are printed only when
 * set. Stateless.
 */
final class DetailedFormat {
  private static final String ARROW = "     -> ";

  private DetailedFormat() {}

  static void appendLogs(StringBuilder sb, Logs logs, Runnable itemDone) {
    PList<ResourceLogs> resources = logs.resourceLogs();
    for (int i = 0; i < resources.size(); i++) {
      ResourceLogs rl = resources.get(i);
      sb.append("ResourceLog #").append(i).append('\n');
      appendResource(sb, rl);
      PList<ScopeLogs> scopes = rl.scopeLogs();
      for (int j = 0; j < scopes.size(); j++) {
        ScopeLogs sl = scopes.get(j);
        sb.append("ScopeLogs #").append(j).append('\n');
        appendScope(sb, "ScopeLogs", sl);
        PList<LogRecord> records = sl.logRecords();
        for (int k = 0; k < records.size(); k++) {
          sb.append("LogRecord #").append(k).append('\n');
          appendLogRecord(sb, records.get(k));
          itemDone.run();
        }
      }
    }
  }

  private static void appendLogRecord(StringBuilder sb, LogRecord r) {
    sb.append("ObservedTimestamp: ");
    Text.appendGoTime(sb, r.observedTimeUnixNano());
    sb.append("\nTimestamp: ");
    Text.appendGoTime(sb, r.timeUnixNano());
    sb.append("\nSeverityText: ").append(r.severityText());
    sb.append("\nSeverityNumber: ").append(severityName(r.severity()))
        .append('(').append(r.severity().number()).append(")\n");
    if (!r.eventName().isEmpty()) {
      sb.append("EventName: ").append(r.eventName()).append('\n');
    }
    sb.append("Body: ");
    if (r.bodyString() != null) {
      sb.append("Str(").append(r.bodyString()).append(')');
    } else {
      Text.appendTyped(sb, r.body());
    }
    sb.append('\n');
    appendAttributes(sb, "Attributes", "", r.attributes());
    appendDropped(sb, "DroppedAttributesCount: ", r.droppedAttributesCount());
    sb.append("Trace ID: ");
    Text.appendId(sb, r.traceId());
    sb.append("\nSpan ID: ");
    Text.appendId(sb, r.spanId());
    sb.append("\nFlags: ").append(r.flags()).append('\n');
  }

  static void appendTraces(StringBuilder sb, Traces traces, Runnable itemDone) {
    PList<ResourceSpans> resources = traces.resourceSpans();
    for (int i = 0; i < resources.size(); i++) {
      ResourceSpans rs = resources.get(i);
      sb.append("ResourceSpans #").append(i).append('\n');
      appendResource(sb, rs);
      PList<ScopeSpans> scopes = rs.scopeSpans();
      for (int j = 0; j < scopes.size(); j++) {
        ScopeSpans ss = scopes.get(j);
        sb.append("ScopeSpans #").append(j).append('\n');
        appendScope(sb, "ScopeSpans", ss);
        PList<Span> spans = ss.spans();
        for (int k = 0; k < spans.size(); k++) {
          sb.append("Span #").append(k).append('\n');
          appendSpan(sb, spans.get(k));
          itemDone.run();
        }
      }
    }
  }

  private static void appendSpan(StringBuilder sb, Span s) {
    field(sb, "Trace ID");
    Text.appendId(sb, s.traceId());
    field(sb, "\nParent ID");
    Text.appendId(sb, s.parentSpanId());
    field(sb, "\nID");
    Text.appendId(sb, s.spanId());
    field(sb, "\nName").append(s.name());
    field(sb, "\nKind").append(kindName(s));
    if (!s.traceState().isEmpty()) {
      field(sb, "\nTraceState").append(s.traceState());
    }
    field(sb, "\nStart time");
    Text.appendGoTime(sb, s.startTimeUnixNano());
    field(sb, "\nEnd time");
    Text.appendGoTime(sb, s.endTimeUnixNano());
    field(sb, "\nStatus code").append(switch (s.statusCode()) {
      case UNSET -> "Unset";
      case OK -> "Ok";
      case ERROR -> "Error";
    });
    field(sb, "\nStatus message").append(s.statusMessage());
    if (s.flags() != 0) {
      field(sb, "\nFlags").append(s.flags());
    }
    sb.append('\n');
    appendAttributes(sb, "Attributes", "", s.attributes());
    sb.append("    DroppedAttributesCount: ").append(s.droppedAttributesCount()).append('\n');
    PList<SpanEvent> events = s.events();
    if (!events.isEmpty()) {
      sb.append("Events:\n");
      for (int i = 0; i < events.size(); i++) {
        SpanEvent e = events.get(i);
        sb.append("SpanEvent #").append(i).append('\n');
        sb.append(ARROW).append("Name: ").append(e.name()).append('\n');
        sb.append(ARROW).append("Timestamp: ");
        Text.appendGoTime(sb, e.timeUnixNano());
        sb.append('\n');
        sb.append(ARROW).append("DroppedAttributesCount: ").append(e.droppedAttributesCount())
            .append('\n');
        appendAttributes(sb, ARROW + "Attributes:", "     ", e.attributes());
      }
    }
    sb.append("    DroppedEventsCount: ").append(s.droppedEventsCount()).append('\n');
    PList<SpanLink> links = s.links();
    if (!links.isEmpty()) {
      sb.append("Links:\n");
      for (int i = 0; i < links.size(); i++) {
        SpanLink l = links.get(i);
        sb.append("SpanLink #").append(i).append('\n');
        sb.append(ARROW).append("Trace ID: ");
        Text.appendId(sb, l.traceId());
        sb.append('\n').append(ARROW).append("ID: ");
        Text.appendId(sb, l.spanId());
        sb.append('\n').append(ARROW).append("TraceState: ").append(l.traceState()).append('\n');
        sb.append(ARROW).append("DroppedAttributesCount: ").append(l.droppedAttributesCount())
            .append('\n');
        if (l.flags() != 0) {
          sb.append(ARROW).append("Flags: ").append(l.flags()).append('\n');
        }
        appendAttributes(sb, ARROW + "Attributes:", "     ", l.attributes());
      }
    }
    sb.append("    DroppedLinksCount: ").append(s.droppedLinksCount()).append('\n');
  }

  /** Go's {@code "    %-15s: "}: the label padded to 15 columns. */
  private static StringBuilder field(StringBuilder sb, String label) {
    int start = 0;
    if (label.charAt(0) == '\n') {
      sb.append('\n');
      start = 1;
    }
    sb.append("    ").append(label, start, label.length());
    for (int i = label.length() - start; i < 15; i++) {
      sb.append(' ');
    }
    return sb.append(": ");
  }

  static void appendMetrics(StringBuilder sb, Metrics metrics, Runnable itemDone) {
    PList<ResourceMetrics> resources = metrics.resourceMetrics();
    for (int i = 0; i < resources.size(); i++) {
      ResourceMetrics rm = resources.get(i);
      sb.append("ResourceMetrics #").append(i).append('\n');
      appendResource(sb, rm);
      PList<ScopeMetrics> scopes = rm.scopeMetrics();
      for (int j = 0; j < scopes.size(); j++) {
        ScopeMetrics sm = scopes.get(j);
        sb.append("ScopeMetrics #").append(j).append('\n');
        appendScope(sb, "ScopeMetrics", sm);
        PList<Metric> list = sm.metrics();
        for (int k = 0; k < list.size(); k++) {
          sb.append("Metric #").append(k).append('\n');
          appendMetric(sb, list.get(k));
          itemDone.run();
        }
      }
    }
  }

  private static void appendMetric(StringBuilder sb, Metric m) {
    sb.append("Descriptor:\n");
    sb.append(ARROW).append("Name: ").append(m.name()).append('\n');
    sb.append(ARROW).append("Description: ").append(m.description()).append('\n');
    sb.append(ARROW).append("Unit: ").append(m.unit()).append('\n');
    sb.append(ARROW).append("DataType: ").append(switch (m.type()) {
      case EMPTY -> "Empty";
      case GAUGE -> "Gauge";
      case SUM -> "Sum";
      case HISTOGRAM -> "Histogram";
      case EXPONENTIAL_HISTOGRAM -> "ExponentialHistogram";
      case SUMMARY -> "Summary";
    }).append('\n');
    switch (m.type()) {
      case EMPTY -> {}
      case GAUGE -> appendNumberPoints(sb, m.numberPoints());
      case SUM -> {
        sb.append(ARROW).append("IsMonotonic: ").append(m.isMonotonic()).append('\n');
        appendTemporality(sb, m.temporality());
        appendNumberPoints(sb, m.numberPoints());
      }
      case HISTOGRAM -> {
        appendTemporality(sb, m.temporality());
        appendHistogramPoints(sb, m.histogramPoints());
      }
      case EXPONENTIAL_HISTOGRAM -> {
        appendTemporality(sb, m.temporality());
        appendExponentialPoints(sb, m.exponentialHistogramPoints());
      }
      case SUMMARY -> appendSummaryPoints(sb, m.summaryPoints());
    }
  }

  private static void appendTemporality(StringBuilder sb, AggregationTemporality t) {
    sb.append(ARROW).append("AggregationTemporality: ").append(switch (t) {
      case UNSPECIFIED -> "Unspecified";
      case DELTA -> "Delta";
      case CUMULATIVE -> "Cumulative";
    }).append('\n');
  }

  private static void appendPointHead(StringBuilder sb, String kind, int index, DataPoint p) {
    sb.append(kind).append(" #").append(index).append('\n');
    appendAttributes(sb, "Data point attributes", "", p.attributes());
    sb.append("StartTimestamp: ");
    Text.appendGoTime(sb, p.startTimeUnixNano());
    sb.append("\nTimestamp: ");
    Text.appendGoTime(sb, p.timeUnixNano());
    sb.append('\n');
    if (p.flags() != 0) {
      sb.append("Flags: ").append(p.flags()).append('\n');
    }
  }

  private static void appendNumberPoints(StringBuilder sb, PList<NumberDataPoint> points) {
    for (int i = 0; i < points.size(); i++) {
      NumberDataPoint p = points.get(i);
      appendPointHead(sb, "NumberDataPoints", i, p);
      sb.append("Value: ");
      if (p.isDouble()) {
        Text.appendFixed6(sb, p.doubleValue());
      } else {
        sb.append(p.longValue());
      }
      sb.append('\n');
    }
  }

  private static void appendHistogramPoints(StringBuilder sb, PList<HistogramDataPoint> points) {
    for (int i = 0; i < points.size(); i++) {
      HistogramDataPoint p = points.get(i);
      appendPointHead(sb, "HistogramDataPoints", i, p);
      sb.append("Count: ").append(p.count()).append('\n');
      appendOptional(sb, "Sum: ", p.sum());
      appendOptional(sb, "Min: ", p.min());
      appendOptional(sb, "Max: ", p.max());
      double[] bounds = p.explicitBounds();
      for (int b = 0; b < bounds.length; b++) {
        sb.append("ExplicitBounds #").append(b).append(": ");
        Text.appendFixed6(sb, bounds[b]);
        sb.append('\n');
      }
      long[] counts = p.bucketCounts();
      for (int b = 0; b < counts.length; b++) {
        sb.append("Buckets #").append(b).append(", Count: ").append(counts[b]).append('\n');
      }
    }
  }

  private static void appendExponentialPoints(StringBuilder sb,
      PList<ExponentialHistogramDataPoint> points) {
    for (int i = 0; i < points.size(); i++) {
      ExponentialHistogramDataPoint p = points.get(i);
      appendPointHead(sb, "ExponentialHistogramDataPoints", i, p);
      sb.append("Count: ").append(p.count()).append('\n');
      appendOptional(sb, "Sum: ", p.sum());
      appendOptional(sb, "Min: ", p.min());
      appendOptional(sb, "Max: ", p.max());
      // Bucket index i covers (base^i, base^(i+1)] with base = 2^(2^-scale).
      double factor = Math.scalb(Math.log(2), -p.scale());
      long[] negative = p.negativeBucketCounts();
      for (int k = negative.length - 1; k >= 0; k--) {
        double index = p.negativeOffset() + k;
        sb.append("Bucket [");
        Text.appendFixed6(sb, -Math.exp((index + 1) * factor));
        sb.append(", ");
        Text.appendFixed6(sb, -Math.exp(index * factor));
        sb.append("), Count: ").append(negative[k]).append('\n');
      }
      if (p.zeroCount() != 0) {
        sb.append("Bucket [0, 0], Count: ").append(p.zeroCount()).append('\n');
      }
      long[] positive = p.positiveBucketCounts();
      for (int k = 0; k < positive.length; k++) {
        double index = p.positiveOffset() + k;
        sb.append("Bucket (");
        Text.appendFixed6(sb, Math.exp(index * factor));
        sb.append(", ");
        Text.appendFixed6(sb, Math.exp((index + 1) * factor));
        sb.append("], Count: ").append(positive[k]).append('\n');
      }
    }
  }

  private static void appendSummaryPoints(StringBuilder sb, PList<SummaryDataPoint> points) {
    for (int i = 0; i < points.size(); i++) {
      SummaryDataPoint p = points.get(i);
      appendPointHead(sb, "SummaryDataPoints", i, p);
      sb.append("Count: ").append(p.count()).append("\nSum: ");
      Text.appendFixed6(sb, p.sum());
      sb.append('\n');
      double[] q = p.quantiles();
      double[] v = p.quantileValues();
      for (int k = 0; k < q.length; k++) {
        sb.append("QuantileValue #").append(k).append(": Quantile ");
        Text.appendFixed6(sb, q[k]);
        sb.append(", Value ");
        Text.appendFixed6(sb, v[k]);
        sb.append('\n');
      }
    }
  }

  private static void appendOptional(StringBuilder sb, String label, double value) {
    if (!Double.isNaN(value)) {
      sb.append(label);
      Text.appendFixed6(sb, value);
      sb.append('\n');
    }
  }

  private static void appendResource(StringBuilder sb, ResourceEntry<?> entry) {
    sb.append("Resource SchemaURL: ").append(entry.schemaUrl()).append('\n');
    Resource resource = entry.resource();
    appendAttributes(sb, "Resource attributes", "", resource.attributes());
    appendDropped(sb, "Resource DroppedAttributesCount: ", resource.droppedAttributesCount());
  }

  private static void appendScope(StringBuilder sb, String kind, ScopeEntry<?> entry) {
    sb.append(kind).append(" SchemaURL: ").append(entry.schemaUrl()).append('\n');
    Scope scope = entry.scope();
    sb.append("InstrumentationScope ").append(scope.name()).append(' ').append(scope.version())
        .append('\n');
    appendAttributes(sb, "InstrumentationScope attributes", "", scope.attributes());
    appendDropped(sb, "InstrumentationScope DroppedAttributesCount: ",
        scope.droppedAttributesCount());
  }

  /** The Collector's attribute block: a header line, then {@code -> key: Type(value)} lines. */
  private static void appendAttributes(StringBuilder sb, String header, String indent,
      Attributes attributes) {
    if (attributes.isEmpty()) {
      return;
    }
    sb.append(header).append(":\n");
    for (int i = 0; i < attributes.size(); i++) {
      sb.append(indent).append(ARROW).append(attributes.key(i)).append(": ");
      Text.appendTyped(sb, attributes, i);
      sb.append('\n');
    }
  }

  private static void appendDropped(StringBuilder sb, String label, int count) {
    if (count != 0) {
      sb.append(label).append(count).append('\n');
    }
  }

  private static String kindName(Span s) {
    return switch (s.kind()) {
      case UNSPECIFIED -> "Unspecified";
      case INTERNAL -> "Internal";
      case SERVER -> "Server";
      case CLIENT -> "Client";
      case PRODUCER -> "Producer";
      case CONSUMER -> "Consumer";
    };
  }

  /** Go's SeverityNumber names: {@code Info}, {@code Info2}, {@code Unspecified}. */
  static String severityName(Severity s) {
    return SEVERITY_NAMES[s.ordinal()];
  }

  private static final String[] SEVERITY_NAMES = new String[Severity.values().length];

  static {
    for (Severity s : Severity.values()) {
      String n = s.name();
      SEVERITY_NAMES[s.ordinal()] = n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
    }
  }
}
