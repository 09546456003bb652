package dev.tapio.plugin.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
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
  void emptySectionGivesTheCollectorsDefaults() throws ConfigException {
    DebugConfig config = ComponentConfigs.read(factory, "");
    assertEquals(new DebugConfig(DebugConfig.Verbosity.BASIC, 2, 1), config);
    assertEquals(factory.createDefaultConfig(), config);
  }

  @Test
  void answersToTheLoggingExportersNameAndReadsItsLoglevel() throws ConfigException {
    assertEquals(Set.of("logging"), factory.aliases());
    assertTrue(factory.deprecation("logging").contains("rename it to 'debug'"));
    assertEquals(DebugConfig.Verbosity.DETAILED,
        ComponentConfigs.read(factory, "loglevel: debug").verbosity());
    assertEquals(DebugConfig.Verbosity.NORMAL,
        ComponentConfigs.read(factory, "loglevel: info").verbosity());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, "loglevel: trace"));
    assertTrue(e.getMessage().contains("unknown loglevel 'trace'"), e.getMessage());
  }

  @Test
  void readsEveryKey() throws ConfigException {
    // Any key left unread would make read() throw as an unknown key.
    DebugConfig config = ComponentConfigs.read(factory, """
        verbosity: detailed
        sampling_initial: 5
        sampling_thereafter: 200
        """);
    assertEquals(new DebugConfig(DebugConfig.Verbosity.DETAILED, 5, 200), config);
  }

  @Test
  void unknownVerbosityIsReportedAtItsValue() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, "verbosity: loud"));
    assertEquals("component.yaml:1:12: exporter 'debug', key 'verbosity': invalid value 'loud';"
        + " valid values: basic, normal, detailed", e.getMessage());
  }

  @Test
  void misspelledKeyIsReportedWithASuggestion() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, "sampling_initail: 5"));
    assertEquals("component.yaml:1:1: unknown key 'sampling_initail' for exporter 'debug';"
        + " did you mean 'sampling_initial'? valid keys: loglevel, sampling_initial,"
        + " sampling_thereafter, verbosity", e.getMessage());
  }

  @Test
  void negativeSamplingIsInvalid() {
    List<String> problems = new ArrayList<>();
    new DebugConfig(DebugConfig.Verbosity.BASIC, -1, -1)
        .validate((key, message) -> problems.add(key));
    assertEquals(List.of("sampling_initial", "sampling_thereafter"), problems);
  }

  @Test
  void internalLoggerIsRefusedAsNotSupportedYet() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, "verbosity: normal\nuse_internal_logger: false\n"));
    assertEquals("component.yaml:2:1: exporter 'debug', key 'use_internal_logger': is not"
        + " supported yet: the debug exporter always writes to standard output", e.getMessage());
  }
}
