package dev.tapio.plugin.otlp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.tapio.auth.ServerAuthenticator;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.Signal;
import dev.tapio.otlp.OtlpDecoder;
import dev.tapio.otlp.OtlpJsonDecoder;
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
 * <p>Within that, the heap requests take is admitted against the process-wide memory budget
 * ({@link RequestMemory}) before it is taken: a body's estimate (Content-Length × (1 + decode
 * factor)) is reserved before a byte of it is read; a body of unknown length (chunked) or one
 * that decompresses to more is reserved buffer by buffer as it is read, then topped up to its
 * decoded estimate before decoding. A reservation that fails is answered 503 with
 * {@code Retry-After} at once, before the rest of the body is read, and counted
 * ({@code tapio_otlp_receiver_refused_requests{reason="memory_budget"}}); what the client still
 * sends is then read in 8 KiB pieces and thrown away, never held, so that it reads the answer
 * rather than a connection reset (past {@value #DRAIN_LIMIT_MIB} MiB the connection is closed
 * instead). The decoded data carries its estimate into the pipeline, which charges it while
 * queued; the request's own reservation, which covered reading and decoding, is given back as
 * the data is handed on (held across the hand-over, the same data would count twice).
 *
 * <p>No request thread dies of what it meets: whatever is thrown while a request is read,
 * decoded or handed on ({@code OutOfMemoryError} included) is answered 503 with
 * {@code Retry-After}, so that the client keeps and resends its data, counted
 * ({@code reason="out_of_memory"} or {@code "internal_error"}) and logged at most every 10 s.
 *
 * <p>Answers, following the OTLP/HTTP specification: 200 with an empty
 * {@code Export*ServiceResponse} ({@code {}} for JSON); 400 for a malformed body or a permanent refusal; 404, 405, 413
 * and 415 for an unknown path, a method other than POST, an oversized body (also after
 * decompression) and an unsupported content type or encoding; 503 with {@code Retry-After} when
 * the pipeline refuses as retryable, the memory budget is spent or the request failed, so that
 * the client retries and nothing is lost. Every error body is a {@code google.rpc.Status}, in
 * JSON for a JSON request and in protobuf otherwise.
 *
 * <p>Thread-safe. The consumers registered are called concurrently from the pool's threads.
 */
final class OtlpHttpServer {
  /** Seconds a client is asked to wait before retrying a refused request. */
  static final int RETRY_AFTER_SECONDS = 1;
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  /** The most of a refused body read and discarded so that the client sees the answer. */
  private static final int DRAIN_LIMIT_MIB = 8;
  private static final long DRAIN_LIMIT = (long) DRAIN_LIMIT_MIB << 20;
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);
  // google.rpc.Code values for the Status body.
  private static final int INVALID_ARGUMENT = 3;
  private static final int NOT_FOUND = 5;
  private static final int RESOURCE_EXHAUSTED = 8;
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
      ReceiverSlot existing = slots.get(signal);
      if (existing != null) {
        throw new IllegalStateException("endpoint " + key + " already has a receiver for "
            + signal.name().toLowerCase(Locale.ROOT) + ": " + existing.context().id());
      }
      slots.set(signal, new ReceiverSlot(signal, consumer, context, "http " + key));
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
    boolean json = false;
    try {
      // Answers, errors included, go back in the request's encoding (OTLP/HTTP spec).
      json = JSON.equals(mediaType(exchange.getRequestHeaders().getFirst("Content-Type")));
      serve(exchange, json);
    } catch (IOException e) {
      // The client went away; nothing to answer.
    } catch (Throwable t) {
      answerFailure(exchange, json, failedOutsideReceive(exchange, t));
    } finally {
      try {
        exchange.close();
      } catch (Throwable ignored) {
        // The connection is closed either way.
      }
    }
  }

  /**
   * Counts and logs a failure outside a receiver's request (credentials, routing: a throwing
   * authenticator) against the receiver of the path, if any; the message for the client. Never
   * throws.
   */
  private String failedOutsideReceive(HttpExchange exchange, Throwable t) {
    try {
      Signal signal = routes.get(exchange.getRequestURI().getPath());
      ReceiverSlot slot = signal == null ? null : slots.get(signal);
      if (slot != null) {
        return slot.failed(t);
      }
      System.getLogger(OtlpHttpServer.class.getName())
          .log(Level.ERROR, "otlp receiver on " + key + " failed on a request", t);
    } catch (Throwable ignored) {
      // Out of memory again: the answer below needs none.
    }
    return "internal error; retry later";
  }

  private void serve(HttpExchange exchange, boolean json) throws IOException {
    String contentType = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
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
    ReceiverSlot slot = slots.get(signal);
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
      slot.unsupported.add(1);
      error(exchange, json, 415, INVALID_ARGUMENT, "unsupported content type '" + contentType
          + "'; application/x-protobuf and application/json are supported");
      return;
    }
    String encoding = mediaType(exchange.getRequestHeaders().getFirst("Content-Encoding"));
    if ("identity".equals(encoding)) {
      encoding = "";
    }
    if (!encoding.isEmpty() && !"gzip".equals(encoding) && !"zstd".equals(encoding)) {
      slot.unsupported.add(1);
      error(exchange, json, 415, INVALID_ARGUMENT, "unsupported content encoding '" + encoding
          + "'; gzip, zstd and identity are supported");
      return;
    }
    long declared = contentLength(exchange);
    if (declared > maxBody) {
      slot.tooLarge.add(1);
      tooLarge(exchange, json);
      return;
    }
    RequestMemory memory = new RequestMemory(slot.memory(), json);
    try {
      receive(exchange, slot, json, encoding, declared, memory);
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      memory.release(); // before the answer, which may wait on the rest of the body
      answerFailure(exchange, json, slot.failed(t));
    } finally {
      memory.release();
    }
  }

  /** Reads, decodes and hands on one request whose route, type and encoding are valid. */
  private void receive(HttpExchange exchange, ReceiverSlot slot, boolean json, String encoding,
      long declared, RequestMemory memory) throws IOException {
    // Before a byte of the body is read, so that a body that does not fit stays with the client.
    // A compressed body needs at least as much (decompressing only grows it).
    if (declared >= 0 && !memory.holdBody(declared)) {
      refuseForMemory(exchange, json, slot, memory);
      return;
    }
    // Not closed here: a refusal below may still drain it; closing the exchange closes it.
    byte[] body = memory.read(exchange.getRequestBody(), maxBody, 0, declared);
    if (body == null) {
      refuseForMemory(exchange, json, slot, memory);
      return;
    }
    if (body.length > maxBody) {
      slot.tooLarge.add(1);
      tooLarge(exchange, json);
      return;
    }
    if (!encoding.isEmpty()) {
      body = decompress(exchange, json, encoding, body, slot, memory);
      if (body == null) {
        return; // answered
      }
    }
    // The decoded size is known now: what the request holds until the pipeline has the data.
    if (!memory.holdBody(body.length)) {
      refuseForMemory(exchange, json, slot, memory);
      return;
    }
    ReceiverSlot.Outcome outcome = slot.deliver(json ? jsonDecoder : decoder, body, memory);
    switch (outcome.result()) {
      case ACCEPTED -> accepted(exchange, json);
      case MALFORMED -> error(exchange, json, 400, INVALID_ARGUMENT, outcome.message());
      case RETRYABLE -> retryLater(exchange, json, outcome.message());
      case PERMANENT -> error(exchange, json, 400, INVALID_ARGUMENT, outcome.message());
    }
  }

  private static void accepted(HttpExchange exchange, boolean json) throws IOException {
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

  /** The declared Content-Length; -1 when absent (chunked) or unreadable. */
  private static long contentLength(HttpExchange exchange) {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The body decompressed; null when an error has been answered instead. */
  private byte[] decompress(HttpExchange exchange, boolean json, String encoding, byte[] body,
      ReceiverSlot slot, RequestMemory memory) throws IOException {
    byte[] plain;
    try (InputStream in = Codecs.decompressing(encoding, new ByteArrayInputStream(body))) {
      // Reads one byte past the limit, never more, so a bomb costs at most the limit.
      plain = memory.read(in, maxBody, body.length, -1);
    } catch (IOException | RuntimeException e) {
      // Only the in-memory body is read here: every failure is the body's (aircompressor
      // reports a damaged frame as a RuntimeException).
      slot.malformed.add(1);
      error(exchange, json, 400, INVALID_ARGUMENT, "invalid " + encoding + " body: " + e.getMessage());
      return null;
    }
    if (plain == null) {
      refuseForMemory(exchange, json, slot, memory);
      return null;
    }
    if (plain.length > maxBody) {
      slot.tooLarge.add(1);
      tooLarge(exchange, json);
      return null;
    }
    return plain;
  }

  /** Answers 503 to a request the memory budget cannot hold; its body stays unread. */
  private static void refuseForMemory(HttpExchange exchange, boolean json, ReceiverSlot slot,
      RequestMemory memory) throws IOException {
    String message = slot.refusedForMemory(memory.budget());
    memory.release();
    retryLaterUnread(exchange, json, message);
  }

  /** 503 with {@code Retry-After}: the client keeps its data and sends it again. */
  private static void retryLater(HttpExchange exchange, boolean json, String message)
      throws IOException {
    exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    error(exchange, json, 503, UNAVAILABLE, message);
  }

  /**
   * 503 with {@code Retry-After} for a request whose body is left unread (or part-read): the
   * answer is sent first, so a client still sending has it at once, and only then is what it
   * still sends read and discarded in 8 KiB pieces, never held: closing on a client in mid-send
   * resets the connection, and the reset can destroy the answer before it is read. Past
   * {@value #DRAIN_LIMIT_MIB} MiB the server closes the connection instead.
   */
  private static void retryLaterUnread(HttpExchange exchange, boolean json, String message)
      throws IOException {
    byte[] body = json ? jsonStatus(UNAVAILABLE, message) : status(UNAVAILABLE, message);
    exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    exchange.getResponseHeaders().set("Content-Type", json ? JSON : PROTOBUF);
    exchange.sendResponseHeaders(503, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
      out.flush();
      drain(exchange.getRequestBody(), DRAIN_LIMIT);
    }
  }

  /** Answers a request that failed with a Throwable, unless an answer has been started. */
  private static void answerFailure(HttpExchange exchange, boolean json, String message) {
    try {
      if (exchange.getResponseCode() < 0) {
        retryLaterUnread(exchange, json, message);
      }
    } catch (Throwable ignored) {
      // The client went away or the heap is still short: closing the exchange closes the
      // connection, and the client, without an answer, still has its data.
    }
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
