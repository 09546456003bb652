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

/** The {@code otlphttp} exporter: OTLP/HTTP protobuf, gzip by default, with retries and a sending queue. */
@Extension
public final class OtlpHttpExporterFactory implements ExporterFactory<OtlpHttpExporterConfig> {

  public OtlpHttpExporterFactory() {}

  @Override
  public java.util.Map<String, String> unsupportedKeys() {
    return CollectorKeys.HTTP_EXPORTER;
  }

  @Override
  public String type() {
    return "otlp_http";
  }

  /** The name the Collector used before {@code otlp_http}; both work. */
  @Override
  public java.util.Set<String> aliases() {
    return java.util.Set.of("otlphttp");
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Sends logs, metrics and traces as OTLP/HTTP (protobuf or JSON), with TLS, retries"
        + " and a sending queue.";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES);
  }

  @Override
  public OtlpHttpExporterConfig createDefaultConfig() {
    return OtlpHttpExporterConfig.DEFAULT;
  }

  @Override
  public OtlpHttpExporterConfig readConfig(ConfigReader r) {
    OtlpHttpExporterConfig d = OtlpHttpExporterConfig.DEFAULT;
    String endpoint = r.string("endpoint", d.endpoint());
    String logs = r.string("logs_endpoint", d.logsEndpoint());
    String metrics = r.string("metrics_endpoint", d.metricsEndpoint());
    String traces = r.string("traces_endpoint", d.tracesEndpoint());
    var headers = r.stringMap("headers", d.headers());
    var compression = r.enumValue("compression", OtlpHttpExporterConfig.Compression.class,
        d.compression());
    String encoding = r.string("encoding", "proto");
    if (!encoding.equals("proto") && !encoding.equals("json")) {
      r.error("encoding", "must be proto or json, got '" + encoding + "'");
    }
    var timeout = r.duration("timeout", d.timeout());
    var retry = Retrier.read(r, d.retry());
    var queue = QueueSettings.read(r.section("sending_queue"));
    TlsClientSettings tls = TlsClientSettings.read(r, d.tls());
    String authenticator = r.section("auth").string("authenticator", d.authenticator());
    ClientKeys.read(r, ClientKeys.HTTP);
    int level = r.section("compression_params").integer("level", d.compressionLevel());
    boolean allowPlaintextCredentials =
        r.bool("allow_plaintext_credentials", d.allowPlaintextCredentials());
    return new OtlpHttpExporterConfig(endpoint, logs, metrics, traces, headers, compression,
        timeout, retry, queue, tls, authenticator, encoding.equals("json"), level,
        allowPlaintextCredentials);
  }

  @Override
  public LogsExporter createLogs(ComponentContext context, OtlpHttpExporterConfig config) {
    return new OtlpHttpExporter(context, config, Signal.LOGS);
  }

  @Override
  public MetricsExporter createMetrics(ComponentContext context, OtlpHttpExporterConfig config) {
    return new OtlpHttpExporter(context, config, Signal.METRICS);
  }

  @Override
  public TracesExporter createTraces(ComponentContext context, OtlpHttpExporterConfig config) {
    return new OtlpHttpExporter(context, config, Signal.TRACES);
  }
}
