package dev.tapio.plugin.otlp;

import dev.tapio.auth.ServerAuthenticator;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.Signal;
import dev.tapio.otlp.OtlpDecoder;
import dev.tapio.otlp.OtlpJsonDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * One OTLP/HTTP server (HTTP/1.1 on Netty's NIO transport) per endpoint, shared by the
 * {@code otlp} receivers of the three signals: the engine creates one receiver per signal, but
 * they must listen on one port, as the Collector's shared receiver does. Counted references; the
 * last release stops the server.
 *
 * <p>Built for clients that do not play fair. Connections are read without blocking by
 * {@code max(1, cores)} I/O threads, so a slow client holds a connection, never a thread; each
 * phase of a request has its deadline ({@link HttpServerLimits}); connections are admitted by a
 * {@link ConnectionGate} (a cap per server and per client, and a reserve of file descriptors
 * for the rest of the process); the listen backlog is 4,096, as gRPC's. A body announced larger
 * than {@code max_request_body_size} is answered 413 as soon as its headers arrive. A
 * connection's requests are read one at a time ({@link HttpConnection}): the next is not read
 * before the answer to the last has been sent.
 *
 * <p>A request whose body has been read is decoded and handed on by one of {@code max(2, cores)}
 * request threads; since each connection has at most one request there, the requests waiting
 * for a thread are bounded by the connections, and their memory by the budget.
 *
 * <p>With {@code tls} it serves HTTPS only, asking for a client certificate signed by
 * {@code client_ca_file} when that is set (mutual TLS: refused in the handshake without one).
 *
 * <p>Thread-safe. The consumers registered are called concurrently from the request threads.
 */
final class OtlpHttpServer {
  /** Seconds a client is asked to wait before retrying a refused request. */
  static final int RETRY_AFTER_SECONDS = 1;
  private static final int BACKLOG = 4096;
  private static final Map<String, OtlpHttpServer> OPEN = new HashMap<>();

  private final String key;
  final ServerAuthenticator auth; // null: no authentication
  final OtlpReceiverConfig.Http config;
  final int maxBody;
  final OtlpDecoder decoder;
  final OtlpJsonDecoder jsonDecoder;
  final Map<String, Signal> routes;
  // Read lock-free by the I/O threads; changed under the class lock by the lifecycle thread.
  final SignalSlots slots = new SignalSlots();
  final ExecutorService requests;
  final HttpCounters counters;
  private final ConnectionGate gate;
  private final EventLoopGroup loops;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  /** Requests handed to the request threads and not yet answered. */
  final AtomicInteger inFlight = new AtomicInteger();
  private final Channel listener;
  private int references;

  private OtlpHttpServer(String key, OtlpReceiverConfig.Http config, ServerAuthenticator auth,
      ComponentContext context) throws IOException {
    this.key = key;
    this.auth = auth;
    this.config = config;
    this.maxBody = (int) config.maxRequestBodySize();
    int maxAttributes = config.limits().maxAttributesPerRecord();
    this.decoder = new OtlpDecoder(maxBody, OtlpDecoder.DEFAULT_MAX_NESTING_DEPTH,
        maxAttributes);
    this.jsonDecoder = new OtlpJsonDecoder(maxBody, OtlpDecoder.DEFAULT_MAX_NESTING_DEPTH,
        maxAttributes);
    this.routes = Map.of(config.logsUrlPath(), Signal.LOGS, config.metricsUrlPath(),
        Signal.METRICS, config.tracesUrlPath(), Signal.TRACES);
    InetSocketAddress address = Endpoints.resolve(config.endpoint());
    // Certificates first: a bad file is reported as such, not as a port problem.
    SSLContext tls = config.tls() == null ? null : TlsContexts.jdkServer(config.tls());
    String[] protocols = tls == null ? null : TlsContexts.serverProtocols(config.tls());
    HttpServerLimits limits = config.limits();
    this.gate = new ConnectionGate(context, "http", ConnectionGate.cap(limits.maxConnections()),
        limits.maxConnectionsPerClient());
    this.counters = new HttpCounters(context);
    String name = "tapio-otlp-http-" + config.endpoint();
    this.requests = Endpoints.connectionBoundExecutor(name);
    int cores = Runtime.getRuntime().availableProcessors();
    this.loops = new MultiThreadIoEventLoopGroup(Math.max(1, cores),
        new DefaultThreadFactory(name + "-io", true), NioIoHandler.newFactory());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loops)
        .channelFactory(() -> new GatedHttpServerSocketChannel(gate))
        .option(ChannelOption.SO_BACKLOG, BACKLOG)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.AUTO_READ, false) // each read asked for: HttpConnection
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            admit(ch, tls, protocols);
          }
        });
    try {
      this.listener = bootstrap.bind(address).syncUninterruptibly().channel();
    } catch (Exception e) {
      loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      requests.shutdown();
      throw new IOException("cannot listen on " + config.endpoint() + " (" + address + "): " + e
          + "; is another process using the port?", e);
    }
  }

  /** Sets up an admitted connection on its I/O thread, before a byte of it is read. */
  private void admit(SocketChannel ch, SSLContext tls, String[] protocols) {
    channels.add(ch); // admitted by the gate as it was accepted
    if (tls != null) {
      SSLEngine engine = tls.createSSLEngine();
      engine.setUseClientMode(false);
      engine.setEnabledProtocols(protocols);
      engine.setNeedClientAuth(config.tls().mutual());
      SslHandler ssl = new SslHandler(engine);
      // The handshake is part of the request's headers, as far as a slow client goes.
      long timeout = config.limits().readHeaderTimeout().toMillis();
      ssl.setHandshakeTimeoutMillis(timeout > 0 ? timeout : 10_000);
      ch.pipeline().addLast("tls", ssl);
    }
    HttpConnection.install(ch.pipeline(), this);
  }

  /** The server for {@code config.endpoint()}, started on first use. */
  static synchronized OtlpHttpServer acquire(OtlpReceiverConfig.Http config,
      ServerAuthenticator auth, ComponentContext context) throws IOException {
    String key = config.endpoint();
    OtlpHttpServer s = OPEN.get(key);
    if (s == null) {
      s = new OtlpHttpServer(key, config, auth, context);
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
      stop();
    }
  }

  /**
   * Stops accepting, gives the requests being handled up to 2 s to be answered, then closes
   * every connection.
   */
  private void stop() {
    listener.close().syncUninterruptibly();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    channels.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    requests.shutdown();
  }

  /**
   * Counts and logs a failure on an I/O thread (a throwing authenticator, say) against the
   * receiver of the request if known; the message for the client. Never throws.
   */
  String failedOutsideReceive(HttpRequestWork work, Throwable t) {
    try {
      if (work != null) {
        return work.slot().failed(t);
      }
      System.getLogger(OtlpHttpServer.class.getName())
          .log(System.Logger.Level.ERROR, "otlp receiver on " + key + " failed on a request", t);
    } catch (Throwable ignored) {
      // Out of memory again: the answer needs none.
    }
    return "internal error; retry later";
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }
}
