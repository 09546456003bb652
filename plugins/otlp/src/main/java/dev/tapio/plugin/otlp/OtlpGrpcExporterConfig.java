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
 * @param tls the {@code tls} section: TLS with the JDK's trusted roots unless {@code insecure}
 * @param headers metadata sent with every call
 * @param compression {@code gzip} or {@code none}
 * @param timeout the deadline of one call
 * @param retry retrying of retryable failures, as for {@code otlphttp}
 * @param queue the {@code sending_queue}, as for {@code otlphttp}
 * @param authenticator the id of an extension whose headers go with every call as metadata
 *     ({@code auth.authenticator}), or empty for none
 * @param compressionLevel {@code compression_params.level}, as for {@code otlphttp}
 */
public record OtlpGrpcExporterConfig(String endpoint, TlsClientSettings tls,
    Map<String, String> headers, OtlpHttpExporterConfig.Compression compression,
    Duration timeout, OtlpHttpExporterConfig.Retry retry, QueueSettings queue,
    String authenticator, int compressionLevel) implements ComponentConfig {

  /** The Collector's defaults, where TLS is on unless {@code tls.insecure: true}. */
  static final OtlpGrpcExporterConfig DEFAULT = new OtlpGrpcExporterConfig("",
      TlsClientSettings.DEFAULT, Map.of(), OtlpHttpExporterConfig.Compression.GZIP,
      Duration.ofSeconds(10), OtlpHttpExporterConfig.Retry.DEFAULT, QueueSettings.DEFAULT, "",
      Codecs.DEFAULT_GZIP_LEVEL);

  /** Plaintext ({@code insecure}) or TLS with the JDK's roots, without an authenticator. */
  public OtlpGrpcExporterConfig(String endpoint, boolean insecure, Map<String, String> headers,
      OtlpHttpExporterConfig.Compression compression, Duration timeout,
      OtlpHttpExporterConfig.Retry retry, QueueSettings queue) {
    this(endpoint, insecure ? TlsClientSettings.PLAINTEXT : TlsClientSettings.DEFAULT, headers,
        compression, timeout, retry, queue, "", Codecs.DEFAULT_GZIP_LEVEL);
  }

  public OtlpGrpcExporterConfig {
    tls = tls == null ? TlsClientSettings.DEFAULT : tls;
    authenticator = authenticator == null ? "" : authenticator;
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
      problems.error("endpoint", "must be host:port, http://host:port (plaintext) or"
          + " https://host:port (TLS), e.g. gateway:4317; got '" + endpoint + "'");
    }
    tls.validate(problems);
    OtlpHttpExporterConfig.checkLevel(problems, compression, compressionLevel);
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
