package dev.tapio.ottl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanEvent;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.StatusCode;
import dev.tapio.pdata.Traces;
import dev.tapio.pdata.ValueType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OttlTest {
  private ResourceLogs rl;
  private ScopeLogs sl;
  private LogRecord log;
  private TransformContext tc;

  @BeforeEach
  void setUp() {
    Logs logs = new Logs();
    rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "checkout")
        .putString("k8s.namespace.name", "kube-system");
    sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName("io.tapio.ebpf").setVersion("1.2");
    log = sl.logRecords().appendEmpty();
    log.setBody("GET /healthz 200").setSeverity(Severity.INFO).setSeverityText("Info")
        .setEventName("http.request");
    log.attributes().putString("http.route", "/healthz").putLong("http.status_code", 200)
        .putDouble("duration", 1.5).putBool("sampled", true);
    tc = new TransformContext().resource(rl.resource()).scope(sl.scope()).log(log);
  }

  private boolean logCond(String text) {
    return Ottl.condition(text, OttlContext.LOG).matches(tc);
  }

  private void logRun(String text) {
    Ottl.statement(text, OttlContext.LOG).execute(tc);
  }

  @Test
  void logConditionsComparePathsLiteralsAndEnums() {
    assertTrue(logCond("attributes[\"http.route\"] == \"/healthz\""));
    assertFalse(logCond("attributes[\"http.route\"] != \"/healthz\""));
    assertTrue(logCond("attributes[\"http.status_code\"] >= 200"));
    assertTrue(logCond("attributes[\"http.status_code\"] < 300.5"));
    assertTrue(logCond("200 <= attributes[\"http.status_code\"]"));
    assertTrue(logCond("attributes[\"duration\"] > 1"));
    assertTrue(logCond("attributes[\"sampled\"] == true"));
    assertTrue(logCond("attributes[\"missing\"] == nil"));
    assertFalse(logCond("attributes[\"missing\"] == \"x\""));
    assertFalse(logCond("attributes[\"missing\"] > 1"));
    assertTrue(logCond("severity_number == SEVERITY_NUMBER_INFO"));
    assertTrue(logCond("severity_number < SEVERITY_NUMBER_WARN"));
    assertFalse(logCond("severity_number >= SEVERITY_NUMBER_WARN"));
    assertTrue(logCond("log.severity_text == \"Info\""));
    assertTrue(logCond("body == \"GET /healthz 200\""));
    assertTrue(logCond("event_name == \"http.request\""));
    assertTrue(logCond("resource.attributes[\"service.name\"] == \"checkout\""));
    assertTrue(logCond("instrumentation_scope.name == \"io.tapio.ebpf\""));
    assertTrue(logCond("scope.version == \"1.2\""));
    // Different types are never equal and never ordered.
    assertFalse(logCond("attributes[\"http.status_code\"] == \"200\""));
    assertTrue(logCond("attributes[\"http.status_code\"] != \"200\""));
    assertFalse(logCond("attributes[\"http.route\"] > 1"));
    assertTrue(logCond("\"b\" > \"a\""));
  }

  @Test
  void booleanOperatorsAndPrecedence() {
    assertTrue(logCond("severity_number == 1 or severity_number == 9 and body != nil"));
    assertFalse(logCond("(severity_number == 1 or severity_number == 9) and body == nil"));
    assertTrue(logCond("not severity_number == 1"));
    assertTrue(logCond("not (severity_number == 1 or body == nil)"));
    assertFalse(logCond("not true"));
    assertTrue(logCond("IsMatch(body, \"health\") and not IsMatch(body, \"^POST\")"));
    assertTrue(logCond("attributes[\"http.status_code\"] + 1 == 201"));
    assertTrue(logCond("attributes[\"duration\"] * 2 == 3.0"));
  }

  @Test
  void converters() {
    assertTrue(logCond("IsMatch(attributes[\"http.route\"], \"^/health\")"));
    assertTrue(logCond("IsMatch(attributes[\"http.status_code\"], \"^2\\\\d\\\\d$\")"));
    assertFalse(logCond("IsMatch(attributes[\"missing\"], \".*\")"));
    assertTrue(logCond("Concat([resource.attributes[\"service.name\"], body], \"|\")"
        + " == \"checkout|GET /healthz 200\""));
    assertTrue(logCond("IsString(body) and IsInt(attributes[\"http.status_code\"])"
        + " and IsDouble(attributes[\"duration\"]) and IsBool(attributes[\"sampled\"])"
        + " and IsMap(attributes) and not IsList(body)"));
    assertTrue(logCond("Concat([attributes[\"missing\"], 1, true, 2.5], \"/\")"
        + " == \"<nil>/1/true/2.5\""));
    assertTrue(logCond("Len(body) == 16"));
    assertTrue(logCond("ToUpperCase(severity_text) == \"INFO\""));
    assertTrue(logCond("Substring(body, 4, 8) == \"/healthz\""));
    assertTrue(logCond("String(attributes[\"http.status_code\"]) == \"200\""));
    assertTrue(logCond("Int(\"42\") == 42 and Double(\"1.5\") == 1.5"));
    assertTrue(logCond("HasPrefix(body, \"GET\") and HasSuffix(body, \"200\")"));
    log.setBody("{\"user\":{\"id\":7},\"tags\":[\"a\",\"b\"],\"ok\":true,\"ratio\":0.5}");
    assertTrue(logCond("ParseJSON(body)[\"user\"][\"id\"] == 7"));
    assertTrue(logCond("ParseJSON(body)[\"tags\"][1] == \"b\""));
    assertTrue(logCond("ParseJSON(body)[\"ratio\"] == 0.5 and ParseJSON(body)[\"ok\"]"
        + " == true"));
  }

  @Test
  void setWritesEveryKindOfLogField() {
    logRun("set(attributes[\"env\"], \"prod\")");
    logRun("set(attributes[\"n\"], 5)");
    logRun("set(severity_number, SEVERITY_NUMBER_ERROR)");
    logRun("set(severity_text, \"ERROR\") where severity_number >= SEVERITY_NUMBER_ERROR");
    logRun("set(body, Concat([\"[\", body, \"]\"], \"\"))");
    logRun("set(resource.attributes[\"team\"], attributes[\"env\"])");
    logRun("set(attributes[\"skipped\"], \"x\") where body == \"nothing\"");
    logRun("set(attributes[\"from_nil\"], attributes[\"absent\"])");
    logRun("set(event_name, \"changed\")");
    logRun("set(trace_id.string, \"0102030405060708090a0b0c0d0e0f10\")");
    assertEquals("prod", log.attributes().getString("env"));
    assertEquals(5, log.attributes().getLong("n", -1));
    assertEquals(Severity.ERROR, log.severity());
    assertEquals("ERROR", log.severityText());
    assertEquals("[GET /healthz 200]", log.bodyString());
    assertEquals("prod", rl.resource().attributes().getString("team"));
    assertFalse(log.attributes().contains("skipped"));
    assertFalse(log.attributes().contains("from_nil"));
    assertEquals("changed", log.eventName());
    assertEquals(16, log.traceId().length);
    assertEquals(0x10, log.traceId()[15]);
  }

  @Test
  void mapEditors() {
    Attributes a = log.attributes();
    a.putString("secret.token", "abc").putString("secret.key", "def")
        .putString("long", "x".repeat(50));
    logRun("delete_key(attributes, \"duration\")");
    assertFalse(a.contains("duration"));
    logRun("delete_matching_keys(attributes, \"^secret\\\\.\")");
    assertFalse(a.contains("secret.token"));
    assertFalse(a.contains("secret.key"));
    logRun("truncate_all(attributes, 10)");
    assertEquals(10, a.getString("long").length());
    assertEquals("/healthz", a.getString("http.route"));
    logRun("keep_keys(attributes, [\"http.route\", \"long\", \"sampled\"])");
    assertEquals(List.of("http.route", "sampled", "long"), keys(a));
    logRun("limit(attributes, 2, [\"long\"])");
    assertEquals(List.of("http.route", "long"), keys(a));
    logRun("replace_pattern(attributes[\"http.route\"], \"/(\\\\w+)\", \"/x-$1\")");
    assertEquals("/x-healthz", a.getString("http.route"));
    logRun("replace_all_patterns(attributes, \"value\", \"x\", \"y\")");
    assertEquals("/y-healthz", a.getString("http.route"));
    logRun("replace_all_patterns(attributes, \"key\", \"^http\\\\.\", \"url.\")");
    assertEquals("/y-healthz", a.getString("url.route"));
    logRun("merge_maps(attributes, resource.attributes, \"insert\")");
    assertEquals("checkout", a.getString("service.name"));
    a.putString("service.name", "mine");
    logRun("merge_maps(attributes, resource.attributes, \"insert\")");
    assertEquals("mine", a.getString("service.name"));
    logRun("merge_maps(attributes, resource.attributes, \"upsert\")");
    assertEquals("checkout", a.getString("service.name"));
    logRun("replace_match(attributes[\"url.route\"], \"/y-*\", \"/{route}\")");
    assertEquals("/{route}", a.getString("url.route"));
    logRun("keep_matching_keys(attributes, \"^url\")");
    assertEquals(List.of("url.route"), keys(a));
    // A renamed key that matches again is not renamed again (that would never end).
    logRun("replace_all_patterns(attributes, \"key\", \"r\", \"rr\")");
    assertEquals(List.of("urrl.rroute"), keys(a));
  }

  @Test
  void parseJsonIntoAttributesAndCache() {
    log.setBody("{\"level\":\"warn\",\"user\":\"ana\",\"n\":3}");
    logRun("merge_maps(attributes, ParseJSON(body), \"upsert\") where IsMatch(body, \"^\\\\{\")");
    assertEquals("ana", log.attributes().getString("user"));
    assertEquals(3.0, log.attributes().getDouble("n", 0),
        "JSON numbers are doubles, as in the Collector");
    tc.clearCache();
    logRun("set(cache, ParseJSON(body))");
    logRun("set(attributes[\"lvl\"], cache[\"level\"])");
    assertEquals("warn", log.attributes().getString("lvl"));
    // A map body edited in place.
    log.setBody(AnyValue.ofMap(Map.of("a", AnyValue.of(1L), "b", AnyValue.of("x"))));
    logRun("delete_key(body, \"a\")");
    assertEquals(ValueType.MAP, log.body().type());
    assertEquals(List.of("b"), List.copyOf(log.body().asMap().keySet()));
  }

  @Test
  void runtimeErrorsAreOttlRuntimeExceptions() {
    log.setBody("not json");
    assertThrows(OttlRuntimeException.class,
        () -> logRun("merge_maps(attributes, ParseJSON(body), \"upsert\")"));
    assertThrows(OttlRuntimeException.class, () -> logRun("set(severity_number, \"high\")"));
    assertThrows(OttlRuntimeException.class, () -> logCond("Len(attributes[\"sampled\"]) > 1"));
  }

  @Test
  void resourceAndScopeContexts() {
    assertTrue(Ottl.condition("attributes[\"service.name\"] == \"checkout\"",
        OttlContext.RESOURCE).matches(tc));
    assertTrue(Ottl.condition("resource.attributes[\"service.name\"] == \"checkout\"",
        OttlContext.RESOURCE).matches(tc));
    Ottl.statement("set(attributes[\"deployment.environment\"], \"prod\")",
        OttlContext.RESOURCE).execute(tc);
    assertEquals("prod", rl.resource().attributes().getString("deployment.environment"));
    assertTrue(Ottl.condition("name == \"io.tapio.ebpf\" and"
        + " resource.attributes[\"service.name\"] == \"checkout\"", OttlContext.SCOPE)
        .matches(tc));
    Ottl.statement("set(version, \"2.0\")", OttlContext.SCOPE).execute(tc);
    assertEquals("2.0", sl.scope().version());
  }

  @Test
  void spanAndSpanEventContexts() {
    Traces traces = new Traces();
    ResourceSpans rs = traces.resourceSpans().appendEmpty();
    rs.resource().attributes().putString("service.name", "api");
    ScopeSpans ss = rs.scopeSpans().appendEmpty();
    Span span = ss.spans().appendEmpty();
    span.setName("GET /users").setKind(SpanKind.SERVER).setStatus(StatusCode.ERROR, "boom");
    span.attributes().putString("http.method", "GET");
    SpanEvent ev = span.events().appendEmpty().setName("exception");
    ev.attributes().putString("exception.type", "IOException");
    TransformContext c = new TransformContext().resource(rs.resource()).scope(ss.scope())
        .span(span).spanEvent(ev);
    assertTrue(Ottl.condition("kind == SPAN_KIND_SERVER and status.code == STATUS_CODE_ERROR"
        + " and name == \"GET /users\"", OttlContext.SPAN).matches(c));
    assertTrue(Ottl.condition("span.status.message == \"boom\"", OttlContext.SPAN)
        .matches(c));
    Ottl.statement("set(status.code, STATUS_CODE_OK) where attributes[\"http.method\"] =="
        + " \"GET\"", OttlContext.SPAN).execute(c);
    assertEquals(StatusCode.OK, span.statusCode());
    assertEquals("boom", span.statusMessage());
    Ottl.statement("set(kind, SPAN_KIND_CLIENT)", OttlContext.SPAN).execute(c);
    assertEquals(SpanKind.CLIENT, span.kind());
    assertTrue(Ottl.condition("name == \"exception\" and span.name == \"GET /users\" and"
        + " attributes[\"exception.type\"] == \"IOException\"", OttlContext.SPANEVENT)
        .matches(c));
    Ottl.statement("set(attributes[\"service\"], resource.attributes[\"service.name\"])",
        OttlContext.SPANEVENT).execute(c);
    assertEquals("api", ev.attributes().getString("service"));
  }

  @Test
  void metricAndDataPointContexts() {
    Metrics metrics = new Metrics();
    ResourceMetrics rm = metrics.resourceMetrics().appendEmpty();
    ScopeMetrics sm = rm.scopeMetrics().appendEmpty();
    Metric m = sm.metrics().appendEmpty().setName("http.server.duration").setUnit("ms");
    NumberDataPoint p = m.setGauge().appendEmpty().setLongValue(42);
    p.attributes().putString("http.route", "/users");
    TransformContext c = new TransformContext().resource(rm.resource()).scope(sm.scope())
        .metric(m).dataPoint(p);
    assertTrue(Ottl.condition("type == METRIC_DATA_TYPE_GAUGE and name =="
        + " \"http.server.duration\"", OttlContext.METRIC).matches(c));
    assertTrue(Ottl.condition("metric.unit == \"ms\"", OttlContext.METRIC).matches(c));
    assertTrue(Ottl.condition("metric.name == \"http.server.duration\" and value_int > 40"
        + " and value_double == nil and attributes[\"http.route\"] == \"/users\"",
        OttlContext.DATAPOINT).matches(c));
    assertTrue(Ottl.condition("metric.type == METRIC_DATA_TYPE_GAUGE", OttlContext.DATAPOINT)
        .matches(c));
    Ottl.statement("set(value_int, value_int * 2)", OttlContext.DATAPOINT).execute(c);
    assertEquals(84, p.longValue());
    Ottl.statement("set(description, \"latency\")", OttlContext.METRIC).execute(c);
    assertEquals("latency", m.description());
  }

  private static List<String> keys(Attributes a) {
    String[] out = new String[a.size()];
    for (int i = 0; i < a.size(); i++) {
      out[i] = a.key(i);
    }
    return List.of(out);
  }

  @Test
  void nilWhereAndMissingRecordFieldsDoNotThrow() {
    log.setBody(AnyValue.EMPTY);
    assertTrue(logCond("body == nil"));
    assertNull(Values.of(log.body()));
  }
}
