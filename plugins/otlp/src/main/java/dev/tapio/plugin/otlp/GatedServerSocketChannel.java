package dev.tapio.plugin.otlp;

import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.util.List;

/**
 * The gRPC server's listening socket, which asks a {@link ConnectionGate} about each connection
 * it accepts. A refused one is reset and closed at once, before Netty makes a channel of it or
 * reads a byte, so it costs its descriptor only for that instant; an admitted one tells the gate
 * when it closes. This is the one hook grpc-java leaves before a connection is read: its
 * transport filters are told of a connection only after the HTTP/2 handshake, and cannot close
 * it.
 *
 * <p>Threading: Netty calls {@link #doReadMessages} on the channel's event loop only.
 */
final class GatedServerSocketChannel extends NioServerSocketChannel {
  private final ConnectionGate gate;

  GatedServerSocketChannel(ConnectionGate gate) {
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
