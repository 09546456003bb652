package dev.tapio.bpf.receiver;

import dev.tapio.bpf.receiver.CgroupAttribution.Attribution;

/**
 * A short-lived, direct-mapped cache of attributions by (pid, cgroup id) in front of {@link
 * CgroupAttribution}, which caches by cgroup id only when the cgroup v2 line decided (on v1 and
 * hybrid hosts it re-reads {@code /proc/<pid>/cgroup} for every record — a busy connection
 * owner would cost a file read per record). Entries live {@link #TTL_NANOS} so that a process
 * moved to another v1 cgroup, or a reused pid, is read again soon. Allocation-free.
 *
 * <p>Single thread: the receiver's poll thread.
 */
public final class PidAttributionCache {
  public static final long TTL_NANOS = 1_000_000_000L;
  private static final int SLOTS = 256;

  private final CgroupAttribution attribution;
  private final int[] pids = new int[SLOTS];
  private final long[] cgroups = new long[SLOTS];
  private final long[] expires = new long[SLOTS];
  private final Attribution[] values = new Attribution[SLOTS];

  public PidAttributionCache(CgroupAttribution attribution) {
    this.attribution = attribution;
  }

  /** The attribution of {@code pid} at {@code nowNanos} ({@link System#nanoTime()}). */
  public Attribution forPid(int pid, long cgroupId, long nowNanos) {
    int slot = (pid * 0x9E3779B1) >>> 24;
    Attribution a = values[slot];
    if (a != null && pids[slot] == pid && cgroups[slot] == cgroupId
        && nowNanos - expires[slot] < 0) {
      return a;
    }
    a = attribution.forPid(pid, cgroupId);
    if (!a.isEmpty()) { // a process already gone is not remembered
      values[slot] = a;
      pids[slot] = pid;
      cgroups[slot] = cgroupId;
      expires[slot] = nowNanos + TTL_NANOS;
    }
    return a;
  }
}
