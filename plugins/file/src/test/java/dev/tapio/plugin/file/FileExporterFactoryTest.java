package dev.tapio.plugin.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  void emptySectionIsRefusedForWantOfAPath() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, ""));
    assertEquals("component.yaml:1:1: exporter 'file', key 'path': is required: the file to"
        + " write OTLP-JSON lines to", e.getMessage());
  }

  @Test
  void everyKeyButThePathHasADefault() throws ConfigException {
    FileExporterConfig config = ComponentConfigs.read(factory, "path: out.json");
    FileExporterConfig defaults = factory.createDefaultConfig();
    assertEquals(new FileExporterConfig("out.json", defaults.rotation(),
        defaults.flushInterval(), defaults.format()), config);
    assertEquals(new FileExporterConfig.Rotation(100, 100), config.rotation());
    assertEquals(Duration.ofSeconds(1), config.flushInterval());
    assertEquals("json", config.format());
    assertEquals(100L * 1024 * 1024, config.maxBytes());
  }

  @Test
  void readsEveryKeyIncludingTheRotationSection() throws ConfigException {
    // Any key left unread would make read() throw as an unknown key.
    FileExporterConfig config = ComponentConfigs.read(factory, """
        path: /var/log/tapio/out.json
        rotation:
          max_megabytes: 10
          max_backups: 3
        flush_interval: 200ms
        format: json
        """);
    assertEquals(new FileExporterConfig("/var/log/tapio/out.json",
        new FileExporterConfig.Rotation(10, 3), Duration.ofMillis(200), "json"), config);
  }

  @Test
  void problemsInTheRotationSectionAreReportedAtTheirValues() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory, """
        path: out.json
        rotation:
          max_megabytes: ten
          max_backups: -1
        """));
    assertEquals("""
        component.yaml:3:18: exporter 'file', key 'rotation.max_megabytes': expected an integer,\
         got 'ten'
        component.yaml:4:16: exporter 'file', key 'rotation.max_backups': must be >= 0\
         (0 = keep all)""", e.getMessage());
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

  @Test
  void rotationByAgeIsRefusedAsNotSupportedYet() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        "path: out.json\nrotation:\n  max_backups: 3\n  max_days: 7\n"));
    assertEquals(List.of("component.yaml:4:3: exporter 'file', key 'rotation.max_days': is not"
        + " supported yet: rotated files are kept by number (max_backups), not by age"),
        e.errors().stream().map(ConfigError::toString).toList());
  }
}
