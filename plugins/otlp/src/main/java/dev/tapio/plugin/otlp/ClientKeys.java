package dev.tapio.plugin.otlp;

import dev.tapio.config.ConfigReader;
import java.util.List;

/**
 * Collector client keys that tune Go's transports and have no counterpart in Tapio's
 * HTTP/1.1 client ({@link Http1Client}) or grpc-java's channel (which size their own buffers and pools). They are
 * read so that a Collector configuration runs unchanged, and otherwise ignored; the package
 * documentation lists them. Stateless.
 */
final class ClientKeys {
  private ClientKeys() {}

  /** {@code confighttp} client keys. */
  static final List<String> HTTP = List.of("read_buffer_size", "write_buffer_size",
      "max_idle_conns", "max_idle_conns_per_host", "max_conns_per_host", "idle_conn_timeout",
      "disable_keep_alives", "http2_read_idle_timeout", "http2_ping_timeout",
      "force_attempt_http2");

  /** {@code configgrpc} client keys. */
  static final List<String> GRPC = List.of("read_buffer_size", "write_buffer_size",
      "balancer_name", "wait_for_ready");

  /** Marks {@code keys} as read, whatever their values. */
  static void read(ConfigReader r, List<String> keys) {
    for (String key : keys) {
      r.string(key, "");
    }
  }
}
