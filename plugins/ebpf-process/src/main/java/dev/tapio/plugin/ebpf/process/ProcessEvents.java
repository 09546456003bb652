package dev.tapio.plugin.ebpf.process;

import dev.tapio.bpf.receiver.CgroupAttribution;

import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Writes process events into log records: the one place that knows their event names, attribute
 * names and bodies, so that the eBPF decoder and the procfs fallback emit the same shape and
 * differ only in {@link #ATTR_SOURCE} and in what they can know.
 *
 * <p>Each method fills a record the caller has just appended (it does not clear it first; its
 * distinct keys are appended, {@link Attributes#appendString} and the like) and takes
 * primitives and strings, so a decoder can call it straight from its ring-buffer record.
 * Allocation per record is what the content needs: the strings themselves, one {@link AnyValue}
 * per argument for {@code process.command_args}, and the ISO-8601 times semantic conventions ask
 * for.
 *
 * <p>Names follow OpenTelemetry semantic conventions where one exists ({@code process.*},
 * {@code container.*}, {@code k8s.pod.uid}); Tapio's own are {@code group.id}, {@code
 * process.args_truncated}, {@code process.exit.signal}, {@code process.exit.core_dumped}, {@code
 * process.lifetime.ns}, {@code linux.process.comm}, {@code linux.cgroup.*}, {@code systemd.unit}
 * and {@code tapio.source}.
 *
 * <p>Stateless and thread-safe.
 */
final class ProcessEvents {
  static final String EXEC = "process.exec";
  static final String EXIT = "process.exit";
  static final String FORK = "process.fork";

  /** Instrumentation scope of every batch of process events. */
  static final String SCOPE_NAME = "dev.tapio.ebpf.process";

  /** Values of {@link #ATTR_SOURCE}: who observed the event, hence how precise it is. */
  static final String SOURCE_EBPF = "ebpf";
  static final String SOURCE_PROCFS = "procfs";

  static final String ATTR_PID = "process.pid";
  static final String ATTR_PARENT_PID = "process.parent_pid";
  // The kernel's current_uid()/current_gid() (real ids) and /proc/<pid>/status's first Uid/Gid
  // column agree on these; the brief keeps the generic names rather than process.real_user.id.
  static final String ATTR_USER_ID = "user.id";
  static final String ATTR_GROUP_ID = "group.id";
  static final String ATTR_EXECUTABLE_PATH = "process.executable.path";
  static final String ATTR_EXECUTABLE_NAME = "process.executable.name";
  static final String ATTR_COMMAND = "process.command";
  static final String ATTR_COMMAND_ARGS = "process.command_args";
  static final String ATTR_COMMAND_LINE = "process.command_line";
  static final String ATTR_ARGS_TRUNCATED = "process.args_truncated";
  static final String ATTR_CREATION_TIME = "process.creation.time";
  static final String ATTR_COMM = "linux.process.comm";
  static final String ATTR_EXIT_CODE = "process.exit.code";
  static final String ATTR_EXIT_SIGNAL = "process.exit.signal";
  static final String ATTR_EXIT_CORE_DUMPED = "process.exit.core_dumped";
  static final String ATTR_EXIT_TIME = "process.exit.time";
  static final String ATTR_LIFETIME_NS = "process.lifetime.ns";
  static final String ATTR_CGROUP_ID = "linux.cgroup.id";
  static final String ATTR_CGROUP_PATH = "linux.cgroup.path";
  static final String ATTR_CONTAINER_ID = "container.id";
  static final String ATTR_CONTAINER_RUNTIME = "container.runtime";
  static final String ATTR_POD_UID = "k8s.pod.uid";
  static final String ATTR_SYSTEMD_UNIT = "systemd.unit";
  static final String ATTR_SOURCE = "tapio.source";

  /** Value of {@code uid} / {@code gid} when unknown: {@code (uid_t) -1}, never a real id. */
  static final int UNKNOWN_ID = -1;

  /** Value of {@code rawWaitStatus} / {@code lifetimeNanos} when the observer cannot know it. */
  static final int UNKNOWN_STATUS = -1;
  static final long UNKNOWN_LIFETIME = -1;

  private ProcessEvents() {}

  /**
   * Appends a resource group (with no attributes: host and k8s enrichment is a processor's job)
   * and a scope group named {@link #SCOPE_NAME} to {@code logs}, for the caller to append records
   * to.
   */
  static ScopeLogs appendScope(Logs logs) {
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName(SCOPE_NAME);
    return sl;
  }

  /**
   * Fills {@code r} as a {@code process.exec} event.
   *
   * @param uid the real user id, unsigned, or {@link #UNKNOWN_ID}
   * @param gid the real group id, unsigned, or {@link #UNKNOWN_ID}
   * @param executablePath the new image's path; empty or null when unknown (then the executable
   *     name falls back to {@code comm})
   * @param comm the kernel's task name (at most 15 bytes), kept as {@code linux.process.comm}
   * @param args the first {@code argCount} entries are argv; may be longer (a reused array)
   * @param argsTruncated whether argv was cut by the byte or count limit
   * @param cgroupId the cgroup v2 id, or 0 when unknown
   * @param processStartUnixNano when the process (not this image) started; 0 when unknown
   * @param source {@link #SOURCE_EBPF} or {@link #SOURCE_PROCFS}
   */
  static void exec(LogRecord r, long timeUnixNano, int pid, int ppid, int uid, int gid,
      String executablePath, String comm, String[] args, int argCount, boolean argsTruncated,
      long cgroupId, long processStartUnixNano, String source) {
    r.setTimeUnixNano(timeUnixNano).setSeverity(Severity.INFO).setEventName(EXEC);
    Attributes a = r.attributes();
    a.appendLong(ATTR_PID, pid);
    a.appendLong(ATTR_PARENT_PID, ppid);
    // Ids are unsigned 32-bit in the kernel; (uid_t) -1 means none, so it marks unknown here.
    if (uid != UNKNOWN_ID) {
      a.appendLong(ATTR_USER_ID, Integer.toUnsignedLong(uid));
    }
    if (gid != UNKNOWN_ID) {
      a.appendLong(ATTR_GROUP_ID, Integer.toUnsignedLong(gid));
    }
    boolean hasPath = executablePath != null && !executablePath.isEmpty();
    if (hasPath) {
      a.appendString(ATTR_EXECUTABLE_PATH, executablePath);
      a.appendString(ATTR_EXECUTABLE_NAME, basename(executablePath));
    } else if (comm != null && !comm.isEmpty()) {
      a.appendString(ATTR_EXECUTABLE_NAME, comm);
    }
    putComm(a, comm);
    String commandLine = "";
    if (argCount > 0) {
      a.appendString(ATTR_COMMAND, args[0]);
      AnyValue[] values = new AnyValue[argCount];
      StringBuilder line = new StringBuilder(64);
      for (int i = 0; i < argCount; i++) {
        values[i] = AnyValue.of(args[i]);
        if (i > 0) {
          line.append(' ');
        }
        line.append(args[i]);
      }
      a.append(ATTR_COMMAND_ARGS, AnyValue.ofArray(Arrays.asList(values)));
      commandLine = line.toString();
      a.appendString(ATTR_COMMAND_LINE, commandLine);
    }
    if (argsTruncated) {
      a.appendBool(ATTR_ARGS_TRUNCATED, true);
    }
    if (processStartUnixNano > 0) {
      a.appendString(ATTR_CREATION_TIME, isoTime(processStartUnixNano));
    }
    putCgroupId(a, cgroupId);
    a.appendString(ATTR_SOURCE, source);
    String shown = hasPath ? executablePath : comm == null ? "" : comm;
    r.setBody(commandLine.isEmpty() ? "exec " + shown : "exec " + shown + " " + commandLine);
  }

  /**
   * Fills {@code r} as a {@code process.exit} event.
   *
   * @param rawWaitStatus the status as {@code waitpid(2)} reports it (the kernel's {@code
   *     task->exit_code}), or {@link #UNKNOWN_STATUS}; code and signal are omitted when unknown
   * @param lifetimeNanos how long the process lived, or {@link #UNKNOWN_LIFETIME}
   * @param cgroupId the cgroup v2 id, or 0 when unknown
   */
  static void exit(LogRecord r, long timeUnixNano, int pid, int ppid, String comm,
      int rawWaitStatus, long lifetimeNanos, long cgroupId, String source) {
    r.setTimeUnixNano(timeUnixNano).setEventName(EXIT);
    Attributes a = r.attributes();
    a.appendLong(ATTR_PID, pid);
    a.appendLong(ATTR_PARENT_PID, ppid);
    putComm(a, comm);
    String outcome = "";
    Severity severity = Severity.INFO;
    if (rawWaitStatus != UNKNOWN_STATUS) {
      int signal = rawWaitStatus & 0x7f;
      if (signal != 0) {
        // Killed: the high byte carries nothing; a signal death is worth a look, hence WARN.
        severity = Severity.WARN;
        a.appendLong(ATTR_EXIT_SIGNAL, signal);
        if ((rawWaitStatus & 0x80) != 0) {
          a.appendBool(ATTR_EXIT_CORE_DUMPED, true);
        }
        outcome = " signal " + signal;
      } else {
        int code = (rawWaitStatus >> 8) & 0xff;
        a.appendLong(ATTR_EXIT_CODE, code);
        outcome = " code " + code;
      }
    }
    r.setSeverity(severity);
    a.appendString(ATTR_EXIT_TIME, isoTime(timeUnixNano));
    if (lifetimeNanos >= 0) {
      a.appendLong(ATTR_LIFETIME_NS, lifetimeNanos);
    }
    putCgroupId(a, cgroupId);
    a.appendString(ATTR_SOURCE, source);
    r.setBody(comm == null || comm.isEmpty() ? "exit " + pid + outcome
        : "exit " + pid + " (" + comm + ")" + outcome);
  }

  /**
   * Fills {@code r} as a {@code process.fork} event: {@code process.pid} is the child.
   *
   * @param comm the task name both share at fork time
   */
  static void fork(LogRecord r, long timeUnixNano, int childPid, int parentPid, String comm,
      long cgroupId, String source) {
    r.setTimeUnixNano(timeUnixNano).setSeverity(Severity.INFO).setEventName(FORK);
    Attributes a = r.attributes();
    a.appendLong(ATTR_PID, childPid);
    a.appendLong(ATTR_PARENT_PID, parentPid);
    putComm(a, comm);
    putCgroupId(a, cgroupId);
    a.appendString(ATTR_SOURCE, source);
    r.setBody("fork " + parentPid + " -> " + childPid);
  }

  /** Adds what is known of the container, pod and systemd unit; unknown parts are left out. */
  static void attribution(LogRecord r, CgroupAttribution.Attribution attribution) {
    Attributes a = r.attributes();
    putIfKnown(a, ATTR_CONTAINER_ID, attribution.containerId());
    putIfKnown(a, ATTR_CONTAINER_RUNTIME, attribution.runtime());
    putIfKnown(a, ATTR_POD_UID, attribution.podUid());
    putIfKnown(a, ATTR_SYSTEMD_UNIT, attribution.systemdUnit());
    putIfKnown(a, ATTR_CGROUP_PATH, attribution.path());
  }

  /**
   * Splits a NUL-separated argument block (as in {@code /proc/<pid>/cmdline} or the kernel's
   * argv area) into {@code out}, which the caller reuses; its length is the count limit. A final
   * argument without its NUL (cut by a byte limit) is kept as it is; a trailing NUL does not start
   * an empty argument. Bytes are decoded as UTF-8, malformed ones replaced.
   *
   * @return how many arguments the block holds, which exceeds {@code out.length} when some did
   *     not fit (only the first {@code out.length} are stored): the caller's truncated flag
   */
  static int splitArgs(byte[] block, int offset, int length, String[] out) {
    int found = 0;
    int start = offset;
    int end = offset + length;
    for (int i = offset; i <= end; i++) {
      if (i == end ? i > start : block[i] == 0) {
        if (found < out.length) {
          out[found] = new String(block, start, i - start, StandardCharsets.UTF_8);
        }
        found++;
        start = i + 1;
      }
    }
    return found;
  }

  private static void putComm(Attributes a, String comm) {
    if (comm != null && !comm.isEmpty()) {
      a.appendString(ATTR_COMM, comm);
    }
  }

  private static void putCgroupId(Attributes a, long cgroupId) {
    if (cgroupId != 0) {
      a.appendLong(ATTR_CGROUP_ID, cgroupId);
    }
  }

  private static void putIfKnown(Attributes a, String key, String value) {
    if (value != null && !value.isEmpty()) {
      a.appendString(key, value);
    }
  }

  static String basename(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  static String isoTime(long unixNano) {
    return Instant.ofEpochSecond(
        Math.floorDiv(unixNano, 1_000_000_000L), Math.floorMod(unixNano, 1_000_000_000L))
        .toString();
  }
}
