package dev.tapio.plugin.ebpf.security;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfMap;
import dev.tapio.component.ComponentContext;

/**
 * The program's per-CPU {@code rule_stats} array (row per rule: matched, emitted, rate limited,
 * filtered, ring full; tapio.h enum tapio_security_stat) as counters: {@code
 * tapio_security_rule_matched{rule}}, {@code tapio_security_rule_emitted{rule}} and {@code
 * tapio_events_dropped{program=security_<rule>, reason=rate_limited|filtered|ring_buffer_full}},
 * each advanced by what changed since the last read. Events the reader filters (allowed
 * fileless names) are added to {@code filtered} as well.
 *
 * <p>Single thread: the poll thread ({@link #bind} before polling starts).
 */
final class RuleStats {
  static final int MATCHED = 0;
  static final int EMITTED = 1;
  static final int RATE_LIMITED = 2;
  static final int FILTERED = 3;
  static final int RING_FULL = 4;
  private static final int COLUMNS = 5;
  private static final int RULES = SecurityRule.KERNEL_RULES; // the map's rows

  private final long[] now = new long[RULES * COLUMNS];
  private final long[] reported = new long[RULES * COLUMNS];
  private final long[] inReader = new long[RULES];
  private final ComponentContext.Counter[] counters = new ComponentContext.Counter[RULES * COLUMNS];
  private BpfMap map;

  RuleStats(ComponentContext context) {
    for (SecurityRule rule : SecurityRule.values()) {
      int row = rule.ordinal() * COLUMNS;
      counters[row + MATCHED] = context.counter("tapio_security_rule_matched",
          "Events whose rule condition held in the kernel, before filters and limits.", "rule",
          rule.key());
      counters[row + EMITTED] = context.counter("tapio_security_rule_emitted",
          "Events of a rule written to the ring buffer.", "rule", rule.key());
      counters[row + RATE_LIMITED] = dropped(context, rule, "rate_limited");
      counters[row + FILTERED] = dropped(context, rule, "filtered");
      counters[row + RING_FULL] = dropped(context, rule, "ring_buffer_full");
    }
  }

  private static ComponentContext.Counter dropped(ComponentContext context, SecurityRule rule,
      String reason) {
    return context.counter("tapio_events_dropped",
        "Events dropped in the kernel, by program and reason.", "program", rule.label(),
        "reason", reason);
  }

  void bind(BpfMap map) {
    this.map = map;
  }

  void filteredInReader(SecurityRule rule) {
    inReader[rule.ordinal()]++;
    counters[rule.ordinal() * COLUMNS + FILTERED].add(1);
  }

  /** Reads the kernel's counters and adds what changed. */
  void update() throws BpfException {
    if (map == null) {
      return;
    }
    map.sumPerCpuU64(now);
    for (int i = 0; i < now.length; i++) {
      long delta = now[i] - reported[i];
      if (delta > 0 && counters[i] != null) {
        counters[i].add(delta);
        reported[i] = now[i];
      }
    }
  }

  /**
   * A column's count as last read (kernel) plus, for {@link #FILTERED}, the reader's; for
   * tests and gauges read on the poll thread or after it stopped.
   */
  long value(SecurityRule rule, int column) {
    long v = reported[rule.ordinal() * COLUMNS + column];
    return column == FILTERED ? v + inReader[rule.ordinal()] : v;
  }
}
