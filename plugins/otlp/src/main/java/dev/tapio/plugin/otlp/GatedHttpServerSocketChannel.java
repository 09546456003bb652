package dev.tapio.plugin.otlp;

import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.List;

/**
 * The OTLP/HTTP server's listening socket: asks a {@link ConnectionGate} about each connection
 * as it is accepted ({@link ConnectionGate#accept}), as {@link GatedServerSocketChannel} does for
 * gRPC on the shaded copy of Netty that grpc-java carries.
 *
 * <p>Threading: Netty calls {@link #doReadMessages} on the channel's event loop only.
 */
final class GatedHttpServerSocketChannel extends NioServerSocketChannel {
  private final ConnectionGate gate;

  GatedHttpServerSocketChannel(ConnectionGate gate) {
    this.gate = gate;
  }

  /**
   * Accepts one connection; 1 when one was taken, admitted or not (so Netty goes on accepting
   * up to its per-read limit), 0 when none was waiting.
   */
  @Override
  protected int doReadMessages(List<Object> buf) throws Exception {
    ConnectionGate.Accepted accepted = gate.accept(javaChannel());
    if (accepted.socket() == null) {
      return accepted == ConnectionGate.Accepted.NONE ? 0 : 1;
    }
    NioSocketChannel child;
    try {
      child = new NioSocketChannel(this, accepted.socket());
    } catch (Throwable t) {
      gate.abandon(accepted);
      throw t;
    }
    child.closeFuture().addListener(closed -> gate.closed(accepted.client()));
    buf.add(child);
    return 1;
  }
}
