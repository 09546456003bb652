package dev.tapio.plugin.ebpf.security;

import dev.tapio.bpf.receiver.Wakeup;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Configuration of the {@code ebpf_security} receiver.
 *
 * @param rules every rule's settings, by rule (all present)
 * @param readPaths {@code rules.sensitive_open.read_paths}: path prefixes reported on any open
 * @param writePaths {@code rules.sensitive_open.write_paths}: prefixes reported on opens for write
 * @param escapePaths {@code rules.escape_write.paths}: prefixes whose opening for write is a
 *     container escape attempt (release_agent files are matched by name as well)
 * @param filelessAllowed {@code rules.fileless.allowed_names}: prefixes of memfd/deleted file
 *     names not reported (runc re-executing itself from a memfd)
 * @param capabilities {@code rules.capability_use.capabilities}: capability numbers reported
 * @param capabilitiesDeniedOnly {@code rules.capability_use.denied_only}: only failed checks
 * @param moduleSyscallFallback {@code rules.module_load.syscall_fallback}: on kernels without
 *     the init_module/finit_module tracepoints (no module support), watch every syscall's entry
 *     for their numbers instead (costs every syscall; off by default)
 * @param stdioFcntl {@code rules.stdio_socket.fcntl}: also watch fcntl(F_DUPFD), whose hooks
 *     run on every fcntl of the host (~200 ns each here, see benchmarks/README.md)
 * @param openHook where the open family is watched: its syscall tracepoints (each open builds
 *     two trace records) or the raw sys_enter/sys_exit tracepoints (x86-64; every syscall of
 *     the host runs two short programs)
 * @param excludeSelf whether Tapio's own process is excluded (its bpf() loads, its opens)
 * @param excludeExecutables executables (file names, or paths of which the file name is used)
 *     whose events are not reported, matched in the kernel
 * @param excludeCgroupIds cgroup v2 ids (the inode number of the cgroup's directory, as records
 *     carry it in {@code linux.cgroup.id}) whose tasks, and those of the cgroups below them, are
 *     not reported, matched in the kernel
 * @param containersOnly only tasks outside the host's mount namespace
 * @param ringBufferSize bytes of the kernel ring buffer; a power of two, at least one page
 * @param pollTimeout longest wait before pending records are read: the latency bound
 * @param wakeupBytes pending bytes at which the kernel wakes the reader early
 * @param wakeupPolicy {@code adaptive}: the wake-up threshold follows the measured rate
 *     (wakeup_bytes while idle); {@code fixed}: always wakeup_bytes
 * @param cacheSize cgroup attribution cache entries
 * @param audit whether seccomp and LSM denials are read from the kernel's audit stream (when
 *     the process may: CAP_AUDIT_READ); see {@link AuditStream}
 *
 * <p>Immutable (the lists and map are copies), so thread-safe.
 */
