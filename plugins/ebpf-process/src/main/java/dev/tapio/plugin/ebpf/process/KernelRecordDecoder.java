package dev.tapio.plugin.ebpf.process;

import dev.tapio.bpf.receiver.CgroupAttribution;

import dev.tapio.bpf.receiver.BatchDecoder;
import dev.tapio.bpf.receiver.TextCache;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ScopeLogs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the process program's records (layout in bpf/src/main/bpf/tapio.h) in place from the
 * mapped ring into log records of the batch being built. Byte buffers for strings are reused;
 * the strings and pdata objects themselves are the only per-event allocations.
 *
 * <p>Single thread: the receiver's poll thread.
 */
final class KernelRecordDecoder implements BatchDecoder {
  // struct tapio_header
  private static final long TYPE = 8;
  private static final long PID = 16;
  private static final long PPID = 24;
  private static final long UID = 28;
  private static final long GID = 32;
  private static final long CGROUP = 40;
  private static final long HEADER = 48;
  // struct tapio_exec, after the header
  private static final long EXEC_START = HEADER;
  private static final long EXEC_FILENAME_LEN = HEADER + 8;
  private static final long EXEC_ARGS_LEN = HEADER + 10;
  private static final long EXEC_FLAGS = HEADER + 14;
  private static final long EXEC_COMM = HEADER + 16;
  private static final long EXEC_VAR = HEADER + 32;
  // struct tapio_exit
  private static final long EXIT_START = HEADER;
  private static final long EXIT_CODE = HEADER + 8;
  private static final long EXIT_COMM = HEADER + 16;
  // struct tapio_fork
  private static final long FORK_CHILD = HEADER;
  private static final int ARGS_TRUNCATED = 1;

  private final CgroupAttribution attribution;
  private final long bootToUnixNanos;
  private final byte[] bytes = new byte[EbpfProcessConfig.ARGS_MAX + 512];
  /** Executable paths (up to TextCache.MAX_KEY bytes) and comms repeat: each text made once. */
  private final TextCache texts =
      new TextCache(512, (b, at, len) -> new String(b, at, len, StandardCharsets.UTF_8));
  private final String[] args;
  private Logs logs;
  private ScopeLogs scope;
  private long malformed;

  KernelRecordDecoder(CgroupAttribution attribution, long bootToUnixNanos, int argsMaxCount) {
    this.attribution = attribution;
    this.bootToUnixNanos = bootToUnixNanos;
    this.args = new String[argsMaxCount];
  }

  @Override
  public void onRecord(MemorySegment d, long at, int length) {
    if (length < HEADER) {
      malformed++;
      return;
    }
    int type = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + TYPE);
    int pid = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + PID);
    int ppid = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + PPID);
    long cgroup = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + CGROUP);
    long time = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at) + bootToUnixNanos;
    switch (type) {
      case 1 -> {
        if (length < EXEC_VAR) {
          malformed++;
          return;
        }
        int flen = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED,
            at + EXEC_FILENAME_LEN));
        int alen = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED,
            at + EXEC_ARGS_LEN));
        if (EXEC_VAR + flen + alen > length) {
          malformed++;
          return;
        }
        int flags = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + EXEC_FLAGS));
        String path = string(d, at + EXEC_VAR, flen);
        MemorySegment.copy(d, ValueLayout.JAVA_BYTE, at + EXEC_VAR + flen, bytes, 0, alen);
        int found = ProcessEvents.splitArgs(bytes, 0, alen, args);
        int count = Math.min(found, args.length);
        boolean truncated = found > args.length || (flags & ARGS_TRUNCATED) != 0;
        long start = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + EXEC_START) + bootToUnixNanos;
        LogRecord r = append();
        ProcessEvents.exec(r, time, pid, ppid, d.get(ValueLayout.JAVA_INT_UNALIGNED, at + UID),
            d.get(ValueLayout.JAVA_INT_UNALIGNED, at + GID), path, comm(d, at + EXEC_COMM),
            args, count, truncated, cgroup, start, ProcessEvents.SOURCE_EBPF);
        ProcessEvents.attribution(r, attribution.forPid(pid, cgroup));
      }
      case 2 -> {
        long start = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + EXIT_START);
        long lifetime = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at) - start;
        LogRecord r = append();
        ProcessEvents.exit(r, time, pid, ppid, comm(d, at + EXIT_COMM),
            d.get(ValueLayout.JAVA_INT_UNALIGNED, at + EXIT_CODE), lifetime, cgroup,
            ProcessEvents.SOURCE_EBPF);
        ProcessEvents.attribution(r, attribution.forPid(pid, cgroup));
      }
      case 3 -> {
        LogRecord r = append();
        ProcessEvents.fork(r, time, d.get(ValueLayout.JAVA_INT_UNALIGNED, at + FORK_CHILD), pid,
            "", cgroup, ProcessEvents.SOURCE_EBPF);
        ProcessEvents.attribution(r, attribution.forPid(pid, cgroup));
      }
      default -> {
        malformed++;
        return;
      }
    }
  }

  private LogRecord append() {
    if (logs == null) {
      logs = new Logs();
      scope = ProcessEvents.appendScope(logs);
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

  private String string(MemorySegment d, long at, int len) {
    MemorySegment.copy(d, ValueLayout.JAVA_BYTE, at, bytes, 0, len);
    return texts.text(bytes, 0, len);
  }

  private String comm(MemorySegment d, long at) {
    int len = 0;
    while (len < 16 && d.get(ValueLayout.JAVA_BYTE, at + len) != 0) {
      len++;
    }
    return string(d, at, len);
  }
}
