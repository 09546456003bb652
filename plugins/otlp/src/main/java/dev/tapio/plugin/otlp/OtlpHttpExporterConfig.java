package dev.tapio.plugin.otlp;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import dev.tapio.exporterhelper.QueueSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configuration of the {@code otlphttp} exporter, with the Collector's keys; see the package
 * documentation.
 *
 * @param endpoint the base URL; the signal's path ({@code /v1/logs} …) is appended
 * @param logsEndpoint the full URL for logs, overriding {@code endpoint}; empty when not set
 * @param metricsEndpoint as {@code logsEndpoint}, for metrics
 * @param tracesEndpoint as {@code logsEndpoint}, for traces
 * @param headers headers sent with every request
 * @param compression {@code gzip} or {@code none}
 * @param timeout the longest one request may take
 * @param retry retrying of retryable failures
 * @param queue the {@code sending_queue}: in memory by default, on disk with {@code storage}, or
 *     none ({@code enabled: false}: sent on the caller's thread, failures thrown to it)
 */
public record OtlpHttpExporterConfig(String endpoint, String logsEndpoint, String metricsEndpoint,
    String tracesEndpoint, Map<String, String> headers, Compression compression,
    Duration timeout, Retry retry, QueueSettings queue) implements ComponentConfig {

  static final OtlpHttpExporterConfig DEFAULT = new OtlpHttpExporterConfig("", "", "", "",
      Map.of(), Compression.GZIP, Duration.ofSeconds(10), Retry.DEFAULT, QueueSettings.DEFAULT);

  /** Request body compression. */
  public enum Compression { GZIP, NONE }

  /**
   * The Collector's {@code retry_on_failure}: exponential backoff from {@code initialInterval},
   * times {@code multiplier} per attempt, capped at {@code maxInterval}; a server's
   * {@code Retry-After} replaces the computed wait. Gives up once {@code maxElapsedTime} has
   * passed since the first attempt (0 = never).
   */
  public record Retry(boolean enabled, Duration initialInterval, Duration maxInterval,
      Duration maxElapsedTime, double multiplier) {
    static final Retry DEFAULT = new Retry(true, Duration.ofSeconds(5), Duration.ofSeconds(30),
        Duration.ofMinutes(5), 1.5);
  }

  public OtlpHttpExporterConfig {
    endpoint = endpoint == null ? "" : endpoint;
    logsEndpoint = logsEndpoint == null ? "" : logsEndpoint;
    metricsEndpoint = metricsEndpoint == null ? "" : metricsEndpoint;
    tracesEndpoint = tracesEndpoint == null ? "" : tracesEndpoint;
    headers = headers == null ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    compression = compression == null ? Compression.GZIP : compression;
    timeout = timeout == null ? DEFAULT.timeout() : timeout;
    retry = retry == null ? Retry.DEFAULT : retry;
    queue = queue == null ? QueueSettings.DEFAULT : queue;
  }

  /** The URL for a signal: its own endpoint if set, else {@code endpoint} + {@code path}. */
  String url(String signalEndpoint, String path) {
    if (!signalEndpoint.isEmpty()) {
      return signalEndpoint;
    }
    return endpoint.endsWith("/") ? endpoint + path.substring(1) : endpoint + path;
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (endpoint.isEmpty() && logsEndpoint.isEmpty() && metricsEndpoint.isEmpty()
        && tracesEndpoint.isEmpty()) {
      problems.error("endpoint", "is required: the base URL of the OTLP/HTTP server, e.g."
          + " http://localhost:4318 (/v1/logs, /v1/metrics or /v1/traces is appended)");
    }
    checkUrl(problems, "endpoint", endpoint);
    checkUrl(problems, "logs_endpoint", logsEndpoint);
    checkUrl(problems, "metrics_endpoint", metricsEndpoint);
    checkUrl(problems, "traces_endpoint", tracesEndpoint);
    if (!timeout.isPositive()) {
      problems.error("timeout", "must be positive");
    }
    Retrier.validate(retry, problems);
    queue.validate(problems, "sending_queue.");
  }

  private static void checkUrl(ConfigProblems problems, String key, String url) {
    if (url.isEmpty()) {
      return;
    }
    if (url.startsWith("https:")) {
      problems.error(key, "https (TLS) is not supported yet; use an http:// URL");
      return;
    }
    try {
      URI uri = new URI(url);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
        problems.error(key, "must be an http:// URL with a host, e.g. http://localhost:4318,"
            + " got '" + url + "'");
      }
    } catch (URISyntaxException e) {
      problems.error(key, "is not a valid URL: " + e.getMessage());
    }
  }
}
