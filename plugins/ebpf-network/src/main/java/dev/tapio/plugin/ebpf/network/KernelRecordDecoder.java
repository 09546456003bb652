package dev.tapio.plugin.ebpf.network;

import static dev.tapio.plugin.ebpf.network.NetworkEvents.AGGREGATE;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_BYTES_RECEIVED;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_BYTES_SENT;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_CGROUP_ID;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_COUNT;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_DIRECTION;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_DURATION;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_ERROR_TYPE;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_EXECUTABLE_NAME;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_FLOW_END;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_PACKETS_RECEIVED;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_PACKETS_SENT;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_LOCAL_ADDRESS;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_LOCAL_PORT;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_PEER_ADDRESS;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_PEER_PORT;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_PID;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_RESET;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_RETRANSMITS;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_SRTT_US;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_TRANSPORT;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_TYPE;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ATTR_WINDOW;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.CLOSE;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.FAILED;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.FLOW;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.INBOUND;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.OPEN;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.OUTBOUND;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.SCOPE_NAME;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.errorType;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ipv4;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.ipv6;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.isV4Mapped;
import static dev.tapio.plugin.ebpf.network.NetworkEvents.resetDirection;

import dev.tapio.bpf.BpfMap;
import dev.tapio.bpf.receiver.BatchDecoder;
import dev.tapio.bpf.receiver.CgroupAttribution;
import dev.tapio.bpf.receiver.PidAttributionCache;
import dev.tapio.bpf.receiver.TextCache;
import dev.tapio.component.ComponentContext;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Decodes the network program's records (struct tapio_header + struct tapio_network_conn,
 * bpf/src/main/bpf/tapio.h) in place from the mapped ring into log records, applying the CIDR
 * filters the kernel does not (each rejected record counted as {@code filtered}), and, once per
 * aggregation window, the kernel's aggregates (see {@link KernelAggregates}) into {@code
 * network.connection.aggregate} records. Scratch buffers are reused; strings and pdata objects
 * are the only per-record allocations.
 *
 * <p>Single thread: the receiver's poll thread.
 */
final class KernelRecordDecoder implements BatchDecoder {
  static final int TYPE_OPEN = 1;
  static final int TYPE_CLOSE = 2;
  static final int TYPE_FAILED = 3;
  // struct tapio_header
  private static final long TYPE = 8;
  private static final long PID = 16;
  private static final long CGROUP = 40;
  private static final long H = 48;
  // struct tapio_network_conn, after the header
  private static final long START = H;
  private static final long BYTES_SENT = H + 8;
  private static final long BYTES_RECEIVED = H + 16;
  private static final long RETRANSMITS = H + 24;
  private static final long SRTT = H + 28;
  private static final long SADDR = H + 32;
  private static final long DADDR = H + 48;
  private static final long SPORT = H + 64;
  private static final long DPORT = H + 66;
  private static final long FAMILY = H + 68;
  private static final long DIRECTION = H + 70;
  private static final long OWNER_KNOWN = H + 71;
  private static final long SK_ERR = H + 72;
  private static final long RESET = H + 76;
  private static final long COMM = H + 80;
  static final long RECORD = H + 96;
  private static final int AF_INET = 2;

  private final ComponentContext context;
  private final PidAttributionCache attribution;
  private final long bootToUnixNanos;
  private final Cidr[] include;
  private final Cidr[] exclude;
  private final byte[] addr = new byte[32];
  private final byte[] comm = new byte[16];
  private final StringBuilder text = new StringBuilder(48);
  /** Addresses (4 or 16 bytes) and comms repeat from record to record: formatted once each. */
  private final TextCache addresses =
      new TextCache(256, (b, at, len) -> len == 4 ? ipv4(b, at, text) : ipv6(b, at, text));
  private final TextCache comms =
      new TextCache(256, (b, at, len) -> new String(b, at, len, StandardCharsets.UTF_8));
  private final long aggregationWindowNanos;
  private final long udpIdleNanos;
  private final AtomicLong udpEvicted;
  private KernelAggregates aggregates;
  private UdpFlows udpFlows;
  private Logs logs;
  private ScopeLogs scope;
  private long malformed;

  /**
   * @param aggregationWindowNanos how often the kernel's aggregates are read; 0 when
   *     aggregation is off
   * @param udpIdleNanos idle time after which a UDP flow is reported; 0 when UDP flows are off
   * @param udpEvicted where the UDP flows lost to LRU evictions are counted
   */
  KernelRecordDecoder(ComponentContext context, CgroupAttribution attribution,
      long bootToUnixNanos, Cidr[] include, Cidr[] exclude, long aggregationWindowNanos,
      long udpIdleNanos, AtomicLong udpEvicted) {
    this.udpIdleNanos = udpIdleNanos;
    this.udpEvicted = udpEvicted;
    this.context = context;
    context.dropped(0, "filtered"); // the series exists from the start
    this.attribution = new PidAttributionCache(attribution);
    this.bootToUnixNanos = bootToUnixNanos;
    this.include = include;
    this.exclude = exclude;
    this.aggregationWindowNanos = aggregationWindowNanos;
  }

