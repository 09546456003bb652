package dev.tapio.plugin.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.pdata.Severity;
import dev.tapio.plugin.filter.FilterConfig.Condition;
import dev.tapio.plugin.filter.FilterConfig.Target;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FilterConfigTest {
  private final FilterFactory factory = new FilterFactory();

  @Test
  void defaultsFilterNothing() throws ConfigException {
    FilterConfig d = factory.createDefaultConfig();
    assertEquals(Severity.UNSPECIFIED, d.logs().minSeverity());
    assertTrue(d.logs().isEmpty());
    assertEquals(d, ComponentConfigs.read(factory, ""));
  }

  @Test
  void readsEveryConditionForm() throws ConfigException {
    // Any key left unread would make read() throw as an unknown key.
    FilterConfig c = ComponentConfigs.read(factory, """
        logs:
          min_severity: warn2
          exclude:
            - attribute: http.route
              equals: /healthz
            - resource_attribute: k8s.namespace.name
              regex: ^kube-
            - event_name: process.exit
            - body_regex: dump
          include:
            - attribute: code
              regex: ^5
        """);

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
  void severityByNumber() throws ConfigException {
    FilterConfig c = ComponentConfigs.read(factory, """
        logs:
          min_severity: 17
        """);
    assertEquals(Severity.ERROR, c.logs().minSeverity());
  }

  @Test
  void reportsAnUnknownSeverityAtItsValue() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        """
        logs:
          min_severity: LOUD
        """));
    assertEquals("component.yaml:2:17: processor 'filter', key 'logs.min_severity': 'LOUD' is"
        + " not a severity: use a name (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, each also with"
        + " 2, 3 or 4, e.g. WARN2) or a number 1..24", e.getMessage());
    ConfigException zero = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        factory, """
        logs:
          min_severity: 25
        """));
    assertEquals(1, zero.errors().size(), zero.getMessage());
    assertEquals("component.yaml:2:17", zero.errors().getFirst().location().toString());
  }

  @Test
  void reportsABadRegexAtItsValue() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        """
        logs:
          exclude:
            - event_name: ok
            - attribute: path
              regex: '([a-z'
          include:
            - body_regex: '*oops'
        """));

    List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
    assertEquals(2, errors.size(), e.getMessage());
    assertTrue(errors.get(0).startsWith("component.yaml:5:14: processor 'filter',"
        + " key 'logs.exclude.1.regex': invalid regular expression: "), errors.get(0));
    assertTrue(errors.get(0).endsWith("in '([a-z'"), errors.get(0));
    assertTrue(errors.get(1).startsWith("component.yaml:7:19: processor 'filter',"
        + " key 'logs.include.0.body_regex': invalid regular expression: "), errors.get(1));
  }

  @Test
  void reportsMalformedConditions() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        """
        logs:
          exclude:
            - {equals: x}
            - {attribute: a, event_name: b}
            - {attribute: a}
            - {attribute: a, equals: x, regex: y}
            - {event_name: e, regex: y}
            - {attribute: "", equals: x}
        """));

    String at = "processor 'filter', key 'logs.exclude.";
    assertEquals(List.of(
        "component.yaml:3:7: " + at + "0': a condition needs one of attribute,"
            + " resource_attribute, event_name or body_regex",
        "component.yaml:4:7: " + at + "1': a condition takes only one of attribute,"
            + " resource_attribute, event_name or body_regex",
        "component.yaml:5:19: " + at + "2.attribute': needs equals or regex",
        "component.yaml:6:40: " + at + "3.regex': give either equals or regex, not both",
        "component.yaml:7:30: " + at + "4.regex': is used only with attribute or"
            + " resource_attribute; event_name compares by equality, body_regex is a regex",
        "component.yaml:8:19: " + at + "5.attribute': must name an attribute"),
        e.errors().stream().map(ConfigError::toString).toList());
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