public record EbpfSecurityConfig(
    Map<SecurityRule, Rule> rules,
    List<String> readPaths,
    List<String> writePaths,
    List<String> escapePaths,
    List<String> filelessAllowed,
    List<Integer> capabilities,
    boolean capabilitiesDeniedOnly,
    boolean moduleSyscallFallback,
    boolean stdioFcntl,
    OpenHook openHook,
    boolean excludeSelf,
    List<String> excludeExecutables,
    List<Long> excludeCgroupIds,
    boolean containersOnly,
    long ringBufferSize,
    Duration pollTimeout,
    long wakeupBytes,
    Wakeup wakeupPolicy,
    int cacheSize,
    boolean audit) implements ComponentConfig {

  /**
   * One rule's switch and options.
   *
   * @param enabled whether its programs load
   * @param rateLimit events per second per process (0: no limit); beyond, counted as
   *     {@code rate_limited}
   * @param reportFailures whether calls that failed (denied, invalid) are reported too
   */
  public record Rule(boolean enabled, int rateLimit, boolean reportFailures) {}

  /** Where the open family is hooked: see {@code openHook}. */
  public enum OpenHook {
    SYSCALLS,
    RAW
  }

  static final int PREFIX_MAX = 64;
  /** Entries of the kernel's excluded_exe and excluded_cgroups tables (security_common.h). */
  static final int EXCLUDE_MAX = 256;
  static final int NAME_MAX = 31;
  static final int DEFAULT_RATE_LIMIT = 100;

  static final List<String> DEFAULT_READ_PATHS = List.of("/etc/shadow", "/etc/gshadow",
      "/etc/sudoers", "/etc/ssh/ssh_host_", "/root/.ssh/", "/etc/security/opasswd");
  static final List<String> DEFAULT_WRITE_PATHS = List.of("/etc/passwd", "/etc/group",
      "/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/pam.d/", "/etc/cron", "/var/spool/cron/",
      "/etc/systemd/system/", "/etc/profile.d/", "/etc/modprobe.d/");
  static final List<String> DEFAULT_ESCAPE_PATHS = List.of("/proc/sys/kernel/core_pattern",
      "/proc/sysrq-trigger", "/proc/sys/kernel/modprobe", "/proc/sys/fs/binfmt_misc/",
      "/sys/kernel/uevent_helper");
  static final List<String> DEFAULT_FILELESS_ALLOWED = List.of("memfd:runc_cloned");
  /** CAP_DAC_READ_SEARCH, NET_ADMIN, SYS_MODULE, SYS_RAWIO, SYS_PTRACE, SYS_ADMIN, BPF. */
  static final List<Integer> DEFAULT_CAPABILITIES = List.of(2, 12, 16, 17, 19, 21, 39);

  /** Whether failed calls are reported by default: attempts matter for these. */
  static boolean failuresByDefault(SecurityRule rule) {
    return switch (rule) {
      case SETUID, ESCAPE_WRITE, PROC_MEM, CAPSET, PTRACE, PROCESS_VM_WRITEV, BPF, SETUID_BIT,
          MODULE_LOAD -> true;
      default -> false;
    };
  }

  static EbpfSecurityConfig defaults() {
    Map<SecurityRule, Rule> rules = new EnumMap<>(SecurityRule.class);
    for (SecurityRule r : SecurityRule.values()) {
      rules.put(r, new Rule(r.enabledByDefault(), DEFAULT_RATE_LIMIT, failuresByDefault(r)));
    }
    return new EbpfSecurityConfig(rules, DEFAULT_READ_PATHS, DEFAULT_WRITE_PATHS,
        DEFAULT_ESCAPE_PATHS, DEFAULT_FILELESS_ALLOWED, DEFAULT_CAPABILITIES, false, false, true,
        OpenHook.SYSCALLS, true,
        List.of(), List.of(), false, 1 << 20,
        Duration.ofMillis(50), 16 * 1024, Wakeup.ADAPTIVE, 4096, true);
  }

  public EbpfSecurityConfig {
    rules = Map.copyOf(rules);
    readPaths = List.copyOf(readPaths);
    writePaths = List.copyOf(writePaths);
    escapePaths = List.copyOf(escapePaths);
    filelessAllowed = List.copyOf(filelessAllowed);
    capabilities = List.copyOf(capabilities);
    excludeExecutables = List.copyOf(excludeExecutables);
    excludeCgroupIds = List.copyOf(excludeCgroupIds);
  }

  boolean enabled(SecurityRule rule) {
    return rules.get(rule).enabled();
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (ringBufferSize < 4096 || Long.bitCount(ringBufferSize) != 1
        || ringBufferSize > (1L << 30)) {
      problems.error("ring_buffer_size", "must be a power of two between 4KiB and 1GiB, got "
          + ringBufferSize);
    }
    if (pollTimeout.isNegative() || pollTimeout.isZero() || pollTimeout.toMillis() > 10_000) {
      problems.error("poll_timeout", "must be between 1ms and 10s, got " + pollTimeout);
    }
    if (wakeupBytes < 1) {
      problems.error("wakeup_bytes", "must be at least 1, got " + wakeupBytes);
    }
    if (cacheSize < 1) {
      problems.error("cgroup_cache_size", "must be at least 1, got " + cacheSize);
    }
    for (Map.Entry<SecurityRule, Rule> e : rules.entrySet()) {
      if (e.getValue().rateLimit() < 0) {
        problems.error("rules." + e.getKey().key() + ".rate_limit",
            "must not be negative (0: no limit), got " + e.getValue().rateLimit());
      }
    }
    if (openHook == OpenHook.RAW && !"amd64".equals(System.getProperty("os.arch"))) {
      problems.error("open_hook", "raw knows the syscall numbers of x86-64 only, this is "
          + System.getProperty("os.arch") + "; use syscalls");
    }
    paths(problems, "rules.sensitive_open.read_paths", readPaths);
    paths(problems, "rules.sensitive_open.write_paths", writePaths);
    paths(problems, "rules.escape_write.paths", escapePaths);
    for (String x : excludeExecutables) {
      String name = fileName(x);
      if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
        problems.error("exclude.executables", "'" + x + "' must name a file of 1 to " + NAME_MAX
            + " bytes (the kernel matches the executable's file name)");
      }
    }
    if (excludeExecutables.size() > EXCLUDE_MAX) {
      problems.error("exclude.executables", "at most " + EXCLUDE_MAX + " entries (the kernel's"
          + " table), got " + excludeExecutables.size());
    }
    if (excludeCgroupIds.size() > EXCLUDE_MAX) {
      problems.error("exclude.cgroup_ids", "at most " + EXCLUDE_MAX + " entries (the kernel's"
          + " table), got " + excludeCgroupIds.size());
    }
  }

  // The kernel matches these as literal prefixes in an LPM trie: no patterns, bounded length.
  private static void paths(ConfigProblems problems, String key, List<String> paths) {
    for (String p : paths) {
      if (!p.startsWith("/")) {
        problems.error(key, "'" + p + "' is not an absolute path prefix");
      } else if (p.contains("*") || p.contains("?") || p.contains("[")) {
        problems.error(key, "'" + p + "' is a pattern; only literal path prefixes are matched"
            + " (the kernel looks them up in a prefix trie): write '/etc/ssh/' for '/etc/ssh/*'");
      } else if (p.getBytes(StandardCharsets.UTF_8).length > PREFIX_MAX) {
        problems.error(key, "'" + p + "' is longer than " + PREFIX_MAX + " bytes");
      }
    }
  }

  /** Every listed path prefix, each once. */
  List<String> allPaths() {
    return Stream.of(readPaths, writePaths, escapePaths).flatMap(List::stream)
        .distinct().toList();
  }

  /**
   * How many leading bytes of a path the kernel checks against the prefixes' heads before the
   * trie: the shortest prefix's length, at most 8; 0 (no such check) when a prefix is shorter
   * than 2 bytes.
   */
  int pathHeadLength() {
    int min = 8;
    for (String p : allPaths()) {
      min = Math.min(min, p.getBytes(StandardCharsets.UTF_8).length);
    }
    return min < 2 ? 0 : min;
  }

  /** A prefix's head as the kernel compares it: its first bytes as a little-endian u64. */
  static long head(String prefix, int length) {
    byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
    long v = 0;
    for (int i = 0; i < length; i++) {
      v |= (b[i] & 0xffL) << (8 * i);
    }
    return v;
  }

  static String fileName(String executable) {
    int slash = executable.lastIndexOf('/');
    return slash < 0 ? executable : executable.substring(slash + 1);
  }

  /**
   * The program's read-only config struct (tapio.h, struct tapio_security_config).
   *
   * @param selfTgid Tapio's process id, excluded when {@link #excludeSelf}
   * @param hostMountNamespace inode number of the host's mount namespace
   */
  byte[] kernelConfig(int selfTgid, long hostMountNamespace) {
    ByteBuffer b = ByteBuffer.allocate(32 + 4 * SecurityRule.KERNEL_RULES + 24)
        .order(ByteOrder.LITTLE_ENDIAN);
    int enabled = 0;
    int failures = 0;
    for (SecurityRule r : SecurityRule.values()) {
      Rule rule = rules.get(r);
      enabled |= rule.enabled() ? 1 << r.ordinal() : 0;
      failures |= rule.reportFailures() ? 1 << r.ordinal() : 0;
    }
    b.putLong(wakeupBytes).putInt(enabled).putInt(failures).putInt(excludeSelf ? selfTgid : 0)
        .putInt(containersOnly ? 1 : 0).putLong(hostMountNamespace);
    for (int i = 0; i < SecurityRule.KERNEL_RULES; i++) {
      SecurityRule r = SecurityRule.byId(i);
      b.putInt(r == null ? 0 : rules.get(r).rateLimit());
    }
    b.putInt(pathHeadLength()).putInt(excludeCgroupIds.isEmpty() ? 0 : 1);
    long caps = 0;
    for (int c : capabilities) {
      caps |= 1L << c;
    }
    b.putLong(caps).putInt(capabilitiesDeniedOnly ? 1 : 0).putInt(0);
    return b.array();
  }
}
