package dev.tapio.plugin.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import dev.tapio.pdata.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
  void emptySectionGivesTheDefaults() {
    MapConfigReader reader = new MapConfigReader(Map.of());
    SyntheticConfig config = factory.readConfig(reader);
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
  void readsEveryKey() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("rate", 0);
    section.put("count", 1000);
    section.put("batch_size", 64);
    section.put("body_size", 256);
    section.put("attribute_count", 8);
    section.put("event_name", "process.exec");
    section.put("severity", "warn");
    section.put("resource_attributes", Map.of("service.name", "bench"));
    MapConfigReader reader = new MapConfigReader(section);

    SyntheticConfig config = factory.readConfig(reader);

    assertEquals(new SyntheticConfig(0, 1000, 64, 256, 8, "process.exec", Severity.WARN,
        Map.of("service.name", "bench")), config);
    assertTrue(reader.unread().isEmpty(), reader.unread().toString());
    assertTrue(reader.problems().isEmpty(), reader.problems().toString());
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
  void oversizedBodyIsReportedByTheReader() {
    MapConfigReader reader = new MapConfigReader(Map.of("body_size", 1L << 30));
    SyntheticConfig config = factory.readConfig(reader);
    assertEquals(64, config.bodySize());
    assertEquals(List.of("body_size: must be at most 16MiB"), reader.problems());
  }
}
