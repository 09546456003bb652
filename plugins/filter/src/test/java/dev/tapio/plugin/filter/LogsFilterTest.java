package dev.tapio.plugin.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import dev.tapio.plugin.filter.FilterConfig.Condition;
import dev.tapio.plugin.filter.FilterConfig.LogFilter;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogsFilterTest {
  private final TestContext context = new TestContext("filter", Kind.PROCESSOR, Signal.LOGS);
  private final ConsumerSink sink = new ConsumerSink();

  private LogsProcessor filter(Severity min, List<Condition> exclude, List<Condition> include) {
    return new FilterFactory().createLogs(context,
        new FilterConfig(new LogFilter(min, exclude, include)), sink);
  }

  private LogsProcessor exclude(Condition... conditions) {
    return filter(Severity.UNSPECIFIED, List.of(conditions), List.of());
  }

  private LogsProcessor include(Condition... conditions) {
    return filter(Severity.UNSPECIFIED, List.of(), List.of(conditions));
  }

  /** Records of a standard mix: bodies say what each is, so tests assert on bodies. */
  private static Logs mix() {
    Logs logs = new Logs();
    ResourceLogs app = logs.resourceLogs().appendEmpty();
    app.resource().attributes().putString("k8s.namespace.name", "shop");
    ScopeLogs s = app.scopeLogs().appendEmpty();
    add(s, "healthz", Severity.DEBUG, "", Map.of("http.route", "/healthz", "code", 200L));
    add(s, "checkout", Severity.INFO, "", Map.of("http.route", "/checkout", "code", 200L));
    add(s, "error", Severity.ERROR, "", Map.of("http.route", "/checkout", "code", 503L));
    add(s, "exec", Severity.INFO, "process.exec", Map.of("process.executable.path", "/usr/bin/ls"));
    add(s, "exit", Severity.INFO, "process.exit", Map.of("ok", true));
    ResourceLogs kube = logs.resourceLogs().appendEmpty();
    kube.resource().attributes().putString("k8s.namespace.name", "kube-system");
    ScopeLogs k = kube.scopeLogs().appendEmpty();
    add(k, "kube-a", Severity.WARN, "", Map.of());
    add(k, "kube-b", Severity.UNSPECIFIED, "", Map.of("ratio", 0.5));
    return logs;
  }

  private static void add(ScopeLogs s, String body, Severity severity, String event,
      Map<String, Object> attributes) {
    LogRecord r = s.logRecords().appendEmpty().setBody(body).setSeverity(severity)
        .setEventName(event);
    attributes.forEach((key, v) -> {
      switch (v) {
        case String str -> r.attributes().putString(key, str);
        case Long l -> r.attributes().putLong(key, l);
        case Double d -> r.attributes().putDouble(key, d);
        case Boolean b -> r.attributes().putBool(key, b);
        default -> throw new IllegalArgumentException(key);
      }
    });
  }

  private List<String> kept() {
    List<String> out = new ArrayList<>();
    for (LogRecord r : sink.logRecords()) {
      out.add(r.bodyString());
    }
    return out;
  }

  private long dropped() {
    return context.droppedCount(LogsFilter.DROP_REASON);
  }

  @Test
  void attributeEqualsDropsMatchingStringValues() {
    exclude(Condition.attributeEquals("http.route", "/healthz")).consumeLogs(mix());
    assertEquals(List.of("checkout", "error", "exec", "exit", "kube-a", "kube-b"), kept());
    assertEquals(1, dropped());
  }

  @Test
  void attributeEqualsComparesNumbersAndBooleansByValue() {
    exclude(Condition.attributeEquals("code", "200"),
        Condition.attributeEquals("ok", "true"),
        Condition.attributeEquals("ratio", "0.5")).consumeLogs(mix());
    assertEquals(List.of("error", "exec", "kube-a"), kept());
    assertEquals(4, dropped());
  }

  @Test
  void attributeRegexFindsAnywhereInTheValue() {
    exclude(Condition.attributeRegex("http.route", Pattern.compile("check"))).consumeLogs(mix());
    assertEquals(List.of("healthz", "exec", "exit", "kube-a", "kube-b"), kept());
    assertEquals(2, dropped());
  }

  @Test
  void attributeRegexMatchesNumbersAsText() {
    exclude(Condition.attributeRegex("code", Pattern.compile("^5\\d\\d$"))).consumeLogs(mix());
    assertEquals(6, sink.itemCount());
    assertTrue(!kept().contains("error"));
    assertEquals(1, dropped());
  }

  @Test
  void resourceAttributeConditionsApplyToEveryRecordOfTheResource() {
    exclude(Condition.resourceAttributeRegex("k8s.namespace.name", Pattern.compile("^kube-")))
        .consumeLogs(mix());
    assertEquals(List.of("healthz", "checkout", "error", "exec", "exit"), kept());
    assertEquals(1, sink.logs().get(0).resourceLogs().size(), "the emptied resource is removed");
    assertEquals(2, dropped());

    sink.reset();
    exclude(Condition.resourceAttributeEquals("k8s.namespace.name", "shop")).consumeLogs(mix());
    assertEquals(List.of("kube-a", "kube-b"), kept());
  }

  @Test
  void eventNameMatchesExactly() {
    exclude(Condition.eventName("process.exit")).consumeLogs(mix());
    assertEquals(List.of("healthz", "checkout", "error", "exec", "kube-a", "kube-b"), kept());
    assertEquals(1, dropped());
  }

  @Test
  void bodyRegexMatchesStringAndStructuredBodies() {
    Logs logs = LogsBuilder.logs("line", 3);
    logs.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(1)
        .setBody(AnyValue.ofMap(Map.of("msg", AnyValue.of("secret token"))));
    exclude(Condition.bodyRegex(Pattern.compile("line-0|secret"))).consumeLogs(logs);
    assertEquals(List.of("line-2"), kept());
    assertEquals(2, dropped());
  }

  @Test
  void minSeverityDropsRecordsBelowItIncludingUnspecified() {
    filter(Severity.INFO, List.of(), List.of()).consumeLogs(mix());
    assertEquals(List.of("checkout", "error", "exec", "exit", "kube-a"), kept());
    assertEquals(2, dropped());

    sink.reset();
    filter(Severity.WARN, List.of(), List.of()).consumeLogs(mix());
    assertEquals(List.of("error", "kube-a"), kept());
  }

  @Test
  void includeKeepsOnlyRecordsMatchingOneCondition() {
    include(Condition.eventName("process.exec"),
        Condition.attributeEquals("code", "503")).consumeLogs(mix());
    assertEquals(List.of("error", "exec"), kept());
    assertEquals(5, dropped());
  }

  @Test
  void includeByResourceKeepsTheWholeResource() {
    include(Condition.resourceAttributeEquals("k8s.namespace.name", "kube-system"),
        Condition.eventName("process.exit")).consumeLogs(mix());
    assertEquals(List.of("exit", "kube-a", "kube-b"), kept());
    assertEquals(4, dropped());
  }

  @Test
  void severityExcludeAndIncludeCombine() {
    filter(Severity.INFO,
        List.of(Condition.attributeEquals("code", "503")),
        List.of(Condition.attributeRegex("http.route", Pattern.compile("^/")),
            Condition.resourceAttributeRegex("k8s.namespace.name", Pattern.compile("kube"))))
        .consumeLogs(mix());
    // healthz: DEBUG < INFO; error: excluded; exec, exit: no route, not kube; kube-b: no severity.
    assertEquals(List.of("checkout", "kube-a"), kept());
    assertEquals(5, dropped());
  }

  @Test
  void excludeWinsOverInclude() {
    filter(Severity.UNSPECIFIED, List.of(Condition.eventName("process.exec")),
        List.of(Condition.eventName("process.exec"))).consumeLogs(mix());
    assertEquals(0, sink.logs().size(), "next is not called with nothing left");
    assertEquals(7, dropped());
  }

  @Test
  void droppedPlusKeptEqualsReceivedOverManyBatches() {
    LogsProcessor p = filter(Severity.INFO,
        List.of(Condition.attributeEquals("http.route", "/checkout")), List.of());
    for (int i = 0; i < 50; i++) {
      p.consumeLogs(mix());
    }
    assertEquals(50 * 3, sink.itemCount());
    assertEquals(50 * 4, dropped());
  }

  @Test
  void noConditionsPassTheBatchOnUntouched() {
    Logs in = mix();
    in.markReadOnly();
    filter(Severity.UNSPECIFIED, List.of(), List.of()).consumeLogs(in);
    assertSame(in, sink.logs().get(0));
    assertEquals(0, dropped());
  }

  @Test
  void copiesReadOnlyInputBeforeRemoving() {
    Logs in = mix();
    in.markReadOnly();
    exclude(Condition.eventName("process.exit")).consumeLogs(in);
    assertEquals(7, in.logRecordCount());
    assertEquals(6, sink.itemCount());
  }

  @Test
  void readsConfigurationEndToEnd() throws ConfigException {
    FilterFactory f = new FilterFactory();
    FilterConfig config = ComponentConfigs.read(f, """
        logs:
          min_severity: info
          exclude:
            - attribute: http.route
              equals: /checkout
        """);
    f.createLogs(context, config, sink).consumeLogs(mix());
    assertEquals(List.of("exec", "exit", "kube-a"), kept());
  }
}
