package dev.tapio.plugin.otlp;

import dev.tapio.auth.ServerAuthenticator;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.Signal;
import dev.tapio.otlp.OtlpDecoder;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One OTLP/gRPC server (grpc-java on Netty) per endpoint, shared by the {@code otlp} receivers of
 * the three signals, as {@link OtlpHttpServer} is for HTTP. Counted references; the last release
 * stops the server.
 *
 * <p>Serves {@code opentelemetry.proto.collector.{logs,metrics,trace}.v1.*Service/Export} with
 * messages as bytes, decoded by {@link OtlpDecoder}, each call admitted against the memory
 * budget before its message is read ({@link GrpcExport}). Requests run on a bounded pool of
 * {@code max(2, cores)} threads with a queue of twice that; when both are full the transport's
 * event loop runs the request itself and so stops reading, which bounds the requests in memory.
 * A message above {@code max_recv_msg_size_mib} is refused with {@code RESOURCE_EXHAUSTED}, by
 * gRPC as its length arrives or by {@link GrpcExport} as it decompresses, counted as
 * {@code too_large} either way and not logged.
 *
 * <p>Hostile clients ({@link GrpcServerLimits}): each accepted connection is admitted or reset
 * by a {@link ConnectionGate} before it is read ({@link GatedServerSocketChannel}); one that has
 * not sent its HTTP/2 SETTINGS within {@code handshake_timeout} is closed, one idle for
 * {@code keepalive.server_parameters.max_connection_idle} gets GOAWAY, and one that resets
 * streams faster than {@code max_rst_streams} per window (HTTP/2 rapid reset) gets GOAWAY
 * {@code ENHANCE_YOUR_CALM} and is closed.
 *
 * <p>With {@code tls} the server speaks TLS only (and asks for a client certificate signed by
 * {@code client_ca_file} when set: mutual TLS, refused in the handshake otherwise); with
 * {@code auth.authenticator} every call's metadata is checked before its message is read, and a
 * refused call is answered {@code UNAUTHENTICATED}.
 *
 * <p>Answers: OK with an empty response; {@code INVALID_ARGUMENT} for a malformed message (with
 * the decoder's message) or a permanent refusal; {@code UNAVAILABLE} with a {@code RetryInfo} of
 * {@value OtlpHttpServer#RETRY_AFTER_SECONDS} s when the pipeline refuses as retryable, the
 * memory budget is spent or the request failed (whatever was thrown, counted and logged by
 * {@link ReceiverSlot}); {@code UNIMPLEMENTED} for a signal without a pipeline.
 *
 * <p>Thread-safe. The consumers registered are called concurrently from the pool's threads.
 */
final class OtlpGrpcServer {
  private static final Map<String, OtlpGrpcServer> OPEN = new HashMap<>();
  private static final ServerStreamTracer NO_TRACER = new ServerStreamTracer() {};
  /**
   * grpc-java logs each message it refuses as it deframes (over {@code max_recv_msg_size_mib}, a
   * bad frame header) at WARNING with a stack trace, so any client could fill the log at will;
   * the client learns why from its status, and {@code too_large} counts the oversized. Held
   * here: java.util.logging keeps loggers weakly, and a collected one forgets its level.
   */
  private static final Logger DEFRAMER_LOG = quiet(
      NettyServerBuilder.class.getPackageName() + ".NettyServerStream");

  private final String key;
  private final OtlpReceiverConfig.Grpc config;
  private final SignalSlots slots = new SignalSlots();
  private final Server server;
  private final ThreadPoolExecutor executor;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private int references;

  private OtlpGrpcServer(String key, OtlpReceiverConfig.Grpc config, ServerAuthenticator auth,
      ComponentContext context) throws IOException {
    this.key = key;
    this.config = config;
    int max = config.maxRecvMsgSizeBytes();
    OtlpDecoder decoder = new OtlpDecoder(max, OtlpDecoder.DEFAULT_MAX_NESTING_DEPTH,
        config.limits().maxAttributesPerRecord());
    InetSocketAddress address = Endpoints.resolve(config.endpoint());
    // Certificates first: a bad file is reported as such, not as a port problem.
    var tls = config.tls() == null ? null : TlsContexts.nettyServer(config.tls());
    ConnectionGate gate = new ConnectionGate(context, "grpc", config.limits().connectionCap(),
        config.limits().maxConnectionsPerClient());
    String name = "tapio-otlp-grpc-" + config.endpoint();
    this.executor = Endpoints.requestExecutor(name);
    // The gated channel is NIO, so the event loops are too (grpc-java would pick epoll); given
    // a channel factory, grpc-java asks for both groups and leaves their shutdown to us.
    this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-accept",
        true), NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory(name + "-io",
        true), NioIoHandler.newFactory());
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
        .channelFactory(() -> new GatedServerSocketChannel(gate))
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .executor(executor)
        .maxInboundMessageSize(max)
        .compressorRegistry(Codecs.COMPRESSORS)
        .decompressorRegistry(Codecs.DECOMPRESSORS);
    config.keepalive().apply(builder);
    config.limits().apply(builder);
    if (tls != null) {
      builder.sslContext(tls);
    }
    if (auth != null) {
      builder.intercept(authenticating(auth));
    }
    Map<String, ServerStreamTracer> tracers = new HashMap<>();
    for (Signal signal : Signal.values()) {
      GrpcExport export = new GrpcExport(signal, decoder, slots);
      builder.addService(ServerServiceDefinition.builder(export.method().getServiceName())
          .addMethod(export.method(), export.handler())
          .build());
      tracers.put(export.method().getFullMethodName(), export.tracer());
    }
    builder.addStreamTracerFactory(tracing(Map.copyOf(tracers)));
    try {
      this.server = builder.build().start();
    } catch (IOException e) {
      executor.shutdown();
      shutDownEventLoops();
      throw new IOException("cannot listen on " + config.endpoint() + " (" + address + "): " + e
          + "; is another process using the port?", e);
    } catch (RuntimeException e) {
      executor.shutdown();
      shutDownEventLoops();
      throw e;
    }
  }

  /**
   * The server for {@code config.endpoint()}, started on first use; its connection counters
   * ({@link ConnectionGate}) are then registered with {@code context}, the first acquirer's.
   */
  static synchronized OtlpGrpcServer acquire(OtlpReceiverConfig.Grpc config,
      ServerAuthenticator auth, ComponentContext context) throws IOException {
    String key = config.endpoint();
    OtlpGrpcServer s = OPEN.get(key);
    if (s == null) {
      s = new OtlpGrpcServer(key, config, auth, context);
      OPEN.put(key, s);
    } else if (!s.config.equals(config)) {
      throw new IllegalStateException("endpoint " + key + " is already served by an otlp "
          + "receiver with other grpc settings (" + s.config + "); give each its own endpoint");
    }
    s.references++;
    return s;
  }

  private static Logger quiet(String name) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(Level.SEVERE);
    return logger;
  }

  /** Each Export call gets its method's tracer ({@link GrpcExport#tracer}), others none. */
  private static ServerStreamTracer.Factory tracing(Map<String, ServerStreamTracer> byMethod) {
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        return byMethod.getOrDefault(fullMethodName, NO_TRACER);
      }
    };
  }

  /** Closes a call whose metadata the authenticator refuses, before its message is read. */
  private static ServerInterceptor authenticating(ServerAuthenticator auth) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        if (auth.authenticate(name -> headers.get(
            Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER)))) {
          return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription("missing or invalid credentials"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
    };
  }

  void register(Signal signal, Object consumer, ComponentContext context) {
    synchronized (OtlpGrpcServer.class) {
      ReceiverSlot existing = slots.get(signal);
      if (existing != null) {
        throw new IllegalStateException("endpoint " + key + " already has a receiver for "
            + signal.name().toLowerCase(Locale.ROOT) + ": " + existing.context().id());
      }
      slots.set(signal, new ReceiverSlot(signal, consumer, context, "grpc " + key));
    }
  }

  /** As {@link OtlpHttpServer#release}. */
  void release(Signal signal) {
    boolean last;
    synchronized (OtlpGrpcServer.class) {
      if (signal != null) {
        slots.set(signal, null);
      }
      last = --references == 0;
      if (last) {
        OPEN.remove(key);
      }
    }
    if (last) {
      server.shutdown();
      try {
        // Calls in flight get 2 s to finish, so their answers still reach the clients.
        if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
          server.shutdownNow();
        }
      } catch (InterruptedException e) {
        server.shutdownNow();
        Thread.currentThread().interrupt();
      }
      executor.shutdown();
      shutDownEventLoops();
    }
  }

  /** Without waiting: the server is terminated or never started, so they have nothing left. */
  private void shutDownEventLoops() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().getFirst();
  }
}
