package dev.tapio.plugin.otlp;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.component.Signal;
import java.net.InetSocketAddress;

/**
 * The {@code otlp} receiver of one signal: registers its consumer with the {@link OtlpHttpServer}
 * and the {@link OtlpGrpcServer} of its endpoints, which the receivers of the other signals
 * share.
 *
 * <p>Threading: {@link #start} and {@link #shutdown} run on the engine's lifecycle thread; the
 * consumer is called from the server's request threads, concurrently. Ownership: each decoded
 * request is a new pdata object handed to the consumer and never touched again.
 */
final class OtlpReceiver implements Component {
  private final ComponentContext context;
  private final OtlpReceiverConfig config;
  private final Signal signal;
  private final Object consumer;
  private OtlpHttpServer server;
  private OtlpGrpcServer grpcServer;

  OtlpReceiver(ComponentContext context, OtlpReceiverConfig config, Signal signal,
      Object consumer) {
    this.context = context;
    this.config = config;
    this.signal = signal;
    this.consumer = consumer;
  }

  @Override
  public void start(Host host) throws Exception {
    StringBuilder status = new StringBuilder("listening on");
    if (config.http() != null) {
      OtlpHttpServer s = OtlpHttpServer.acquire(config.http(),
          Authenticators.server(host, config.http().authenticator(), context), context);
      try {
        s.register(signal, consumer, context);
      } catch (RuntimeException e) {
        s.release(null);
        throw e;
      }
      server = s;
      status.append(" http ").append(s.address());
    }
    if (config.grpc() != null) {
      OtlpGrpcServer g;
      try {
        g = OtlpGrpcServer.acquire(config.grpc(),
            Authenticators.server(host, config.grpc().authenticator(), context), context);
        try {
          g.register(signal, consumer, context);
        } catch (RuntimeException e) {
          g.release(null);
          throw e;
        }
      } catch (Exception e) {
        shutdown();
        throw e;
      }
      grpcServer = g;
      status.append(" grpc ").append(g.address());
    }
    context.reportStatus(ComponentStatus.OK, status.toString());
  }

  @Override
  public void shutdown() {
    OtlpHttpServer s = server;
    server = null;
    if (s != null) {
      s.release(signal);
    }
    OtlpGrpcServer g = grpcServer;
    grpcServer = null;
    if (g != null) {
      g.release(signal);
    }
  }

  /** The HTTP server's address (the actual port when the endpoint asks for 0). */
  InetSocketAddress address() {
    OtlpHttpServer s = server;
    if (s == null) {
      throw new IllegalStateException("not started with http");
    }
    return s.address();
  }

  /** The gRPC server's address (the actual port when the endpoint asks for 0). */
  InetSocketAddress grpcAddress() {
    OtlpGrpcServer g = grpcServer;
    if (g == null) {
      throw new IllegalStateException("not started with grpc");
    }
    return g.address();
  }
}
