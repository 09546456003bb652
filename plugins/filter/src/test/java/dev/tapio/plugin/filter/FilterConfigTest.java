package dev.tapio.plugin.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.pdata.Severity;
import dev.tapio.plugin.filter.FilterConfig.Condition;
import dev.tapio.plugin.filter.FilterConfig.Target;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FilterConfigTest {
  private final FilterFactory factory = new FilterFactory();

  @Test
  void defaultsFilterNothing() {
    FilterConfig d = factory.createDefaultConfig();
    assertEquals(Severity.UNSPECIFIED, d.logs().minSeverity());
    assertTrue(d.logs().isEmpty());
    MapConfigReader empty = new MapConfigReader(Map.of());
    assertEquals(d, factory.readConfig(empty));
    assertEquals(List.of(), empty.problems());
  }

  @Test
  void readsEveryConditionForm() {
    MapConfigReader r = new MapConfigReader(Map.of("logs", Map.of(
        "min_severity", "warn2",
        "exclude", List.of(
            Map.of("attribute", "http.route", "equals", "/healthz"),
            Map.of("resource_attribute", "k8s.namespace.name", "regex", "^kube-"),
            Map.of("event_name", "process.exit"),
            Map.of("body_regex", "dump")),
        "include", List.of(Map.of("attribute", "code", "regex", "^5")))));

    FilterConfig c = factory.readConfig(r);

    assertEquals(List.of(), r.problems());
    assertEquals(Severity.WARN2, c.logs().minSeverity());
    List<Condition> ex = c.logs().exclude();
    assertEquals(4, ex.size());
    assertEquals(Condition.attributeEquals("http.route", "/healthz"), ex.get(0));
    assertEquals(Target.RESOURCE_ATTRIBUTE, ex.get(1).target());
    assertEquals("^kube-", ex.get(1).regex().pattern());
    assertEquals(Condition.eventName("process.exit"), ex.get(2));
    assertEquals(Target.BODY, ex.get(3).target());
    assertEquals("^5", c.logs().include().get(0).regex().pattern());
  }

  @Test
  void severityByNumber() {
    MapConfigReader r = new MapConfigReader(Map.of("logs", Map.of("min_severity", 17)));
    assertEquals(Severity.ERROR, factory.readConfig(r).logs().minSeverity());
    assertEquals(List.of(), r.problems());
  }

  @Test
  void reportsAnUnknownSeverityAtItsKey() {
    MapConfigReader r = new MapConfigReader(Map.of("logs", Map.of("min_severity", "LOUD")));
    factory.readConfig(r);
    assertEquals(1, r.problems().size());
    assertTrue(r.problems().get(0).startsWith("logs.min_severity: 'LOUD' is not a severity"),
        r.problems().get(0));
    MapConfigReader zero = new MapConfigReader(Map.of("logs", Map.of("min_severity", 25)));
    factory.readConfig(zero);
    assertEquals(1, zero.problems().size());
  }

  @Test
  void reportsABadRegexAtTheConditionsKey() {
    MapConfigReader r = new MapConfigReader(Map.of("logs", Map.of(
        "exclude", List.of(
            Map.of("event_name", "ok"),
            Map.of("attribute", "path", "regex", "([a-z")),
        "include", List.of(Map.of("body_regex", "*oops")))));

    FilterConfig c = factory.readConfig(r);

    assertEquals(2, r.problems().size(), r.problems().toString());
    assertTrue(r.problems().get(0).startsWith(
        "logs.exclude.1.regex: invalid regular expression: "), r.problems().get(0));
    assertTrue(r.problems().get(0).endsWith("in '([a-z'"), r.problems().get(0));
    assertTrue(r.problems().get(1).startsWith(
        "logs.include.0.body_regex: invalid regular expression: "), r.problems().get(1));
    assertEquals(1, c.logs().exclude().size(), "the valid condition is kept");
  }

  @Test
  void reportsMalformedConditions() {
    MapConfigReader r = new MapConfigReader(Map.of("logs", Map.of("exclude", List.of(
        Map.of("equals", "x"),
        Map.of("attribute", "a", "event_name", "b"),
        Map.of("attribute", "a"),
        Map.of("attribute", "a", "equals", "x", "regex", "y"),
        Map.of("event_name", "e", "regex", "y"),
        Map.of("attribute", "", "equals", "x")))));

    factory.readConfig(r);

    assertEquals(List.of(
        "logs.exclude.0: a condition needs one of attribute, resource_attribute, event_name or"
            + " body_regex",
        "logs.exclude.1: a condition takes only one of attribute, resource_attribute, event_name"
            + " or body_regex",
        "logs.exclude.2.attribute: needs equals or regex",
        "logs.exclude.3.regex: give either equals or regex, not both",
        "logs.exclude.4.regex: is used only with attribute or resource_attribute; event_name"
            + " compares by equality, body_regex is a regex",
        "logs.exclude.5.attribute: must name an attribute"), r.problems());
  }

  @Test
  void conditionsCannotBeBuiltInvalid() {
    assertThrows(IllegalArgumentException.class,
        () -> new Condition(Target.ATTRIBUTE, null, "x", null));
    assertThrows(IllegalArgumentException.class,
        () -> new Condition(Target.ATTRIBUTE, "k", "x", Pattern.compile("y")));
    assertThrows(IllegalArgumentException.class,
        () -> new Condition(Target.BODY, null, "x", null));
    assertNull(Condition.eventName("e").key());
  }
}
