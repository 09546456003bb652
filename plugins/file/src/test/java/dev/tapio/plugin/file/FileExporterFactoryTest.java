package dev.tapio.plugin.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FileExporterFactoryTest {
  private final FileExporterFactory factory = new FileExporterFactory();

  private static List<String> problems(FileExporterConfig config) {
    List<String> out = new ArrayList<>();
    config.validate((key, message) -> out.add(key + ": " + message));
    return out;
  }

  @Test
  void describesItself() {
    assertEquals("file", factory.type());
    assertEquals(Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES), factory.signals());
  }

  @Test
  void defaultsNeedAPath() {
    FileExporterConfig config = factory.readConfig(new MapConfigReader(Map.of()));
    assertEquals(factory.createDefaultConfig(), config);
    assertEquals(new FileExporterConfig.Rotation(100, 100), config.rotation());
    assertEquals(Duration.ofSeconds(1), config.flushInterval());
    assertEquals("json", config.format());
    assertEquals(100L * 1024 * 1024, config.maxBytes());
    assertEquals(List.of("path: is required: the file to write OTLP-JSON lines to"),
        problems(config));
  }

  @Test
  void readsEveryKeyIncludingTheRotationSection() {
    MapConfigReader reader = new MapConfigReader(Map.of(
        "path", "/var/log/tapio/out.json",
        "rotation", Map.of("max_megabytes", 10, "max_backups", 3),
        "flush_interval", Duration.ofMillis(200),
        "format", "json"));
    FileExporterConfig config = factory.readConfig(reader);
    assertEquals(new FileExporterConfig("/var/log/tapio/out.json",
        new FileExporterConfig.Rotation(10, 3), Duration.ofMillis(200), "json"), config);
    assertTrue(reader.unread().isEmpty(), reader.unread().toString());
    assertTrue(problems(config).isEmpty(), problems(config).toString());
  }

  @Test
  void protoFormatIsRefusedSayingOnlyJsonIsSupported() {
    var config = new FileExporterConfig("out.json", null, null, "proto");
    List<String> problems = problems(config);
    assertEquals(1, problems.size());
    assertTrue(problems.getFirst().startsWith("format: only json is supported"), problems.get(0));
  }

  @Test
  void negativeValuesAreRefused() {
    var config = new FileExporterConfig("out.json", new FileExporterConfig.Rotation(-1, -1),
        Duration.ofSeconds(-1), "xml");
    List<String> keys = problems(config).stream().map(p -> p.substring(0, p.indexOf(':')))
        .toList();
    assertEquals(List.of("rotation.max_megabytes", "rotation.max_backups", "flush_interval",
        "format"), keys);
  }
}
