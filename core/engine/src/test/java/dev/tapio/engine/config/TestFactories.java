package dev.tapio.engine.config;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small real factories that read the keys of the Collector's common components the way plugin
 * factories do. They are never started, so the create methods keep their defaults.
 */
final class TestFactories {

  private TestFactories() {}

  static final Set<Signal> ALL = EnumSet.allOf(Signal.class);

  static ComponentCatalog catalog() {
    return ComponentCatalog.of(List.of(
        new OtlpReceiverFactory(),
        new FilelogReceiverFactory(),
        new BatchProcessorFactory(),
        new MemoryLimiterProcessorFactory(),
        new BrokenProcessorFactory(),
        new OtlpExporterFactory(),
        new DebugExporterFactory(),
        new FileExporterFactory(),
        new HealthCheckExtensionFactory()));
  }

  // ---- receivers ----

  record OtlpReceiverConfig(
      boolean grpcEnabled, String grpcEndpoint, int grpcMaxRecvMsgSizeMib,
      boolean httpEnabled, String httpEndpoint, List<String> corsAllowedOrigins)
      implements ComponentConfig {

    @Override
    public void validate(ConfigProblems problems) {
      if (!grpcEnabled && !httpEnabled) {
        problems.error("protocols", "enable at least one of grpc, http");
      }
    }
  }

  static final class OtlpReceiverFactory implements ReceiverFactory<OtlpReceiverConfig> {
    @Override
    public String type() {
      return "otlp";
    }

    @Override
    public Stability stability() {
      return Stability.STABLE;
    }

    @Override
    public Set<Signal> signals() {
      return ALL;
    }

    @Override
    public OtlpReceiverConfig createDefaultConfig() {
      return new OtlpReceiverConfig(false, "localhost:4317", 4, false, "localhost:4318", List.of());
    }

    @Override
    public OtlpReceiverConfig readConfig(ConfigReader reader) {
      OtlpReceiverConfig d = createDefaultConfig();
      ConfigReader protocols = reader.section("protocols");
      boolean grpcEnabled = protocols.has("grpc");
      ConfigReader grpc = protocols.section("grpc");
      boolean httpEnabled = protocols.has("http");
      ConfigReader http = protocols.section("http");
      return new OtlpReceiverConfig(
          grpcEnabled,
          grpc.string("endpoint", d.grpcEndpoint()),
          grpc.integer("max_recv_msg_size_mib", d.grpcMaxRecvMsgSizeMib()),
          httpEnabled,
          http.string("endpoint", d.httpEndpoint()),
          http.section("cors").stringList("allowed_origins", d.corsAllowedOrigins()));
    }
  }

  record Operator(String type, String regex, String parseTo) {}

  record FilelogReceiverConfig(
      List<String> include, Duration pollInterval, List<Operator> operators)
      implements ComponentConfig {}

  /** Logs only; its operators exercise lists of sections. */
  static final class FilelogReceiverFactory implements ReceiverFactory<FilelogReceiverConfig> {
    @Override
    public String type() {
      return "filelog";
    }

    @Override
    public Stability stability() {
      return Stability.BETA;
    }

    @Override
    public Set<Signal> signals() {
      return EnumSet.of(Signal.LOGS);
    }

    @Override
    public FilelogReceiverConfig createDefaultConfig() {
      return new FilelogReceiverConfig(List.of(), Duration.ofMillis(200), List.of());
    }

    @Override
    public FilelogReceiverConfig readConfig(ConfigReader reader) {
      FilelogReceiverConfig d = createDefaultConfig();
      List<Operator> operators = reader.sectionList("operators").stream()
          .map(op -> new Operator(op.string("type", ""), op.string("regex", ""),
              op.string("parse_to", "body")))
          .toList();
      return new FilelogReceiverConfig(
          reader.stringList("include", d.include()),
          reader.duration("poll_interval", d.pollInterval()),
          operators);
    }
  }

  // ---- processors ----

