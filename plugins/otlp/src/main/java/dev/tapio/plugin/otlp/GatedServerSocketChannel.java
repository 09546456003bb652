package dev.tapio.plugin.otlp;

import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
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
    SocketChannel accepted = javaChannel().accept();
    if (accepted == null) {
      return 0;
    }
    InetAddress client;
    try {
      client = ((InetSocketAddress) accepted.getRemoteAddress()).getAddress();
    } catch (IOException | RuntimeException e) {
      reset(accepted); // the client is already gone
      return 1;
    }
    if (!gate.tryOpen(client)) {
      reset(accepted);
      return 1;
    }
    NioSocketChannel child;
    try {
      child = new NioSocketChannel(this, accepted);
    } catch (Throwable t) {
      gate.closed(client);
      reset(accepted);
      throw t;
    }
    child.closeFuture().addListener(closed -> gate.closed(client));
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
}
