package dev.tapio.plugin.ebpf.network;

import dev.tapio.bpf.receiver.Wakeup;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the {@code ebpf_network} receiver.
 *
 * @param ringBufferSize bytes of the kernel ring buffer; a power of two, 4KiB..1GiB
 * @param portsInclude only connections whose local or peer port is listed (empty = all; at
 *     most 8), applied in the kernel
 * @param portsExclude no connection whose local or peer port is listed (at most 8), in the kernel
 * @param cidrsInclude only connections whose peer address is in one of these (empty = all),
 *     applied in the receiver after the kernel: counted as {@code filtered}
 * @param cidrsExclude no connection whose peer address is in one of these, in the receiver
 * @param loopback whether connections with a loopback end are reported (in the kernel)
 * @param openSampleEvery keep 1 in N open records, in the kernel
 * @param closeSampleEvery keep 1 in N close records
 * @param failedSampleEvery keep 1 in N failed records
 * @param socketTableSize entries of the kernel's per-socket owner table (LRU); a power of two,
 *     4096..4Mi
 * @param pollTimeout longest wait before pending records are read: the latency bound
 * @param wakeupBytes pending bytes at which the kernel wakes the reader early
 * @param wakeupPolicy {@code adaptive}: the wake-up threshold follows the measured rate
 *     (wakeup_bytes while idle); {@code fixed}: always wakeup_bytes
 * @param fallback what to do when the programs cannot load
 * @param cacheSize cgroup attribution cache entries
 * @param aggregation in-kernel aggregation of short-lived connections when the open rate is
 *     too high
 * @param udp optional per-flow UDP accounting
 */