  record BatchConfig(Duration timeout, int sendBatchSize, int sendBatchMaxSize,
      List<String> metadataKeys) implements ComponentConfig {

    @Override
    public void validate(ConfigProblems problems) {
      if (sendBatchMaxSize != 0 && sendBatchMaxSize < sendBatchSize) {
        problems.error("send_batch_max_size",
            "must be greater than or equal to send_batch_size");
      }
    }
  }

  static final class BatchProcessorFactory implements ProcessorFactory<BatchConfig> {
    @Override
    public String type() {
      return "batch";
    }

    @Override
    public Stability stability() {
      return Stability.BETA;
    }

    @Override
    public Set<Signal> signals() {
      return ALL;
    }

    @Override
    public BatchConfig createDefaultConfig() {
      return new BatchConfig(Duration.ofMillis(200), 8192, 0, List.of());
    }

    @Override
    public Map<String, String> unsupportedKeys() {
      return Map.of("metadata_cardinality_limit", "", "groups[].tag",
          "batches are not split by client metadata");
    }

    @Override
    public BatchConfig readConfig(ConfigReader reader) {
      BatchConfig d = createDefaultConfig();
      return new BatchConfig(
          reader.duration("timeout", d.timeout()),
          reader.integer("send_batch_size", d.sendBatchSize()),
          reader.integer("send_batch_max_size", d.sendBatchMaxSize()),
          reader.stringList("metadata_keys", d.metadataKeys()));
    }
  }

  record MemoryLimiterConfig(Duration checkInterval, int limitMib, int spikeLimitMib,
      int limitPercentage, int spikeLimitPercentage) implements ComponentConfig {

    @Override
    public void validate(ConfigProblems problems) {
      if (checkInterval.isZero() || checkInterval.isNegative()) {
        problems.error("check_interval", "must be greater than zero");
      }
      if (limitMib == 0 && limitPercentage == 0) {
        problems.error("", "set limit_mib or limit_percentage");
      }
    }
  }

  static final class MemoryLimiterProcessorFactory
      implements ProcessorFactory<MemoryLimiterConfig> {
    @Override
    public String type() {
      return "memory_limiter";
    }

    @Override
    public Stability stability() {
      return Stability.BETA;
    }

    @Override
    public Set<Signal> signals() {
      return ALL;
    }

    @Override
    public MemoryLimiterConfig createDefaultConfig() {
      return new MemoryLimiterConfig(Duration.ZERO, 0, 0, 0, 0);
    }

    @Override
    public MemoryLimiterConfig readConfig(ConfigReader reader) {
      MemoryLimiterConfig d = createDefaultConfig();
      return new MemoryLimiterConfig(
          reader.duration("check_interval", d.checkInterval()),
          reader.integer("limit_mib", d.limitMib()),
          reader.integer("spike_limit_mib", d.spikeLimitMib()),
          reader.integer("limit_percentage", d.limitPercentage()),
          reader.integer("spike_limit_percentage", d.spikeLimitPercentage()));
    }
  }

  record Empty() implements ComponentConfig {}

  /** A factory with a bug: it throws, quoting the value it was given. */
  static final class BrokenProcessorFactory implements ProcessorFactory<Empty> {
    @Override
    public String type() {
      return "broken";
    }

    @Override
    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    @Override
    public Set<Signal> signals() {
      return ALL;
    }

    @Override
    public Empty createDefaultConfig() {
      return new Empty();
    }

    @Override
    public Empty readConfig(ConfigReader reader) {
      throw new IllegalStateException("cannot handle " + reader.string("mode", "?"));
    }
  }

  // ---- exporters ----

  enum Compression {
    GZIP,
    ZSTD,
    NONE
  }

  record OtlpExporterConfig(String endpoint, boolean insecure, Duration timeout,
      Map<String, String> headers, Compression compression, boolean queueEnabled, int queueSize,
      boolean retryEnabled, Duration maxElapsedTime) implements ComponentConfig {

    @Override
    public void validate(ConfigProblems problems) {
      if (endpoint.isEmpty()) {
        problems.error("endpoint", "must be set");
      } else if (endpoint.contains(" ")) {
        // Quotes the value on purpose: the loader must hide it when it came from the environment.
        problems.error("endpoint", "invalid endpoint '" + endpoint + "': must not contain spaces");
      }
    }
  }

