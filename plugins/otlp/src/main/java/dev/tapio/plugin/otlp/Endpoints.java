package dev.tapio.plugin.otlp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Collector-style {@code host:port} endpoints and the request pool of the servers. Stateless. */
final class Endpoints {
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

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
   *
   * <p>Every task runs guarded: what escapes it (an {@code OutOfMemoryError} in the server's own
   * request parsing, before a handler of ours runs, or in grpc-java's transport callbacks) is
   * logged at most every 10 s and the thread lives on; a dead pool thread would be replaced only
   * by allocating a new one, on a heap already short, and the accepting thread that runs a
   * refused request itself must not die at all.
   */
  static ThreadPoolExecutor requestExecutor(String name) {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    var executor = new GuardedPool(name, threads, new ArrayBlockingQueue<>(2 * threads),
        new ThreadPoolExecutor.CallerRunsPolicy());
    executor.setKeepAliveTime(30, TimeUnit.SECONDS);
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /**
   * The request pool of the OTLP/HTTP server: one thread per core (at least two) and a queue
   * without a fixed bound, because what bounds it is elsewhere: a connection hands over one
   * request at a time and reads nothing more until it is answered, so at most one task per open
   * connection waits, and connections are capped ({@link ConnectionGate}). Tasks run guarded as
   * in {@link #requestExecutor}.
   */
  static ExecutorService connectionBoundExecutor(String name) {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    return new GuardedPool(name, threads, new LinkedBlockingQueue<>(),
        new ThreadPoolExecutor.AbortPolicy());
  }

  /** A fixed pool of daemon threads whose tasks run guarded (see {@link #requestExecutor}). */
  private static final class GuardedPool extends ThreadPoolExecutor {
    private final String name;
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    GuardedPool(String name, int threads, BlockingQueue<Runnable> queue,
        RejectedExecutionHandler refused) {
      super(threads, threads, 0, TimeUnit.SECONDS, queue, daemonThreads(name), refused);
      this.name = name;
    }

    @Override
    public void execute(Runnable task) {
      super.execute(() -> {
        try {
          task.run();
        } catch (Throwable t) {
          logRateLimited(name, lastLogNanos, t);
        }
      });
    }
  }

  /** Daemon platform threads named {@code name-1}, {@code name-2}, … */
  static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> Thread.ofPlatform().daemon(true).name(name + "-" + n.incrementAndGet())
        .unstarted(r);
  }

  private static void logRateLimited(String pool, AtomicLong lastLogNanos, Throwable t) {
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last < LOG_INTERVAL_NANOS || !lastLogNanos.compareAndSet(last, now)) {
      return;
    }
    try {
      System.getLogger(Endpoints.class.getName()).log(Level.ERROR, pool + ": a request failed"
          + " outside the receiver's handling (its client gets no answer, and still has its data); the"
          + " thread lives on", t);
    } catch (Throwable ignored) {
      // Logging needs memory too.
    }
  }
}
