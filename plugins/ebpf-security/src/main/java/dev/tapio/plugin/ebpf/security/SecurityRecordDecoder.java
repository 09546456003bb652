package dev.tapio.plugin.ebpf.security;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfMap;
import dev.tapio.bpf.receiver.BatchDecoder;
import dev.tapio.bpf.receiver.CgroupAttribution;
import dev.tapio.bpf.receiver.PidAttributionCache;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Decodes security.bpf.c's records (struct tapio_security in tapio.h) in place from the mapped
 * ring into log records of the batch being built, and turns the program's per-rule statistics
 * into counters. Byte buffers are reused; the strings and pdata objects themselves are the only
 * per-event allocations.
 *
 * <p>Single thread: the receiver's poll thread, except {@link #bind}, called once before
 * polling starts.
 */
final class SecurityRecordDecoder implements BatchDecoder {
  static final String SCOPE_NAME = "dev.tapio.ebpf.security";

  // struct tapio_header
  private static final long PID = 16;
  private static final long PPID = 24;
  private static final long UID = 28;
  private static final long GID = 32;
  private static final long CGROUP = 40;
  // struct tapio_security, after the 48-byte header
  private static final long RULE = 48;
  private static final long KIND = 50;
  private static final long PATH_LEN = 52;
  private static final long EXE_LEN = 54;
  private static final long FLAGS = 56;
  private static final long TARGET_PID = 60;
  private static final long RET = 64;
  private static final long ARG = 72;
  private static final long EUID = 104;
  private static final long EGID = 108;
  private static final long COMM = 112;
  private static final long ARGS_LEN = 128;
  private static final long PATH = 136;
  private static final int ARGS_MAX = 512;
  private static final long EXE = PATH + 256;
  private static final int EXE_SLOT = 48;
  private static final int EXE_MAX = EXE_SLOT * 16;
  private static final int F_OTHER_MNT_NS = 1;
  private static final int F_EXE_TRUNCATED = 4;
  private static final int F_ARGS_TRUNCATED = 8;

  private final PidAttributionCache attribution;
  private final long bootToUnixNanos;
  private final RuleStats stats;
  private final byte[][] fileless;
  private final Consumer<Function<String, BpfMap>> kernelMaps;
  private final byte[] bytes = new byte[EXE_MAX + 64];
  private Logs logs;
  private ScopeLogs scope;
  private long malformed;
  private long nextStatsRead;

  /**
   * @param filelessAllowed names of memfd / deleted files whose exec is not reported (prefixes)
   * @param kernelMaps fills the kernel's filter maps at {@link #bind}
   */
  SecurityRecordDecoder(CgroupAttribution attribution, long bootToUnixNanos, RuleStats stats,
      List<String> filelessAllowed, Consumer<Function<String, BpfMap>> kernelMaps) {
    this.attribution = new PidAttributionCache(attribution);
    this.bootToUnixNanos = bootToUnixNanos;
    this.stats = stats;
    this.fileless = filelessAllowed.stream().map(s -> s.getBytes(StandardCharsets.UTF_8))
        .toArray(byte[][]::new);
    this.kernelMaps = kernelMaps;
  }

  @Override
  public void bind(Function<String, BpfMap> maps) {
    kernelMaps.accept(maps);
    stats.bind(maps.apply("rule_stats"));
  }

