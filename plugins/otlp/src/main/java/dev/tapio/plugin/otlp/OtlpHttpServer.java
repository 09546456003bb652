package dev.tapio.plugin.otlp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.tapio.auth.ServerAuthenticator;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.otlp.OtlpDecoder;
import dev.tapio.otlp.OtlpFormatException;
import dev.tapio.otlp.OtlpJsonDecoder;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * One OTLP/HTTP server (the JDK's {@code com.sun.net.httpserver}) per endpoint, shared by the
 * {@code otlp} receivers of the three signals: the engine creates one receiver per signal, but
 * they must listen on one port, as the Collector's shared receiver does. Counted references; the
 * last release stops the server.
 *
 * <p>With {@code tls} it serves HTTPS only, asking for a client certificate signed by
 * {@code client_ca_file} when that is set (mutual TLS: refused in the handshake without one).
 *
 * <p>Each request is handled on a bounded pool of {@code max(2, cores)} threads with a queue of
 * twice that; when both are full the server's dispatcher thread runs the request itself, so it
 * stops accepting new connections until one finishes: the memory held by requests in flight is
 * bounded by (threads + queue + 1) × {@code max_request_body_size} (× 2 while decompressing).
 *
 * <p>Answers, following the OTLP/HTTP specification: 200 with an empty
 * {@code Export*ServiceResponse} ({@code {}} for JSON); 400 for a malformed body or a permanent refusal; 404, 405, 413
 * and 415 for an unknown path, a method other than POST, an oversized body (also after
 * decompression) and an unsupported content type or encoding; 503 with {@code Retry-After} when
 * the pipeline refuses as retryable, so that the client retries and nothing is lost. Every error
 * body is a {@code google.rpc.Status}, in JSON for a JSON request and in protobuf otherwise.
 *
 * <p>Thread-safe. The consumers registered are called concurrently from the pool's threads.
 */
final class OtlpHttpServer {
  /** Seconds a client is asked to wait before retrying a refused request. */
  static final int RETRY_AFTER_SECONDS = 1;
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  /** The most of a refused body read and discarded so that the client sees the answer. */
  private static final long DRAIN_LIMIT = 8L << 20;
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);
  // google.rpc.Code values for the Status body.
  private static final int INVALID_ARGUMENT = 3;
  private static final int NOT_FOUND = 5;
  private static final int RESOURCE_EXHAUSTED = 8;
  private static final int INTERNAL = 13;
  private static final int UNAVAILABLE = 14;
  private static final int UNIMPLEMENTED = 12;
  private static final int UNAUTHENTICATED = 16;

  private static final Map<String, OtlpHttpServer> OPEN = new HashMap<>();

  private final String key;
  private final ServerAuthenticator auth; // null: no authentication
  private final OtlpReceiverConfig.Http config;
  private final int maxBody;
  private final OtlpDecoder decoder;
  private final OtlpJsonDecoder jsonDecoder;
  private final Map<String, Signal> routes;
  // Read lock-free by request threads; changed under the class lock by the lifecycle thread.
  private final SignalSlots slots = new SignalSlots();
  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private int references;

  /** What one signal's receiver registered: where its data goes and what it counts. */
  record Slot(Object consumer, ComponentContext context, ComponentContext.Counter malformed,
      ComponentContext.Counter tooLarge, ComponentContext.Counter unsupported) {
    /** Hands {@code data} of {@code signal} to the registered consumer. */
    void consume(Signal signal, TelemetryData<?> data) {
      switch (signal) {
        case LOGS -> ((LogsConsumer) consumer).consumeLogs((Logs) data);
        case METRICS -> ((MetricsConsumer) consumer).consumeMetrics((Metrics) data);
        case TRACES -> ((TracesConsumer) consumer).consumeTraces((Traces) data);
      }
    }

    static Slot of(Object consumer, ComponentContext context) {
      String name = "tapio_otlp_receiver_malformed_requests";
      String help = "Requests refused for their body (malformed, too large, unsupported type)";
      return new Slot(consumer, context,
          context.counter(name, help, "reason", "malformed"),
          context.counter(name, help, "reason", "too_large"),
          context.counter(name, help, "reason", "unsupported_media_type"));
    }
  }

  private OtlpHttpServer(String key, OtlpReceiverConfig.Http config, ServerAuthenticator auth)
      throws IOException {
    this.key = key;
    this.auth = auth;
    this.config = config;
    this.maxBody = (int) config.maxRequestBodySize();
    this.decoder = new OtlpDecoder(maxBody, OtlpDecoder.DEFAULT_MAX_NESTING_DEPTH);
    this.jsonDecoder = new OtlpJsonDecoder(maxBody, OtlpDecoder.DEFAULT_MAX_NESTING_DEPTH);
    this.routes = Map.of(config.logsUrlPath(), Signal.LOGS, config.metricsUrlPath(),
        Signal.METRICS, config.tracesUrlPath(), Signal.TRACES);
    InetSocketAddress address = Endpoints.resolve(config.endpoint());
    // Certificates first: a bad file is reported as such, not as a port problem.
    SSLContext tls = config.tls() == null ? null : TlsContexts.jdkServer(config.tls());
    this.executor = Endpoints.requestExecutor("tapio-otlp-http-" + config.endpoint());
    try {
      this.server = tls == null ? HttpServer.create(address, 0)
          : https(address, tls, config.tls());
    } catch (IOException e) {
      executor.shutdown();
      throw new IOException("cannot listen on " + config.endpoint() + " (" + address + "): " + e
          + "; is another process using the port?", e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * An HTTPS server: TLS versions from the settings, and a client certificate required (the
   * handshake fails without one) when {@code client_ca_file} is set.
   */
  private static HttpsServer https(InetSocketAddress address, SSLContext context,
      TlsServerSettings tls) throws IOException {
    String[] protocols = TlsContexts.serverProtocols(tls);
    HttpsServer https = HttpsServer.create(address, 0);
    https.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = getSSLContext().getDefaultSSLParameters();
        p.setProtocols(protocols);
        p.setNeedClientAuth(tls.mutual());
        params.setSSLParameters(p);
      }
    });
    return https;
  }

  /** The server for {@code config.endpoint()}, started on first use. */
  static synchronized OtlpHttpServer acquire(OtlpReceiverConfig.Http config,
      ServerAuthenticator auth) throws IOException {
    String key = config.endpoint();
    OtlpHttpServer s = OPEN.get(key);
    if (s == null) {
      s = new OtlpHttpServer(key, config, auth);
      OPEN.put(key, s);
    } else if (!s.config.equals(config)) {
      throw new IllegalStateException("endpoint " + key + " is already served by an otlp "
          + "receiver with other http settings (" + s.config + "); give each its own endpoint");
    }
    s.references++;
    return s;
  }

  /** Routes {@code signal}'s requests to {@code consumer} (a Logs/Metrics/TracesConsumer). */
  void register(Signal signal, Object consumer, ComponentContext context) {
    synchronized (OtlpHttpServer.class) {
      Slot existing = slots.get(signal);
      if (existing != null) {
        throw new IllegalStateException("endpoint " + key + " already has a receiver for "
            + signal.name().toLowerCase(Locale.ROOT) + ": " + existing.context().id());
      }
      slots.set(signal, Slot.of(consumer, context));
    }
  }

  /**
   * Unregisters {@code signal} (unless null: a receiver whose registration failed) and releases
   * one reference; the last stops the server.
   */
  void release(Signal signal) {
    boolean last;
    synchronized (OtlpHttpServer.class) {
      if (signal != null) {
        slots.set(signal, null);
      }
      last = --references == 0;
      if (last) {
        OPEN.remove(key);
      }
    }
    if (last) {
      // Waits for exchanges in flight (at most 2 s), so their answers still reach the clients.
      server.stop(2);
      executor.shutdown();
    }
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      serve(exchange);
    } catch (IOException e) {
      // The client went away; nothing to answer.
    } catch (RuntimeException e) {
      System.getLogger(OtlpHttpServer.class.getName())
          .log(Level.ERROR, "otlp receiver on " + key + " failed on a request", e);
      try {
        error(exchange, JSON.equals(mediaType(exchange.getRequestHeaders()
            .getFirst("Content-Type"))), 500, INTERNAL, "internal error: " + e);
      } catch (IOException | RuntimeException ignored) {
        // Headers may already have been sent; the connection is closed either way.
      }
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    String contentType = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
    // Answers, errors included, go back in the request's encoding (OTLP/HTTP spec).
    boolean json = JSON.equals(contentType);
    if (cors(exchange)) {
      return; // a preflight, answered
    }
    // Credentials next, as the Collector wraps its whole handler: an unauthenticated client
    // learns nothing, not even which paths or signals exist.
    if (auth != null && !auth.authenticate(exchange.getRequestHeaders()::getFirst)) {
      exchange.getResponseHeaders().set("WWW-Authenticate", auth.challenge());
      exchange.getResponseHeaders().set("Connection", "close"); // the body is left unread
      error(exchange, json, 401, UNAUTHENTICATED, "missing or invalid credentials");
      return;
    }
    String path = exchange.getRequestURI().getPath();
    Signal signal = routes.get(path);
    if (signal == null) {
      error(exchange, json, 404, NOT_FOUND, "unknown path " + path + "; OTLP/HTTP paths are "
          + config.logsUrlPath() + ", " + config.metricsUrlPath() + " and "
          + config.tracesUrlPath());
      return;
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      error(exchange, json, 405, UNIMPLEMENTED, exchange.getRequestMethod()
          + " is not allowed on " + path + "; use POST");
      return;
    }
    Slot slot = slots.get(signal);
    if (slot == null) {
      boolean forNow = slots.absentForNow(signal);
      if (forNow) {
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        exchange.getResponseHeaders().set("Connection", "close"); // the body is left unread
      }
      error(exchange, json, forNow ? 503 : 404, forNow ? UNAVAILABLE : NOT_FOUND,
          SignalSlots.absence(signal, forNow));
      return;
    }
    if (!json && !PROTOBUF.equals(contentType)) {
      slot.unsupported().add(1);
      error(exchange, json, 415, INVALID_ARGUMENT, "unsupported content type '" + contentType
          + "'; application/x-protobuf and application/json are supported");
      return;
    }
    String encoding = mediaType(exchange.getRequestHeaders().getFirst("Content-Encoding"));
    if ("identity".equals(encoding)) {
      encoding = "";
    }
    if (!encoding.isEmpty() && !"gzip".equals(encoding) && !"zstd".equals(encoding)) {
      slot.unsupported().add(1);
      error(exchange, json, 415, INVALID_ARGUMENT, "unsupported content encoding '" + encoding
          + "'; gzip, zstd and identity are supported");
      return;
    }
    byte[] body = readBody(exchange, encoding, slot, json);
    if (body == null) {
      return;
    }
    TelemetryData<?> data;
    try {
      data = (json ? jsonDecoder : decoder).decode(signal, body);
    } catch (OtlpFormatException e) {
      slot.malformed().add(1);
      error(exchange, json, 400, INVALID_ARGUMENT, e.getMessage());
      return;
    }
    try {
      slot.consume(signal, data);
    } catch (ConsumerException e) {
      if (e.retryable()) {
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        error(exchange, json, 503, UNAVAILABLE, "the pipeline is refusing data for now, retry: "
            + e.getMessage());
      } else {
        error(exchange, json, 400, INVALID_ARGUMENT, "the pipeline refused the data: "
            + e.getMessage());
      }
      return;
    }
    if (json) {
      exchange.getResponseHeaders().set("Content-Type", JSON);
      exchange.sendResponseHeaders(200, EMPTY_JSON.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(EMPTY_JSON);
      }
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", PROTOBUF);
    // An empty Export*ServiceResponse (no partial success) is zero bytes.
    exchange.sendResponseHeaders(200, -1);
  }

  /**
   * CORS for an allowed {@code Origin}: answers a preflight (true), or marks the answer readable
   * by the page (false). Requests from other origins pass without CORS headers.
   */
  private boolean cors(HttpExchange exchange) throws IOException {
    CorsSettings cors = config.cors();
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (!cors.enabled() || !cors.allows(origin)) {
      return false;
    }
    var headers = exchange.getResponseHeaders();
    headers.set("Access-Control-Allow-Origin", origin);
    headers.add("Vary", "Origin");
    String method = exchange.getRequestHeaders().getFirst("Access-Control-Request-Method");
    if (!"OPTIONS".equals(exchange.getRequestMethod()) || method == null) {
      return false;
    }
    String allowHeaders = cors.allowHeaders(
        exchange.getRequestHeaders().getFirst("Access-Control-Request-Headers"));
    if (!"POST".equalsIgnoreCase(method) || allowHeaders == null) {
      // Without the allow headers the browser refuses the request it asked about.
      headers.remove("Access-Control-Allow-Origin");
      exchange.sendResponseHeaders(204, -1);
      return true;
    }
    headers.set("Access-Control-Allow-Methods", "POST");
    if (!allowHeaders.isEmpty()) {
      headers.set("Access-Control-Allow-Headers", allowHeaders);
    }
    if (cors.maxAgeSeconds() > 0) {
      headers.set("Access-Control-Max-Age", Integer.toString(cors.maxAgeSeconds()));
    }
    exchange.sendResponseHeaders(204, -1);
    return true;
  }

  /** The request body, decompressed; null when an error has been answered instead. */
  private byte[] readBody(HttpExchange exchange, String encoding, Slot slot, boolean json)
      throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        declared = -1;
      }
      if (declared > maxBody) {
        slot.tooLarge().add(1);
        tooLarge(exchange, json);
        return null;
      }
    }
    byte[] body;
    // Not closed here: a refusal below may still drain it; closing the exchange closes it.
    body = exchange.getRequestBody().readNBytes(maxBody + 1);
    if (body.length > maxBody) {
      slot.tooLarge().add(1);
      tooLarge(exchange, json);
      return null;
    }
    if (encoding.isEmpty()) {
      return body;
    }
    byte[] plain;
    try (InputStream in = Codecs.decompressing(encoding, new ByteArrayInputStream(body))) {
      // Reads one byte past the limit, never more, so a bomb costs at most the limit.
      plain = in.readNBytes(maxBody + 1);
    } catch (IOException | RuntimeException e) {
      // Only the in-memory body is read here: every failure is the body's (aircompressor
      // reports a damaged frame as a RuntimeException).
      slot.malformed().add(1);
      error(exchange, json, 400, INVALID_ARGUMENT, "invalid " + encoding + " body: " + e.getMessage());
      return null;
    }
    if (plain.length > maxBody) {
      slot.tooLarge().add(1);
      tooLarge(exchange, json);
      return null;
    }
    return plain;
  }

  private void tooLarge(HttpExchange exchange, boolean json) throws IOException {
    // Reads (and discards) what the client is still sending, up to a bound: closing on a client
    // in mid-send resets the connection, and the reset can destroy the 413 before it is read.
    // Past the bound the body is left unread, so the connection cannot be reused either way.
    drain(exchange.getRequestBody(), DRAIN_LIMIT);
    exchange.getResponseHeaders().set("Connection", "close");
    error(exchange, json, 413, RESOURCE_EXHAUSTED, "request body exceeds max_request_body_size ("
        + maxBody + " bytes, after decompression)");
  }

  private static void drain(InputStream body, long limit) {
    byte[] scratch = new byte[8192];
    try {
      for (long left = limit; left > 0; ) {
        int n = body.read(scratch, 0, (int) Math.min(scratch.length, left));
        if (n < 0) {
          return;
        }
        left -= n;
      }
    } catch (IOException e) {
      // The client went away: nothing left to drain.
    }
  }

  private static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).trim()
        .toLowerCase(Locale.ROOT);
  }

  /** Answers with a {@code google.rpc.Status} body, as the OTLP/HTTP specification asks. */
  private static void error(HttpExchange exchange, boolean json, int httpStatus, int code,
      String message) throws IOException {
    byte[] body = json ? jsonStatus(code, message) : status(code, message);
    exchange.getResponseHeaders().set("Content-Type", json ? JSON : PROTOBUF);
    exchange.sendResponseHeaders(httpStatus, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** {@code google.rpc.Status} in the proto3 JSON mapping. */
  static byte[] jsonStatus(int code, String message) {
    StringBuilder out = new StringBuilder(message.length() + 32).append("{\"code\":")
        .append(code).append(",\"message\":\"");
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code google.rpc.Status{code = 1, message = 2}} in protobuf. */
  static byte[] status(int code, String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[1 + 5 + 1 + 5 + text.length];
    int pos = 0;
    out[pos++] = 1 << 3;
    pos = varint(out, pos, code);
    out[pos++] = 2 << 3 | 2;
    pos = varint(out, pos, text.length);
    System.arraycopy(text, 0, out, pos, text.length);
    return Arrays.copyOf(out, pos + text.length);
  }

  private static int varint(byte[] out, int pos, int value) {
    while ((value & ~0x7F) != 0) {
      out[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
    return pos;
  }
}