  static final class OtlpExporterFactory implements ExporterFactory<OtlpExporterConfig> {
    @Override
    public String type() {
      return "otlp";
    }

    @Override
    public Stability stability() {
      return Stability.STABLE;
    }

    @Override
    public Set<Signal> signals() {
      return ALL;
    }

    @Override
    public OtlpExporterConfig createDefaultConfig() {
      return new OtlpExporterConfig("", false, Duration.ofSeconds(5), Map.of(), Compression.GZIP,
          true, 1000, true, Duration.ofMinutes(5));
    }

    @Override
    public OtlpExporterConfig readConfig(ConfigReader reader) {
      OtlpExporterConfig d = createDefaultConfig();
      ConfigReader queue = reader.section("sending_queue");
      ConfigReader retry = reader.section("retry_on_failure");
      return new OtlpExporterConfig(
          reader.string("endpoint", d.endpoint()),
          reader.section("tls").bool("insecure", d.insecure()),
          reader.duration("timeout", d.timeout()),
          reader.stringMap("headers", d.headers()),
          reader.enumValue("compression", Compression.class, d.compression()),
          queue.bool("enabled", d.queueEnabled()),
          queue.integer("queue_size", d.queueSize()),
          retry.bool("enabled", d.retryEnabled()),
          retry.duration("max_elapsed_time", d.maxElapsedTime()));
    }
  }

  enum Verbosity {
    BASIC,
    NORMAL,
    DETAILED
  }

  record DebugConfig(Verbosity verbosity, int samplingInitial, int samplingThereafter)
      implements ComponentConfig {}

  static class DebugExporterFactory implements ExporterFactory<DebugConfig> {
    @Override
    public String type() {
      return "debug";
    }

    @Override
    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    @Override
    public Set<Signal> signals() {
      return ALL;
    }

    @Override
    public DebugConfig createDefaultConfig() {
      return new DebugConfig(Verbosity.BASIC, 2, 1);
    }

    @Override
    public DebugConfig readConfig(ConfigReader reader) {
      DebugConfig d = createDefaultConfig();
      return new DebugConfig(
          reader.enumValue("verbosity", Verbosity.class, d.verbosity()),
          reader.integer("sampling_initial", d.samplingInitial()),
          reader.integer("sampling_thereafter", d.samplingThereafter()));
    }
  }

  record FileExporterConfig(String path, long maxSize, double ratio) implements ComponentConfig {}

  /** Logs and metrics only, to test signal support. */
  static final class FileExporterFactory implements ExporterFactory<FileExporterConfig> {
    @Override
    public String type() {
      return "file";
    }

    @Override
    public Stability stability() {
      return Stability.ALPHA;
    }

    @Override
    public Set<Signal> signals() {
      return EnumSet.of(Signal.LOGS, Signal.METRICS);
    }

    @Override
    public FileExporterConfig createDefaultConfig() {
      return new FileExporterConfig("", 100L << 20, 1.0);
    }

    @Override
    public FileExporterConfig readConfig(ConfigReader reader) {
      FileExporterConfig d = createDefaultConfig();
      return new FileExporterConfig(
          reader.string("path", d.path()),
          reader.bytes("max_size", d.maxSize()),
          reader.number("ratio", d.ratio()));
    }
  }

  // ---- extensions ----

  record HealthCheckConfig(String endpoint) implements ComponentConfig {}

  static final class HealthCheckExtensionFactory implements ExtensionFactory<HealthCheckConfig> {
    @Override
    public String type() {
      return "health_check";
    }

    @Override
    public Stability stability() {
      return Stability.BETA;
    }

    @Override
    public HealthCheckConfig createDefaultConfig() {
      return new HealthCheckConfig("localhost:13133");
    }

    @Override
    public HealthCheckConfig readConfig(ConfigReader reader) {
      return new HealthCheckConfig(reader.string("endpoint", createDefaultConfig().endpoint()));
    }

    @Override
    public Component create(ComponentContext context, HealthCheckConfig config) {
      return new Component() {};
    }
  }
}
