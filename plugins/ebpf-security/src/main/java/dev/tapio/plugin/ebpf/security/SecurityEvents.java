package dev.tapio.plugin.ebpf.security;

import dev.tapio.bpf.receiver.CgroupAttribution;
import dev.tapio.pdata.Attributes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The attribute names of security events and the per-rule part of each record: what the
 * kernel's {@code kind}, {@code arg[]}, {@code ret}, {@code target_pid} and {@code path} mean for
 * each rule (security.bpf.c documents the same per section). Semantic-convention names where one
 * exists; Tapio's under {@code linux.*}.
 *
 * <p>Stateless and thread-safe.
 */
final class SecurityEvents {
  static final String RULE_NAME = "security_rule.name";
  static final String RULE_CATEGORY = "security_rule.category";
  static final String PID = "process.pid";
  static final String PARENT_PID = "process.parent_pid";
  static final String USER_ID = "process.user.id";
  static final String REAL_USER_ID = "process.real_user.id";
  static final String GROUP_ID = "linux.process.group.id";
  static final String REAL_GROUP_ID = "linux.process.real_group.id";
  static final String EXECUTABLE_PATH = "process.executable.path";
  static final String EXECUTABLE_NAME = "process.executable.name";
  static final String EXECUTABLE_PATH_TRUNCATED = "linux.process.executable.path_truncated";
  static final String COMM = "linux.process.comm";
  static final String HOST_MOUNT_NS = "linux.mount_namespace.host";
  static final String CGROUP_ID = "linux.cgroup.id";
  static final String CONTAINER_ID = "container.id";
  static final String CONTAINER_RUNTIME = "container.runtime";
  static final String POD_UID = "k8s.pod.uid";
  static final String SYSTEMD_UNIT = "systemd.unit";
  static final String SYSCALL = "linux.syscall.name";
  static final String SYSCALL_NUMBER = "linux.syscall.number";
  static final String RESULT = "linux.syscall.result";
  static final String ERROR_TYPE = "error.type";
  static final String FILE_PATH = "file.path";
  static final String COMMAND_ARGS = "process.command_args";
  static final String ARGS_TRUNCATED = "process.args_truncated";
  static final String FILE_NAME = "file.name";
  static final String OPEN_FLAGS = "linux.open.flags";
  static final String OPEN_WRITE = "linux.open.write";
  static final String FILE_MODE = "linux.file.mode";
  static final String FD = "linux.fd";
  static final String TARGET_PID = "linux.target.pid";
  static final String SETID_ID = "linux.setid.id";
  static final String SETID_REAL = "linux.setid.real";
  static final String SETID_EFFECTIVE = "linux.setid.effective";
  static final String SETID_SAVED = "linux.setid.saved";
  static final String CAP_EFFECTIVE = "linux.capabilities.effective";
  static final String CAP_PERMITTED = "linux.capabilities.permitted";
  static final String CAP_INHERITABLE = "linux.capabilities.inheritable";
  static final String PTRACE_REQUEST = "linux.ptrace.request";
  static final String PTRACE_ADDRESS = "linux.ptrace.address";
  static final String BPF_PROG_TYPE = "linux.bpf.prog_type";
  static final String NAMESPACES = "linux.namespace.types";
  static final String MOUNT_FLAGS = "linux.mount.flags";
  static final String SECCOMP_ARCH = "linux.seccomp.arch";
  static final String NETWORK_TYPE = "network.type";
  static final String PEER_ADDRESS = "network.peer.address";
  static final String PEER_PORT = "network.peer.port";
  static final String OLD_FD = "linux.fd.old";
  static final String NEW_FD = "linux.fd.new";
  static final String NEW_USER_ID = "linux.exec.user.id";
  static final String NEW_GROUP_ID = "linux.exec.group.id";
  static final String LSM_NAME = "linux.lsm.name";
  static final String LSM_SCONTEXT = "linux.lsm.scontext";
  static final String LSM_TCONTEXT = "linux.lsm.tcontext";
  static final String LSM_TCLASS = "linux.lsm.tclass";
  static final String LSM_DENIED = "linux.lsm.denied";
  static final String LSM_REQUESTED = "linux.lsm.requested";
  static final String LSM_PERMISSIVE = "linux.lsm.permissive";
  /** Offsets of tcontext and tclass in a SELinux record's path (security.bpf.c's slots). */
  static final int SELINUX_TCONTEXT = 104;
  static final int SELINUX_TCLASS = 208;

