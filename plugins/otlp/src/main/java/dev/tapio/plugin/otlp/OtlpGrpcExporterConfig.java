package dev.tapio.plugin.otlp;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import dev.tapio.exporterhelper.QueueSettings;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configuration of the {@code otlp} (gRPC) exporter, with the Collector's keys; see the package
 * documentation.
 *
 * @param endpoint {@code host:port} of the OTLP/gRPC server
 * @param insecure {@code tls.insecure}: plaintext; the only mode supported yet
 * @param headers metadata sent with every call
 * @param compression {@code gzip} or {@code none}
 * @param timeout the deadline of one call
 * @param retry retrying of retryable failures, as for {@code otlphttp}
 * @param queue the {@code sending_queue}, as for {@code otlphttp}
 */
public record OtlpGrpcExporterConfig(String endpoint, boolean insecure,
    Map<String, String> headers, OtlpHttpExporterConfig.Compression compression,
    Duration timeout, OtlpHttpExporterConfig.Retry retry, QueueSettings queue)
    implements ComponentConfig {

  /** The Collector's defaults, where TLS is on unless {@code tls.insecure: true}. */
  static final OtlpGrpcExporterConfig DEFAULT = new OtlpGrpcExporterConfig("", false, Map.of(),
      OtlpHttpExporterConfig.Compression.GZIP, Duration.ofSeconds(10),
      OtlpHttpExporterConfig.Retry.DEFAULT, QueueSettings.DEFAULT);

  public OtlpGrpcExporterConfig {
    endpoint = endpoint == null ? "" : endpoint;
    headers = headers == null ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    compression = compression == null ? OtlpHttpExporterConfig.Compression.GZIP : compression;
    timeout = timeout == null ? DEFAULT.timeout() : timeout;
    retry = retry == null ? OtlpHttpExporterConfig.Retry.DEFAULT : retry;
    queue = queue == null ? QueueSettings.DEFAULT : queue;
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (endpoint.isEmpty()) {
      problems.error("endpoint", "is required: host:port of the OTLP/gRPC server, e.g."
          + " gateway:4317");
    } else if (Endpoints.parseHostPort(endpoint) == null
        || Endpoints.parseHostPort(endpoint).getPort() == 0) {
      problems.error("endpoint", "must be host:port (e.g. gateway:4317), got '" + endpoint
          + "'");
    }
    if (!insecure) {
      problems.error("tls", "TLS not supported yet; set tls.insecure: true for plaintext gRPC");
    }
    for (String name : headers.keySet()) {
      if (!name.matches("[0-9a-zA-Z_.-]+") || name.toLowerCase(java.util.Locale.ROOT)
          .endsWith("-bin")) {
        problems.error("headers." + name, "is not a valid ASCII gRPC metadata key");
      }
    }
    if (!timeout.isPositive()) {
      problems.error("timeout", "must be positive");
    }
    Retrier.validate(retry, problems);
    queue.validate(problems, "sending_queue.");
  }
}
