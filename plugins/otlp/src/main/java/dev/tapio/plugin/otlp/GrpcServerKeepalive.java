package dev.tapio.plugin.otlp;

import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server's connection management, with the Collector's keys
 * ({@code keepalive.server_parameters} and {@code keepalive.enforcement_policy}) and
 * {@code max_concurrent_streams}. A zero set explicitly leaves grpc-java's default: no limit, or
 * for {@code min_time} its 5 minutes (as zero means in grpc-go).
 *
 * <p>Two defaults differ from the Collector's (no limit), because a client could otherwise hold
 * a connection or a stream of calls at no cost: {@code max_connection_idle} is 5 minutes, so a
 * connection that sent the HTTP/2 preface and then nothing is closed with GOAWAY then (grpc-java
 * closes it 10 s after the GOAWAY when the client ignores it: its ping timeout); a client that
 * goes quiet for longer reconnects on its next call, a TCP (and TLS) handshake every 5 minutes at
 * worst. {@code max_concurrent_streams} is 250 (Go's {@code net/http2} server default): an OTLP
 * exporter has a handful of calls in flight (the Collector's default {@code num_consumers} is
 * 10), and one over the limit waits in the client rather than failing.
 *
 * <p>{@code max_connection_age} matters behind a Kubernetes Service: gRPC connections are long
 * lived, so without it new gateway replicas get no agents until the old connections break.
 *
 * @param maxConnectionIdle close a connection idle this long
 * @param maxConnectionAge close a connection (with GOAWAY) this long after it opened
 * @param maxConnectionAgeGrace calls still running get this long after GOAWAY
 * @param time ping an idle client after this long
 * @param timeout close the connection when a ping is not answered within this
 * @param minTime the most often a client may ping ({@code enforcement_policy.min_time})
 * @param permitWithoutStream whether clients may ping without a call in flight
 * @param maxConcurrentStreams calls at once per connection, 0 for no limit
 */
public record GrpcServerKeepalive(Duration maxConnectionIdle, Duration maxConnectionAge,
    Duration maxConnectionAgeGrace, Duration time, Duration timeout, Duration minTime,
    boolean permitWithoutStream, int maxConcurrentStreams) {

  /**
   * grpc-java's defaults except min_time, which the Collector sets to 5 minutes (as Go does), and
   * max_connection_idle and max_concurrent_streams (see above).
   */
  static final GrpcServerKeepalive DEFAULT = new GrpcServerKeepalive(Duration.ofMinutes(5),
      Duration.ZERO, Duration.ZERO, Duration.ofHours(2), Duration.ofSeconds(20),
      Duration.ofMinutes(5), false, 250);

  static GrpcServerKeepalive read(ConfigReader grpc) {
    GrpcServerKeepalive d = DEFAULT;
    ConfigReader k = grpc.section("keepalive");
    ConfigReader p = k.section("server_parameters");
    ConfigReader e = k.section("enforcement_policy");
    return new GrpcServerKeepalive(p.duration("max_connection_idle", d.maxConnectionIdle()),
        p.duration("max_connection_age", d.maxConnectionAge()),
        p.duration("max_connection_age_grace", d.maxConnectionAgeGrace()),
        p.duration("time", d.time()), p.duration("timeout", d.timeout()),
        e.duration("min_time", d.minTime()),
        e.bool("permit_without_stream", d.permitWithoutStream()),
        grpc.integer("max_concurrent_streams", d.maxConcurrentStreams()));
  }

  void validate(ConfigProblems problems) {
    String prefix = "protocols.grpc.keepalive.";
    for (var entry : new Object[][] {{"server_parameters.max_connection_idle", maxConnectionIdle},
        {"server_parameters.max_connection_age", maxConnectionAge},
        {"server_parameters.max_connection_age_grace", maxConnectionAgeGrace},
        {"server_parameters.time", time}, {"server_parameters.timeout", timeout},
        {"enforcement_policy.min_time", minTime}}) {
      if (((Duration) entry[1]).isNegative()) {
        problems.error(prefix + entry[0], "must not be negative");
      }
    }
    if (maxConcurrentStreams < 0) {
      problems.error("protocols.grpc.max_concurrent_streams", "must not be negative");
    }
  }

  void apply(NettyServerBuilder b) {
    if (maxConnectionIdle.isPositive()) {
      b.maxConnectionIdle(maxConnectionIdle.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (maxConnectionAge.isPositive()) {
      b.maxConnectionAge(maxConnectionAge.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (maxConnectionAgeGrace.isPositive()) {
      b.maxConnectionAgeGrace(maxConnectionAgeGrace.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (time.isPositive()) {
      b.keepAliveTime(time.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (timeout.isPositive()) {
      b.keepAliveTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (minTime.isPositive()) {
      b.permitKeepAliveTime(minTime.toNanos(), TimeUnit.NANOSECONDS);
    }
    b.permitKeepAliveWithoutCalls(permitWithoutStream);
    if (maxConcurrentStreams > 0) {
      b.maxConcurrentCallsPerConnection(maxConcurrentStreams);
    }
  }
}