  private static final String[] SETID = {null, "setuid", "setreuid", "setresuid", "setfsuid",
      "setgid", "setregid", "setresgid", "setfsgid"};
  private static final String[] OPEN = {null, "open", "openat", "openat2", "creat"};
  private static final String[] CHMOD = {null, "chmod", "fchmod", "fchmodat", "fchmodat2"};
  private static final String[] NAMESPACE = {null, "setns", "unshare", "clone", "clone3"};
  private static final String[] MOUNT = {null, "mount", "move_mount", "fsmount", "open_tree",
      "pivot_root"};
  private static final String[] DUP = {null, "dup2", "dup3", "execve", "dup", "fcntl"};
  private static final String[] MODULE = {null, "init_module", "finit_module"};
  // CLONE_NEW* bits and their /proc/<pid>/ns names.
  private static final int[] NS_BITS = {0x00020000, 0x02000000, 0x04000000, 0x08000000,
      0x10000000, 0x20000000, 0x40000000, 0x00000080};
  private static final String[] NS_NAMES = {"mnt", "cgroup", "uts", "ipc", "user", "pid", "net",
      "time"};
  private static final String[] ERRNO = {null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO",
      "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK",
      "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE",
      "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM",
      "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS"};
  private static final String[] BPF_PROG_TYPES = {"unspec", "socket_filter", "kprobe",
      "sched_cls", "sched_act", "tracepoint", "xdp", "perf_event", "cgroup_skb", "cgroup_sock",
      "lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb", "cgroup_device", "sk_msg",
      "raw_tracepoint", "cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport",
      "flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt", "tracing",
      "struct_ops", "ext", "lsm", "sk_lookup", "syscall", "netfilter"};

