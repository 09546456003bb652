package dev.tapio.plugin.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.ottl.ErrorMode;
import dev.tapio.ottl.OttlContext;
import dev.tapio.pdata.AggregationTemporality;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.Traces;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transform processor with configs in the shapes of the Collector's documentation. */
class TransformTest {
  private final TransformFactory factory = new TransformFactory();
  private final ConsumerSink sink = new ConsumerSink();

  private TransformConfig read(String yaml) throws ConfigException {
    return ComponentConfigs.read(factory, yaml);
  }

  private static Logs logs() {
    Logs logs = new Logs();
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "shop")
        .putString("host.name", "node-1");
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName("app");
    LogRecord a = sl.logRecords().appendEmpty().setBody("{\"user\":\"ana\",\"ms\":12}")
        .setSeverityText("warn");
    a.attributes().putString("password", "hunter2").putString("http.url",
        "https://x.example/checkout?token=abc");
    sl.logRecords().appendEmpty().setBody("plain text").setSeverityText("info");
    return logs;
  }

  private LogRecord record(int i) {
    return sink.logs().getFirst().resourceLogs().get(0).scopeLogs().get(0).logRecords().get(i);
  }

  @Test
  void groupFormRunsEachContextInOrder() throws ConfigException {
    TransformConfig config = read("""
        error_mode: ignore
        log_statements:
          - context: resource
            statements:
              - set(attributes["deployment.environment"], "prod")
              - delete_key(attributes, "host.name")
          - context: log
            conditions:
              - IsMatch(body, "^\\\\{")
            statements:
              - merge_maps(attributes, ParseJSON(body), "upsert")
              - set(severity_number, SEVERITY_NUMBER_WARN) where severity_text == "warn"
              - replace_pattern(attributes["http.url"], "token=[^&]+", "token=***")
              - delete_key(attributes, "password")
          - context: log
            statements:
              - set(attributes["service"], resource.attributes["service.name"])
        """);
    assertEquals(3, config.logStatements().size());
    factory.createLogs(new TestContext("transform", Kind.PROCESSOR, Signal.LOGS), config, sink)
        .consumeLogs(logs());
    var resource = sink.logs().getFirst().resourceLogs().get(0).resource().attributes();
    assertEquals("prod", resource.getString("deployment.environment"));
    assertFalse(resource.contains("host.name"));
    LogRecord json = record(0);
    assertEquals("ana", json.attributes().getString("user"));
    assertEquals(12.0, json.attributes().getDouble("ms", 0));
    assertEquals(Severity.WARN, json.severity());
    assertEquals("https://x.example/checkout?token=***", json.attributes().getString("http.url"));
    assertFalse(json.attributes().contains("password"));
    assertEquals("shop", json.attributes().getString("service"));
    LogRecord plain = record(1);
    assertNull(plain.attributes().getString("user"), "the group's condition did not match");
    assertEquals("shop", plain.attributes().getString("service"));
  }

  @Test
  void flatFormInfersTheContext() throws ConfigException {
    TransformConfig config = read("""
        log_statements:
          - set(resource.attributes["team"], "payments")
          - set(log.attributes["scope"], instrumentation_scope.name)
          - set(attributes["upper"], ToUpperCase(severity_text))
          - keep_keys(resource.attributes, ["service.name", "team"])
        """);
    List<OttlContext> contexts = config.logStatements().stream()
        .map(TransformConfig.Group::context).toList();
    assertEquals(List.of(OttlContext.RESOURCE, OttlContext.LOG, OttlContext.RESOURCE),
        contexts, "consecutive statements of one context share a group");
    factory.createLogs(new TestContext("transform", Kind.PROCESSOR, Signal.LOGS), config, sink)
        .consumeLogs(logs());
    var resource = sink.logs().getFirst().resourceLogs().get(0).resource().attributes();
    assertEquals("payments", resource.getString("team"));
    assertEquals(2, resource.size());
    assertEquals("app", record(0).attributes().getString("scope"));
    assertEquals("INFO", record(1).attributes().getString("upper"));
  }

  @Test
  void tracesSpanAndSpanEventContexts() throws ConfigException {
    TransformConfig config = read("""
        trace_statements:
          - context: span
            statements:
              - set(status.code, STATUS_CODE_ERROR) where attributes["http.status_code"] >= 500
              - set(name, Concat([attributes["http.method"], attributes["http.route"]], " "))
              - truncate_all(attributes, 8)
          - context: spanevent
            statements:
              - set(attributes["span.name"], span.name)
        """);
    Traces traces = new Traces();
    ResourceSpans rs = traces.resourceSpans().appendEmpty();
    ScopeSpans ss = rs.scopeSpans().appendEmpty();
    Span span = ss.spans().appendEmpty().setName("x").setKind(SpanKind.SERVER);
    span.attributes().putLong("http.status_code", 503).putString("http.method", "GET")
        .putString("http.route", "/users/{id}");
    span.events().appendEmpty().setName("exception");
    factory.createTraces(new TestContext("transform", Kind.PROCESSOR, Signal.TRACES), config,
        sink).consumeTraces(traces);
    Span out = sink.traces().getFirst().resourceSpans().get(0).scopeSpans().get(0).spans()
        .get(0);
    assertEquals(dev.tapio.pdata.StatusCode.ERROR, out.statusCode());
    assertEquals("GET /users/{id}", out.name());
    assertEquals("/users/{", out.attributes().getString("http.route"));
    assertEquals("GET /users/{id}", out.events().get(0).attributes().getString("span.name"));
  }

  @Test
  void metricsMetricAndDataPointContexts() throws ConfigException {
    TransformConfig config = read("""
        metric_statements:
          - context: metric
            statements:
              - set(description, "Duration of HTTP requests") where name == "http.duration"
              - set(unit, "s") where unit == "ms"
          - context: datapoint
            statements:
              - set(attributes["kind"], "slow") where value_int > 100
              - set(value_int, value_int / 1000) where metric.unit == "s"
        """);
    Metrics metrics = new Metrics();
    ResourceMetrics rm = metrics.resourceMetrics().appendEmpty();
    Metric m = rm.scopeMetrics().appendEmpty().metrics().appendEmpty().setName("http.duration")
        .setUnit("ms");
    var points = m.setSum(AggregationTemporality.CUMULATIVE, true);
    points.appendEmpty().setLongValue(2500);
    points.appendEmpty().setLongValue(50);
    factory.createMetrics(new TestContext("transform", Kind.PROCESSOR, Signal.METRICS), config,
        sink).consumeMetrics(metrics);
    Metric out = sink.metrics().getFirst().resourceMetrics().get(0).scopeMetrics().get(0)
        .metrics().get(0);
    assertEquals("Duration of HTTP requests", out.description());
    assertEquals("s", out.unit());
    NumberDataPoint p0 = out.numberPoints().get(0);
    assertEquals(2, p0.longValue());
    assertEquals("slow", p0.attributes().getString("kind"));
    assertFalse(out.numberPoints().get(1).attributes().contains("kind"));
  }

  @Test
  void errorModeIgnoreGoesOnPropagateRefuses() throws ConfigException {
    String statements = """
        log_statements:
          - context: log
            statements:
              - merge_maps(attributes, ParseJSON(body), "upsert")
              - set(attributes["after"], true)
        """;
    TransformConfig ignore = read(statements);
    assertEquals(ErrorMode.IGNORE, ignore.errorMode());
    TestContext context = new TestContext("transform", Kind.PROCESSOR, Signal.LOGS);
    factory.createLogs(context, ignore, sink).consumeLogs(logs());
    assertTrue(record(1).attributes().getBool("after", false), "went on after the failure");
    assertEquals(1, context.counterValue("tapio_processor_transform_statement_errors"));

    TransformConfig propagate = read("error_mode: propagate\n" + statements);
    assertThrows(ConsumerException.class, () -> factory.createLogs(
        new TestContext("transform", Kind.PROCESSOR, Signal.LOGS), propagate,
        new ConsumerSink()).consumeLogs(logs()));
    TransformConfig groupSilent = read("""
        error_mode: propagate
        log_statements:
          - context: log
            error_mode: silent
            statements:
              - merge_maps(attributes, ParseJSON(body), "upsert")
        """);
    factory.createLogs(new TestContext("transform", Kind.PROCESSOR, Signal.LOGS), groupSilent,
        new ConsumerSink()).consumeLogs(logs());
  }

  @Test
  void configErrorsCarryThePositionInsideTheStatement() {
    ConfigException e = assertThrows(ConfigException.class, () -> read("""
        log_statements:
          - context: log
            statements:
              - set(attributes["a"], Concat(["x"]))
          - context: span
            statements: []
        trace_statements:
          - set(span.name, "x") where span.kind == SPAN_KIND_SERVR
        metric_statements:
          - set(log.body, "x")
        flatten_data: true
        """));
    List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
    String all = String.join("\n", errors);
    assertTrue(all.contains("component.yaml:4:42: processor 'transform', key"
        + " 'log_statements.0.statements.0': invalid OTTL statement for the log context at"
        + " column 34: Concat takes 2 arguments (vals, delimiter), got 1 (missing"
        + " 'delimiter')"), all);
    assertTrue(all.contains("key 'log_statements.1.context': 'span' is not a context for"
        + " log_statements: use one of log, scope, resource"), all);
    assertTrue(all.contains("key 'trace_statements.0': invalid OTTL statement at column 40:"
        + " unknown enum 'SPAN_KIND_SERVR' (did you mean 'SPAN_KIND_SERVER'?)"), all);
    assertTrue(all.contains("key 'metric_statements.0': the log context is not valid in"
        + " metric_statements"), all);
    assertTrue(all.contains("key 'flatten_data': is not supported yet"), all);
    assertEquals(5, errors.size(), all);
  }
}
