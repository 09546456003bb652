package dev.tapio.bpf.receiver;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfMap;
import dev.tapio.component.ComponentContext;
import java.util.List;

/**
 * Turns a program's per-CPU drop counter array (slot = event type × reasons-per-type + reason,
 * as in tapio.h) into {@code tapio_events_dropped_total{program, reason}} counters by adding
 * what changed since the last read. Single thread: the poll thread.
 */
public final class KernelDrops {
  /** The drop reasons of tapio.h, in slot order. */
  public static final List<String> REASONS = List.of("ring_buffer_full", "sampled", "filtered",
      "aggregated");
  private static final int REASONS_PER_TYPE = 4;

  private final BpfMap map;
  private final long[] now;
  private final long[] reported;
  private final ComponentContext.Counter[] counters;

  /**
   * @param programs the program label per event type index (null or "" for unused types)
   */
  public KernelDrops(BpfMap map, ComponentContext context, String[] programs) {
    this.map = map;
    int slots = programs.length * REASONS_PER_TYPE;
    this.now = new long[slots];
    this.reported = new long[slots];
    this.counters = new ComponentContext.Counter[slots];
    for (int type = 0; type < programs.length; type++) {
      if (programs[type] == null || programs[type].isEmpty()) {
        continue;
      }
      for (int r = 0; r < REASONS.size(); r++) {
        counters[type * REASONS_PER_TYPE + r] = context.counter("tapio_events_dropped",
            "Events dropped in the kernel, by program and reason.", "program", programs[type],
            "reason", REASONS.get(r));
      }
    }
  }

  /** Reads the kernel counters and adds what changed to the metrics. */
  public void update() throws BpfException {
    map.sumPerCpuU64(now);
    for (int i = 0; i < now.length; i++) {
      long delta = now[i] - reported[i];
      if (delta > 0 && counters[i] != null) {
        counters[i].add(delta);
        reported[i] = now[i];
      }
    }
  }

  /** Drops counted so far for an event type index and reason index. */
  public long dropped(int type, int reason) {
    return reported[type * REASONS_PER_TYPE + reason];
  }
}
