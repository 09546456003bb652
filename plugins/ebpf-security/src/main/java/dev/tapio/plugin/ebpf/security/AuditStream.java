package dev.tapio.plugin.ebpf.security;

import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Severity;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's audit stream, read as the audit daemon's listeners read it: a {@code
 * NETLINK_AUDIT} socket bound to the read-only multicast group ({@code AUDIT_NLGRP_READLOG},
 * which needs {@code CAP_AUDIT_READ}, not the daemon's unicast). It carries what no tracepoint
 * here can tell reliably:
 *
 * <ul>
 *   <li>{@code AUDIT_SECCOMP} (1326): a seccomp filter's action on a syscall, with the syscall
 *       number, the action ({@code code}) and the process. Kill actions are logged by default;
 *       others when the filter asked ({@code SECCOMP_FILTER_FLAG_LOG}) or the
 *       {@code actions_logged} sysctl lists them. Kill and trap are also seen by the
 *       {@code seccomp} rule's tracepoint: while that rule is on they are counted here as
 *       {@code duplicate} and not reported twice.
 *   <li>{@code AUDIT_AVC} (1400): AppArmor's {@code apparmor="DENIED"} and SELinux's
 *       {@code avc: denied}: {@code security.lsm.denial} records.
 * </ul>
 *
 * <p>Each record is its own batch (these are rare). Counted in
 * {@code tapio_security_audit_records{type, result=emitted|duplicate|ignored|refused}}.
 *
 * <p>Threading: {@link #open} and {@link #close} on the lifecycle thread; {@link #run} on the
 * stream's own thread.
 */
final class AuditStream implements Runnable, AutoCloseable {
  static final int AUDIT_SECCOMP = 1326;
  static final int AUDIT_AVC = 1400;
  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_AUDIT = 9;
  private static final int AUDIT_NLGRP_READLOG = 1;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int BUFFER = 1 << 16;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle SOCKET = call("socket",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
          ValueLayout.JAVA_INT));
  private static final MethodHandle BIND = call("bind", FunctionDescriptor.of(
      ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle SETSOCKOPT = call("setsockopt", FunctionDescriptor.of(
      ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
      ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle RECV = call("recv", FunctionDescriptor.of(
      ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
      ValueLayout.JAVA_INT));
  private static final MethodHandle CLOSE = call("close",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

  private final ComponentContext context;
  private final LogsConsumer next;
  private final boolean selinuxRuleOn;
  private final boolean seccompRuleOn;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment buffer = arena.allocate(BUFFER, 8);
  private final ComponentContext.Counter emitted;
  private final ComponentContext.Counter duplicate;
  private final ComponentContext.Counter ignored;
  private final ComponentContext.Counter refused;
  private volatile boolean running = true;
  private int fd = -1;
  private Thread thread;

  AuditStream(ComponentContext context, LogsConsumer next, boolean seccompRuleOn,
      boolean selinuxRuleOn) {
    this.context = context;
    this.next = next;
    this.seccompRuleOn = seccompRuleOn;
    this.selinuxRuleOn = selinuxRuleOn;
    String name = "tapio_security_audit_records";
    String help = "Kernel audit records read, by what became of them";
    emitted = context.counter(name, help, "result", "emitted");
    duplicate = context.counter(name, help, "result", "duplicate");
    ignored = context.counter(name, help, "result", "ignored");
    refused = context.counter(name, help, "result", "refused");
  }

  private static MethodHandle call(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
  }

  /**
   * Opens and binds the socket and starts reading; returns why it could not (no audit support,
   * no CAP_AUDIT_READ), or null when it reads.
   */
  String open() {
    String elsewhere = outsideInitialNetNamespace(Path.of("/proc"));
    if (elsewhere != null) {
      return elsewhere;
    }
    try {
      fd = (int) SOCKET.invokeExact(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
      if (fd < 0) {
        return "no NETLINK_AUDIT socket (a kernel without audit support)";
      }
      MemorySegment addr = arena.allocate(12, 4); // sockaddr_nl
      addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
      addr.set(ValueLayout.JAVA_INT, 4, 0); // nl_pid: the kernel assigns one
      addr.set(ValueLayout.JAVA_INT, 8, 1 << (AUDIT_NLGRP_READLOG - 1));
      if ((int) BIND.invokeExact(fd, addr, 12) != 0) {
        close();
        return "cannot join the audit multicast group (needs CAP_AUDIT_READ)";
      }
      MemorySegment timeout = arena.allocate(16, 8); // timeval: 200 ms, to notice close
      timeout.set(ValueLayout.JAVA_LONG, 0, 0L);
      timeout.set(ValueLayout.JAVA_LONG, 8, 200_000L);
      int ignoredResult = (int) SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16);
    } catch (Throwable t) {
      return "cannot open the audit stream: " + t;
    }
    thread = Thread.ofPlatform().daemon().name("tapio-audit").start(this);
    return null;
  }

  /** Namespace inode numbers below this are the kernel's fixed ones for initial namespaces. */
  private static final long FIRST_DYNAMIC_INODE = 0xF000_0000L;
  /** The initial pid namespace's inode number (fixed since Linux 3.8). */
  private static final long INITIAL_PID_NAMESPACE = 0xEFFF_FFFCL;

  /**
   * Why the stream would stay empty here, or null. The kernel multicasts audit records to the
   * initial network namespace's listeners only; a socket joined elsewhere (a pod without
   * hostNetwork) is accepted and never receives a record. The initial namespace is told by its
   * fixed inode number (kernels that give init_net one) or, from the initial pid namespace, by
   * pid 1's; where neither can tell, the stream is tried.
   */
  static String outsideInitialNetNamespace(Path proc) {
    long own = namespaceInode(proc.resolve("self/ns/net"));
    if (own <= 0 || own < FIRST_DYNAMIC_INODE) {
      return null; // unreadable, or the initial namespace's fixed number
    }
    if (namespaceInode(proc.resolve("self/ns/pid")) == INITIAL_PID_NAMESPACE) {
      long init = namespaceInode(proc.resolve("1/ns/net"));
      if (init > 0 && init != own) {
        return "this process is not in the initial network namespace (net:[" + own
            + "], the host's is net:[" + init + "]): the kernel sends audit records there"
            + " only (in Kubernetes: hostNetwork: true)";
      }
    }
    return null;
  }

  /** The inode number in a namespace link ({@code net:[4026531833]}), or -1 if unreadable. */
  private static long namespaceInode(Path link) {
    try {
      String target = Files.readSymbolicLink(link).toString();
      int open = target.indexOf('[');
      return Long.parseLong(target.substring(open + 1, target.length() - 1));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void run() {
    while (running) {
      long n;
      try {
        n = (long) RECV.invokeExact(fd, buffer, (long) BUFFER, 0);
      } catch (Throwable t) {
        return;
      }
      if (n <= 0) {
        continue; // the receive timeout, or an interrupted call
      }
      int at = 0;
      while (at + 16 <= n) {
        int length = buffer.get(ValueLayout.JAVA_INT, at);
        int type = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, at + 4));
        if (length < 16 || at + length > n) {
          break;
        }
        byte[] text = buffer.asSlice(at + 16, length - 16).toArray(ValueLayout.JAVA_BYTE);
        handle(type, new String(text, StandardCharsets.UTF_8));
        at += (length + 3) & ~3;
      }
    }
  }

  /** One audit message: {@code audit(<time>:<serial>): key=value …}. */
  void handle(int type, String text) {
    LogRecord r;
    Logs logs = new Logs();
    switch (type) {
      case AUDIT_SECCOMP -> {
        Map<String, String> f = fields(text);
        long code = parseLong(f.get("code"), 16);
        String action = seccompAction(code);
        if (seccompRuleOn && (action.equals("kill_process") || action.equals("kill_thread")
            || action.equals("trap"))) {
          duplicate.add(1);
          return;
        }
        r = record(logs, SecurityRule.SECCOMP.eventName(), SecurityRule.SECCOMP.category(),
            Severity.WARN, f, text);
        r.attributes().putString("linux.seccomp.action", action);
        putNumber(r.attributes(), SecurityEvents.SYSCALL_NUMBER, f.get("syscall"));
        putNumber(r.attributes(), "linux.signal.number", f.get("sig"));
      }
      case AUDIT_AVC -> {
        Map<String, String> f = fields(text);
        boolean apparmor = f.containsKey("apparmor");
        if (apparmor ? !"DENIED".equals(f.get("apparmor")) : !text.contains("denied")) {
          ignored.add(1);
          return;
        }
        if (!apparmor && selinuxRuleOn) {
          duplicate.add(1); // the selinux rule's tracepoint reported this denial
          return;
        }
        r = record(logs, "security.lsm.denial", "policy_violation", Severity.WARN, f, text);
        Attributes a = r.attributes();
        a.putString(SecurityEvents.LSM_NAME, apparmor ? "apparmor" : "selinux");
        putIfPresent(a, "linux.lsm.operation", f.get("operation"));
        putIfPresent(a, "linux.lsm.profile", f.get("profile"));
        putIfPresent(a, SecurityEvents.LSM_SCONTEXT, f.get("scontext"));
        putIfPresent(a, SecurityEvents.LSM_TCONTEXT, f.get("tcontext"));
        putIfPresent(a, SecurityEvents.LSM_TCLASS, f.get("tclass"));
        putIfPresent(a, "linux.lsm.permission", f.get("requested_mask"));
        putIfPresent(a, SecurityEvents.FILE_PATH, f.getOrDefault("name", f.get("path")));
      }
      default -> {
        ignored.add(1);
        return;
      }
    }
    try {
      next.consumeLogs(logs);
      emitted.add(1);
    } catch (ConsumerException e) {
      refused.add(1);
      context.dropped(1, "refused");
    }
  }

  private static LogRecord record(Logs logs, String event, String category, Severity severity,
      Map<String, String> f, String text) {
    LogRecord r = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords()
        .appendEmpty();
    r.setTimeUnixNano(auditTimeNanos(text)).setSeverity(severity).setEventName(event);
    Attributes a = r.attributes();
    a.putString(SecurityEvents.RULE_NAME, event);
    a.putString(SecurityEvents.RULE_CATEGORY, category);
    a.putString("linux.security.source", "audit");
    putNumber(a, SecurityEvents.PID, f.get("pid"));
    putNumber(a, SecurityEvents.USER_ID, f.get("uid"));
    putIfPresent(a, SecurityEvents.COMM, f.get("comm"));
    String exe = f.get("exe");
    if (exe != null) {
      a.putString(SecurityEvents.EXECUTABLE_PATH, exe);
      a.putString(SecurityEvents.EXECUTABLE_NAME, exe.substring(exe.lastIndexOf('/') + 1));
    }
    return r;
  }

  /** The fields of an audit message; quoted values unquoted (hex-encoded ones left as they are). */
  static Map<String, String> fields(String text) {
    Map<String, String> out = new HashMap<>();
    int i = text.indexOf("): ");
    i = i < 0 ? 0 : i + 3;
    int n = text.length();
    while (i < n) {
      while (i < n && text.charAt(i) == ' ') {
        i++;
      }
      int eq = text.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String key = text.substring(i, eq);
      int start = eq + 1;
      int end;
      String value;
      if (start < n && text.charAt(start) == '"') {
        end = text.indexOf('"', start + 1);
        end = end < 0 ? n : end;
        value = text.substring(start + 1, end);
        end++;
      } else {
        end = text.indexOf(' ', start);
        end = end < 0 ? n : end;
        value = text.substring(start, end);
      }
      int space = key.lastIndexOf(' ');
      out.putIfAbsent(space < 0 ? key : key.substring(space + 1), value);
      i = end;
    }
    return out;
  }

  /** {@code SECCOMP_RET_*} of an audit record's {@code code}, by name. */
  static String seccompAction(long code) {
    return switch ((int) (code & 0xffff0000L)) {
      case 0x80000000 -> "kill_process";
      case 0x00000000 -> "kill_thread";
      case 0x00030000 -> "trap";
      case 0x00050000 -> "errno";
      case 0x7fc00000 -> "user_notif";
      case 0x7ff00000 -> "trace";
      case 0x7ffc0000 -> "log";
      case 0x7fff0000 -> "allow";
      default -> "unknown";
    };
  }

  /** {@code audit(1796623097.659:16)}: the kernel's event time, in Unix nanoseconds. */
  static long auditTimeNanos(String text) {
    int open = text.indexOf("audit(");
    int colon = open < 0 ? -1 : text.indexOf(':', open);
    if (colon < 0) {
      return System.currentTimeMillis() * 1_000_000L;
    }
    try {
      String[] parts = text.substring(open + 6, colon).split("\\.");
      long millis = Long.parseLong(parts[0]) * 1000 + (parts.length > 1
          ? Long.parseLong(parts[1]) : 0);
      return millis * 1_000_000L;
    } catch (NumberFormatException e) {
      return System.currentTimeMillis() * 1_000_000L;
    }
  }

  private static long parseLong(String s, int radix) {
    if (s == null) {
      return -1;
    }
    try {
      return Long.parseLong(s.startsWith("0x") ? s.substring(2) : s, radix);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void putNumber(Attributes a, String key, String value) {
    long v = parseLong(value, 10);
    if (v >= 0) {
      a.putLong(key, v);
    }
  }

  private static void putIfPresent(Attributes a, String key, String value) {
    if (value != null && !value.isEmpty()) {
      a.putString(key, value);
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (fd >= 0) {
      try {
        int ignoredResult = (int) CLOSE.invokeExact(fd);
      } catch (Throwable t) {
        // closing a socket does not fail in a way that matters here
      }
      fd = -1;
    }
    // Once: open() closes what it opened when the kernel refuses, and the receiver then too.
    if ((thread == null || !thread.isAlive()) && arena.scope().isAlive()) {
      arena.close();
    }
  }
}