  @Override
  public void onRecord(MemorySegment d, long at, int length) {
    if (length < EXE) {
      malformed++;
      return;
    }
    SecurityRule rule = SecurityRule.byId(Short.toUnsignedInt(
        d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + RULE)));
    int pathLen = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + PATH_LEN));
    int exeLen = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + EXE_LEN));
    int argsLen = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + ARGS_LEN));
    if (rule == null || pathLen > 255 || exeLen > EXE_MAX || argsLen > ARGS_MAX
        || EXE + exeLen + argsLen > length) {
      malformed++;
      return;
    }
    if (rule == SecurityRule.FILELESS && allowedFileless(d, at + PATH, pathLen)) {
      stats.filteredInReader(rule);
      return;
    }
    int kind = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + KIND));
    int flags = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + FLAGS);
    int pid = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + PID);
    long cgroup = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + CGROUP);
    long ret = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + RET);
    LogRecord r = append();
    r.setTimeUnixNano(d.get(ValueLayout.JAVA_LONG_UNALIGNED, at) + bootToUnixNanos)
        .setSeverity(rule.severity()).setEventName(rule.eventName());
    Attributes a = r.attributes();
    a.putString(SecurityEvents.RULE_NAME, rule.eventName());
    a.putString(SecurityEvents.RULE_CATEGORY, rule.category());
    a.putLong(SecurityEvents.PID, pid);
    a.putLong(SecurityEvents.PARENT_PID, d.get(ValueLayout.JAVA_INT_UNALIGNED, at + PPID));
    a.putLong(SecurityEvents.USER_ID, u32(d, at + EUID));
    a.putLong(SecurityEvents.REAL_USER_ID, u32(d, at + UID));
    a.putLong(SecurityEvents.GROUP_ID, u32(d, at + EGID));
    a.putLong(SecurityEvents.REAL_GROUP_ID, u32(d, at + GID));
    a.putString(SecurityEvents.COMM, comm(d, at + COMM));
    exePath(d, at + EXE, exeLen, (flags & F_EXE_TRUNCATED) != 0, a);
    commandArgs(d, at + EXE + exeLen, argsLen, (flags & F_ARGS_TRUNCATED) != 0, a);
    a.putBool(SecurityEvents.HOST_MOUNT_NS, (flags & F_OTHER_MNT_NS) == 0);
    a.putLong(SecurityEvents.CGROUP_ID, cgroup);
    SecurityEvents.details(a, rule, kind, ret, d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + ARG),
        d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + ARG + 8),
        d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + ARG + 16),
        d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + ARG + 24),
        d.get(ValueLayout.JAVA_INT_UNALIGNED, at + TARGET_PID), d, at + PATH, pathLen, bytes);
    SecurityEvents.attribution(a, attribution.forPid(pid, cgroup, System.nanoTime()));
  }

  private boolean allowedFileless(MemorySegment d, long at, int len) {
    outer:
    for (byte[] prefix : fileless) {
      if (prefix.length > len) {
        continue;
      }
      for (int i = 0; i < prefix.length; i++) {
        if (d.get(ValueLayout.JAVA_BYTE, at + i) != prefix[i]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  // Slots leaf first, each a NUL-terminated name (empty at a mount crossing): written here
  // root first as "/a/b/c" into the reused buffer.
  private void exePath(MemorySegment d, long at, int len, boolean truncated, Attributes a) {
    int slots = len / EXE_SLOT;
    int n = 0;
    for (int s = slots - 1; s >= 0; s--) {
      long slot = at + (long) s * EXE_SLOT;
      if (d.get(ValueLayout.JAVA_BYTE, slot) == 0) {
        continue;
      }
      bytes[n++] = '/';
      for (int i = 0; i < EXE_SLOT && d.get(ValueLayout.JAVA_BYTE, slot + i) != 0; i++) {
        bytes[n++] = d.get(ValueLayout.JAVA_BYTE, slot + i);
      }
    }
    if (n == 0) {
      return;
    }
    String path = new String(bytes, 0, n, StandardCharsets.UTF_8);
    a.putString(SecurityEvents.EXECUTABLE_PATH, path);
    a.putString(SecurityEvents.EXECUTABLE_NAME, path.substring(path.lastIndexOf('/') + 1));
    if (truncated) {
      a.putBool(SecurityEvents.EXECUTABLE_PATH_TRUNCATED, true);
    }
  }

  // argv as NUL-separated bytes; a cut last argument is kept as far as it goes.
  private void commandArgs(MemorySegment d, long at, int len, boolean truncated, Attributes a) {
    if (len == 0) {
      return;
    }
    MemorySegment.copy(d, ValueLayout.JAVA_BYTE, at, bytes, 0, len);
    List<AnyValue> args = new ArrayList<>(4);
    int from = 0;
    for (int i = 0; i <= len; i++) {
      if (i == len || bytes[i] == 0) {
        if (i > from || i < len) {
          args.add(AnyValue.of(new String(bytes, from, i - from, StandardCharsets.UTF_8)));
        }
        from = i + 1;
      }
    }
    a.put(SecurityEvents.COMMAND_ARGS, AnyValue.ofArray(args));
    if (truncated) {
      a.putBool(SecurityEvents.ARGS_TRUNCATED, true);
    }
  }

  private static long u32(MemorySegment d, long at) {
    return Integer.toUnsignedLong(d.get(ValueLayout.JAVA_INT_UNALIGNED, at));
  }

  private String comm(MemorySegment d, long at) {
    int len = 0;
    while (len < 16 && d.get(ValueLayout.JAVA_BYTE, at + len) != 0) {
      len++;
    }
    MemorySegment.copy(d, ValueLayout.JAVA_BYTE, at, bytes, 0, len);
    return new String(bytes, 0, len, StandardCharsets.UTF_8);
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

  /** Reads the per-rule statistics at most once a second, and on the last drain. */
  @Override
  public boolean afterDrain(boolean last) {
    long now = System.nanoTime();
    if (last || now - nextStatsRead >= 0) {
      nextStatsRead = now + 1_000_000_000L;
      try {
        stats.update();
      } catch (BpfException e) {
        // Retried at the next read: the counters are cumulative and catch up then.
      }
    }
    return false;
  }

  /** Records too short or with an unknown rule: none unless the layouts disagree. */
  long malformed() {
    return malformed;
  }
}
