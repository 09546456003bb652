package dev.tapio.plugin.otlp;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.MetricsExporter;
import dev.tapio.consumer.TracesExporter;
import dev.tapio.exporterhelper.QueueSettings;
import java.util.Set;
import org.pf4j.Extension;

/** The {@code otlp} exporter: OTLP/gRPC (TLS or plaintext), gzip by default, with retries and a sending queue. */
@Extension
public final class OtlpGrpcExporterFactory implements ExporterFactory<OtlpGrpcExporterConfig> {

  public OtlpGrpcExporterFactory() {}

  @Override
  public java.util.Map<String, String> unsupportedKeys() {
    return CollectorKeys.GRPC_EXPORTER;
  }

  @Override
  public String type() {
    return "otlp_grpc";
  }

  /** The name the Collector used before {@code otlp_grpc}; both work. */
  @Override
  public java.util.Set<String> aliases() {
    return java.util.Set.of("otlp");
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Sends logs, metrics and traces as OTLP/gRPC, with TLS, retries and a sending queue.";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES);
  }

  @Override
  public OtlpGrpcExporterConfig createDefaultConfig() {
    return OtlpGrpcExporterConfig.DEFAULT;
  }

  @Override
  public OtlpGrpcExporterConfig readConfig(ConfigReader r) {
    OtlpGrpcExporterConfig d = OtlpGrpcExporterConfig.DEFAULT;
    String endpoint = r.string("endpoint", d.endpoint()).strip();
    TlsClientSettings tls = TlsClientSettings.read(r, d.tls());
    // The Collector's scheme rule: http:// is plaintext, https:// is TLS whatever tls.insecure
    // says; the scheme is not part of the host:port dialled.
    String lower = endpoint.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("http://")) {
      if (!tls.caFile().isEmpty() || !tls.certFile().isEmpty()) {
        r.error("endpoint", "'http://' means plaintext, but tls names certificate files;"
            + " use https:// (or no scheme) for TLS");
      }
      endpoint = endpoint.substring(7);
      tls = tls.withInsecure(true);
    } else if (lower.startsWith("https://")) {
      endpoint = endpoint.substring(8);
      tls = tls.withInsecure(false);
    }
    if (endpoint.endsWith("/")) {
      endpoint = endpoint.substring(0, endpoint.length() - 1);
    }
    var headers = r.stringMap("headers", d.headers());
    var compression = r.enumValue("compression", OtlpHttpExporterConfig.Compression.class,
        d.compression());
    var timeout = r.duration("timeout", d.timeout());
    var retry = Retrier.read(r, d.retry());
    var queue = QueueSettings.read(r.section("sending_queue"));
    String authenticator = r.section("auth").string("authenticator", d.authenticator());
    ClientKeys.read(r, ClientKeys.GRPC);
    int level = r.section("compression_params").integer("level", d.compressionLevel());
    return new OtlpGrpcExporterConfig(endpoint, tls, headers, compression, timeout, retry,
        queue, authenticator, level);
  }

  @Override
  public LogsExporter createLogs(ComponentContext context, OtlpGrpcExporterConfig config) {
    return new OtlpGrpcExporter(context, config, Signal.LOGS);
  }

  @Override
  public MetricsExporter createMetrics(ComponentContext context, OtlpGrpcExporterConfig config) {
    return new OtlpGrpcExporter(context, config, Signal.METRICS);
  }

  @Override
  public TracesExporter createTraces(ComponentContext context, OtlpGrpcExporterConfig config) {
    return new OtlpGrpcExporter(context, config, Signal.TRACES);
  }
}