  @Override
  public void bind(Function<String, BpfMap> maps) {
    if (aggregationWindowNanos > 0) {
      aggregates = new KernelAggregates(context, maps.apply("aggregates"),
          maps.apply("agg_gen"), aggregationWindowNanos);
    }
    if (udpIdleNanos > 0) {
      udpFlows = new UdpFlows(context, maps.apply("udp_flows"), maps.apply("udp_stats"),
          udpIdleNanos, udpEvicted, bootToUnixNanos);
    }
  }

  @Override
  public boolean afterDrain(boolean last) {
    if (aggregates != null) {
      aggregates.tick(last, this);
    }
    if (udpFlows != null) {
      udpFlows.tick(last, this);
    }
    return logs != null;
  }

  /**
   * Appends one aggregate record from a key and value of the kernel's table (the CIDR filters
   * apply: a rejected aggregate counts its connections as {@code filtered}).
   */
  void appendAggregate(MemorySegment k, MemorySegment v, long timeUnixNanos, double window) {
    long count = v.get(ValueLayout.JAVA_LONG, KernelAggregates.V_COUNT);
    MemorySegment.copy(k, ValueLayout.JAVA_BYTE, KernelAggregates.K_ADDR, addr, 16, 16);
    boolean v4 = k.get(ValueLayout.JAVA_SHORT, KernelAggregates.K_FAMILY) == AF_INET;
    int peer = 16;
    int len = 16;
    if (v4) {
      len = 4;
    } else if (isV4Mapped(addr, 16)) {
      v4 = true;
      len = 4;
      peer = 28;
    }
    if (!cidrsAllow(peer, len)) {
      context.dropped(count, "filtered");
      return;
    }
    int direction = k.get(ValueLayout.JAVA_BYTE, KernelAggregates.K_DIRECTION);
    int port = Short.toUnsignedInt(k.get(ValueLayout.JAVA_SHORT, KernelAggregates.K_PORT));
    LogRecord r = append();
    r.setTimeUnixNano(timeUnixNanos);
    r.setSeverity(Severity.INFO);
    r.setEventName(AGGREGATE);
    Attributes a = r.attributes();
    // The service port: the peer's for outbound connections, ours for inbound ones.
    if (direction == 2) {
      a.appendString(ATTR_DIRECTION, INBOUND);
      a.appendLong(ATTR_LOCAL_PORT, port);
    } else {
      a.appendString(ATTR_DIRECTION, OUTBOUND);
      a.appendLong(ATTR_PEER_PORT, port);
    }
    a.appendString(ATTR_PEER_ADDRESS, addresses.text(addr, peer, len));
    a.appendString(ATTR_TRANSPORT, "tcp");
    a.appendString(ATTR_TYPE, v4 ? "ipv4" : "ipv6");
    a.appendLong(ATTR_COUNT, count);
    a.appendLong(ATTR_BYTES_SENT, v.get(ValueLayout.JAVA_LONG, KernelAggregates.V_SENT));
    a.appendLong(ATTR_BYTES_RECEIVED, v.get(ValueLayout.JAVA_LONG, KernelAggregates.V_RECEIVED));
    a.appendDouble(ATTR_DURATION, count == 0 ? 0
        : v.get(ValueLayout.JAVA_LONG, KernelAggregates.V_DURATION) / 1e9 / count);
    a.appendLong(ATTR_RETRANSMITS, v.get(ValueLayout.JAVA_LONG, KernelAggregates.V_RETRANSMITS));
    a.appendDouble(ATTR_WINDOW, window);
    int pid = k.get(ValueLayout.JAVA_INT, KernelAggregates.K_PID);
    if (pid != 0) {
      long cgroup = v.get(ValueLayout.JAVA_LONG, KernelAggregates.V_CGROUP);
      a.appendLong(ATTR_PID, pid);
      a.appendString(ATTR_EXECUTABLE_NAME, comm(v, KernelAggregates.V_COMM));
      if (cgroup != 0) {
        a.appendLong(ATTR_CGROUP_ID, cgroup);
      }
      NetworkEvents.attribution(a, attribution.forPid(pid, cgroup, System.nanoTime()));
    }
  }

