package dev.tapio.plugin.otlp;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import dev.tapio.exporterhelper.QueueSettings;
import java.net.InetAddress;
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
 * @param tls the {@code tls} section, used for {@code https://} URLs ({@code insecure} and
 *     {@code server_name_override} do not apply: the URL's scheme and host decide)
 * @param authenticator the id of an extension whose headers go with every request
 *     ({@code auth.authenticator}), or empty for none
 * @param json {@code encoding: json}: OTLP/JSON bodies instead of protobuf
 * @param compressionLevel {@code compression_params.level}: the gzip level, 1 (fastest, the
 *     default: an agent's CPU matters more than bytes on the wire) to 9 (smallest); zstd
 *     ignores it
 * @param allowPlaintextCredentials {@code allow_plaintext_credentials}: lets an authenticator or
 *     an {@code Authorization} header go to an {@code http://} URL of another host, which
 *     {@link #validate} refuses otherwise
 */
public record OtlpHttpExporterConfig(String endpoint, String logsEndpoint, String metricsEndpoint,
    String tracesEndpoint, Map<String, String> headers, Compression compression,
    Duration timeout, Retry retry, QueueSettings queue, TlsClientSettings tls,
    String authenticator, boolean json, int compressionLevel, boolean allowPlaintextCredentials)
    implements ComponentConfig {

  static final OtlpHttpExporterConfig DEFAULT = new OtlpHttpExporterConfig("", "", "", "",
      Map.of(), Compression.GZIP, Duration.ofSeconds(10), Retry.DEFAULT, QueueSettings.DEFAULT,
      TlsClientSettings.DEFAULT, "", false, Codecs.DEFAULT_GZIP_LEVEL, false);

  /** Plain http, protobuf, without an authenticator. */
  public OtlpHttpExporterConfig(String endpoint, String logsEndpoint, String metricsEndpoint,
      String tracesEndpoint, Map<String, String> headers, Compression compression,
      Duration timeout, Retry retry, QueueSettings queue) {
    this(endpoint, logsEndpoint, metricsEndpoint, tracesEndpoint, headers, compression, timeout,
        retry, queue, TlsClientSettings.DEFAULT, "", false, Codecs.DEFAULT_GZIP_LEVEL, false);
  }

  /** Request body compression: the {@code Content-Encoding} or gRPC message encoding. */
  public enum Compression {
    GZIP, ZSTD, NONE;

    /** The name on the wire. */
    String encoding() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The Collector's {@code retry_on_failure}: exponential backoff from {@code initialInterval},
   * times {@code multiplier} per attempt, capped at {@code maxInterval}; a server's
   * {@code Retry-After} replaces the computed wait. Gives up once {@code maxElapsedTime} has
   * passed since the first attempt (0 = never). Each computed wait is spread by
   * ±{@code randomizationFactor} so that clients refused together do not return together.
   */
  public record Retry(boolean enabled, Duration initialInterval, Duration maxInterval,
      Duration maxElapsedTime, double multiplier, double randomizationFactor) {
    static final Retry DEFAULT = new Retry(true, Duration.ofSeconds(5), Duration.ofSeconds(30),
        Duration.ofMinutes(5), 1.5);

    /** With the Collector's default {@code randomization_factor}, 0.5. */
    public Retry(boolean enabled, Duration initialInterval, Duration maxInterval,
        Duration maxElapsedTime, double multiplier) {
      this(enabled, initialInterval, maxInterval, maxElapsedTime, multiplier, 0.5);
    }
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
    tls = tls == null ? TlsClientSettings.DEFAULT : tls;
    authenticator = authenticator == null ? "" : authenticator;
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
    tls.validate(problems);
    checkLevel(problems, compression, compressionLevel);
    if (!tls.serverNameOverride().isEmpty()) {
      problems.error("tls.server_name_override", "is not supported by otlphttp: the URL's host"
          + " is what the certificate is checked against");
    }
    checkCredentials(problems);
  }

  /**
   * Refuses to send a credential in cleartext, as the {@code otlp} exporter refuses an
   * authenticator without TLS: over {@code http://} a bearer token is readable by anyone on
   * the path, and the exporter would send it with every request. The loopback interface is
   * exempt (the token never leaves the host: a sidecar), and so is every URL with
   * {@code allow_plaintext_credentials}, for a network the user trusts.
   */
  private void checkCredentials(ConfigProblems problems) {
    String credential = !authenticator.isEmpty() ? "auth.authenticator"
        : headers.keySet().stream().filter(h -> h.equalsIgnoreCase("authorization"))
            .findFirst().map(h -> "the " + h + " header").orElse(null);
    if (credential == null || allowPlaintextCredentials) {
      return;
    }
    // endpoint matters only for a signal without its own URL.
    boolean endpointUsed =
        logsEndpoint.isEmpty() || metricsEndpoint.isEmpty() || tracesEndpoint.isEmpty();
    Map<String, String> urls = new LinkedHashMap<>();
    urls.put("endpoint", endpointUsed ? endpoint : "");
    urls.put("logs_endpoint", logsEndpoint);
    urls.put("metrics_endpoint", metricsEndpoint);
    urls.put("traces_endpoint", tracesEndpoint);
    urls.forEach((key, url) -> {
      if (cleartextToAnotherHost(url)) {
        problems.error(key, "'" + url + "' is plain http, so " + credential + " would send"
            + " credentials in plaintext; use an https:// URL, or set"
            + " allow_plaintext_credentials: true if the network is trusted");
      }
    });
  }

  /** An {@code http://} URL whose host is not the loopback interface; never resolves a name. */
  private static boolean cleartextToAnotherHost(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return false; // reported by checkUrl
    }
    String host = uri.getHost();
    if (!"http".equalsIgnoreCase(uri.getScheme()) || host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return false;
    }
    try {
      String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      return !InetAddress.ofLiteral(literal).isLoopbackAddress();
    } catch (IllegalArgumentException notALiteral) {
      return true;
    }
  }

  /** {@code compression_params.level}, shared with the gRPC exporter. */
  static void checkLevel(ConfigProblems problems, Compression compression, int level) {
    // Only gzip takes a level here: the zstd block compressor has one setting.
    if (compression == Compression.GZIP && (level < 1 || level > 9)) {
      problems.error("compression_params.level", "must be a gzip level from 1 (fastest) to 9"
          + " (smallest), got " + level);
    }
  }

  private static void checkUrl(ConfigProblems problems, String key, String url) {
    if (url.isEmpty()) {
      return;
    }
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        problems.error(key, "must be an http:// or https:// URL with a host, e.g."
            + " https://gateway:4318, got '" + url + "'");
      }
    } catch (URISyntaxException e) {
      problems.error(key, "is not a valid URL: " + e.getMessage());
    }
  }
}
