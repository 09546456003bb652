package dev.tapio.plugin.ebpf.network;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfMap;
import dev.tapio.component.ComponentContext;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;

/**
 * Reads the network program's in-kernel aggregates (map {@code aggregates}, struct
 * tapio_network_agg_key / tapio_network_agg of tapio.h) once per window. Folds go to the
 * generation named in {@code agg_gen}; each window this drains the generation retired one window
 * earlier (no program can still be adding to it, so every fold is read exactly once: a hash
 * entry deleted while a program adds to it would lose that addition) and then retires the
 * current one by flipping {@code agg_gen}. A record therefore covers one window and appears up
 * to two windows after its first connection.
 *
 * <p>Single thread: the receiver's poll thread (created on the lifecycle thread, before the poll
 * thread starts).
 */
final class KernelAggregates {
  static final long KEY_SIZE = 32;
  static final long VALUE_SIZE = 64;
  // struct tapio_network_agg_key
  static final long K_PID = 0;
  static final long K_PORT = 4;
  static final long K_FAMILY = 6;
  static final long K_DIRECTION = 8;
  static final long K_GEN = 9;
  static final long K_ADDR = 12;
  // struct tapio_network_agg
  static final long V_COUNT = 0;
  static final long V_SENT = 8;
  static final long V_RECEIVED = 16;
  static final long V_DURATION = 24;
  static final long V_RETRANSMITS = 32;
  static final long V_CGROUP = 40;
  static final long V_COMM = 48;

  private final ComponentContext context;
  private final BpfMap table;
  private final BpfMap generation;
  private final long windowNanos;
  private final int maxSteps;
  private final MemorySegment[] keys = new MemorySegment[2];
  private final MemorySegment value;
  private final long[] startUnixNanos = new long[2];
  private final long[] endUnixNanos = new long[2];
  private int current;
  private long nextTick;

  KernelAggregates(ComponentContext context, BpfMap table, BpfMap generation, long windowNanos) {
    this.context = context;
    this.table = table;
    this.generation = generation;
    this.windowNanos = windowNanos;
    this.maxSteps = 2 * table.maxEntries() + 16;
    Arena arena = Arena.ofAuto(); // read by the poll thread, made on the lifecycle thread
    keys[0] = arena.allocate(KEY_SIZE, 8);
    keys[1] = arena.allocate(KEY_SIZE, 8);
    value = arena.allocate(VALUE_SIZE, 8);
    startUnixNanos[0] = unixNanos();
    nextTick = System.nanoTime() + windowNanos;
  }

  /** Once per window (and always when {@code last}), drains retired aggregates into {@code out}. */
  void tick(boolean last, KernelRecordDecoder out) {
    long now = System.nanoTime();
    if (!last && now - nextTick < 0) {
      return;
    }
    nextTick = now + windowNanos;
    try {
      drain(current ^ 1, out);
      long at = unixNanos();
      generation.putU32(0, current ^ 1);
      endUnixNanos[current] = at;
      current ^= 1;
      startUnixNanos[current] = at;
      if (last) {
        // Stopping: programs are still attached; let folds in flight into the generation just
        // retired finish, then read both (the current one at a small risk of missing a fold
        // that races the read: nothing reads it later anyway).
        Thread.sleep(5);
        drain(current ^ 1, out);
        endUnixNanos[current] = unixNanos();
        drain(current, out);
      }
    } catch (BpfException e) {
      context.logger().log(Level.WARNING, "cannot read the kernel's connection aggregates: "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain(int gen, KernelRecordDecoder out) throws BpfException {
    long end = endUnixNanos[gen];
    double window = Math.max(0, end - startUnixNanos[gen]) / 1e9;
    MemorySegment k = keys[0];
    MemorySegment next = keys[1];
    boolean has = table.nextKey(MemorySegment.NULL, k);
    for (int steps = 0; has && steps < maxSteps; steps++) {
      // Find the successor before deleting: iteration continues from a key that still exists.
      has = table.nextKey(k, next);
      if (k.get(ValueLayout.JAVA_BYTE, K_GEN) == gen && table.lookup(k, value)) {
        table.delete(k);
        out.appendAggregate(k, value, end, window);
      }
      MemorySegment t = k;
      k = next;
      next = t;
    }
  }

  private static long unixNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
