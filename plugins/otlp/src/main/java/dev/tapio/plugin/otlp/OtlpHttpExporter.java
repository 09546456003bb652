package dev.tapio.plugin.otlp;

import dev.tapio.auth.ClientAuthenticator;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.MetricsExporter;
import dev.tapio.consumer.TracesExporter;
import dev.tapio.exporterhelper.SendingQueue;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.otlp.OtlpJsonEncoder;
import dev.tapio.otlp.OtlpRequestEncoder;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Sends one signal's batches as OTLP/HTTP requests, protobuf or ({@code encoding: json})
 * OTLP/JSON, over a keep-alive HTTP/1.1 connection per concurrent sender ({@link
 * Http1Client}), retrying
 * retryable failures (connection errors, timeouts, HTTP 429, 502, 503, 504) with exponential
 * backoff, honouring {@code Retry-After}. Any other HTTP status is permanent (the OTLP/HTTP
 * specification's rule) and never retried.
 *
 * <p>{@code https://} URLs use the {@code tls} section (CA, client certificate for mutual TLS,
 * {@code insecure_skip_verify}, versions); with {@code auth.authenticator} each request carries
 * the extension's current headers, and a 401 is permanent like every other 4xx.
 *
 * <p>The consume methods offer the batch to a {@link SendingQueue} ({@code sending_queue}) whose
 * consumer threads run the send with its retries; the queue is in memory, or on disk when
 * {@code storage} names a {@code file_storage} extension, and counts failed sends as dropped
 * ({@code export_failed}) and counts {@code otelcol_exporter_sent_*} when the server accepted;
 * a full queue is refused upstream as retryable, not dropped. With {@code sending_queue.enabled: false} the send runs on the caller's thread and
 * failures are thrown as {@link ConsumerException} (permanent for a 4xx, retryable when the
 * retries ran out or were disabled), counted by the engine. Items a server rejected in a partial
 * success are counted here as dropped with reason {@code rejected_by_server}.
 *
 * <p>Thread-safe: pipelines and queue consumers call concurrently; each send takes an
 * {@link OtlpEncoder} from a small pool (one per concurrent sender) so that encoding needs no
 * lock and its buffers are reused. Ownership: an in-memory queue retains the batch until sent
 * and only reads it; otherwise the data is read during the call and not retained.
 */
final class OtlpHttpExporter implements LogsExporter, MetricsExporter, TracesExporter {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  private static final String USER_AGENT = "Tapio-otlphttp";

  private final ComponentContext context;
  private final OtlpHttpExporterConfig config;
  private final String url;
  private final ConcurrentLinkedQueue<OtlpRequestEncoder> encoders =
      new ConcurrentLinkedQueue<>();
  /** Compressors kept between requests, one per concurrent sender, as the encoders are. */
  private final ConcurrentLinkedQueue<BodyBuffer> compressors = new ConcurrentLinkedQueue<>();
  private volatile Http1Client client;
  private String target; // the URL's path and query; set by start
  private final Retrier retrier;
  private final SendingQueue<TelemetryData<?>> queue;
  private URI uri;
  private ClientAuthenticator auth; // null: none; set by start, read by the senders after it

  OtlpHttpExporter(ComponentContext context, OtlpHttpExporterConfig config, Signal signal) {
    this.context = context;
    this.config = config;
    this.retrier = new Retrier(context, config.retry());
    this.queue = new SendingQueue<>(context, config.queue(), this::export);
    context.dropped(0, "rejected_by_server"); // the series exists from the start
    this.url = switch (signal) {
      case LOGS -> config.url(config.logsEndpoint(), "/v1/logs");
      case METRICS -> config.url(config.metricsEndpoint(), "/v1/metrics");
      case TRACES -> config.url(config.tracesEndpoint(), "/v1/traces");
    };
  }

  @Override
  public void start(Host host) throws IOException {
    if (url.isEmpty() || url.startsWith("/")) {
      throw new IllegalStateException("otlphttp exporter " + context.id() + " has no URL for "
          + context.signal() + ": set endpoint or the signal's own *_endpoint");
    }
    uri = URI.create(url);
    auth = Authenticators.client(host, config.authenticator(), context);
    SSLContext tls = null;
    SSLParameters parameters = null;
    if ("https".equals(uri.getScheme())) {
      tls = TlsContexts.jdkClient(config.tls());
      parameters = tls.getDefaultSSLParameters();
      parameters.setProtocols(TlsContexts.clientProtocols(config.tls()));
    }
    target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    client = new Http1Client(uri, tls, parameters, config.timeout());
    queue.start(host);
    context.reportStatus(ComponentStatus.OK, "sending to " + url);
  }

  /**
   * Drains the sending queue for up to {@code timeout} + 5 s (retries included; a persistent
   * queue keeps what is left for the next start), then stops retries and closes the client.
   */
  @Override
  public void shutdown() throws IOException {
    try {
      queue.shutdown(config.timeout().plusSeconds(5));
    } finally {
      closeClient();
    }
  }

  private void closeClient() {
    for (BodyBuffer compressor; (compressor = compressors.poll()) != null; ) {
      compressor.close();
    }
    retrier.stop();
    Http1Client c = client;
    client = null;
    if (c != null) {
      c.close();
    }
  }

  @Override
  public void consumeLogs(Logs logs) {
    offer(logs);
  }

  @Override
  public void consumeMetrics(Metrics metrics) {
    offer(metrics);
  }

  @Override
  public void consumeTraces(Traces traces) {
    offer(traces);
  }

  private void offer(TelemetryData<?> data) {
    if (data.itemCount() > 0) {
      queue.offer(data);
    }
  }

  /** The URL requests go to. */
  String url() {
    return url;
  }

  /** The synchronous send with retries: the queue's {@link dev.tapio.exporterhelper.Sender}. */
  private void export(TelemetryData<?> data) {
    Http1Client c = client;
    if (c == null) {
      throw ConsumerException.retryable("otlphttp exporter " + context.id() + " is not started");
    }
    if (data.itemCount() == 0) {
      return;
    }
    List<String> headers = new ArrayList<>(8);
    headers.add("Content-Type");
    headers.add(config.json() ? JSON : PROTOBUF);
    if (config.compression() != OtlpHttpExporterConfig.Compression.NONE) {
      headers.add("Content-Encoding");
      headers.add(config.compression().encoding());
    }
    headers.add("User-Agent");
    headers.add(USER_AGENT);
    Map<String, String> own = new java.util.LinkedHashMap<>(config.headers());
    ClientAuthenticator a = auth;
    if (a != null) {
      // The authenticator's headers replace configured ones of the same name.
      for (Map.Entry<String, String> h : a.headers().entrySet()) {
        own.keySet().removeIf(k -> k.equalsIgnoreCase(h.getKey()));
        own.put(h.getKey(), h.getValue());
      }
    }
    for (Map.Entry<String, String> h : own.entrySet()) {
      headers.add(h.getKey());
      headers.add(h.getValue());
    }
    send(c, headers.toArray(String[]::new), encode(data));
  }

  /**
   * The request body: encoded by a pooled encoder, then compressed or copied out of its buffer,
   * since the body may still be read after the encoder has gone back to the pool.
   */
  private byte[] encode(TelemetryData<?> data) {
    OtlpRequestEncoder encoder = encoders.poll();
    if (encoder == null) {
      encoder = config.json() ? new OtlpJsonEncoder() : new OtlpEncoder();
    }
    try {
      int n = encoder.encode(data);
      if (config.compression() == OtlpHttpExporterConfig.Compression.NONE) {
        return Arrays.copyOf(encoder.buffer(), n);
      }
      BodyBuffer compressor = compressors.poll();
      if (compressor == null) {
        compressor = config.compression() == OtlpHttpExporterConfig.Compression.GZIP
            ? new GzipBuffer(config.compressionLevel()) : new ZstdBuffer();
      }
      try {
        return compressor.compress(encoder.buffer(), n);
      } finally {
        compressors.offer(compressor);
      }
    } finally {
      encoders.offer(encoder);
    }
  }

  private void send(Http1Client c, String[] headers, byte[] body) {
    retrier.send(url, () -> {
      Http1Client.Response response;
      try {
        response = c.post(target, headers, body, body.length);
      } catch (IOException e) {
        throw new Retrier.RetryableFailure("cannot send to " + url + ": " + e, -1);
      }
      int status = response.status();
      byte[] answer = response.body();
      String contentType = response.headers().getOrDefault("content-type", "");
      if (status >= 200 && status < 300) {
        countRejected(answer, contentType.startsWith(JSON));
        return;
      }
      boolean jsonAnswer = contentType.startsWith(JSON);
      String failure = "HTTP " + status + " from " + url + ": "
          + (jsonAnswer ? JsonScan.statusMessage(answer) : ProtoScan.statusMessage(answer));
      if (status != 429 && status != 502 && status != 503 && status != 504) {
        throw ConsumerException.permanent(failure);
      }
      throw new Retrier.RetryableFailure(failure,
          retryAfterNanos(response.header("retry-after")));
    });
  }

  private void countRejected(byte[] body, boolean json) {
    if (body.length == 0) {
      return;
    }
    long rejected = json ? JsonScan.rejectedCount(body) : ProtoScan.rejectedCount(body);
    if (rejected > 0) {
      context.dropped(rejected, "rejected_by_server");
      queue.rejected(rejected); // sent counts only what the server kept
      context.logger().log(Level.WARNING, "{0} rejected {1} items: {2}", url, rejected,
          json ? JsonScan.partialSuccessMessage(body) : ProtoScan.partialSuccessMessage(body));
    }
  }

  /** {@code Retry-After} as delay-seconds or an HTTP date; -1 when absent or unreadable. */
  static long retryAfterNanos(String header) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    String value = header.trim();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? -1 : TimeUnit.SECONDS.toNanos(seconds);
    } catch (NumberFormatException e) {
      // Not delay-seconds; try the date form below.
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
      return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toNanos());
    } catch (DateTimeParseException | ArithmeticException e) {
      return -1;
    }
  }
}