  /**
   * Appends one {@code network.flow} record from a key and value of the kernel's UDP flow table
   * (the CIDR filters apply to the peer: a rejected flow counts as {@code filtered}).
   */
  void appendFlow(MemorySegment k, MemorySegment v, long timeUnixNanos, boolean shutdown) {
    MemorySegment.copy(v, ValueLayout.JAVA_BYTE, UdpFlows.V_LOCAL_ADDR, addr, 0, 16);
    MemorySegment.copy(k, ValueLayout.JAVA_BYTE, UdpFlows.K_PEER_ADDR, addr, 16, 16);
    boolean v4 = k.get(ValueLayout.JAVA_SHORT, UdpFlows.K_FAMILY) == AF_INET;
    int peer = 16;
    int len = 16;
    if (v4) {
      len = 4;
    } else if (isV4Mapped(addr, 16)) {
      v4 = true;
      len = 4;
      peer = 28;
    }
    if (!cidrsAllow(peer, len)) {
      context.dropped(1, "filtered");
      return;
    }
    String local;
    if (!v4) {
      local = addresses.text(addr, 0, 16);
    } else if (isV4Mapped(addr, 0)) {
      local = addresses.text(addr, 12, 4);
    } else {
      // An IPv4 socket's address, or the :: of an unbound dual-stack one (all zero: 0.0.0.0).
      boolean v6Form = false;
      for (int i = 4; i < 16; i++) {
        v6Form |= addr[i] != 0;
      }
      local = addresses.text(addr, 0, v6Form ? 16 : 4);
    }
    long first = v.get(ValueLayout.JAVA_LONG, UdpFlows.V_FIRST);
    long lastSeen = v.get(ValueLayout.JAVA_LONG, UdpFlows.V_LAST);
    LogRecord r = append();
    r.setTimeUnixNano(lastSeen + bootToUnixNanos);
    r.setObservedTimeUnixNano(timeUnixNanos);
    r.setSeverity(Severity.INFO);
    r.setEventName(FLOW);
    Attributes a = r.attributes();
    a.appendString(ATTR_LOCAL_ADDRESS, local);
    a.appendLong(ATTR_LOCAL_PORT, Short.toUnsignedInt(v.get(ValueLayout.JAVA_SHORT,
        UdpFlows.V_LOCAL_PORT)));
    a.appendString(ATTR_PEER_ADDRESS, addresses.text(addr, peer, len));
    a.appendLong(ATTR_PEER_PORT, Short.toUnsignedInt(k.get(ValueLayout.JAVA_SHORT,
        UdpFlows.K_PEER_PORT)));
    a.appendString(ATTR_TRANSPORT, "udp");
    a.appendString(ATTR_TYPE, v4 ? "ipv4" : "ipv6");
    a.appendLong(ATTR_BYTES_SENT, v.get(ValueLayout.JAVA_LONG, UdpFlows.V_BYTES_SENT));
    a.appendLong(ATTR_BYTES_RECEIVED, v.get(ValueLayout.JAVA_LONG, UdpFlows.V_BYTES_RECEIVED));
    a.appendLong(ATTR_PACKETS_SENT, v.get(ValueLayout.JAVA_LONG, UdpFlows.V_PACKETS_SENT));
    a.appendLong(ATTR_PACKETS_RECEIVED, v.get(ValueLayout.JAVA_LONG,
        UdpFlows.V_PACKETS_RECEIVED));
    a.appendDouble(ATTR_DURATION, Math.max(0, lastSeen - first) / 1e9);
    a.appendString(ATTR_FLOW_END, shutdown ? "shutdown" : "idle");
    int pid = k.get(ValueLayout.JAVA_INT, UdpFlows.K_PID);
    long cgroup = v.get(ValueLayout.JAVA_LONG, UdpFlows.V_CGROUP);
    a.appendLong(ATTR_PID, pid);
    a.appendString(ATTR_EXECUTABLE_NAME, comm(v, UdpFlows.V_COMM));
    if (cgroup != 0) {
      a.appendLong(ATTR_CGROUP_ID, cgroup);
    }
    NetworkEvents.attribution(a, attribution.forPid(pid, cgroup, System.nanoTime()));
  }

