package dev.tapio.plugin.otlp;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.component.Signal;
import java.net.InetSocketAddress;

/**
 * The {@code otlp} receiver of one signal: registers its consumer with the {@link OtlpHttpServer}
 * of its endpoint, which the receivers of the other signals share.
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

  OtlpReceiver(ComponentContext context, OtlpReceiverConfig config, Signal signal,
      Object consumer) {
    this.context = context;
    this.config = config;
    this.signal = signal;
    this.consumer = consumer;
  }

  @Override
  public void start(Host host) throws Exception {
    if (config.http() == null) {
      throw new IllegalStateException("otlp receiver " + context.id()
          + " has no protocols.http section and grpc is not supported yet");
    }
    OtlpHttpServer s = OtlpHttpServer.acquire(config.http());
    try {
      s.register(signal, consumer, context);
    } catch (RuntimeException e) {
      s.release(null);
      throw e;
    }
    server = s;
    context.reportStatus(ComponentStatus.OK, "listening on " + s.address());
  }

  @Override
  public void shutdown() {
    OtlpHttpServer s = server;
    server = null;
    if (s != null) {
      s.release(signal);
    }
  }

  /** The address the server is bound to (the actual port when the endpoint asks for 0). */
  InetSocketAddress address() {
    OtlpHttpServer s = server;
    if (s == null) {
      throw new IllegalStateException("not started");
    }
    return s.address();
  }
}
