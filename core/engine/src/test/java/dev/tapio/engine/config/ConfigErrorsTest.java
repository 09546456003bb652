package dev.tapio.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed configurations: each must fail with exactly the expected error, at the exact
 * {@code source:line:column} of the offending node.
 */
class ConfigErrorsTest {

  private static final Map<String, String> NO_ENV = Map.of();

  static ConfigException failure(Map<String, String> env, ConfigSource... sources) {
    ConfigLoader loader = new ConfigLoader(TestFactories.catalog(), env::get);
    return assertThrows(ConfigException.class, () -> loader.load(List.of(sources)));
  }

  static ConfigException failure(String yaml) {
    return failure(NO_ENV, new ConfigSource("config.yaml", yaml));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("YAML syntax error", """
            receivers:
              otlp: {protocols: {grpc: }
            exporters:
              debug:
            """, "config.yaml:3:1", "invalid YAML: expected ',' or '}', but got <scalar> (while "
            + "parsing a flow mapping at config.yaml:2:9)"),
        Arguments.of("top level is a list", """
            - receivers
            - exporters
            """, "config.yaml:1:1", "the top level must be a map of sections"),
        Arguments.of("duplicate key", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
              debug: {verbosity: detailed}
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:5:3", "duplicate key 'debug'; first defined at config.yaml:4:3"),
        Arguments.of("unknown top-level key", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            procesors:
              batch:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:5:1", "unknown top-level key 'procesors'; did you mean "
            + "'processors'? valid keys: connectors, exporters, extensions, processors, receivers,"
            + " service"),
        Arguments.of("unknown service key", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              extension: []
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:6:3", "unknown key 'extension' for service; did you mean "
            + "'extensions'? valid keys: extensions, memory_budget, pipelines, shutdown_timeout, stuck_timeout, telemetry"),
        Arguments.of("unknown pipeline key", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [debug]
                  procesors: []
            """, "config.yaml:10:7", "unknown key 'procesors' for pipeline 'logs'; did you mean "
            + "'processors'? valid keys: exporters, processors, queue, receivers"),
        Arguments.of("unknown telemetry key", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              telemetry:
                metrics:
                  levl: basic
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:8:7", "unknown key 'telemetry.metrics.levl' for service; "
            + "did you mean 'level'? valid keys: address, level, readers"),
        Arguments.of("unknown receiver type", """
            receivers:
              otlpp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlpp], exporters: [debug]}
            """, "config.yaml:2:3", "unknown receiver type 'otlpp'; did you mean 'otlp'? "
            + "valid receiver types: filelog, otlp"),
        Arguments.of("unknown connector type", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            connectors:
              count:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:6:3", "unknown connector type 'count'; valid connector types: none"),
        Arguments.of("component id with empty name", """
            receivers:
              otlp: {protocols: {grpc: }}
              otlp/: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:3:3", "invalid receiver id 'otlp/': component id 'otlp/' has an "
            + "empty name after '/'"),
        Arguments.of("component type starting with a digit", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
              9debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:5:3", "invalid exporter id '9debug': invalid component type "
            + "'9debug': must start with a letter"),
        Arguments.of("pipeline id with empty name", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
                logs/: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:8:5", "invalid pipeline id 'logs/': empty name after '/'"),
        Arguments.of("unknown signal", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
                log/x: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:8:5", "invalid pipeline id 'log/x': unknown signal 'log'; did you "
            + "mean 'logs'? valid signals: logs, metrics, traces"),
        Arguments.of("component settings are a list", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              batch: [timeout]
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [batch], exporters: [debug]}
            """, "config.yaml:4:10", "processor 'batch' must be a map of settings or empty, "
            + "got a list"),
        Arguments.of("component section is a list", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors: [batch]
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:3:1", "'processors' must be a map of processor ids to their "
            + "settings, got a list"),
        Arguments.of("invalid duration", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              batch:
                timeout: abc
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [batch], exporters: [debug]}
            """, "config.yaml:5:14", "processor 'batch', key 'timeout': invalid duration 'abc': "
            + "use a number with a unit such as 200ms, 5s, 1m"),
        Arguments.of("duration without unit", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              batch:
                timeout: 5
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [batch], exporters: [debug]}
            """, "config.yaml:5:14", "invalid duration '5': missing unit"),
        Arguments.of("invalid size", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              file:
                path: /tmp/out.json
                max_size: 512XB
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [file]}
            """, "config.yaml:6:15", "exporter 'file', key 'max_size': invalid size '512XB': "
            + "unknown unit 'XB'"),
        Arguments.of("invalid boolean", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              otlp:
                endpoint: backend:4317
                tls:
                  insecure: yes
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [otlp]}
            """, "config.yaml:7:17", "exporter 'otlp', key 'tls.insecure': expected true or "
            + "false, got 'yes'"),
        Arguments.of("integer out of range", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              batch:
                send_batch_size: 99999999999
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [batch], exporters: [debug]}
            """, "config.yaml:5:22", "processor 'batch', key 'send_batch_size': value "
            + "'99999999999' is out of range; must be between -2147483648 and 2147483647"),
        Arguments.of("quoted integer", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              batch:
                send_batch_size: "100"
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [batch], exporters: [debug]}
            """, "config.yaml:5:22", "expected an integer, got '100'; write it without quotes"),
        Arguments.of("number that is not one", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              file:
                ratio: half
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [file]}
            """, "config.yaml:5:12", "exporter 'file', key 'ratio': expected a number, got "
            + "'half'"),
        Arguments.of("invalid enum value", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
                verbosity: verbose
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:5:16", "exporter 'debug', key 'verbosity': invalid value "
            + "'verbose'; valid values: basic, normal, detailed"),
        Arguments.of("enum value with a typo", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              otlp:
                endpoint: backend:4317
                compression: gzp
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [otlp]}
            """, "config.yaml:6:18", "invalid value 'gzp'; did you mean 'gzip'? valid values: "
            + "gzip, zstd, none"),
        Arguments.of("map where a string is expected", """
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: {host: backend}
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:5:9", "receiver 'otlp', key 'protocols.grpc.endpoint': expected a "
            + "string, got a map"),
        Arguments.of("unknown component key", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              batch:
                sendbatch_size: 100
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [batch], exporters: [debug]}
            """, "config.yaml:5:5", "unknown key 'sendbatch_size' for processor 'batch'; did you "
            + "mean 'send_batch_size'? valid keys: metadata_keys, send_batch_max_size, "
            + "send_batch_size, timeout"),
        Arguments.of("unknown nested component key", """
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpont: 0.0.0.0:4317
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:5:9", "unknown key 'protocols.grpc.endpont' for receiver 'otlp'; "
            + "did you mean 'endpoint'? valid keys: endpoint, max_recv_msg_size_mib"),
        Arguments.of("unknown key in a list of sections", """
            receivers:
              filelog:
                include: [/var/log/*.log]
                operators:
                  - type: regex_parser
                    regx: '^(?P<level>\\w+)'
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [filelog], exporters: [debug]}
            """, "config.yaml:6:9", "unknown key 'operators.0.regx' for receiver 'filelog'; "
            + "did you mean 'regex'? valid keys: parse_to, regex, type"),
        Arguments.of("map in a list of strings", """
            receivers:
              filelog:
                include: [/var/log/*.log, {path: x}]
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [filelog], exporters: [debug]}
            """, "config.yaml:3:31", "receiver 'filelog', key 'include.1': expected a string, "
            + "got a map"),
        Arguments.of("validate: one value against another", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              batch:
                send_batch_size: 1000
                send_batch_max_size: 10
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [batch], exporters: [debug]}
            """, "config.yaml:6:26", "processor 'batch', key 'send_batch_max_size': must be "
            + "greater than or equal to send_batch_size"),
        Arguments.of("validate: the section as a whole", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              memory_limiter:
                check_interval: 1s
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [memory_limiter], exporters: [debug]}
            """, "config.yaml:4:3", "processor 'memory_limiter': set limit_mib or "
            + "limit_percentage"),
        Arguments.of("validate: absent key points at the section", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              otlp:
                timeout: 10s
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [otlp]}
            """, "config.yaml:4:3", "exporter 'otlp', key 'endpoint': must be set"),
        Arguments.of("validate: nested map points at its key", """
            receivers:
              otlp:
                protocols: {}
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:3:5", "receiver 'otlp', key 'protocols': enable at least one of "
            + "grpc, http"),
        Arguments.of("factory throws", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              broken: {mode: fast}
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [broken], exporters: [debug]}
            """, "config.yaml:4:3", "processor 'broken': reading the configuration failed: "
            + "java.lang.IllegalStateException: cannot handle fast"),
        Arguments.of("pipeline without exporters", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
                logs/a:
                  receivers: [otlp]
            """, "config.yaml:8:5", "pipeline 'logs/a' has no exporters"),
        Arguments.of("pipeline with an empty receiver list", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: []
                  exporters: [debug]
            """, "config.yaml:8:7", "pipeline 'logs' has no receivers"),
        Arguments.of("pipeline is a list", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs: [otlp, debug]
            """, "config.yaml:7:11", "pipeline 'logs' must be a map with receivers, processors "
            + "and exporters, got a list"),
        Arguments.of("receivers is not a list", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: otlp
                  exporters: [debug]
            """, "config.yaml:8:18", "pipeline 'logs', key 'receivers': expected a list of "
            + "receiver ids, got 'otlp'"),
        Arguments.of("reference to an undefined receiver", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: [otlp, otlp/2]
                  exporters: [debug]
            """, "config.yaml:8:25", "pipeline 'logs' references receiver 'otlp/2' which is not "
            + "defined in receivers; defined: otlp"),
        Arguments.of("invalid id in a pipeline", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [debug/]
            """, "config.yaml:9:19", "pipeline 'logs' has an invalid exporter id 'debug/'"),
        Arguments.of("exporter without the pipeline's signal", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              file: {path: /tmp/x}
            service:
              pipelines:
                traces:
                  receivers: [otlp]
                  exporters: [file]
            """, "config.yaml:9:19", "pipeline 'traces' carries traces but exporter 'file' does "
            + "not support traces; it supports: logs, metrics"),
        Arguments.of("duplicate in a pipeline list", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              batch:
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  processors: [batch, batch]
                  exporters: [debug]
            """, "config.yaml:11:27", "pipeline 'logs' lists processor 'batch' twice; first at "
            + "config.yaml:11:20"),
        Arguments.of("no pipelines", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              extensions: []
            """, "config.yaml:5:1", "service has no pipelines"),
        Arguments.of("no service", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            """, "config.yaml:1:1", "missing 'service' section"),
        Arguments.of("undefined extension", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            extensions:
              health_check:
            service:
              extensions: [health_check, pprof]
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:8:30", "service.extensions references extension 'pprof' which is "
            + "not defined in extensions; defined: health_check"),
        Arguments.of("queue size zero", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [debug]
                  queue:
                    size: -1
            """, "config.yaml:11:15",
            "pipeline 'logs', key 'queue.size': must be 0 (synchronous hand-off) or more"),
        Arguments.of("queue overflow", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [debug]
                  queue:
                    overflow: spill
            """, "config.yaml:11:19", "pipeline 'logs', key 'queue.overflow': invalid value "
            + "'spill'; valid values: block, drop"),
        Arguments.of("queue negative block timeout", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [debug]
                  queue: {block_timeout: -1s}
            """, "config.yaml:10:30", "pipeline 'logs', key 'queue.block_timeout': must not be "
            + "negative"),
        Arguments.of("unknown queue key", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [debug]
                  queue: {sise: 10}
            """, "config.yaml:10:15", "unknown key 'queue.sise' for pipeline 'logs'; did you "
            + "mean 'size'? valid keys: block_timeout, overflow, size"),
        Arguments.of("shutdown timeout", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              shutdown_timeout: soon
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:6:21", "service, key 'shutdown_timeout': invalid duration 'soon'"),
        Arguments.of("telemetry metrics level", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              telemetry:
                metrics: {level: verbose}
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:7:22", "service, key 'telemetry.metrics.level': invalid value "
            + "'verbose'; valid values: none, basic, normal, detailed"),
        Arguments.of("telemetry logs level", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              telemetry:
                logs: {level: warning}
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:7:19", "invalid value 'warning'; did you mean 'warn'? valid "
            + "values: debug, info, warn, error"),
        Arguments.of("telemetry address without a port", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              telemetry:
                metrics:
                  address: localhost
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:8:16", "invalid address 'localhost': use host:port"),
        Arguments.of("telemetry address and readers", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              telemetry:
                metrics:
                  address: localhost:9999
                  readers:
                    - pull: {exporter: {prometheus: {host: 0.0.0.0, port: 9999}}}
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:9:7", "set either 'address' or 'readers', not both"),
        Arguments.of("telemetry push reader", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug:
            service:
              telemetry:
                metrics:
                  readers:
                    - periodic: {exporter: {otlp: {endpoint: x}}}
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:9:11", "periodic (push) readers are not supported"),
        Arguments.of("env reference with an empty name", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              otlp:
                endpoint: ${env:}
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [otlp]}
            """, "config.yaml:5:15", "empty variable name in '${env:}'"),
        Arguments.of("unclosed env reference", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              otlp:
                endpoint: ${env:HOST
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [otlp]}
            """, "config.yaml:5:15", "unclosed '${' in '${env:HOST': missing '}'"),
        Arguments.of("unknown reference scheme", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              otlp:
                endpoint: ${vault:secret/endpoint}
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [otlp]}
            """, "config.yaml:5:15", "unsupported scheme 'vault' in '${vault:secret/endpoint}':"
            + " env and file are supported"),
        Arguments.of("reference that is not a variable name", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              otlp:
                endpoint: "http://${1HOST}:4317"
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [otlp]}
            """, "config.yaml:5:15", "reference '${1HOST}' is not a variable name"),
        Arguments.of("file that cannot be read", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              otlp:
                endpoint: ${file:/nonexistent/tapio-endpoint}
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [otlp]}
            """, "config.yaml:5:15", "cannot read '${file:/nonexistent/tapio-endpoint}'"),
        Arguments.of("invalid variable name", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              otlp:
                endpoint: ${env:1HOST}
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [otlp]}
            """, "config.yaml:5:15", "invalid environment variable name '1HOST'"),
        Arguments.of("map as a map key", """
            receivers:
              otlp: {protocols: {grpc: }}
            ? [a, b]
            : c
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:3:3", "a map key must be a plain value, not a map or a list"),
        Arguments.of("merge key with a scalar (snakeyaml marks the end of the map)", """
            receivers:
              otlp:
                <<: 5
                protocols: {grpc: }
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """, "config.yaml:5:1", "invalid YAML: Expected mapping node or an anchor referencing "
            + "mapping"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void reportsTheProblemAtItsLocation(
      String name, String yaml, String location, String message) {
    ConfigException e = failure(yaml);
    assertEquals(1, e.errors().size(), () -> "expected exactly one error, got:\n" + e.getMessage());
    ConfigError error = e.errors().getFirst();
    assertEquals(location, error.location().toString(), error::toString);
    assertTrue(error.message().contains(message),
        () -> "message was: " + error.message() + "\nexpected to contain: " + message);
    assertEquals(error.toString(), e.getMessage());
  }

  @Test
  void reportsEveryProblemInOneFileSortedByLine() {
    ConfigException e = failure("""
        receivers:
          otlpp: {protocols: {grpc: }}
        processors:
          batch:
            timeout: abc
            sendbatch_size: 1
        exporters:
          debug:
            verbosity: loud
        service:
          pipelines:
            logs:
              receivers: [otlpp]
              processors: [batch, memory_limiter]
        """);
    List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
    assertEquals(List.of(
        "config.yaml:2:3: unknown receiver type 'otlpp'; did you mean 'otlp'? valid receiver "
            + "types: filelog, otlp",
        "config.yaml:5:14: processor 'batch', key 'timeout': invalid duration 'abc': use a number "
            + "with a unit such as 200ms, 5s, 1m",
        "config.yaml:6:5: unknown key 'sendbatch_size' for processor 'batch'; did you mean "
            + "'send_batch_size'? valid keys: metadata_keys, send_batch_max_size, "
            + "send_batch_size, timeout",
        "config.yaml:9:16: exporter 'debug', key 'verbosity': invalid value 'loud'; valid values: "
            + "basic, normal, detailed",
        "config.yaml:12:5: pipeline 'logs' has no exporters; list at least one exporter id "
            + "defined in exporters",
        "config.yaml:14:27: pipeline 'logs' references processor 'memory_limiter' which is not "
            + "defined in processors; defined: batch"), errors);
    assertEquals(String.join("\n", errors), e.getMessage());
  }

  @Test
  void syntaxErrorsInEverySourceAreReported() {
    ConfigException e = failure(NO_ENV,
        new ConfigSource("a.yaml", "receivers: [\n"),
        new ConfigSource("b.yaml", "service:\n  pipelines: {logs: }\n"),
        new ConfigSource("c.yaml", "exporters:\n\tdebug:\n"));
    assertEquals(List.of("a.yaml", "c.yaml"),
        e.errors().stream().map(err -> err.location().source()).toList(), e::getMessage);
    assertTrue(e.errors().stream().allMatch(err -> err.message().startsWith("invalid YAML: ")));
    assertEquals(new Location("c.yaml", 2, 1), e.errors().get(1).location());
  }

  @Test
  void errorInTheSecondSourceNamesTheSecondSource() {
    ConfigException e = failure(NO_ENV,
        new ConfigSource("base.yaml", """
            receivers:
              otlp: {protocols: {grpc: }}
            processors:
              batch: {timeout: 1s}
            exporters:
              debug:
            service:
              pipelines:
                logs: {receivers: [otlp], processors: [batch], exporters: [debug]}
            """),
        new ConfigSource("override.yaml", """
            processors:
              batch:
                timeout: abc
            """));
    assertEquals(1, e.errors().size(), e::getMessage);
    assertEquals("override.yaml:3:14: processor 'batch', key 'timeout': invalid duration 'abc': "
        + "use a number with a unit such as 200ms, 5s, 1m", e.errors().getFirst().toString());
  }

  @Test
  void errorsFromSeveralSourcesAreSortedBySourceThenLine() {
    ConfigException e = failure(NO_ENV,
        new ConfigSource("b.yaml", """
            receivers:
              otlp: {protocols: {grpc: }}
            exporters:
              debug: {verbosity: loud}
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [debug]}
            """),
        new ConfigSource("a.yaml", """
            processors:
              batch: {timeout: abc}
            """));
    assertEquals(List.of("a.yaml:2:20", "b.yaml:4:22"),
        e.errors().stream().map(err -> err.location().toString()).toList(), e::getMessage);
  }

  @Test
  void aSecretNeverAppearsInAnyMessage() {
    Map<String, String> env = Map.of(
        "TIMEOUT", "hunter2-timeout",
        "ENDPOINT", "https://hunter2-endpoint .example.com",
        "MODE", "hunter2-mode",
        "LEVEL", "hunter2-level",
        "SIZE", "hunter2-size",
        "RECEIVER", "hunter2-receiver/x y");
    ConfigException e = failure(env, new ConfigSource("config.yaml", """
        receivers:
          otlp: {protocols: {grpc: }}
        processors:
          batch: {timeout: "${env:TIMEOUT}"}
          broken: {mode: "${env:MODE}"}
        exporters:
          otlp:
            endpoint: ${env:ENDPOINT}
            compression: ${env:LEVEL}
          file:
            max_size: "limit-${env:SIZE}"
        service:
          pipelines:
            logs:
              receivers: [otlp, "${env:RECEIVER}"]
              processors: [batch, broken]
              exporters: [otlp, file]
        """));
    String all = e.getMessage() + "\n" + String.join("\n", e.warnings());
    assertFalse(all.contains("hunter2"), all);
    Map<String, String> byLocation = e.errors().stream()
        .collect(Collectors.toMap(err -> err.location().toString(), ConfigError::message));
    assertEquals(Map.of(
        "config.yaml:4:20", "processor 'batch', key 'timeout': invalid duration "
            + "'<value of ${env:TIMEOUT}>': use a number with a unit such as 200ms, 5s, 1m",
        "config.yaml:5:3", "processor 'broken': reading the configuration failed: "
            + "java.lang.IllegalStateException: cannot handle <value of ${env:MODE}>",
        "config.yaml:8:15", "exporter 'otlp', key 'endpoint': invalid endpoint "
            + "'<value of ${env:ENDPOINT}>': must not contain spaces",
        "config.yaml:9:18", "exporter 'otlp', key 'compression': invalid value "
            + "'<value of ${env:LEVEL}>'; valid values: gzip, zstd, none",
        "config.yaml:11:15", "exporter 'file', key 'max_size': invalid size "
            + "'limit-<value of ${env:SIZE}>': use a number of bytes, or a number with a unit: B, "
            + "KB, MB, GB, KiB, MiB, GiB",
        "config.yaml:15:25", "pipeline 'logs' has an invalid receiver id "
            + "'<value of ${env:RECEIVER}>'"), byLocation);
  }

  @Test
  void exceptionNeedsAnError() {
    assertThrows(IllegalArgumentException.class, () -> new ConfigException(List.of()));
  }

  @Test
  void aCollectorKeyNotSupportedYetSaysSoInsteadOfUnknown() {
    ConfigException e = failure("""
        receivers:
          otlp:
        processors:
          batch:
            metadata_cardinality_limit: 10
            groups:
              - tag: a
            metadata_keyz: [a]
        exporters:
          otlp:
            endpoint: gw:4317
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [batch], exporters: [otlp]}
        """);
    String m = e.getMessage();
    assertTrue(m.contains("config.yaml:5:5: processor 'batch', key 'metadata_cardinality_limit':"
        + " is not supported yet\n"), m);
    // A section nobody reads, holding a key not supported yet.
    assertTrue(m.contains("config.yaml:6:5: processor 'batch', key 'groups': is not supported"
        + " yet: batches are not split by client metadata"), m);
    assertEquals("actions[].default_value",
        SectionReader.listItemsAsBrackets("actions.12.default_value"));
    assertTrue(m.contains("unknown key 'metadata_keyz' for processor 'batch'; did you mean"
        + " 'metadata_keys'"), m);
  }
}
