package dev.tapio.plugin.diagnostics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * A small HTTP server on {@code host:port} for a debug extension: one daemon thread, closed by
 * {@link #close}. Not for data: the pages it serves are small and rare.
 */
final class DebugServer implements AutoCloseable {
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
