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
