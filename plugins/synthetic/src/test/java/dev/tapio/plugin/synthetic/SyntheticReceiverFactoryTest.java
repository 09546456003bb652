package dev.tapio.plugin.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.pdata.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticReceiverFactoryTest {
  private final SyntheticReceiverFactory factory = new SyntheticReceiverFactory();

  private static List<String> problems(SyntheticConfig config) {
    List<String> out = new ArrayList<>();
    config.validate((key, message) -> out.add(key + ": " + message));
    return out;
  }

  @Test
  void describesItself() {
    assertEquals("synthetic", factory.type());
    assertEquals(Set.of(Signal.LOGS), factory.signals());
  }

  @Test
  void emptySectionGivesTheDefaults() throws ConfigException {
    SyntheticConfig config = ComponentConfigs.read(factory, "");
    assertEquals(factory.createDefaultConfig(), config);
    assertEquals(100, config.rate());
    assertEquals(0, config.count());
    assertEquals(100, config.batchSize());
    assertEquals(64, config.bodySize());
    assertEquals(4, config.attributeCount());
    assertEquals("synthetic.record", config.eventName());
    assertEquals(Severity.INFO, config.severity());
    assertEquals(Map.of("service.name", "tapio-synthetic"), config.resourceAttributes());
    assertTrue(problems(config).isEmpty());
  }

  @Test
  void readsEveryKey() throws ConfigException {
    // Any key left unread would make read() throw as an unknown key.
    SyntheticConfig config = ComponentConfigs.read(factory, """
        rate: 0
        count: 1000
        batch_size: 64
        body_size: 256
        attribute_count: 8
        event_name: process.exec
        severity: warn
        resource_attributes:
          service.name: bench
        """);

    assertEquals(new SyntheticConfig(0, 1000, 64, 256, 8, "process.exec", Severity.WARN,
        Map.of("service.name", "bench")), config);
  }

  @Test
  void validateNamesEachBadKey() {
    var bad = new SyntheticConfig(-1, -1, 0, -1, -1, "", Severity.INFO, Map.of());
    List<String> problems = problems(bad);
    assertEquals(5, problems.size(), problems.toString());
    assertTrue(problems.getFirst().startsWith("rate:"));
    assertTrue(problems.get(2).startsWith("batch_size:"));
  }

  @Test
  void oversizedBodyIsReportedAtItsValue() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, "body_size: 1GiB"));
    assertEquals("component.yaml:1:12: receiver 'synthetic', key 'body_size': must be at most"
        + " 16MiB", e.getMessage());
  }
}
