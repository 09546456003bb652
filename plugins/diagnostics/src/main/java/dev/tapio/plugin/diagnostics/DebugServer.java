package dev.tapio.plugin.diagnostics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A small HTTP server on {@code host:port} for a debug extension: one daemon thread, closed by
 * {@link #close}. Not for data: the pages it serves are small and rare.
 */
final class DebugServer implements AutoCloseable {
  /** Why a server has no {@code dialer}, for {@code unsupportedKeys()}. */
  static final String DIALER = "a server listens; dialer applies to clients only";

  private static final String TIMEOUTS = "the JDK HTTP server's own timeouts apply";
  private static final String NO_BODY = "the endpoint reads no request bodies";

  /**
   * The keys of the Collector's HTTP server settings (confighttp) that this server does not
   * read, with what it does instead; for the {@code unsupportedKeys()} of the extensions it
   * serves.
   */
  private static final Map<String, String> UNSUPPORTED_KEYS = Map.ofEntries(
      Map.entry("auth", "the endpoint has no authentication; bind it to an address only"
          + " trusted clients reach"),
      Map.entry("compression_algorithms", NO_BODY),
      Map.entry("cors", "no CORS headers are sent"),
      Map.entry("dialer", DIALER),
      Map.entry("idle_timeout", TIMEOUTS),
      Map.entry("include_metadata", "client metadata is not kept"),
      Map.entry("keep_alives_enabled", "the JDK HTTP server keeps connections alive"),
      Map.entry("max_request_body_size", NO_BODY),
      Map.entry("middlewares", "Tapio has no middleware extensions"),
      Map.entry("read_header_timeout", TIMEOUTS),
      Map.entry("read_timeout", TIMEOUTS),
      Map.entry("response_headers", "responses carry only their own headers"),
      Map.entry("tls", "the endpoint serves plain HTTP; keep it on localhost or put a TLS proxy"
          + " in front"),
      Map.entry("transport", "only tcp is served"),
      Map.entry("write_timeout", TIMEOUTS));

  private final HttpServer server;

  DebugServer(String endpoint, String name) throws IOException {
    int colon = endpoint.lastIndexOf(':');
    String host = endpoint.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = Integer.parseInt(endpoint.substring(colon + 1));
    InetSocketAddress address = host.isEmpty() ? new InetSocketAddress(port)
        : new InetSocketAddress(host, port);
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new IOException(name + " cannot listen on " + endpoint + ": " + e, e);
    }
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name + " " + endpoint);
      t.setDaemon(true);
      return t;
    }));
  }

  void handle(String path, HttpHandler handler) {
    server.createContext(path, handler);
  }

  void start() {
    server.start();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /**
   * The Collector's HTTP server keys this server does not read, and {@code key} of the
   * extension itself, each with what to do instead. Immutable.
   */
  static Map<String, String> unsupportedKeysAnd(String key, String reason) {
    Map<String, String> keys = new HashMap<>(UNSUPPORTED_KEYS);
    keys.put(key, reason);
    return Map.copyOf(keys);
  }

  /** {@code host:port} is valid (a port number after the last colon). */
  static boolean validEndpoint(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    try {
      int port = colon < 0 ? -1 : Integer.parseInt(endpoint.substring(colon + 1));
      return port >= 0 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static void send(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
