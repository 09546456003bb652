package dev.tapio.plugin.ebpf.dns;

import dev.tapio.bpf.receiver.Wakeup;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the {@code ebpf_dns} receiver.
 *
 * @param ports peer (server) UDP and TCP ports whose traffic is DNS, at most 8
 * @param ringBufferSize bytes of the kernel ring buffer; a power of two, 4KiB..1GiB
 * @param timeout how long a query waits for its response before it is reported as a timeout
 * @param maxPending queries awaiting a response at most; the oldest is evicted beyond. Also
 *     sizes the kernel's table of queries on unconnected sockets ({@link #udpQueriesTableSize})
 * @param sampling keep 1 in N transaction ids, in the kernel (a query and its response together)
 * @param pollTimeout longest wait before pending records are read
 * @param wakeupBytes pending bytes at which the kernel wakes the reader early
 * @param wakeupPolicy {@code adaptive}: the wake-up threshold follows the measured rate
 *     (wakeup_bytes while idle); {@code fixed}: always wakeup_bytes
 * @param fallback what to do when the programs cannot load
 * @param cacheSize cgroup attribution cache entries
 * @param tcpStreams TCP streams whose reassembly state is kept at most (LRU)
 */
public record EbpfDnsConfig(
    List<Integer> ports,
    long ringBufferSize,
    Duration timeout,
    int maxPending,
    int sampling,
    Duration pollTimeout,
    long wakeupBytes,
    Wakeup wakeupPolicy,
    Fallback fallback,
    int cacheSize,
    int tcpStreams) implements ComponentConfig {

  /**
   * {@code degraded}: start without events and report degraded (there is no /proc equivalent
   * of DNS traffic); {@code none}: fail the start with the reason.
   */
  public enum Fallback {
    DEGRADED,
    NONE
  }

  static final int PORTS_MAX = 8;

  public EbpfDnsConfig {
    ports = List.copyOf(ports);
  }

  static EbpfDnsConfig defaults() {
    return new EbpfDnsConfig(List.of(53), 1 << 20, Duration.ofSeconds(5), 10_000, 1,
        Duration.ofMillis(50), 16 * 1024, Wakeup.ADAPTIVE, Fallback.DEGRADED, 4096, 4096);
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (ports.isEmpty() || ports.size() > PORTS_MAX) {
      problems.error("ports", "must list 1 to " + PORTS_MAX + " ports, got " + ports.size());
    }
    for (int p : ports) {
      if (p < 1 || p > 65535) {
        problems.error("ports", "must be between 1 and 65535, got " + p);
      }
    }
    if (ringBufferSize < 4096 || Long.bitCount(ringBufferSize) != 1
        || ringBufferSize > (1L << 30)) {
      problems.error("ring_buffer_size", "must be a power of two between 4KiB and 1GiB, got "
          + ringBufferSize);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      problems.error("timeout", "must be greater than zero, got " + timeout);
    }
    if (maxPending < 1) {
      problems.error("max_pending", "must be at least 1, got " + maxPending);
    }
    if (sampling < 1 || sampling > 65536) {
      problems.error("sampling", "must be between 1 (keep all) and 65536, got " + sampling);
    }
    if (pollTimeout.isNegative() || pollTimeout.isZero() || pollTimeout.toMillis() > 10_000) {
      problems.error("poll_timeout", "must be between 1ms and 10s, got " + pollTimeout);
    }
    if (wakeupBytes < 1) {
      problems.error("wakeup_bytes", "must be at least 1, got " + wakeupBytes);
    }
    if (cacheSize < 1) {
      problems.error("cgroup_cache_size", "must be at least 1, got " + cacheSize);
    }
    if (tcpStreams < 1) {
      problems.error("tcp_streams", "must be at least 1, got " + tcpStreams);
    }
  }

  /**
   * Entries of the kernel's LRU table of queries sent on unconnected UDP sockets (dns.bpf.c,
   * {@code udp_queries}): twice {@code max_pending}, so that an entry still awaited is in practice
   * evicted only after the reader has evicted its query; at least 4096, at most 1M (about 100
   * bytes each, preallocated).
   */
  int udpQueriesTableSize() {
    return (int) Math.min(Math.max(2L * maxPending, 4096), 1 << 20);
  }

  /** The program's read-only config struct (tapio.h, struct tapio_dns_config). */
  byte[] kernelConfig() {
    ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < PORTS_MAX; i++) {
      b.putShort((short) (i < ports.size() ? ports.get(i) : 0));
    }
    b.putInt(sampling).putInt(0).putLong(wakeupBytes);
    return b.array();
  }
}
