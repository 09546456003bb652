package dev.tapio.plugin.ebpf.security;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfMap;
import dev.tapio.bpf.receiver.CgroupAttribution;
import dev.tapio.bpf.receiver.EbpfProgram;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.consumer.LogsConsumer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code ebpf_security} receiver: one log record per detection of each enabled
 * {@link SecurityRule}, from security.bpf.c. Only the programs of enabled rules are loaded (and
 * of those, only the ones whose syscall tracepoint this kernel has); path prefixes and excluded
 * executables are written into the program's maps right after it attaches. Where the program
 * cannot load it reports {@code degraded} with the reason: there is no /proc fallback for these.
 *
 * <p>Lifecycle methods are called by the engine's lifecycle thread.
 */
final class EbpfSecurityReceiver implements Component {
  static final String OBJECT = "security.bpf.o";
  private static final int PATH_READ = 1;
  private static final int PATH_WRITE = 2;
  private static final int PATH_ESCAPE = 4;
  private static final List<Path> SYSCALL_EVENTS = List.of(
      Path.of("/sys/kernel/tracing/events/syscalls"),
      Path.of("/sys/kernel/debug/tracing/events/syscalls"));

  private final ComponentContext context;
  private final EbpfSecurityConfig config;
  private final LogsConsumer next;
  private AuditStream audit;
  /** selinuxfs's mode file: present where SELinux is active (enforcing or permissive). */
  private static final Path SELINUX_ENFORCE = Path.of("/sys/fs/selinux/enforce");
  private final boolean selinuxActive;
  private final EbpfProgram.Status status;
  private final RuleStats stats;
  private Map<String, Boolean> programs;
  private EbpfProgram kernel;

  EbpfSecurityReceiver(ComponentContext context, EbpfSecurityConfig config, LogsConsumer next) {
    this(context, config, next, Files.exists(SELINUX_ENFORCE));
  }

  /** {@code selinuxActive}: whether to load the selinux rule's program (where the rule is on). */
  EbpfSecurityReceiver(ComponentContext context, EbpfSecurityConfig config, LogsConsumer next,
      boolean selinuxActive) {
    this.selinuxActive = selinuxActive;
    this.context = context;
    this.config = config;
    this.next = next;
    this.status = new EbpfProgram.Status(context, "security");
    this.stats = new RuleStats(context);
  }

  @Override
  public void start(Host host) throws Exception {
    programs = programs(config, syscallTracepoints(), selinuxActive);
    CgroupAttribution attribution = new CgroupAttribution(Path.of("/proc"), config.cacheSize());
    byte[] kernelConfig = config.kernelConfig((int) ProcessHandle.current().pid(),
        hostMountNamespace());
    try {
      kernel = EbpfProgram.start(context, status, new EbpfProgram.Spec(OBJECT, "security",
          kernelConfig, config.ringBufferSize(), programs, new String[0],
          config.pollTimeout(), Map.of(), config.wakeupBytes(), config.wakeupPolicy()),
          offset -> new SecurityRecordDecoder(attribution, offset, stats,
              config.filelessAllowed(), this::fillMaps), next);
      context.reportStatus(ComponentStatus.OK, "");
    } catch (EbpfProgram.UnavailableException e) {
      context.logger().log(Level.WARNING, "no security events: " + e.getMessage());
      context.reportStatus(ComponentStatus.DEGRADED, "eBPF unavailable (" + e.getMessage()
          + "); no security events");
    }
    if (config.audit()) {
      AuditStream stream = new AuditStream(context, next,
          kernel != null && config.enabled(SecurityRule.SECCOMP),
          kernel != null && programs.get("tapio_sec_selinux"));
      String why = stream.open();
      if (why == null) {
        audit = stream;
        context.logger().log(Level.INFO, "reading the kernel audit stream");
      } else {
        stream.close();
        // Auto: the stream is an addition; without it the eBPF rules still report.
        context.logger().log(Level.INFO, "no kernel audit stream: " + why);
      }
    }
  }

  /** Whether the kernel audit stream is being read (started, and the kernel let it). */
  boolean readsAudit() {
    return audit != null;
  }

