package dev.tapio.plugin.otlp;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.tapio.component.ComponentContext;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.BiFunction;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission of new connections to one receiver's server, decided as each is accepted: at most
 * {@code max_connections} open, at most {@code max_connections_per_client} from one client
 * address, and none while the process is within {@value #FD_RESERVE} file descriptors of its
 * limit. The last keeps what the rest of the process needs (the {@code /metrics} and
 * {@code /healthz} listener, exporters' connections, persistent queue files, eBPF maps and
 * ring buffers) out of reach of any number of idle clients: without it ~20,000 idle TCP
 * connections to one port exhausted the process's descriptors, and every listener failed with
 * "Too many open files".
 *
 * <p>A refused connection is closed at once, before a byte of it is read, and counted in
 * {@code tapio_otlp_receiver_refused_connections{reason=max_connections|
 * max_connections_per_client|file_descriptors}}; {@code tapio_otlp_receiver_connections} is the
 * number open. A client that retries with back-off, as OTLP exporters do, gets in when others
 * leave.
 *
 * <p>Thread-safe: the accepting threads call {@link #tryOpen}, any thread {@link #closed}.
 */
final class ConnectionGate {
  /** Descriptors kept free for the rest of the process. */
  static final int FD_RESERVE = 256;
  /** The cap when the process's descriptor limit cannot be read. */
  private static final int CAP_WITHOUT_FD_LIMIT = 4096;
  /** The file descriptor count is read at most once per this many admissions. */
  private static final int FD_CHECK_EVERY = 16;

  private final int maxConnections; // 0: no limit
  private final int maxPerClient; // 0: no limit
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perClient =
      new ConcurrentHashMap<>();
  private final AtomicInteger sinceFdCheck = new AtomicInteger();
  private final UnixOperatingSystemMXBean os;
  private volatile boolean nearFdLimit; // then every admission reads the count
  private final ComponentContext.Counter refusedMax;
  private final ComponentContext.Counter refusedPerClient;
  private final ComponentContext.Counter refusedFds;

  ConnectionGate(ComponentContext context, String protocol, int maxConnections,
      int maxPerClient) {
    this.maxConnections = maxConnections;
    this.maxPerClient = maxPerClient;
    OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
    this.os = bean instanceof UnixOperatingSystemMXBean unix ? unix : null;
    String name = "tapio_otlp_receiver_refused_connections";
    String help = "Connections closed as they were accepted, by reason";
    this.refusedMax = context.counter(name, help, "protocol", protocol, "reason",
        "max_connections");
    this.refusedPerClient = context.counter(name, help, "protocol", protocol, "reason",
        "max_connections_per_client");
    this.refusedFds = context.counter(name, help, "protocol", protocol, "reason",
        "file_descriptors");
    context.gauge("tapio_otlp_receiver_connections", "Connections open to the receiver",
        open::get, "protocol", protocol);
  }

  /** A connection taken from the listening socket: admitted (socket set) or not. */
  record Accepted(SocketChannel socket, InetAddress client) {
    /** No connection was waiting. */
    static final Accepted NONE = new Accepted(null, null);
    /** One was waiting and has been refused: reset, closed and counted. */
    static final Accepted REFUSED = new Accepted(null, null);
  }

  /**
   * Takes the next connection waiting on {@code listener} and decides on it there, in the
   * accepting loop, before a server makes a channel of it: deciding later (when the channel is
   * set up on its I/O thread) lets a burst of accepts outrun the decisions, and 3,000 queued
   * connections took a process with a 1,024-descriptor limit to "Too many open files". A refused
   * connection is reset and closed at once; an admitted one must be reported to {@link #closed}
   * when it closes.
   */
  Accepted accept(ServerSocketChannel listener) throws IOException {
    SocketChannel socket = listener.accept();
    if (socket == null) {
      return Accepted.NONE;
    }
    InetAddress client;
    try {
      client = ((InetSocketAddress) socket.getRemoteAddress()).getAddress();
    } catch (IOException | RuntimeException e) {
      reset(socket); // the client is already gone
      return Accepted.REFUSED;
    }
    if (!tryOpen(client)) {
      reset(socket);
      return Accepted.REFUSED;
    }
    return new Accepted(socket, client);
  }

  /**
   * A server socket channel's {@code doReadMessages} (Netty's, shaded for gRPC or not): takes
   * one connection through {@link #accept}, and for an admitted one adds to {@code buf} the
   * channel {@code wrap} makes of it, which must run the {@code Runnable} it is given once, when
   * it closes. Returns 1 when a connection was taken, admitted or not (so Netty goes on
   * accepting up to its per-read limit), 0 when none was waiting.
   */
  int acceptInto(ServerSocketChannel listener, List<Object> buf,
      BiFunction<SocketChannel, Runnable, Object> wrap) throws IOException {
    Accepted accepted = accept(listener);
    if (accepted.socket() == null) {
      return accepted == Accepted.NONE ? 0 : 1;
    }
    Object child;
    try {
      child = wrap.apply(accepted.socket(), () -> closed(accepted.client()));
    } catch (Throwable t) {
      closed(accepted.client());
      reset(accepted.socket());
      throw t;
    }
    buf.add(child);
    return 1;
  }

  /**
   * Closes with a reset rather than a FIN: the kernel then keeps no half-closed socket waiting
   * for a client that may never close its end.
   */
  private static void reset(SocketChannel socket) {
    try {
      socket.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException ignored) {
      // Already reset by the client: closing is all there is left to do.
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // The descriptor is released even when close reports an error.
    }
  }

  /**
   * Whether a connection from {@code client} may stay open; when true, {@link #closed} must
   * follow exactly once, when it closes. When false it has been counted and the caller closes
   * it.
   */
  boolean tryOpen(InetAddress client) {
    if (fdsShort()) {
      refusedFds.add(1);
      return false;
    }
    int total = open.incrementAndGet();
    if (maxConnections > 0 && total > maxConnections) {
      open.decrementAndGet();
      refusedMax.add(1);
      return false;
    }
    if (maxPerClient > 0) {
      AtomicInteger mine = perClient.computeIfAbsent(client, a -> new AtomicInteger());
      if (mine.incrementAndGet() > maxPerClient) {
        release(client, mine);
        open.decrementAndGet();
        refusedPerClient.add(1);
        return false;
      }
    }
    return true;
  }

  /** A connection admitted by {@link #tryOpen} has closed. */
  void closed(InetAddress client) {
    open.decrementAndGet();
    if (maxPerClient > 0) {
      AtomicInteger mine = perClient.get(client);
      if (mine != null) {
        release(client, mine);
      }
    }
  }

  /**
   * {@code configured}, or when 0 half of the process's descriptor limit less
   * {@link #FD_RESERVE}: the clients of one protocol alone never take more than half, whatever
   * the other listeners need.
   */
  static int cap(int configured) {
    if (configured > 0) {
      return configured;
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
      long limit = os.getMaxFileDescriptorCount();
      return (int) Math.clamp((limit - FD_RESERVE) / 2, 1, Integer.MAX_VALUE);
    }
    return CAP_WITHOUT_FD_LIMIT;
  }

  private void release(InetAddress client, AtomicInteger mine) {
    if (mine.decrementAndGet() <= 0) {
      // Removed only while still at zero, so a concurrent admission keeps its count.
      perClient.computeIfPresent(client, (a, n) -> n.get() <= 0 ? null : n);
    }
  }

  /**
   * Whether the process is within {@link #FD_RESERVE} descriptors of its limit. Reading the
   * count walks /proc/self/fd, so it is read once every {@value #FD_CHECK_EVERY} admissions,
   * and at each one while short or when the last reading was close to the limit.
   */
  private boolean fdsShort() {
    if (os == null) {
      return false;
    }
    if (!nearFdLimit && sinceFdCheck.incrementAndGet() < FD_CHECK_EVERY) {
      return false;
    }
    sinceFdCheck.set(0);
    long max;
    long used;
    try {
      max = os.getMaxFileDescriptorCount();
      used = os.getOpenFileDescriptorCount();
    } catch (Throwable t) {
      // Counting reads /proc/self/fd, which takes a descriptor: failing, there is none left.
      nearFdLimit = true;
      return true;
    }
    // Near the limit every admission checks: FD_CHECK_EVERY connections could cross it.
    nearFdLimit = used + FD_RESERVE + FD_CHECK_EVERY >= max;
    return used + FD_RESERVE >= max;
  }
}