public record EbpfNetworkConfig(
    long ringBufferSize,
    List<String> portsInclude,
    List<String> portsExclude,
    List<String> cidrsInclude,
    List<String> cidrsExclude,
    boolean loopback,
    int openSampleEvery,
    int closeSampleEvery,
    int failedSampleEvery,
    int socketTableSize,
    Duration pollTimeout,
    long wakeupBytes,
    Wakeup wakeupPolicy,
    Fallback fallback,
    int cacheSize,
    Aggregation aggregation,
    Udp udp) implements ComponentConfig {

  /**
   * Per-flow UDP accounting (off by default): datagrams and bytes each way per (process, socket,
   * peer), counted in the kernel at the send/receive syscalls and reported as a {@code
   * network.flow} record once the flow has been idle for {@code idleTimeout} (and at shutdown).
   * When off, the UDP programs are not loaded.
   *
   * @param enabled whether to load the UDP programs
   * @param idleTimeout a flow with no datagram for this long is reported and forgotten
   * @param tableSize entries of the kernel's flow table (LRU; evictions are counted in {@code
   *     tapio_ebpf_network_udp_flows_evicted})
   */
  public record Udp(boolean enabled, Duration idleTimeout, int tableSize) {}

  /**
   * In-kernel aggregation. Once a CPU has seen {@code thresholdPerSecond} opens in the current
   * second, the open record of each further connection is held back; if that connection closes
   * within {@code shortLived} it is folded into an aggregate per (owner, peer address, service
   * port, direction) instead of producing open and close records (both counted as {@code
   * aggregated}); otherwise its open (with its original time) and close are emitted at close.
   * Aggregates are read every {@code window} as {@code network.connection.aggregate} records.
   *
   * @param enabled whether to aggregate at all
   * @param thresholdPerSecond opens per second <em>per CPU</em> reported individually
   * @param shortLived longest lifetime of a connection that is folded
   * @param window how often aggregates are read and emitted (a record covers one window and
   *     appears one window later)
   * @param tableSize entries of the kernel's aggregate table; when it is full, connections are
   *     reported individually and counted in {@code tapio_ebpf_network_aggregate_table_full}
   */
  public record Aggregation(boolean enabled, int thresholdPerSecond, Duration shortLived,
      Duration window, int tableSize) {}

  /**
   * {@code degraded}: when eBPF cannot load, report degraded on /readyz and emit nothing (there is
   * no lower-fidelity source of connection events); {@code none}: fail the start.
   */
  public enum Fallback {
    DEGRADED,
    NONE
  }

  /** Ports per kernel list (tapio.h TAPIO_NETWORK_PORTS). */
  static final int PORTS = 8;

  public EbpfNetworkConfig {
    portsInclude = List.copyOf(portsInclude);
    portsExclude = List.copyOf(portsExclude);
    cidrsInclude = List.copyOf(cidrsInclude);
    cidrsExclude = List.copyOf(cidrsExclude);
  }

  static EbpfNetworkConfig defaults() {
    return new EbpfNetworkConfig(1 << 20, List.of(), List.of(), List.of(), List.of(), true, 1, 1,
        1, 65536, Duration.ofMillis(50), 4096, Wakeup.ADAPTIVE, Fallback.DEGRADED, 4096,
        new Aggregation(true, 5000, Duration.ofSeconds(1), Duration.ofSeconds(10), 16384),
        new Udp(false, Duration.ofSeconds(30), 16384));
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (ringBufferSize < 4096 || Long.bitCount(ringBufferSize) != 1
        || ringBufferSize > (1L << 30)) {
      problems.error("ring_buffer_size", "must be a power of two between 4KiB and 1GiB, got "
          + ringBufferSize);
    }
    ports(problems, "ports.include", portsInclude);
    ports(problems, "ports.exclude", portsExclude);
    cidrs(problems, "cidrs.include", cidrsInclude);
    cidrs(problems, "cidrs.exclude", cidrsExclude);
    positive(problems, "sampling.open", openSampleEvery);
    positive(problems, "sampling.close", closeSampleEvery);
    positive(problems, "sampling.failed", failedSampleEvery);
    if (socketTableSize < 4096 || Integer.bitCount(socketTableSize) != 1
        || socketTableSize > (1 << 22)) {
      problems.error("socket_table_size", "must be a power of two between 4096 and 4194304, got "
          + socketTableSize);
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
    if (aggregation.thresholdPerSecond() < 1) {
      problems.error("aggregation.threshold_per_second", "must be at least 1, got "
          + aggregation.thresholdPerSecond());
    }
    if (aggregation.shortLived().isNegative() || aggregation.shortLived().isZero()) {
      problems.error("aggregation.short_lived", "must be positive, got "
          + aggregation.shortLived());
    }
    if (aggregation.window().toMillis() < 10 || aggregation.window().toMinutes() > 60) {
      problems.error("aggregation.window", "must be between 10ms and 1h, got "
          + aggregation.window());
    }
    if (aggregation.tableSize() < 16 || aggregation.tableSize() > (1 << 22)) {
      problems.error("aggregation.table_size", "must be between 16 and 4194304, got "
          + aggregation.tableSize());
    }
    if (udp.idleTimeout().toMillis() < 10 || udp.idleTimeout().toMinutes() > 60) {
      problems.error("udp.idle_timeout", "must be between 10ms and 1h, got "
          + udp.idleTimeout());
    }
    if (udp.tableSize() < 16 || udp.tableSize() > (1 << 22)) {
      problems.error("udp.table_size", "must be between 16 and 4194304, got "
          + udp.tableSize());
    }
  }

  private static void ports(ConfigProblems problems, String key, List<String> ports) {
    if (ports.size() > PORTS) {
      problems.error(key, "at most " + PORTS + " ports, got " + ports.size());
    }
    for (String p : ports) {
      if (port(p) < 0) {
        problems.error(key, "not a port between 1 and 65535: " + p);
      }
    }
  }

  private static void cidrs(ConfigProblems problems, String key, List<String> cidrs) {
    for (String c : cidrs) {
      try {
        Cidr.parse(c);
      } catch (IllegalArgumentException e) {
        problems.error(key, e.getMessage());
      }
    }
  }

  private static void positive(ConfigProblems problems, String key, int value) {
    if (value < 1) {
      problems.error(key, "must be at least 1 (1 keeps every event), got " + value);
    }
  }

  /** The port, or -1 when {@code s} is not one. */
  static int port(String s) {
    try {
      int p = Integer.parseInt(s.strip());
      return p >= 1 && p <= 65535 ? p : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The program's read-only config struct (tapio.h, struct tapio_network_config). */
  byte[] kernelConfig() {
    ByteBuffer b = ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(openSampleEvery).putInt(closeSampleEvery).putInt(failedSampleEvery)
        .putInt(loopback ? 1 : 0).putLong(wakeupBytes);
    putPorts(b, portsInclude);
    putPorts(b, portsExclude);
    b.putInt(aggregation.enabled() ? aggregation.thresholdPerSecond() : 0).putInt(0)
        .putLong(aggregation.shortLived().toNanos());
    return b.array();
  }

  private static void putPorts(ByteBuffer b, List<String> ports) {
    for (int i = 0; i < PORTS; i++) {
      b.putShort(i < ports.size() ? (short) port(ports.get(i)) : 0);
    }
  }
}
