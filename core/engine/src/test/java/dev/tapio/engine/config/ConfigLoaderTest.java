package dev.tapio.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentId;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.TestFactories.BatchConfig;
import dev.tapio.engine.config.TestFactories.Compression;
import dev.tapio.engine.config.TestFactories.DebugConfig;
import dev.tapio.engine.config.TestFactories.FileExporterConfig;
import dev.tapio.engine.config.TestFactories.FilelogReceiverConfig;
import dev.tapio.engine.config.TestFactories.MemoryLimiterConfig;
import dev.tapio.engine.config.TestFactories.Operator;
import dev.tapio.engine.config.TestFactories.OtlpExporterConfig;
import dev.tapio.engine.config.TestFactories.OtlpReceiverConfig;
import dev.tapio.engine.config.TestFactories.Verbosity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  /** A Collector user's configuration for the common components, unchanged. */
  private static final String COLLECTOR_YAML = """
      receivers:
        otlp:
          protocols:
            grpc:
              endpoint: 0.0.0.0:4317
            http:
              endpoint: 0.0.0.0:4318

      processors:
        batch:
          timeout: 1s
          send_batch_size: 1024
        memory_limiter:
          check_interval: 1s
          limit_mib: 4000
          spike_limit_mib: 800

      exporters:
        otlp:
          endpoint: otelcol:4317
          tls:
            insecure: true
          sending_queue:
            enabled: true
            queue_size: 5000
          retry_on_failure:
            enabled: true
            max_elapsed_time: 300s
        debug:
          verbosity: detailed

      service:
        telemetry:
          logs:
            level: debug
          metrics:
            level: detailed
            address: 0.0.0.0:8888
        pipelines:
          traces:
            receivers: [otlp]
            processors: [memory_limiter, batch]
            exporters: [otlp, debug]
          metrics:
            receivers: [otlp]
            processors: [memory_limiter, batch]
            exporters: [otlp]
          logs:
            receivers: [otlp]
            processors: [memory_limiter, batch]
            exporters: [otlp, debug]
      """;

  static LoadedConfig load(Map<String, String> env, ConfigSource... sources)
      throws ConfigException {
    return new ConfigLoader(TestFactories.catalog(), env::get).load(List.of(sources));
  }

  static LoadedConfig load(String yaml) throws ConfigException {
    return load(Map.of(), new ConfigSource("config.yaml", yaml));
  }

  static LoadedConfig load(String yaml, Map<String, String> env) throws ConfigException {
    return load(env, new ConfigSource("config.yaml", yaml));
  }

  @Test
  void loadsACollectorConfigurationUnchanged() throws ConfigException {
    LoadedConfig config = load(COLLECTOR_YAML);

    ComponentSpec otlpReceiver = config.receivers().get(ComponentId.of("otlp"));
    assertEquals(Kind.RECEIVER, otlpReceiver.kind());
    assertEquals(new Location("config.yaml", 2, 3), otlpReceiver.location());
    assertEquals(
        new OtlpReceiverConfig(true, "0.0.0.0:4317", 4, true, "0.0.0.0:4318", List.of()),
        otlpReceiver.config());

    assertEquals(List.of(ComponentId.of("batch"), ComponentId.of("memory_limiter")),
        List.copyOf(config.processors().keySet()));
    assertEquals(new BatchConfig(Duration.ofSeconds(1), 1024, 0, List.of()),
        config.processors().get(ComponentId.of("batch")).config());
    assertEquals(new MemoryLimiterConfig(Duration.ofSeconds(1), 4000, 800, 0, 0),
        config.processors().get(ComponentId.of("memory_limiter")).config());

    assertEquals(new OtlpExporterConfig("otelcol:4317", true, Duration.ofSeconds(5), Map.of(),
            Compression.GZIP, true, 5000, true, Duration.ofMinutes(5)),
        config.exporters().get(ComponentId.of("otlp")).config());
    assertEquals(new DebugConfig(Verbosity.DETAILED, 2, 1),
        config.exporters().get(ComponentId.of("debug")).config());
    assertInstanceOf(TestFactories.OtlpExporterFactory.class,
        config.exporters().get(ComponentId.of("otlp")).factory());

    ServiceSpec service = config.service();
    assertEquals(List.of("traces", "metrics", "logs"),
        service.pipelines().keySet().stream().map(PipelineId::toString).toList());
    PipelineSpec traces = service.pipelines().get(PipelineId.of(Signal.TRACES));
    assertEquals(List.of(ComponentId.of("otlp")), traces.receivers());
    assertEquals(List.of(ComponentId.of("memory_limiter"), ComponentId.of("batch")),
        traces.processors());
    assertEquals(List.of(ComponentId.of("otlp"), ComponentId.of("debug")), traces.exporters());
    assertEquals(QueueSpec.DEFAULT, traces.queue());
    assertEquals(new Location("config.yaml", 40, 5), traces.location());
    assertEquals(new TelemetrySpec("detailed", "0.0.0.0", 8888, "debug"), service.telemetry());
    assertEquals(Duration.ofSeconds(10), service.shutdownTimeout());
    assertEquals(List.of(), service.extensions());
    assertEquals(List.of("config.yaml:38:16: service, key 'telemetry.metrics.address': the "
        + "metrics and health endpoint listens on every network interface (0.0.0.0:8888), so "
        + "anyone who can reach this host can read it; use localhost:8888, or in Kubernetes the "
        + "pod's IP (${env:MY_POD_IP}:8888) so that probes and Prometheus still reach it"),
        config.warnings());
  }

  @Test
  void appliesDefaultsForEverythingOmitted() throws ConfigException {
    LoadedConfig config = load("""
        receivers:
          otlp:
            protocols:
              grpc:
        exporters:
          debug:
        service:
          pipelines:
            logs/app:
              receivers: [otlp]
              exporters: [debug]
        """);
    PipelineSpec pipeline = config.service().pipelines().get(new PipelineId(Signal.LOGS, "app"));
    assertEquals("logs/app", pipeline.id().toString());
    assertEquals(List.of(), pipeline.processors());
    assertEquals(new QueueSpec(4096, QueueSpec.Overflow.BLOCK, Duration.ofSeconds(5)),
        pipeline.queue());
    assertEquals(new TelemetrySpec("normal", "localhost", 8888, "info"),
        config.service().telemetry());
    assertEquals(Duration.ofSeconds(10), config.service().shutdownTimeout());
    assertEquals(new OtlpReceiverConfig(true, "localhost:4317", 4, false, "localhost:4318",
        List.of()), config.receivers().get(ComponentId.of("otlp")).config());
    assertEquals(new DebugConfig(Verbosity.BASIC, 2, 1),
        config.exporters().get(ComponentId.of("debug")).config());
  }

  @Test
  void readsTapioExtensions() throws ConfigException {
    LoadedConfig config = load("""
        receivers:
          filelog:
            include: [/var/log/*.log, /var/log/syslog]
            poll_interval: 1m30s
            operators:
              - type: regex_parser
                regex: '^(?P<level>\\w+)'
              - {type: move}
        exporters:
          file: {path: /tmp/out.json, max_size: 512MiB, ratio: 0.25}
        extensions:
          health_check: {endpoint: "0.0.0.0:13133"}
        service:
          extensions: [health_check]
          shutdown_timeout: 30s
          pipelines:
            logs:
              receivers: [filelog]
              exporters: [file]
              queue: {size: 100, overflow: drop, block_timeout: 0}
        """);
    assertEquals(new FilelogReceiverConfig(List.of("/var/log/*.log", "/var/log/syslog"),
            Duration.ofSeconds(90),
            List.of(new Operator("regex_parser", "^(?P<level>\\w+)", "body"),
                new Operator("move", "", "body"))),
        config.receivers().get(ComponentId.of("filelog")).config());
    assertEquals(new FileExporterConfig("/tmp/out.json", 512L << 20, 0.25),
        config.exporters().get(ComponentId.of("file")).config());
    assertEquals(List.of(ComponentId.of("health_check")), config.service().extensions());
    assertEquals(new TestFactories.HealthCheckConfig("0.0.0.0:13133"),
        config.extensions().get(ComponentId.of("health_check")).config());
    assertEquals(Duration.ofSeconds(30), config.service().shutdownTimeout());
    assertEquals(new QueueSpec(100, QueueSpec.Overflow.DROP, Duration.ZERO),
        config.service().pipelines().get(PipelineId.of(Signal.LOGS)).queue());
  }

  @Test
  void acceptsTheNewerTelemetryReadersForm() throws ConfigException {
    LoadedConfig config = load("""
        receivers: {otlp: {protocols: {grpc: }}}
        exporters: {debug: }
        service:
          telemetry:
            metrics:
              level: basic
              readers:
                - pull:
                    exporter:
                      prometheus:
                        host: 0.0.0.0
                        port: 9464
            logs:
              level: warn
              encoding: json
          pipelines:
            metrics: {receivers: [otlp], exporters: [debug]}
        """);
    assertEquals(new TelemetrySpec("basic", "0.0.0.0", 9464, "warn"),
        config.service().telemetry());
    assertEquals(List.of("config.yaml:11:23: service, key 'telemetry.metrics.readers.0.pull."
            + "exporter.prometheus.host': the metrics and health endpoint listens on every "
            + "network interface (0.0.0.0:9464), so anyone who can reach this host can read it; "
            + "use localhost:9464, or in Kubernetes the pod's IP (${env:MY_POD_IP}:9464) so that "
            + "probes and Prometheus still reach it",
        "config.yaml:15:7: service.telemetry.logs.encoding is a Collector setting that Tapio "
            + "ignores"), config.warnings());
  }

  @Test
  void expandsEnvironmentReferences() throws ConfigException {
    LoadedConfig config = load("""
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: ${env:HOST}:${env:GRPC_PORT:-4317}
                max_recv_msg_size_mib: ${env:MAX_MIB}
              http:
                endpoint: "${env:HTTP_ENDPOINT:-localhost:4318}"
        processors:
          batch:
            send_batch_size: "${env:BATCH}"
            send_batch_max_size: ${env:BATCH_MAX:-20000}
            timeout: ${env:TIMEOUT}
        exporters:
          otlp:
            endpoint: ${env:BACKEND}
            tls: {insecure: '${env:INSECURE}'}
            headers:
              authorization: Bearer ${env:TOKEN}
              literal: pa$$word $${env:NOT_EXPANDED} $HOME
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [batch], exporters: [otlp]}
        """, Map.of("HOST", "0.0.0.0", "MAX_MIB", "16", "BATCH", "512", "TIMEOUT", "2s",
            "BACKEND", "backend:4317", "INSECURE", "true", "TOKEN", "t0ken"));
    assertEquals(new OtlpReceiverConfig(true, "0.0.0.0:4317", 16, true, "localhost:4318",
        List.of()), config.receivers().get(ComponentId.of("otlp")).config());
    assertEquals(new BatchConfig(Duration.ofSeconds(2), 512, 20000, List.of()),
        config.processors().get(ComponentId.of("batch")).config());
    OtlpExporterConfig exporter =
        (OtlpExporterConfig) config.exporters().get(ComponentId.of("otlp")).config();
    assertEquals("backend:4317", exporter.endpoint());
    assertTrue(exporter.insecure());
    assertEquals(Map.of("authorization", "Bearer t0ken",
        "literal", "pa$word ${env:NOT_EXPANDED} $HOME"), exporter.headers());
    assertEquals(List.of(), config.warnings());
  }

  @Test
  void expandsShortEnvironmentReferencesAndFiles(@TempDir Path dir) throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "s3cr3t-token\n");
    Path headers = Files.writeString(dir.resolve("headers.yaml"),
        "# from a Secret\nauthorization: Bearer ${env:TOKEN}\nx-tenant: acme\n");
    LoadedConfig config = load(Map.of("HOST", "backend", "TOKEN", "t0ken"),
        new ConfigSource("config.yaml", """
        receivers:
          otlp: {protocols: {grpc: {endpoint: "${BIND:-127.0.0.1}:4317"}}}
        exporters:
          otlp:
            endpoint: ${HOST}:4317
            headers: ${file:%s}
          otlp/2:
            endpoint: backend:4317
            headers: {x-token: "${file:%s}"}
        service:
          pipelines:
            traces: {receivers: [otlp], exporters: [otlp, otlp/2]}
        """.formatted(headers, token)));
    assertEquals("127.0.0.1:4317", ((OtlpReceiverConfig) config.receivers()
        .get(ComponentId.of("otlp")).config()).grpcEndpoint());
    OtlpExporterConfig first =
        (OtlpExporterConfig) config.exporters().get(ComponentId.of("otlp")).config();
    assertEquals("backend:4317", first.endpoint());
    assertEquals(Map.of("authorization", "Bearer t0ken", "x-tenant", "acme"), first.headers(),
        "a file holding a map becomes that map, its references expanded");
    OtlpExporterConfig second =
        (OtlpExporterConfig) config.exporters().get(ComponentId.parse("otlp/2")).config();
    assertEquals(Map.of("x-token", "s3cr3t-token"), second.headers(), "without the newline");
    assertEquals(List.of(), config.warnings());
  }

  @Test
  void unsetVariableExpandsToNothingWithAWarning() throws ConfigException {
    LoadedConfig config = load("""
        receivers:
          otlp:
            protocols:
              grpc:
                max_recv_msg_size_mib: ${env:UNSET}
        exporters:
          otlp: {endpoint: "backend${env:SUFFIX}:4317"}
        service:
          pipelines:
            logs: {receivers: [otlp], exporters: [otlp]}
        """, Map.of());
    // A whole reference to an unset variable is null, so the default applies.
    assertEquals(4, ((OtlpReceiverConfig) config.receivers().get(ComponentId.of("otlp")).config())
        .grpcMaxRecvMsgSizeMib());
    assertEquals("backend:4317",
        ((OtlpExporterConfig) config.exporters().get(ComponentId.of("otlp")).config()).endpoint());
    assertEquals(List.of(
        "config.yaml:5:32: environment variable 'UNSET' is not set; '${env:UNSET}' expands to "
            + "an empty value",
        "config.yaml:7:20: environment variable 'SUFFIX' is not set; '${env:SUFFIX}' expands to "
            + "an empty value"), config.warnings());
  }

  @Test
  void expandedValueIsRetypedOnlyWhenTheReferenceIsTheWholeValue() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("""
        receivers: {otlp: {protocols: {grpc: {max_recv_msg_size_mib: "${env:N}0"}}}}
        exporters: {debug: }
        service: {pipelines: {logs: {receivers: [otlp], exporters: [debug]}}}
        """, Map.of("N", "1")));
    assertEquals("config.yaml:1:62: receiver 'otlp', key 'protocols.grpc.max_recv_msg_size_mib': "
        + "expected an integer, got '<value of ${env:N}>0'", e.getMessage());
  }

  @Test
  void mergesSourcesInOrder() throws ConfigException {
    ConfigSource base = new ConfigSource("base.yaml", """
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 0.0.0.0:4317
        processors:
          batch:
            timeout: 1s
            send_batch_size: 100
        exporters:
          otlp:
            endpoint: backend:4317
            headers: {a: "1"}
          debug:
        service:
          pipelines:
            logs:
              receivers: [otlp]
              processors: [batch]
              exporters: [otlp, debug]
        """);
    ConfigSource override = new ConfigSource("override.yaml", """
        processors:
          batch:
            timeout: 5s
        exporters:
          otlp:
            tls: {insecure: true}
            headers: {b: "2"}
        service:
          pipelines:
            logs:
              exporters: [otlp]
        """);
    LoadedConfig config = load(Map.of(), base, override);

    // A scalar is overridden, its sibling kept.
    assertEquals(new BatchConfig(Duration.ofSeconds(5), 100, 0, List.of()),
        config.processors().get(ComponentId.of("batch")).config());
    // Maps merge key by key, down to nested maps.
    OtlpExporterConfig otlp =
        (OtlpExporterConfig) config.exporters().get(ComponentId.of("otlp")).config();
    assertEquals("backend:4317", otlp.endpoint());
    assertTrue(otlp.insecure());
    assertEquals(Map.of("a", "1", "b", "2"), otlp.headers());
    // A list is replaced, not appended to.
    PipelineSpec logs = config.service().pipelines().get(PipelineId.of(Signal.LOGS));
    assertEquals(List.of(ComponentId.of("otlp")), logs.exporters());
    assertEquals(List.of(ComponentId.of("otlp")), logs.receivers());
    // Debug is still defined but no longer used.
    assertEquals(List.of("base.yaml:14:3: exporter 'debug' is defined but no pipeline uses it; "
        + "it will not be created"), config.warnings());
  }

  @Test
  void laterSourceReplacesAMapWithNull() throws ConfigException {
    LoadedConfig config = load(Map.of(),
        new ConfigSource("a.yaml", """
            receivers: {otlp: {protocols: {grpc: {endpoint: "0.0.0.0:1"}}}}
            exporters: {debug: {verbosity: detailed}}
            service: {pipelines: {logs: {receivers: [otlp], exporters: [debug]}}}
            """),
        new ConfigSource("b.yaml", "exporters: {debug: }\n"));
    assertEquals(new DebugConfig(Verbosity.BASIC, 2, 1),
        config.exporters().get(ComponentId.of("debug")).config());
    // The component now comes from the later source, and says so.
    assertEquals(new Location("b.yaml", 1, 13),
        config.exporters().get(ComponentId.of("debug")).location());
  }

  @Test
  void warnsAboutUnusedComponents() throws ConfigException {
    LoadedConfig config = load("""
        receivers:
          otlp: {protocols: {grpc: }}
          otlp/unused: {protocols: {http: }}
        exporters:
          debug:
        extensions:
          health_check:
        service:
          pipelines:
            logs: {receivers: [otlp], exporters: [debug]}
        """);
    assertEquals(List.of(
        "config.yaml:3:3: receiver 'otlp/unused' is defined but no pipeline uses it; it will not "
            + "be created",
        "config.yaml:7:3: extension 'health_check' is defined but not listed in "
            + "service.extensions; it will not be started"), config.warnings());
    assertEquals(2, config.receivers().size());
  }

  @Test
  void supportsAnchorsAndMergeKeys() throws ConfigException {
    LoadedConfig config = load("""
        exporters:
          otlp/a: &common
            endpoint: backend:4317
            timeout: 2s
          otlp/b:
            <<: *common
            timeout: 3s
        receivers: {otlp: {protocols: {grpc: }}}
        service:
          pipelines:
            logs: {receivers: [otlp], exporters: [otlp/a, otlp/b]}
        """);
    OtlpExporterConfig a =
        (OtlpExporterConfig) config.exporters().get(ComponentId.parse("otlp/a")).config();
    OtlpExporterConfig b =
        (OtlpExporterConfig) config.exporters().get(ComponentId.parse("otlp/b")).config();
    assertEquals("backend:4317", b.endpoint());
    assertEquals(Duration.ofSeconds(2), a.timeout());
    assertEquals(Duration.ofSeconds(3), b.timeout());
  }

  @Test
  void emptyAndCommentOnlySourcesAddNothing() throws ConfigException {
    LoadedConfig config = load(Map.of(),
        new ConfigSource("empty.yaml", ""),
        new ConfigSource("main.yaml", """
            receivers: {otlp: {protocols: {grpc: }}}
            exporters: {debug: }
            service: {pipelines: {logs: {receivers: [otlp], exporters: [debug]}}}
            """),
        new ConfigSource("comments.yaml", "# nothing here yet\n"));
    assertEquals(1, config.service().pipelines().size());
  }

  @Test
  void recursiveAliasIsAnErrorNotAHang() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("""
        receivers:
          otlp: &loop
            protocols: [*loop, *loop]
        exporters: {debug: }
        service: {pipelines: {logs: {receivers: [otlp], exporters: [debug]}}}
        """));
    assertTrue(e.errors().stream().anyMatch(err ->
            err.location().equals(new Location("config.yaml", 2, 9))
                && err.message().startsWith("recursive alias")),
        e::getMessage);
  }

  @Test
  void directoryAsConfigFileIsAClearError(@TempDir Path dir) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.file(dir));
    assertTrue(e.getMessage().startsWith(dir + ": cannot read config file: "), e.getMessage());
    assertEquals(1, e.getMessage().split(java.util.regex.Pattern.quote(dir.toString()), -1)
        .length - 1, "the path is named once: " + e.getMessage());
  }

  @Test
  void fileSourceReadsAFileAndNamesIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tapio.yaml");
    Files.writeString(file, """
        receivers: {otlp: {protocols: {grpc: }}}
        exporters: {debug: {verbosity: loud}}
        service: {pipelines: {logs: {receivers: [otlp], exporters: [debug]}}}
        """);
    ConfigSource source = ConfigSource.file(file);
    assertEquals(file.toString(), source.name());
    ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), source));
    assertEquals(file + ":2:32", e.errors().getFirst().location().toString());
  }

  @Test
  void missingFileIsAClearError(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.file(missing));
    assertEquals(missing + ": config file not found", e.getMessage());
  }

  @Test
  void missingResourceIsAClearError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigSource.resource("/no/such/tapio.yaml"));
    assertEquals("classpath:no/such/tapio.yaml: config resource not found on the classpath",
        e.getMessage());
  }

  @Test
  void aTypeIsFoundByItsAliasAndADeprecatedAliasWarns() throws ConfigException {
    ExporterFactory<?> renamed = new TestFactories.DebugExporterFactory() {
      @Override
      public Set<String> aliases() {
        return Set.of("logging", "console");
      }

      @Override
      public String deprecation(String alias) {
        return alias.equals("logging") ? "'logging' is deprecated; use 'debug'" : null;
      }
    };
    ComponentCatalog catalog = ComponentCatalog.of(List.of(new TestFactories.OtlpReceiverFactory(),
        renamed));
    assertSame(renamed, catalog.find(Kind.EXPORTER, "logging"));
    assertEquals(List.of("console", "debug", "logging"),
        List.copyOf(catalog.types(Kind.EXPORTER)));
    LoadedConfig config = new ConfigLoader(catalog, Map.<String, String>of()::get).load(List.of(
        new ConfigSource("config.yaml", """
            receivers: {otlp: {protocols: {grpc: {}}}}
            exporters: {logging: {}, console/2: {}}
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [logging, console/2]}
            """)));
    assertSame(renamed, config.exporters().get(ComponentId.of("logging")).factory());
    assertSame(renamed, config.exporters().get(ComponentId.parse("console/2")).factory());
    assertEquals(List.of("config.yaml:2:13: 'logging' is deprecated; use 'debug'"),
        config.warnings());
    IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
        () -> ComponentCatalog.of(List.of(renamed, new TestFactories.DebugExporterFactory() {
          @Override
          public String type() {
            return "console";
          }
        })));
    assertTrue(clash.getMessage().startsWith("two exporter factories for type 'console'"),
        clash.getMessage());
  }

  @Test
  void catalogRejectsTwoFactoriesForOneType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ComponentCatalog.of(List.of(new TestFactories.BatchProcessorFactory(),
            new TestFactories.BatchProcessorFactory())));
    assertTrue(e.getMessage().startsWith("two processor factories for type 'batch'"),
        e.getMessage());
    ComponentCatalog catalog = TestFactories.catalog();
    assertEquals(List.of("debug", "file", "otlp"), List.copyOf(catalog.types(Kind.EXPORTER)));
    assertSame(null, catalog.find(Kind.EXPORTER, "kafka"));
  }

  @Test
  void pipelineIdParsesAndPrints() {
    assertEquals(new PipelineId(Signal.METRICS, "host"), PipelineId.parse("metrics/host"));
    assertEquals("traces", PipelineId.parse("traces").toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PipelineId.parse("span"));
    assertEquals("unknown signal 'span'; valid signals: logs, metrics, traces", e.getMessage());
  }
}
