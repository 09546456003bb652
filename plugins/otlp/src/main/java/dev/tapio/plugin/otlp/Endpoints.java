package dev.tapio.plugin.otlp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Collector-style {@code host:port} endpoints and the request pool of the servers. Stateless. */
final class Endpoints {
  private Endpoints() {}

  /**
   * The unresolved address of {@code host:port} ({@code [::1]:4318} for IPv6, {@code :4318} for
   * every interface), or null when it is not of that form.
   */
  static InetSocketAddress parseHostPort(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0 || colon == endpoint.length() - 1) {
      return null;
    }
    String host = endpoint.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(endpoint.substring(colon + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (port < 0 || port > 65535) {
      return null;
    }
    return host.isEmpty() ? new InetSocketAddress(port)
        : InetSocketAddress.createUnresolved(host, port);
  }

  /** A listen address from {@code host:port}, resolved; says what is wrong otherwise. */
  static InetSocketAddress resolve(String endpoint) throws IOException {
    InetSocketAddress unresolved = parseHostPort(endpoint);
    if (unresolved == null) {
      throw new IOException("invalid endpoint '" + endpoint + "'");
    }
    InetSocketAddress address = unresolved.isUnresolved()
        ? new InetSocketAddress(unresolved.getHostString(), unresolved.getPort())
        : unresolved;
    if (address.isUnresolved()) {
      throw new IOException("cannot resolve the host of endpoint '" + endpoint + "'");
    }
    return address;
  }

  /**
   * The request pool of a receiver's server: one thread per core (at least two) and a short
   * queue; when both are full the accepting thread runs the request itself and so stops
   * accepting, which bounds memory under overload.
   */
  static ThreadPoolExecutor requestExecutor(String name) {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    AtomicInteger n = new AtomicInteger();
    var executor = new ThreadPoolExecutor(threads, threads, 30,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(2 * threads),
        r -> Thread.ofPlatform().daemon(true).name(name + "-" + n.incrementAndGet())
            .unstarted(r),
        new ThreadPoolExecutor.CallerRunsPolicy());
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
