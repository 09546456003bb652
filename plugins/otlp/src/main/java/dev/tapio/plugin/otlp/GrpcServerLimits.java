package dev.tapio.plugin.otlp;

import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What one client may cost the gRPC server: Tapio's own keys under {@code protocols.grpc} (the
 * Collector has none of them), each with a default that a normal client never meets.
 *
 * <ul>
 *   <li>{@code max_connections}, {@code max_connections_per_client}: admission of connections
 *       as they are accepted ({@link ConnectionGate}). Unset or 0, {@code max_connections} is
 *       half of the descriptors the process may open less the {@value ConnectionGate#FD_RESERVE}
 *       the gate keeps free ({@link #connectionCap}), so that gRPC clients alone can never take
 *       the descriptors the HTTP server and {@code /metrics} need; at the 20,000-descriptor limit
 *       that is 9,872, and under systemd's or Docker's usual limits it is far more than a gateway
 *       serves. {@code max_connections_per_client} is 0 (no limit) by default: behind a NAT, a
 *       load balancer that does not keep client addresses, or a node-level proxy, a whole fleet
 *       of agents shares one address, and the server cannot tell that from an attacker. Set it
 *       when clients connect directly: without it one address can hold every connection, each
 *       until {@code max_connection_idle} once it has sent the HTTP/2 preface (measured: one
 *       client's 19,900 such connections kept 9,872 open, and other gRPC clients were refused;
 *       HTTP was not affected).
 *   <li>{@code handshake_timeout}: a connection that has not finished TLS and sent the HTTP/2
 *       preface and its SETTINGS within this is closed (grpc-java's default is 120 s).
 *   <li>{@code max_rst_streams} per {@code max_rst_streams_window}: the HTTP/2 "rapid reset"
 *       defence. A connection whose client resets more streams than this in a window gets
 *       GOAWAY {@code ENHANCE_YOUR_CALM} and is closed. Clients reset a stream when they cancel a
 *       call (a deadline passed), and never have more than {@code max_concurrent_streams} (250)
 *       open; 500 per 10 s lets a client cancel every call it may have open twice in a window,
 *       while an attacker, who resets tens of thousands a second, gets 500 for each connection
 *       it opens, which the connection limits count.
 * </ul>
 *
 * @param maxConnections connections open at once, 0 for {@link #connectionCap}'s default
 * @param maxConnectionsPerClient connections open at once from one IP address, 0 for no limit
 * @param handshakeTimeout the time from accept to the client's HTTP/2 SETTINGS (TLS included)
 * @param maxRstStreams RST_STREAM frames a client may send per window, 0 for no limit
 * @param maxRstStreamsWindow the window of {@code maxRstStreams}, whole seconds
 * @param maxAttributesPerRecord {@code max_attributes_per_record}: see {@link
 *     HttpServerLimits#maxAttributesPerRecord}
 */
public record GrpcServerLimits(int maxConnections, int maxConnectionsPerClient,
    Duration handshakeTimeout, int maxRstStreams, Duration maxRstStreamsWindow,
    int maxAttributesPerRecord) {

  static final GrpcServerLimits DEFAULT = new GrpcServerLimits(0, 0, Duration.ofSeconds(10),
      500, Duration.ofSeconds(10), 0);

  /** Without a cap on attributes. */
  public GrpcServerLimits(int maxConnections, int maxConnectionsPerClient,
      Duration handshakeTimeout, int maxRstStreams, Duration maxRstStreamsWindow) {
    this(maxConnections, maxConnectionsPerClient, handshakeTimeout, maxRstStreams,
        maxRstStreamsWindow, 0);
  }

  static GrpcServerLimits read(ConfigReader grpc) {
    GrpcServerLimits d = DEFAULT;
    return new GrpcServerLimits(grpc.integer("max_connections", d.maxConnections()),
        grpc.integer("max_connections_per_client", d.maxConnectionsPerClient()),
        grpc.duration("handshake_timeout", d.handshakeTimeout()),
        grpc.integer("max_rst_streams", d.maxRstStreams()),
        grpc.duration("max_rst_streams_window", d.maxRstStreamsWindow()),
        grpc.integer("max_attributes_per_record", d.maxAttributesPerRecord()));
  }

  void validate(ConfigProblems problems) {
    String prefix = "protocols.grpc.";
    if (maxAttributesPerRecord < 0) {
      problems.error(prefix + "max_attributes_per_record", "must be 0 (no cap) or more");
    }
    if (maxConnections < 0) {
      problems.error(prefix + "max_connections", "must not be negative (0: the default)");
    }
    if (maxConnectionsPerClient < 0) {
      problems.error(prefix + "max_connections_per_client", "must not be negative (0: no limit)");
    }
    if (!handshakeTimeout.isPositive()) {
      problems.error(prefix + "handshake_timeout", "must be positive");
    }
    if (maxRstStreams < 0) {
      problems.error(prefix + "max_rst_streams", "must not be negative (0: no limit)");
    }
    // grpc-java counts the window in whole seconds.
    if (maxRstStreamsWindow.getNano() != 0 || maxRstStreamsWindow.getSeconds() < 1
        || maxRstStreamsWindow.getSeconds() > Integer.MAX_VALUE) {
      problems.error(prefix + "max_rst_streams_window", "must be a whole number of seconds, "
          + "at least 1s");
    }
  }

  void apply(NettyServerBuilder b) {
    b.handshakeTimeout(handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    if (maxRstStreams > 0) {
      b.maxRstFramesPerWindow(maxRstStreams, (int) maxRstStreamsWindow.toSeconds());
    }
  }

  /** {@code max_connections}, or when 0 the cap {@link ConnectionGate#cap} derives. */
  int connectionCap() {
    return ConnectionGate.cap(maxConnections);
  }

}
