package dev.tapio.plugin.otlp;

import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;
import java.time.Duration;

/**
 * How long and how many clients the OTLP/HTTP server waits for: the Collector's
 * {@code confighttp} timeouts, and Tapio's connection caps. A zero duration means no limit.
 *
 * @param readHeaderTimeout from the first byte of a request (or a new connection) to the end
 *     of its headers ({@code read_header_timeout}); a connection that takes longer is closed
 * @param readTimeout from the first byte of a request to the end of its body
 *     ({@code read_timeout}); answered 408 and closed
 * @param writeTimeout for an answer to be taken by the client ({@code write_timeout}); closed
 * @param idleTimeout between requests on a kept-alive connection ({@code idle_timeout})
 * @param maxConnections connections open at once ({@code max_connections}); 0 for half of the
 *     process's file descriptor limit less 256 ({@link ConnectionGate#cap})
 * @param maxConnectionsPerClient connections open at once from one client address
 *     ({@code max_connections_per_client}); 0 for no cap
 * @param maxAttributesPerRecord {@code max_attributes_per_record}: the most attributes kept per
 *     resource, scope, log record, span, span event and link; the rest are added to the
 *     element's {@code dropped_attributes_count}, as OTLP's SDK limits do, and counted in
 *     {@code tapio_otlp_receiver_dropped_attributes}; 0 (the default) for no cap. Data points are
 *     never capped: they have no dropped count, and losing a key would merge series. Decoding
 *     costs O(n) in the attributes either way; the cap is for what a backend can take.
 */
public record HttpServerLimits(Duration readHeaderTimeout, Duration readTimeout,
    Duration writeTimeout, Duration idleTimeout, int maxConnections,
    int maxConnectionsPerClient, int maxAttributesPerRecord) {

  /** Without a cap on attributes. */
  public HttpServerLimits(Duration readHeaderTimeout, Duration readTimeout,
      Duration writeTimeout, Duration idleTimeout, int maxConnections,
      int maxConnectionsPerClient) {
    this(readHeaderTimeout, readTimeout, writeTimeout, idleTimeout, maxConnections,
        maxConnectionsPerClient, 0);
  }

  /**
   * The Collector's header and idle timeouts (1 min); a read timeout of 1 min where the
   * Collector has none, because Tapio reserves a body's memory when its headers arrive, so a
   * client trickling an announced 4 MiB body would otherwise hold 36 MiB of the budget for as
   * long as it likes; 30 s to take an answer; at most 4,096 connections, none per client (a
   * gateway behind a load balancer or NAT sees many agents at one address).
   */
  static final HttpServerLimits DEFAULT = new HttpServerLimits(Duration.ofMinutes(1),
      Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofMinutes(1), 0, 0, 0);

  public HttpServerLimits {
    readHeaderTimeout = readHeaderTimeout == null ? Duration.ZERO : readHeaderTimeout;
    readTimeout = readTimeout == null ? Duration.ZERO : readTimeout;
    writeTimeout = writeTimeout == null ? Duration.ZERO : writeTimeout;
    idleTimeout = idleTimeout == null ? Duration.ZERO : idleTimeout;
  }

  static HttpServerLimits read(ConfigReader h) {
    HttpServerLimits d = DEFAULT;
    return new HttpServerLimits(h.duration("read_header_timeout", d.readHeaderTimeout()),
        h.duration("read_timeout", d.readTimeout()),
        h.duration("write_timeout", d.writeTimeout()),
        h.duration("idle_timeout", d.idleTimeout()),
        h.integer("max_connections", d.maxConnections()),
        h.integer("max_connections_per_client", d.maxConnectionsPerClient()),
        h.integer("max_attributes_per_record", d.maxAttributesPerRecord()));
  }

  void validate(ConfigProblems problems) {
    nonNegative(problems, "read_header_timeout", readHeaderTimeout);
    nonNegative(problems, "read_timeout", readTimeout);
    nonNegative(problems, "write_timeout", writeTimeout);
    nonNegative(problems, "idle_timeout", idleTimeout);
    if (maxConnections < 0) {
      problems.error("protocols.http.max_connections",
          "must be 0 (half the file descriptor limit) or more");
    }
    if (maxAttributesPerRecord < 0) {
      problems.error("protocols.http.max_attributes_per_record", "must be 0 (no cap) or more");
    }
    if (maxConnectionsPerClient < 0) {
      problems.error("protocols.http.max_connections_per_client", "must be 0 (no cap) or more");
    }
  }

  private static void nonNegative(ConfigProblems problems, String key, Duration d) {
    if (d.isNegative()) {
      problems.error("protocols.http." + key, "must be 0 (no limit) or more, got " + d);
    }
  }
}
