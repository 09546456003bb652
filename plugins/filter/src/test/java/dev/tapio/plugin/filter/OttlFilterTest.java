package dev.tapio.plugin.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.ottl.ErrorMode;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.Traces;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Collector's filter configuration (OTTL conditions) for every signal. */
class OttlFilterTest {
  private final FilterFactory factory = new FilterFactory();
  private final ConsumerSink sink = new ConsumerSink();

  private FilterConfig read(String yaml) throws ConfigException {
    return ComponentConfigs.read(factory, yaml);
  }

  private static Logs logs() {
    Logs logs = new Logs();
    ResourceLogs app = logs.resourceLogs().appendEmpty();
    app.resource().attributes().putString("service.name", "shop");
    ScopeLogs s = app.scopeLogs().appendEmpty();
    s.logRecords().appendEmpty().setBody("GET /healthz").setSeverity(Severity.DEBUG)
        .attributes().putString("http.route", "/healthz");
    s.logRecords().appendEmpty().setBody("checkout ok").setSeverity(Severity.INFO)
        .attributes().putString("http.route", "/checkout");
    s.logRecords().appendEmpty().setBody("{\"level\":\"error\"}").setSeverity(Severity.ERROR);
    ResourceLogs kube = logs.resourceLogs().appendEmpty();
    kube.resource().attributes().putString("k8s.namespace.name", "kube-system");
    kube.scopeLogs().appendEmpty().logRecords().appendEmpty().setBody("kube noise");
    return logs;
  }

  private List<String> keptBodies() {
    List<String> out = new ArrayList<>();
    for (Logs l : sink.logs()) {
      for (ResourceLogs rl : l.resourceLogs()) {
        for (ScopeLogs sl : rl.scopeLogs()) {
          for (LogRecord r : sl.logRecords()) {
            out.add(r.bodyString());
          }
        }
      }
    }
    return out;
  }

  @Test
  void logRecordAndResourceConditionsDropAndCount() throws ConfigException {
    FilterConfig config = read("""
        error_mode: ignore
        logs:
          resource:
            - IsMatch(attributes["k8s.namespace.name"], "^kube-")
          log_record:
            - 'attributes["http.route"] == "/healthz"'
            - severity_number < SEVERITY_NUMBER_INFO and IsMatch(body, "debug")
        """);
    TestContext context = new TestContext("filter", Kind.PROCESSOR, Signal.LOGS);
    factory.createLogs(context, config, sink).consumeLogs(logs());
    assertEquals(List.of("checkout ok", "{\"level\":\"error\"}"), keptBodies());
    assertEquals(2, context.droppedCount("filtered"));
    assertEquals(2, context.counterValue("otelcol_processor_filter_logs_filtered"));
    assertEquals(1, sink.logs().getFirst().resourceLogs().size(), "empty resource removed");
  }

