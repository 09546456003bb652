package dev.tapio.plugin.attributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.Traces;
import dev.tapio.pdata.ValueType;
import dev.tapio.plugin.resource.ResourceFactory;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The attributes and resource processors with configs in the Collector's shapes. */
class AttributesTest {
  private final ConsumerSink sink = new ConsumerSink();

  @Test
  void everyActionOnSpans() throws ConfigException {
    AttributesFactory factory = new AttributesFactory();
    AttributesConfig config = ComponentConfigs.read(factory, """
        actions:
          - key: environment
            value: production
            action: insert
          - key: db.table
            action: delete
          - key: redacted
            value: true
            action: upsert
          - key: account_id
            value: 2245
            action: insert
          - key: ratio
            value: 0.25
            action: upsert
          - key: quoted
            value: "2245"
            action: upsert
          - key: copy
            from_attribute: user.id
            action: upsert
          - key: user.id
            value: ignored
            action: insert
          - key: missing
            value: x
            action: update
          - key: user.email
            action: hash
          - pattern: ^secret\\.
            action: delete
          - key: http.url
            pattern: ^(?P<http_protocol>.*):\\/\\/(?P<http_domain>[^/]*)\\/(?P<http_path>.*)$
            action: extract
          - key: retries
            action: convert
            converted_type: int
        """);
    Traces traces = new Traces();
    Span span = traces.resourceSpans().appendEmpty().scopeSpans().appendEmpty().spans()
        .appendEmpty();
    span.attributes().putString("db.table", "users").putString("user.id", "u1")
        .putString("user.email", "ana@example.com").putString("secret.token", "t")
        .putString("http.url", "https://shop.example/cart/1").putString("retries", "3");
    factory.createTraces(new TestContext("attributes", Kind.PROCESSOR, Signal.TRACES), config,
        sink).consumeTraces(traces);
    Attributes a = sink.traces().getFirst().resourceSpans().get(0).scopeSpans().get(0).spans()
        .get(0).attributes();
    assertEquals("production", a.getString("environment"));
    assertFalse(a.contains("db.table"));
    assertTrue(a.getBool("redacted", false));
    assertEquals(2245, a.getLong("account_id", 0));
    assertEquals(0.25, a.getDouble("ratio", 0));
    assertEquals("2245", a.getString("quoted"), "quoted YAML stays a string");
    assertEquals("u1", a.getString("copy"));
    assertEquals("u1", a.getString("user.id"), "insert does not overwrite");
    assertFalse(a.contains("missing"), "update does not create");
    assertEquals(64, a.getString("user.email").length());
    assertFalse(a.contains("secret.token"));
    assertEquals("https", a.getString("http_protocol"));
    assertEquals("shop.example", a.getString("http_domain"));
    assertEquals("cart/1", a.getString("http_path"));
    assertEquals(ValueType.LONG, a.type(a.indexOf("retries")));
  }

  @Test
  void logsAndDataPointsToo() throws ConfigException {
    AttributesFactory factory = new AttributesFactory();
    AttributesConfig config = ComponentConfigs.read(factory, """
        actions:
          - {key: env, value: prod, action: upsert}
        """);
    Logs logs = new Logs();
    logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords().appendEmpty();
    factory.createLogs(new TestContext("attributes", Kind.PROCESSOR, Signal.LOGS), config, sink)
        .consumeLogs(logs);
    assertEquals("prod", sink.logs().getFirst().resourceLogs().get(0).scopeLogs().get(0)
        .logRecords().get(0).attributes().getString("env"));
    Metrics metrics = new Metrics();
    metrics.resourceMetrics().appendEmpty().scopeMetrics().appendEmpty().metrics().appendEmpty()
        .setGauge().appendEmpty().setLongValue(1);
    factory.createMetrics(new TestContext("attributes", Kind.PROCESSOR, Signal.METRICS), config,
        sink).consumeMetrics(metrics);
    assertEquals("prod", sink.metrics().getFirst().resourceMetrics().get(0).scopeMetrics().get(0)
        .metrics().get(0).numberPoints().get(0).attributes().getString("env"));
  }

  @Test
  void resourceProcessorActsOnResources() throws ConfigException {
    ResourceFactory factory = new ResourceFactory();
    var config = ComponentConfigs.read(factory, """
        attributes:
          - key: cloud.region
            value: eu-west-1
            action: insert
          - key: host.name
            action: delete
        """);
    Logs logs = new Logs();
    logs.resourceLogs().appendEmpty().resource().attributes().putString("host.name", "n1");
    factory.createLogs(new TestContext("resource", Kind.PROCESSOR, Signal.LOGS), config, sink)
        .consumeLogs(logs);
    Attributes r = sink.logs().getFirst().resourceLogs().get(0).resource().attributes();
    assertEquals("eu-west-1", r.getString("cloud.region"));
    assertFalse(r.contains("host.name"));
  }

  @Test
  void badActionsAndUnsupportedKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        new AttributesFactory(), """
        include:
          match_type: strict
          services: [a]
        actions:
          - key: a
            action: upsrt
          - key: b
            action: insert
          - key: c
            value: 1
            from_attribute: d
            action: update
          - key: e
            action: upsert
            from_context: auth.subject
          - key: f
            action: convert
            converted_type: bool
          - key: g
            pattern: "(?P<x>["
            action: extract
        """));
    List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
    String all = String.join("\n", errors);
    assertTrue(all.contains("key 'include': is not supported yet"), all);
    assertTrue(all.contains("component.yaml:6:13: processor 'attributes', key"
        + " 'actions.0.action': 'upsrt' is not an action"), all);
    assertTrue(all.contains("key 'actions.1': insert needs exactly one of value and"
        + " from_attribute"), all);
    assertTrue(all.contains("key 'actions.2.from_attribute': update needs exactly one of"
        + " value and from_attribute"), all);
    assertTrue(all.contains("key 'actions.3.from_context': is not supported yet"), all);
    assertTrue(all.contains("key 'actions.4.converted_type': convert needs converted_type"),
        all);
    assertTrue(all.contains("key 'actions.5.pattern': invalid regular expression"), all);
    assertEquals(7, errors.size(), all);
  }

  @Test
  void defaultValueIsRefusedAsNotSupportedYetAtItsKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        new ResourceFactory(), """
        attributes:
          - key: team
            from_attribute: owner
            default_value: none
            action: upsert
        """));
    assertEquals(List.of("component.yaml:4:5: processor 'resource', key"
        + " 'attributes.0.default_value': is not supported yet: "
        + Action.DEFAULT_VALUE_UNSUPPORTED),
        e.errors().stream().map(ConfigError::toString).toList());
  }
}
