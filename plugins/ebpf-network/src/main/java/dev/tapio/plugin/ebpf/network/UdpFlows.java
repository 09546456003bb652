package dev.tapio.plugin.ebpf.network;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfMap;
import dev.tapio.bpf.libc.Libc;
import dev.tapio.component.ComponentContext;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scans the network program's UDP flow table (LRU hash {@code udp_flows}, struct
 * tapio_network_udp_key / tapio_network_udp_flow of tapio.h) every half idle timeout (10ms..5s),
 * and turns each flow idle for longer than the idle timeout, and every flow at shutdown, into a
 * {@code network.flow} record, deleting it from the table. A flow that becomes active again
 * later is a new entry and a new record.
 *
 * <p>The LRU table evicts silently when full; evictions are derived from the program's count of
 * inserted flows: inserted - reported - still in the table, plus the inserts the table refused
 * (a small LRU under pressure finds no free node), kept monotonic in {@code evicted}.
 *
 * <p>Single thread: the receiver's poll thread (created on the lifecycle thread, before the poll
 * thread starts).
 */
final class UdpFlows {
  static final long KEY_SIZE = 32;
  static final long VALUE_SIZE = 96;
  // struct tapio_network_udp_key
  static final long K_PID = 8;
  static final long K_PEER_PORT = 12;
  static final long K_FAMILY = 14;
  static final long K_PEER_ADDR = 16;
  // struct tapio_network_udp_flow
  static final long V_FIRST = 0;
  static final long V_LAST = 8;
  static final long V_BYTES_SENT = 16;
  static final long V_BYTES_RECEIVED = 24;
  static final long V_PACKETS_SENT = 32;
  static final long V_PACKETS_RECEIVED = 40;
  static final long V_CGROUP = 48;
  static final long V_LOCAL_ADDR = 56;
  static final long V_LOCAL_PORT = 72;
  static final long V_COMM = 80;

  private final ComponentContext context;
  private final BpfMap table;
  private final BpfMap stats;
  private final long idleNanos;
  private final long scanNanos;
  private final int maxSteps;
  private final AtomicLong evicted;
  /** The kernel's udp_stats: flows inserted, inserts refused. */
  private final long[] created = new long[2];
  private final MemorySegment[] keys = new MemorySegment[2];
  private final MemorySegment value;
  private final MemorySegment clock;
  private final long bootToUnixNanos;
  private long reported;
  private long nextScan;

  UdpFlows(ComponentContext context, BpfMap table, BpfMap stats, long idleNanos,
      AtomicLong evicted, long bootToUnixNanos) {
    this.context = context;
    this.bootToUnixNanos = bootToUnixNanos;
    this.table = table;
    this.stats = stats;
    this.idleNanos = idleNanos;
    this.scanNanos = Math.clamp(idleNanos / 2, 10_000_000L, 5_000_000_000L);
    this.maxSteps = 2 * table.maxEntries() + 16;
    this.evicted = evicted;
    Arena arena = Arena.ofAuto(); // read by the poll thread, made on the lifecycle thread
    keys[0] = arena.allocate(KEY_SIZE, 8);
    keys[1] = arena.allocate(KEY_SIZE, 8);
    value = arena.allocate(VALUE_SIZE, 8);
    clock = arena.allocate(16, 8);
    nextScan = System.nanoTime() + scanNanos;
  }

  private long bootToUnix(long bootNanos) {
    return bootNanos + bootToUnixNanos;
  }

  /** Every scan interval (and always when {@code last}: then every flow), reports idle flows. */
  void tick(boolean last, KernelRecordDecoder out) {
    long now = System.nanoTime();
    if (!last && now - nextScan < 0) {
      return;
    }
    nextScan = now + scanNanos;
    try {
      // Read before the scan: flows inserted during it are at worst counted as live, never as
      // evicted.
      stats.sumPerCpuU64(created);
      long bootNow = Libc.bootTimeNanos(clock);
      long live = 0;
      MemorySegment k = keys[0];
      MemorySegment next = keys[1];
      boolean has = table.nextKey(MemorySegment.NULL, k);
      for (int steps = 0; has && steps < maxSteps; steps++) {
        // Find the successor before deleting: iteration continues from a key that still exists.
        has = table.nextKey(k, next);
        if (table.lookup(k, value)) {
          long lastSeen = value.get(ValueLayout.JAVA_LONG, V_LAST);
          if (last || bootNow - lastSeen >= idleNanos) {
            if (table.delete(k)) {
              reported++;
              out.appendFlow(k, value, bootToUnix(bootNow), last);
            }
          } else {
            live++;
          }
        }
        MemorySegment t = k;
        k = next;
        next = t;
      }
      // Evicted by the LRU, plus flows it refused to insert at all: both lost to the table.
      long lost = created[0] - reported - live + created[1];
      evicted.accumulateAndGet(lost, Math::max);
    } catch (BpfException e) {
      context.logger().log(Level.WARNING, "cannot read the kernel's UDP flows: "
          + e.getMessage());
    }
  }
}
