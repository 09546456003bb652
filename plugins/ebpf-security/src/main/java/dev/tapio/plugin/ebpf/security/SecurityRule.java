package dev.tapio.plugin.ebpf.security;

import dev.tapio.pdata.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * The detections of {@code ebpf_security}: each a rule switched on and off in the config under
 * {@link #key()}, with the kernel rule id of security.bpf.c ({@code enum tapio_security_rule},
 * by {@link #ordinal()}), the event name and category it reports, its severity (Falco's
 * priorities mapped to OTel severity numbers: CRITICAL → FATAL, ERROR → ERROR, WARNING → WARN,
 * NOTICE → INFO2, INFORMATIONAL → INFO) and the programs that implement it.
 *
 * <p>Immutable.
 */
enum SecurityRule {
  // Order is the kernel's rule id: keep it in step with tapio.h.
  SETUID("setuid", "security.privilege.setuid", "privilege_escalation", Severity.WARN, true,
      syscalls("setuid", "setreuid", "setresuid", "setfsuid", "setgid", "setregid", "setresgid",
          "setfsgid")),
  SENSITIVE_OPEN("sensitive_open", "security.file.sensitive_open", "credential_access",
      Severity.WARN, true, syscalls("open", "openat", "openat2", "creat")),
  ESCAPE_WRITE("escape_write", "security.container.escape_write", "container_escape",
      Severity.FATAL, true, syscalls("open", "openat", "openat2", "creat")),
  PROC_MEM("proc_mem", "security.injection.proc_mem", "process_injection", Severity.ERROR, true,
      syscalls("open", "openat", "openat2", "creat")),
  CAPSET("capset", "security.privilege.capset", "privilege_escalation", Severity.INFO2, true,
      syscalls("capset")),
  PTRACE("ptrace", "security.injection.ptrace", "process_injection", Severity.ERROR, true,
      syscalls("ptrace")),
  PROCESS_VM_WRITEV("process_vm_writev", "security.injection.process_vm_writev",
      "process_injection", Severity.ERROR, true, syscalls("process_vm_writev")),
  BPF("bpf", "security.kernel.bpf", "kernel_tampering", Severity.WARN, true, syscalls("bpf")),
  SETUID_BIT("setuid_bit", "security.file.setuid_bit", "persistence", Severity.WARN, true,
      syscalls("chmod", "fchmod", "fchmodat", "fchmodat2")),
  FILELESS("fileless", "security.exec.fileless", "defense_evasion", Severity.ERROR, true,
      List.of("tapio_sec_exec")),
  NAMESPACE_CHANGE("namespace_change", "security.container.namespace_change",
      "container_escape", Severity.INFO2, true, syscalls("setns", "unshare", "clone", "clone3")),
  MOUNT("mount", "security.container.mount", "container_escape", Severity.INFO2, true,
      syscalls("mount", "move_mount", "fsmount", "open_tree", "pivot_root")),
  SECCOMP("seccomp", "security.seccomp.violation", "policy_violation", Severity.WARN, true,
      List.of("tapio_sec_seccomp")),
  STDIO_SOCKET("stdio_socket", "security.shell.stdio_socket", "execution", Severity.ERROR, true,
      with(syscalls("dup2", "dup3", "dup", "fcntl"), "tapio_sec_exec")),
  MODULE_LOAD("module_load", "security.kernel.module_load", "kernel_tampering", Severity.WARN,
      true, List.of("tapio_sec_enter_init_module", "tapio_sec_enter_finit_module")),
  EXEC_RAISED("exec_raised", "security.privilege.exec_raised", "privilege_escalation",
      Severity.INFO2, true, List.of("tapio_sec_exec")),
  CAPABILITY_USE("capability_use", "security.privilege.capability_use", "privilege_escalation",
      Severity.INFO, false, List.of("tapio_sec_capable")),
  /** Loaded only where SELinux is active (its tracepoint exists wherever SELinux is built in). */
  SELINUX("selinux", "security.lsm.denial", "policy_violation", Severity.WARN, true,
      List.of("tapio_sec_selinux"));

  /** Rows of the kernel's per-rule arrays (TAPIO_SEC_RULES): at least the number of rules. */
  static final int KERNEL_RULES = 24;

  /** The open family on raw_syscalls (open_hook: raw), instead of its syscall tracepoints. */
  static final List<String> RAW_OPEN_PROGRAMS = List.of("tapio_sec_raw_open_enter",
      "tapio_sec_raw_open_exit");

  /** Used when the kernel has no init_module/finit_module tracepoints (no module support). */
  static final String MODULE_FALLBACK_PROGRAM = "tapio_sec_module_syscall";

  private static final SecurityRule[] BY_ID = values();

  private final String key;
  private final String eventName;
  private final String category;
  private final Severity severity;
  private final boolean enabledByDefault;
  private final List<String> programs;

  SecurityRule(String key, String eventName, String category, Severity severity,
      boolean enabledByDefault, List<String> programs) {
    this.key = key;
    this.eventName = eventName;
    this.category = category;
    this.severity = severity;
    this.enabledByDefault = enabledByDefault;
    this.programs = programs;
  }

  /** The rule's key under {@code rules:} in the config. */
  String key() {
    return key;
  }

  String eventName() {
    return eventName;
  }

  /** {@code security_rule.category}. */
  String category() {
    return category;
  }

  Severity severity() {
    return severity;
  }

  boolean enabledByDefault() {
    return enabledByDefault;
  }

  /** The programs of security.bpf.c this rule needs loaded (some shared with other rules). */
  List<String> programs() {
    return programs;
  }

  /** The {@code program} label of its drop counters. */
  String label() {
    return "security_" + key;
  }

  /** The rule of a kernel rule id, or null. */
  static SecurityRule byId(int id) {
    return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
  }

  /** The enter and exit program of each syscall tracepoint pair. */
  private static List<String> syscalls(String... names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      out.add("tapio_sec_enter_" + n);
      out.add("tapio_sec_exit_" + n);
    }
    return List.copyOf(out);
  }

  private static List<String> with(List<String> programs, String more) {
    List<String> out = new ArrayList<>(programs);
    out.add(more);
    return List.copyOf(out);
  }

  /** The syscall tracepoint a program attaches to ({@code sys_enter_x}), or null for others. */
  static String tracepointOf(String program) {
    if (program.startsWith("tapio_sec_enter_")) {
      return "sys_enter_" + program.substring("tapio_sec_enter_".length());
    }
    if (program.startsWith("tapio_sec_exit_")) {
      return "sys_exit_" + program.substring("tapio_sec_exit_".length());
    }
    return null;
  }
}
