package dev.tapio.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Warnings (issue 10, case 7): a component's {@link ConfigProblems#warning} and the engine's own
 * risky settings reach the user with the value's file, line and column, and never fail a load.
 */
class ConfigWarningsTest {

  /** Warns from validate() about a listener on every interface, and from readConfig(). */
  record ListenerConfig(String endpoint) implements ComponentConfig {
    @Override
    public void validate(ConfigProblems problems) {
      if (endpoint.startsWith("0.0.0.0:")) {
        problems.warning("endpoint", "listens on every interface ('" + endpoint + "')");
      }
    }
  }

  static final class ListenerFactory implements ReceiverFactory<ListenerConfig> {
    @Override
    public String type() {
      return "listener";
    }

    @Override
    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    @Override
    public Set<Signal> signals() {
      return Set.of(Signal.LOGS);
    }

    @Override
    public ListenerConfig createDefaultConfig() {
      return new ListenerConfig("localhost:1");
    }

    @Override
    public ListenerConfig readConfig(ConfigReader reader) {
      if (reader.section("tuning").bool("unsafe", false)) {
        reader.warning("tuning.unsafe", "is for tests only");
      }
      return new ListenerConfig(reader.string("endpoint", "localhost:1"));
    }
  }

  private static final ComponentCatalog CATALOG = ComponentCatalog.of(List.of(
      new ListenerFactory(), new TestFactories.DebugExporterFactory()));

  private static LoadedConfig load(String yaml, Map<String, String> env) throws ConfigException {
    return new ConfigLoader(CATALOG, env::get).load(List.of(new ConfigSource("config.yaml", yaml)));
  }

  @Test
  void aComponentsWarningsCarryTheirValuesPositionAndDoNotFailTheLoad() throws Exception {
    LoadedConfig config = load("""
        receivers:
          listener:
            endpoint: 0.0.0.0:4318
            tuning: {unsafe: true}
        exporters: {debug: }
        service: {pipelines: {logs: {receivers: [listener], exporters: [debug]}}}
        """, Map.of());
    assertEquals(List.of(
        "config.yaml:4:22: receiver 'listener', key 'tuning.unsafe': is for tests only",
        "config.yaml:3:15: receiver 'listener', key 'endpoint': listens on every interface "
            + "('0.0.0.0:4318')"), config.warnings());
  }

  @Test
  void warningsComeWithTheErrorsOfAnInvalidConfiguration() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("""
        receivers:
          listener: {endpoint: "0.0.0.0:4318", endpont: x}
        exporters: {debug: }
        service: {pipelines: {logs: {receivers: [listener], exporters: [debug]}}}
        """, Map.of()));
    assertEquals(1, e.errors().size(), e.getMessage());
    assertEquals(List.of("config.yaml:2:24: receiver 'listener', key 'endpoint': listens on every"
        + " interface ('0.0.0.0:4318')"), e.warnings());
  }

  @Test
  void aWarningNeverShowsAValueFromTheEnvironment() throws Exception {
    LoadedConfig config = load("""
        receivers:
          listener: {endpoint: "0.0.0.0:${env:PORT}"}
        exporters: {debug: }
        service: {pipelines: {logs: {receivers: [listener], exporters: [debug]}}}
        """, Map.of("PORT", "4318"));
    assertEquals(List.of("config.yaml:2:24: receiver 'listener', key 'endpoint': listens on every"
        + " interface ('0.0.0.0:<value of ${env:PORT}>')"), config.warnings());
  }

  @Test
  void componentConfigsGivesAPluginsTestsTheWarnings() throws Exception {
    assertEquals(List.of("component.yaml:1:11: receiver 'listener', key 'endpoint': listens on "
            + "every interface ('0.0.0.0:4318')"),
        ComponentConfigs.warnings(new ListenerFactory(), "endpoint: 0.0.0.0:4318\n"));
    assertEquals(List.of(),
        ComponentConfigs.warnings(new ListenerFactory(), "endpoint: localhost:4318\n"));
    ConfigException e = assertThrows(ConfigException.class, () ->
        ComponentConfigs.warnings(new ListenerFactory(), "endpoint: 0.0.0.0:4318\nx: 1\n"));
    assertEquals(1, e.warnings().size(), e.warnings().toString());
  }

  private static List<String> telemetryWarnings(String metrics) throws ConfigException {
    return load("""
        receivers: {listener: }
        exporters: {debug: }
        service:
          pipelines: {logs: {receivers: [listener], exporters: [debug]}}
          telemetry:
            metrics:
        """ + metrics.indent(6), Map.of()).warnings();
  }

  @Test
  void theMetricsEndpointOnEveryInterfaceWarnsWhereItIsWritten() throws Exception {
    String advice = "so anyone who can reach this host can read it; use localhost:8888, or in "
        + "Kubernetes the pod's IP (${env:MY_POD_IP}:8888) so that probes and Prometheus still "
        + "reach it";
    assertEquals(List.of("config.yaml:7:16: service, key 'telemetry.metrics.address': the metrics"
        + " and health endpoint listens on every network interface (0.0.0.0:8888), " + advice),
        telemetryWarnings("address: 0.0.0.0:8888"));
    assertEquals(List.of("config.yaml:7:16: service, key 'telemetry.metrics.address': the metrics"
        + " and health endpoint listens on every network interface ([::]:8888), " + advice),
        telemetryWarnings("address: \"[::]:8888\""));
    assertEquals(1, telemetryWarnings("address: \":8888\"").size());
    assertEquals(List.of("config.yaml:8:48: service, key 'telemetry.metrics.readers.0.pull."
        + "exporter.prometheus.host': the metrics and health endpoint listens on every network "
        + "interface (0.0.0.0:8888), " + advice),
        telemetryWarnings("""
            readers:
              - pull: {exporter: {prometheus: {host: 0.0.0.0, port: 8888}}}
            """));
  }

  @Test
  void theMetricsEndpointOnOneInterfaceOrTurnedOffDoesNotWarn() throws Exception {
    assertEquals(List.of(), telemetryWarnings("address: localhost:8888"));
    assertEquals(List.of(), telemetryWarnings("address: 10.1.2.3:8888"));
    assertEquals(List.of(), telemetryWarnings("address: \"[::1]:8888\""));
    assertEquals(List.of(), telemetryWarnings("address: collector.local:8888"));
    assertEquals(List.of(), telemetryWarnings("{level: none, address: 0.0.0.0:8888}"));
    assertEquals(List.of(), telemetryWarnings("level: normal"));
  }
}