  @Test
  void theCollectorsCurrentLogConditionsInferTheirContextOrNameIt() throws ConfigException {
    for (String yaml : List.of("""
        log_conditions:
          - IsMatch(resource.attributes["k8s.namespace.name"], "^kube-")
          - 'log.attributes["http.route"] == "/healthz"'
        """, """
        log_conditions:
          - context: resource
            conditions: ['IsMatch(attributes["k8s.namespace.name"], "^kube-")']
          - context: log
            conditions: ['attributes["http.route"] == "/healthz"']
        """)) {
      sink.reset();
      TestContext context = new TestContext("filter", Kind.PROCESSOR, Signal.LOGS);
      factory.createLogs(context, read(yaml), sink).consumeLogs(logs());
      assertEquals(List.of("checkout ok", "{\"level\":\"error\"}"), keptBodies(), yaml);
      assertEquals(2, context.counterValue("otelcol_processor_filter_logs_filtered"));
    }
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> read("""
            log_conditions:
              - span.name == "x"
            logs:
              include:
                match_type: strict
                bodies: [a]
            """));
    String m = e.getMessage();
    org.junit.jupiter.api.Assertions.assertTrue(m.contains("component.yaml:2:5: processor"
        + " 'filter', key 'log_conditions.0': the span context is not one filter supports in"
        + " log_conditions"), m);
    org.junit.jupiter.api.Assertions.assertTrue(m.contains("key 'logs.include': is not supported"
        + " yet in the Collector's deprecated form"), m);
  }

  @Test
  void shorthandAndOttlTogether() throws ConfigException {
    FilterConfig config = read("""
        logs:
          min_severity: INFO
          log_record:
            - body == "checkout ok"
        """);
    TestContext context = new TestContext("filter", Kind.PROCESSOR, Signal.LOGS);
    factory.createLogs(context, config, sink).consumeLogs(logs());
    assertEquals(List.of("{\"level\":\"error\"}"), keptBodies());
    assertEquals(3, context.droppedCount("filtered"));
  }

  @Test
  void errorModes() throws ConfigException {
    String conditions = """
        logs:
          log_record:
            - ParseJSON(body)["level"] == "error"
        """;
    FilterConfig ignore = read(conditions);
    assertEquals(ErrorMode.IGNORE, ignore.errorMode(), "the Collector's current default");
    TestContext context = new TestContext("filter", Kind.PROCESSOR, Signal.LOGS);
    factory.createLogs(context, ignore, sink).consumeLogs(logs());
    // Bodies that are not JSON fail the condition: kept; the JSON error record is dropped.
    assertEquals(List.of("GET /healthz", "checkout ok", "kube noise"), keptBodies());

    FilterConfig propagate = read("error_mode: propagate\n" + conditions);
    ConsumerException e = assertThrows(ConsumerException.class, () -> factory.createLogs(
        new TestContext("filter", Kind.PROCESSOR, Signal.LOGS), propagate, new ConsumerSink())
        .consumeLogs(logs()));
    assertTrue(e.getMessage().contains("ParseJSON"), e.getMessage());
    assertTrue(!e.retryable());
    assertEquals(ErrorMode.SILENT, read("error_mode: silent\n" + conditions).errorMode());
  }

  @Test
  void spansAndSpanEvents() throws ConfigException {
    FilterConfig config = read("""
        traces:
          resource:
            - attributes["service.name"] == "noise"
          span:
            - kind == SPAN_KIND_INTERNAL
            - attributes["http.route"] == "/healthz"
          spanevent:
            - name == "debug"
        """);
    Traces traces = new Traces();
    ResourceSpans rs = traces.resourceSpans().appendEmpty();
    rs.resource().attributes().putString("service.name", "api");
    ScopeSpans ss = rs.scopeSpans().appendEmpty();
    ss.spans().appendEmpty().setName("internal").setKind(SpanKind.INTERNAL);
    Span health = ss.spans().appendEmpty().setName("health").setKind(SpanKind.SERVER);
    health.attributes().putString("http.route", "/healthz");
    Span keep = ss.spans().appendEmpty().setName("keep").setKind(SpanKind.SERVER);
    keep.events().appendEmpty().setName("debug");
    keep.events().appendEmpty().setName("exception");
    ResourceSpans noise = traces.resourceSpans().appendEmpty();
    noise.resource().attributes().putString("service.name", "noise");
    noise.scopeSpans().appendEmpty().spans().appendEmpty().setName("n");

    TestContext context = new TestContext("filter", Kind.PROCESSOR, Signal.TRACES);
    factory.createTraces(context, config, sink).consumeTraces(traces);
    Traces out = sink.traces().getFirst();
    assertEquals(1, out.spanCount());
    Span kept = out.resourceSpans().get(0).scopeSpans().get(0).spans().get(0);
    assertEquals("keep", kept.name());
    assertEquals(1, kept.events().size());
    assertEquals("exception", kept.events().get(0).name());
    assertEquals(3, context.droppedCount("filtered"));
    assertEquals(3, context.counterValue("otelcol_processor_filter_spans_filtered"));
    assertEquals(1, context.counterValue("tapio_processor_filter_span_events_filtered"));
  }

  @Test
  void metricsAndDataPoints() throws ConfigException {
    FilterConfig config = read("""
        metrics:
          metric:
            - name == "jvm.gc.count" and type == METRIC_DATA_TYPE_SUM
          datapoint:
            - metric.name == "http.duration" and attributes["http.route"] == "/healthz"
            - value_int == 0
        """);
    Metrics metrics = new Metrics();
    ResourceMetrics rm = metrics.resourceMetrics().appendEmpty();
    ScopeMetrics sm = rm.scopeMetrics().appendEmpty();
    Metric gc = sm.metrics().appendEmpty().setName("jvm.gc.count");
    gc.setSum(dev.tapio.pdata.AggregationTemporality.CUMULATIVE, true).appendEmpty()
        .setLongValue(3);
    Metric http = sm.metrics().appendEmpty().setName("http.duration");
    var points = http.setGauge();
    points.appendEmpty().setLongValue(5).attributes().putString("http.route", "/healthz");
    points.appendEmpty().setLongValue(7).attributes().putString("http.route", "/users");
    Metric zero = sm.metrics().appendEmpty().setName("zero");
    zero.setGauge().appendEmpty().setLongValue(0);

    TestContext context = new TestContext("filter", Kind.PROCESSOR, Signal.METRICS);
    factory.createMetrics(context, config, sink).consumeMetrics(metrics);
    Metrics out = sink.metrics().getFirst();
    assertEquals(1, out.dataPointCount());
    var kept = out.resourceMetrics().get(0).scopeMetrics().get(0).metrics();
    assertEquals(1, kept.size(), "a metric left without points is removed");
    assertEquals(7, kept.get(0).numberPoints().get(0).longValue());
    assertEquals(3, context.droppedCount("filtered"));
    assertEquals(3, context.counterValue("otelcol_processor_filter_datapoints_filtered"));
  }

  @Test
  void badConditionsAreReportedAtTheirItemWithTheColumnInside() {
    ConfigException e = assertThrows(ConfigException.class, () -> read("""
        error_mode: loud
        logs:
          log_record:
            - 'attributes["a"] == "x"'
            - 'atributes["a"] == "x"'
        traces:
          span:
            - IsMatch(name, "(")
        metrics:
          datapoint:
            - severity_number == 1
        spans:
          include: {}
        """));
    List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
    assertEquals(5, errors.size(), e.getMessage());
    assertTrue(errors.get(0).startsWith("component.yaml:1:13: processor 'filter', key"
        + " 'error_mode': 'loud' is not an error mode"), errors.get(0));
    String all = String.join("\n", errors);
    assertTrue(all.contains("component.yaml:5:8: processor 'filter', key 'logs.log_record.1':"
        + " invalid OTTL condition for the log context at column 1: unknown path 'atributes'"
        + " for the log context (did you mean 'attributes'?)"), all);
    assertTrue(all.contains("component.yaml:8:21: processor 'filter', key 'traces.span.0':"
        + " invalid OTTL condition for the span context at column 15: IsMatch: invalid"
        + " regular expression"), all);
    assertTrue(all.contains("key 'metrics.datapoint.0': invalid OTTL condition for the"
        + " datapoint context at column 1: unknown path 'severity_number'"), all);
    assertTrue(all.contains("key 'spans': is not supported yet: use traces.span OTTL"
        + " conditions"), all);
  }
}