  @Override
  public void onRecord(MemorySegment d, long at, int length) {
    if (length < RECORD) {
      malformed++;
      return;
    }
    int type = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + TYPE);
    if (type < TYPE_OPEN || type > TYPE_FAILED) {
      malformed++;
      return;
    }
    MemorySegment.copy(d, ValueLayout.JAVA_BYTE, at + SADDR, addr, 0, 32);
    boolean v4 = d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + FAMILY) == AF_INET;
    // Dual-stack sockets carry IPv4 peers as ::ffff:a.b.c.d: report them as the IPv4 they are.
    int local = 0;
    int peer = 16;
    int len = 16;
    if (v4) {
      len = 4;
    } else if (isV4Mapped(addr, 0) && isV4Mapped(addr, 16)) {
      v4 = true;
      len = 4;
      local = 12;
      peer = 28;
    }
    if (!cidrsAllow(peer, len)) {
      context.dropped(1, "filtered");
      return;
    }
    long ktime = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
    int pid = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + PID);
    long cgroup = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + CGROUP);
    long start = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + START);
    boolean ownerKnown = d.get(ValueLayout.JAVA_BYTE, at + OWNER_KNOWN) != 0;
    int direction = d.get(ValueLayout.JAVA_BYTE, at + DIRECTION);

    LogRecord r = append();
    r.setTimeUnixNano(ktime + bootToUnixNanos);
    r.setSeverity(type == TYPE_FAILED ? Severity.WARN : Severity.INFO);
    r.setEventName(type == TYPE_OPEN ? OPEN : type == TYPE_CLOSE ? CLOSE : FAILED);
    Attributes a = r.attributes();
    // At most 13, and 8 more for the owner (pid, name, cgroup id and 5 of attribution).
    a.ensureCapacity(ownerKnown ? 21 : 13);
    if (direction == 1) {
      a.appendString(ATTR_DIRECTION, OUTBOUND);
    } else if (direction == 2) {
      a.appendString(ATTR_DIRECTION, INBOUND);
    }
    a.appendString(ATTR_LOCAL_ADDRESS, addresses.text(addr, local, len));
    a.appendLong(ATTR_LOCAL_PORT, Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED,
        at + SPORT)));
    a.appendString(ATTR_PEER_ADDRESS, addresses.text(addr, peer, len));
    a.appendLong(ATTR_PEER_PORT, Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED,
        at + DPORT)));
    a.appendString(ATTR_TRANSPORT, "tcp");
    a.appendString(ATTR_TYPE, v4 ? "ipv4" : "ipv6");
    int reset = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + RESET);
    if (type == TYPE_CLOSE) {
      if (start != 0) {
        a.appendDouble(ATTR_DURATION, (ktime - start) / 1e9);
      }
      a.appendLong(ATTR_BYTES_SENT, d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + BYTES_SENT));
      a.appendLong(ATTR_BYTES_RECEIVED, d.get(ValueLayout.JAVA_LONG_UNALIGNED,
          at + BYTES_RECEIVED));
      a.appendLong(ATTR_RETRANSMITS, Integer.toUnsignedLong(d.get(ValueLayout.JAVA_INT_UNALIGNED,
          at + RETRANSMITS)));
      a.appendLong(ATTR_SRTT_US, Integer.toUnsignedLong(d.get(ValueLayout.JAVA_INT_UNALIGNED,
          at + SRTT)));
    } else if (type == TYPE_FAILED) {
      if (start != 0) {
        a.appendDouble(ATTR_DURATION, (ktime - start) / 1e9);
      }
      a.appendString(ATTR_ERROR_TYPE, errorType(d.get(ValueLayout.JAVA_INT_UNALIGNED, at + SK_ERR),
          reset));
    }
    String resetDirection = resetDirection(reset);
    if (resetDirection != null) {
      a.appendString(ATTR_RESET, resetDirection);
    }
    if (ownerKnown) {
      a.appendLong(ATTR_PID, pid);
      a.appendString(ATTR_EXECUTABLE_NAME, comm(d, at + COMM));
      if (cgroup != 0) {
        a.appendLong(ATTR_CGROUP_ID, cgroup);
      }
      NetworkEvents.attribution(a, attribution.forPid(pid, cgroup, System.nanoTime()));
    }
  }

  private boolean cidrsAllow(int peer, int len) {
    if (include.length > 0) {
      boolean any = false;
      for (Cidr c : include) {
        if (c.contains(addr, peer, len)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    for (Cidr c : exclude) {
      if (c.contains(addr, peer, len)) {
        return false;
      }
    }
    return true;
  }

  private LogRecord append() {
    if (logs == null) {
      logs = new Logs();
      ResourceLogs rl = logs.resourceLogs().appendEmpty();
      scope = rl.scopeLogs().appendEmpty();
      scope.scope().setName(SCOPE_NAME);
    }
    return scope.logRecords().appendEmpty();
  }

  @Override
  public Logs take() {
    Logs out = logs;
    logs = null;
    scope = null;
    return out;
  }

  long malformed() {
    return malformed;
  }

  private String comm(MemorySegment d, long at) {
    int len = 0;
    while (len < 16) {
      byte b = d.get(ValueLayout.JAVA_BYTE, at + len);
      if (b == 0) {
        break;
      }
      comm[len++] = b;
    }
    return comms.text(comm, 0, len);
  }
}
