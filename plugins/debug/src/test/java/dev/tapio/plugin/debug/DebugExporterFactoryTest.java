package dev.tapio.plugin.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DebugExporterFactoryTest {
  private final DebugExporterFactory factory = new DebugExporterFactory();

  @Test
  void describesItself() {
    assertEquals("debug", factory.type());
    assertEquals(Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES), factory.signals());
  }

  @Test
  void emptySectionGivesTheCollectorsDefaults() {
    DebugConfig config = factory.readConfig(new MapConfigReader(Map.of()));
    assertEquals(new DebugConfig(DebugConfig.Verbosity.BASIC, 2, 1), config);
    assertEquals(factory.createDefaultConfig(), config);
  }

  @Test
  void readsEveryKey() {
    MapConfigReader reader = new MapConfigReader(Map.of(
        "verbosity", "detailed", "sampling_initial", 5, "sampling_thereafter", 200));
    DebugConfig config = factory.readConfig(reader);
    assertEquals(new DebugConfig(DebugConfig.Verbosity.DETAILED, 5, 200), config);
    assertTrue(reader.unread().isEmpty(), reader.unread().toString());
    assertTrue(reader.problems().isEmpty(), reader.problems().toString());
  }

  @Test
  void unknownVerbosityIsAProblem() {
    MapConfigReader reader = new MapConfigReader(Map.of("verbosity", "loud"));
    factory.readConfig(reader);
    assertEquals(1, reader.problems().size(), reader.problems().toString());
  }

  @Test
  void negativeSamplingIsInvalid() {
    List<String> problems = new ArrayList<>();
    new DebugConfig(DebugConfig.Verbosity.BASIC, -1, -1)
        .validate((key, message) -> problems.add(key));
    assertEquals(List.of("sampling_initial", "sampling_thereafter"), problems);
  }
}