  private static final String[] CAPABILITIES = {"CAP_CHOWN", "CAP_DAC_OVERRIDE",
      "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
      "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
      "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
      "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN",
      "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
      "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
      "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
      "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};
  static final String CAPABILITY = "linux.capability.name";
  static final String CAPABILITY_GRANTED = "linux.capability.granted";

  private SecurityEvents() {}

  /** The number of a capability named as in capabilities(7) (CAP_ prefix optional), or -1. */
  static int capability(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    n = n.startsWith("CAP_") ? n : "CAP_" + n;
    return Arrays.asList(CAPABILITIES).indexOf(n);
  }

  static List<String> capabilityNames() {
    return List.of(CAPABILITIES);
  }

  /**
   * Writes a rule's own attributes. {@code path} bytes are read from {@code d} through the
   * caller's reused {@code scratch}.
   */
  static void details(Attributes a, SecurityRule rule, int kind, long ret, long arg0, long arg1,
      long arg2, long arg3, int targetPid, MemorySegment d, long pathAt, int pathLen,
      byte[] scratch) {
    switch (rule) {
      case SETUID -> {
        syscall(a, SETID, kind, ret);
        if (kind == 1 || kind == 4 || kind == 5 || kind == 8) { // one id: set{,fs}{u,g}id
          a.putLong(SETID_ID, arg0);
        } else {
          id(a, SETID_REAL, arg0);
          id(a, SETID_EFFECTIVE, arg1);
          id(a, SETID_SAVED, arg2);
        }
      }
      case SENSITIVE_OPEN, ESCAPE_WRITE, PROC_MEM -> {
        syscall(a, OPEN, kind, ret);
        a.putString(FILE_PATH, string(d, pathAt, pathLen, scratch));
        a.putLong(OPEN_FLAGS, arg0);
        a.putBool(OPEN_WRITE, (arg0 & 01103) != 0); // O_WRONLY | O_RDWR | O_CREAT | O_TRUNC
      }
      case CAPSET -> {
        syscall(a, "capset", ret);
        a.putLong(CAP_EFFECTIVE, arg0);
        a.putLong(CAP_PERMITTED, arg1);
        a.putLong(CAP_INHERITABLE, arg2);
        if (targetPid != 0) {
          a.putLong(TARGET_PID, targetPid);
        }
      }
      case PTRACE -> {
        syscall(a, "ptrace", ret);
        a.putString(PTRACE_REQUEST, ptraceRequest(arg0));
        a.putLong(PTRACE_ADDRESS, arg1);
        a.putLong(TARGET_PID, targetPid);
      }
      case PROCESS_VM_WRITEV -> {
        syscall(a, "process_vm_writev", ret);
        a.putLong(TARGET_PID, targetPid);
      }
      case BPF -> {
        syscall(a, "bpf", ret);
        a.putString(BPF_PROG_TYPE, arg0 >= 0 && arg0 < BPF_PROG_TYPES.length
            ? BPF_PROG_TYPES[(int) arg0] : Long.toString(arg0));
      }
      case SETUID_BIT -> {
        syscall(a, CHMOD, kind, ret);
        if (pathLen > 0) {
          a.putString(FILE_PATH, string(d, pathAt, pathLen, scratch));
        } else {
          a.putLong(FD, arg1);
        }
        a.putString(FILE_MODE, Long.toOctalString(arg0));
      }
      case FILELESS -> a.putString(FILE_NAME, string(d, pathAt, pathLen, scratch));
      case NAMESPACE_CHANGE -> {
        syscall(a, NAMESPACE, kind, ret);
        a.putString(NAMESPACES, kind == 1 && arg0 == 0 ? "any" : namespaces(arg0));
        if (kind == 1) {
          a.putLong(FD, arg1);
        }
      }
      case MOUNT -> {
        syscall(a, MOUNT, kind, ret);
        if (pathLen > 0) {
          a.putString(FILE_PATH, string(d, pathAt, pathLen, scratch));
        }
        a.putLong(MOUNT_FLAGS, arg0);
      }
      case SECCOMP -> {
        a.putLong(SYSCALL_NUMBER, arg0);
        a.putString(SECCOMP_ARCH, "0x" + Long.toHexString(arg1));
      }
      case STDIO_SOCKET -> {
        syscall(a, DUP, kind, ret);
        a.putLong(OLD_FD, arg0);
        a.putLong(NEW_FD, arg1);
        a.putString(NETWORK_TYPE, arg2 == 2 ? "ipv4" : "ipv6");
        a.putString(PEER_ADDRESS, address(d, pathAt, pathLen));
        a.putLong(PEER_PORT, arg3);
      }
      case MODULE_LOAD -> a.putString(SYSCALL, name(MODULE, kind));
      case CAPABILITY_USE -> {
        a.putString(CAPABILITY, arg0 >= 0 && arg0 < CAPABILITIES.length
            ? CAPABILITIES[(int) arg0] : Long.toString(arg0));
        a.putBool(CAPABILITY_GRANTED, ret == 0);
      }
      case SELINUX -> {
        a.putString(LSM_NAME, "selinux");
        a.putString(LSM_SCONTEXT, cString(d, pathAt, SELINUX_TCONTEXT, scratch));
        a.putString(LSM_TCONTEXT, cString(d, pathAt + SELINUX_TCONTEXT,
            SELINUX_TCLASS - SELINUX_TCONTEXT, scratch));
        a.putString(LSM_TCLASS, cString(d, pathAt + SELINUX_TCLASS,
            Math.max(0, pathLen - SELINUX_TCLASS), scratch));
        a.putString(LSM_DENIED, "0x" + Long.toHexString(arg1));
        a.putString(LSM_REQUESTED, "0x" + Long.toHexString(arg0));
        a.putBool(LSM_PERMISSIVE, ret == 0);
      }
      case EXEC_RAISED -> {
        a.putString(FILE_PATH, string(d, pathAt, pathLen, scratch));
        a.putLong(NEW_USER_ID, arg0);
        a.putLong(NEW_GROUP_ID, arg1);
        a.putLong(CAP_EFFECTIVE, arg2);
      }
    }
  }

  static void attribution(Attributes a, CgroupAttribution.Attribution attribution) {
    putIfKnown(a, CONTAINER_ID, attribution.containerId());
    putIfKnown(a, CONTAINER_RUNTIME, attribution.runtime());
    putIfKnown(a, POD_UID, attribution.podUid());
    putIfKnown(a, SYSTEMD_UNIT, attribution.systemdUnit());
  }

  private static void putIfKnown(Attributes a, String key, String value) {
    if (value != null) {
      a.putString(key, value);
    }
  }

  private static void syscall(Attributes a, String[] names, int kind, long ret) {
    syscall(a, name(names, kind), ret);
  }

  private static void syscall(Attributes a, String name, long ret) {
    a.putString(SYSCALL, name);
    a.putLong(RESULT, ret);
    if (ret < 0) {
      a.putString(ERROR_TYPE, errno(ret));
    }
  }

  static String errno(long ret) {
    long e = -ret;
    return e > 0 && e < ERRNO.length ? ERRNO[(int) e] : "errno " + e;
  }

  private static String name(String[] names, int kind) {
    return kind > 0 && kind < names.length ? names[kind] : "unknown";
  }

  private static void id(Attributes a, String key, long id) {
    if (id != 0xffffffffL) {
      a.putLong(key, id);
    }
  }

  static String namespaces(long flags) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < NS_BITS.length; i++) {
      if ((flags & NS_BITS[i]) != 0) {
        b.append(b.isEmpty() ? "" : ",").append(NS_NAMES[i]);
      }
    }
    return b.toString();
  }

  static String ptraceRequest(long request) {
    return switch ((int) request) {
      case 4 -> "PTRACE_POKETEXT";
      case 5 -> "PTRACE_POKEDATA";
      case 6 -> "PTRACE_POKEUSER";
      case 13 -> "PTRACE_SETREGS";
      case 15 -> "PTRACE_SETFPREGS";
      case 16 -> "PTRACE_ATTACH";
      case 0x4205 -> "PTRACE_SETREGSET";
      case 0x4206 -> "PTRACE_SEIZE";
      default -> Long.toString(request);
    };
  }

  /** The NUL-terminated string in the {@code max} bytes at {@code at}. */
  private static String cString(MemorySegment d, long at, int max, byte[] scratch) {
    int len = 0;
    while (len < max && d.get(ValueLayout.JAVA_BYTE, at + len) != 0) {
      len++;
    }
    return string(d, at, len, scratch);
  }

  private static String string(MemorySegment d, long at, int len, byte[] scratch) {
    MemorySegment.copy(d, ValueLayout.JAVA_BYTE, at, scratch, 0, len);
    return new String(scratch, 0, len, StandardCharsets.UTF_8);
  }

  private static String address(MemorySegment d, long at, int len) {
    byte[] raw = new byte[len == 4 ? 4 : 16];
    MemorySegment.copy(d, ValueLayout.JAVA_BYTE, at, raw, 0, raw.length);
    try {
      return InetAddress.getByAddress(raw).getHostAddress();
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes: never
    }
  }
}
