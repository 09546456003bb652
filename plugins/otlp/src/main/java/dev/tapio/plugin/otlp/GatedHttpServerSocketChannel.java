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

  /** Accepts one connection through the gate: see {@link ConnectionGate#acceptInto}. */
  @Override
  protected int doReadMessages(List<Object> buf) throws Exception {
    return gate.acceptInto(javaChannel(), buf, (socket, onClose) -> {
      NioSocketChannel child = new NioSocketChannel(this, socket);
      child.closeFuture().addListener(closed -> onClose.run());
      return child;
    });
  }
}