  /**
   * Every program of the object and whether it loads: those of enabled rules whose tracepoint
   * exists ({@code tracepoints} null: not known, assume present).
   */
  static Map<String, Boolean> programs(EbpfSecurityConfig config,
      Set<String> tracepoints, boolean selinuxActive) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    boolean moduleTracepoints = tracepoints == null
        || tracepoints.contains("sys_enter_finit_module");
    for (SecurityRule rule : SecurityRule.values()) {
      for (String program : rule.programs()) {
        String tp = SecurityRule.tracepointOf(program);
        boolean present = tp == null || tracepoints == null || tracepoints.contains(tp);
        boolean load = config.enabled(rule) && present
            && (rule != SecurityRule.SELINUX || selinuxActive);
        out.merge(program, load, Boolean::logicalOr);
      }
    }
    if (!config.stdioFcntl()) {
      out.put("tapio_sec_enter_fcntl", false);
      out.put("tapio_sec_exit_fcntl", false);
    }
    out.put(SecurityRule.MODULE_FALLBACK_PROGRAM, config.enabled(SecurityRule.MODULE_LOAD)
        && !moduleTracepoints && config.moduleSyscallFallback());
    boolean raw = config.openHook() == EbpfSecurityConfig.OpenHook.RAW;
    boolean anyOpenRule = false;
    for (SecurityRule rule : List.of(SecurityRule.SENSITIVE_OPEN, SecurityRule.ESCAPE_WRITE,
        SecurityRule.PROC_MEM)) {
      anyOpenRule |= config.enabled(rule);
      if (raw) {
        rule.programs().forEach(p -> out.put(p, false)); // never both: records would double
      }
    }
    for (String p : SecurityRule.RAW_OPEN_PROGRAMS) {
      out.put(p, raw && anyOpenRule);
    }
    return out;
  }

  // The syscall tracepoints of this kernel, or null when tracefs cannot be read.
  private static Set<String> syscallTracepoints() {
    for (Path dir : SYSCALL_EVENTS) {
      try (var entries = Files.list(dir)) {
        return entries.map(p -> p.getFileName().toString())
            .collect(Collectors.toSet());
      } catch (IOException | UncheckedIOException e) {
        // not mounted there, or not readable: try the next place
      }
    }
    return null;
  }

  // The host's mount namespace: init's (pid 1 of the host when Tapio sees the host's pids),
  // else Tapio's own.
  private static long hostMountNamespace() {
    for (String p : List.of("/proc/1/ns/mnt", "/proc/self/ns/mnt")) {
      try {
        String link = Files.readSymbolicLink(Path.of(p)).toString(); // mnt:[4026531841]
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
      } catch (IOException | RuntimeException e) {
        // next
      }
    }
    return 0;
  }

  // Called once on the lifecycle thread, after attach and before polling (BatchDecoder.bind).
  private void fillMaps(Function<String, BpfMap> maps) {
    Map<String, Integer> prefixes = new LinkedHashMap<>();
    config.readPaths().forEach(p -> prefixes.merge(p, PATH_READ, (a, b) -> a | b));
    config.writePaths().forEach(p -> prefixes.merge(p, PATH_WRITE, (a, b) -> a | b));
    config.escapePaths().forEach(p -> prefixes.merge(p, PATH_ESCAPE, (a, b) -> a | b));
    try (Arena arena = Arena.ofConfined()) {
      BpfMap paths = maps.apply("sensitive_paths");
      MemorySegment key = arena.allocate(4 + EbpfSecurityConfig.PREFIX_MAX, 4);
      MemorySegment value = arena.allocate(4, 4);
      for (Map.Entry<String, Integer> e : prefixes.entrySet()) {
        byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
        key.fill((byte) 0);
        key.set(ValueLayout.JAVA_INT, 0, b.length * 8);
        MemorySegment.copy(b, 0, key, ValueLayout.JAVA_BYTE, 4, b.length);
        value.set(ValueLayout.JAVA_INT, 0, e.getValue());
        paths.update(key, value);
      }
      int headLength = config.pathHeadLength();
      if (headLength > 0) {
        BpfMap heads = maps.apply("path_heads");
        MemorySegment head = arena.allocate(8, 8);
        MemorySegment present = arena.allocate(1, 1);
        present.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        for (String p : config.allPaths()) {
          head.set(ValueLayout.JAVA_LONG, 0, EbpfSecurityConfig.head(p, headLength));
          heads.update(head, present);
        }
      }
      BpfMap excluded = maps.apply("excluded_exe");
      MemorySegment name = arena.allocate(32, 1);
      MemorySegment one = arena.allocate(1, 1);
      one.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
      for (String x : config.excludeExecutables()) {
        byte[] b = EbpfSecurityConfig.fileName(x).getBytes(StandardCharsets.UTF_8);
        name.fill((byte) 0);
        MemorySegment.copy(b, 0, name, ValueLayout.JAVA_BYTE, 0, b.length);
        excluded.update(name, one);
      }
      BpfMap cgroups = maps.apply("excluded_cgroups");
      MemorySegment id = arena.allocate(ValueLayout.JAVA_LONG);
      for (long cgroup : config.excludeCgroupIds()) {
        id.set(ValueLayout.JAVA_LONG, 0, cgroup);
        cgroups.update(id, one);
      }
    } catch (BpfException e) {
      throw new IllegalStateException("cannot fill the security program's filter maps: "
          + e.getMessage(), e);
    }
  }

  /** Whether the programs are loaded. */
  boolean usingKernel() {
    return kernel != null;
  }

  /** The programs and whether each was asked to load, as at the last start. */
  Map<String, Boolean> programs() {
    return programs;
  }

  RuleStats stats() {
    return stats;
  }

  @Override
  public void shutdown() throws Exception {
    if (audit != null) {
      audit.close();
      audit = null;
    }
    if (kernel != null) {
      kernel.close();
      kernel = null;
    }
  }
}
