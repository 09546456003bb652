package dev.tapio.bpf.receiver;

/**
 * How an eBPF receiver's kernel program decides to wake the reader (the {@code wakeup_policy}
 * key of every eBPF receiver).
 */
public enum Wakeup {
  /**
   * The threshold follows the measured rate ({@link WakeupPolicy}): few wake-ups at low rates,
   * one per 0.75 ms from 100k events/s; {@code wakeup_bytes} applies while idle.
   */
  ADAPTIVE,
  /** Always {@code wakeup_bytes}: a wake-up per that many pending bytes, whatever the rate. */
  FIXED
}
