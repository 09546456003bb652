package dev.tapio.plugin.ebpf.security;

import static dev.tapio.plugin.ebpf.security.Triggers.events;
import static dev.tapio.plugin.ebpf.security.Triggers.helper;
import static dev.tapio.plugin.ebpf.security.Triggers.run;
import static dev.tapio.plugin.ebpf.security.Triggers.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Severity;
import dev.tapio.plugin.ebpf.security.Triggers.Ran;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each rule on the real kernel with the default configuration: a trigger that fires it a known
 * number of times from a process of the test's own, exactly that many records with the right
 * attributes, and a benign control that fires nothing. One receiver for the class; counts are
 * taken after {@link Triggers#sync} so that late records would be counted too.
 */
class KernelRulesTest {
  private static TestContext ctx;
  private static ConsumerSink sink;
  private static EbpfSecurityReceiver receiver;

  @BeforeAll
  static void start() throws Exception {
    Triggers.assumeRootWithBtf();
    ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    sink = new ConsumerSink();
    receiver = new EbpfSecurityReceiver(ctx, ComponentConfigs.read(
        new EbpfSecurityReceiverFactory(), ""), sink);
    receiver.start(new TestHost());
    assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
  }

  @AfterAll
  static void stop() throws Exception {
    if (receiver != null) {
      receiver.shutdown();
    }
  }

  private static List<LogRecord> of(String event, Ran ran) {
    return events(sink, event, ran.pid());
  }

  private static void common(LogRecord r, SecurityRule rule, Ran ran) {
    Attributes a = r.attributes();
    assertEquals(rule.eventName(), a.getString("security_rule.name"));
    assertEquals(rule.category(), a.getString("security_rule.category"));
    assertEquals(rule.severity(), r.severity());
    assertEquals(ProcessHandle.current().pid(), a.getLong("process.parent_pid", -1), "" + a);
    long skew = Math.abs(r.timeUnixNano() / 1_000_000 - System.currentTimeMillis());
    assertTrue(skew < 60_000, "event time is Unix time, off by " + skew + "ms");
  }

  @Test
  void setuidToRootAsNobodyIsReportedDeniedAndADropToNobodyGranted() throws Exception {
    String helper = helper();
    Ran denied = run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", helper,
        "setuid", "0");
    assertTrue(denied.output().contains("setuid -1"), denied.output());
    Ran granted = run(helper, "setgid", "65534", "setuid", "65534");
    Ran control = run(helper, "setuid", "0"); // root to root: no change
    sync(sink);

    List<LogRecord> d = of("security.privilege.setuid", denied).stream()
        .filter(r -> "setuid".equals(r.attributes().getString("linux.syscall.name"))).toList();
    assertEquals(1, d.size(), "" + of("security.privilege.setuid", denied));
    Attributes a = d.get(0).attributes();
    common(d.get(0), SecurityRule.SETUID, denied);
    assertEquals(0, a.getLong("linux.setid.id", -1));
    assertEquals(-1, a.getLong("linux.syscall.result", 0));
    assertEquals("EPERM", a.getString("error.type"));
    assertEquals(65534, a.getLong("process.user.id", -1));
    assertEquals(65534, a.getLong("process.real_user.id", -1));
    assertEquals(helper, a.getString("process.executable.path"));
    assertEquals("sectrigger", a.getString("process.executable.name"));

    List<LogRecord> g = of("security.privilege.setuid", granted);
    assertEquals(2, g.size(), "" + g);
    assertEquals("setgid", g.get(0).attributes().getString("linux.syscall.name"));
    assertEquals("setuid", g.get(1).attributes().getString("linux.syscall.name"));
    for (LogRecord r : g) {
      assertEquals(0, r.attributes().getLong("linux.syscall.result", -1));
      assertEquals(65534, r.attributes().getLong("linux.setid.id", -1));
    }
    // Records are made at the syscall's exit: they carry the ids the call left.
    assertEquals(65534, g.get(0).attributes().getLong("linux.process.real_group.id", -1));
    assertEquals(0, g.get(0).attributes().getLong("process.user.id", -1));
    assertEquals(65534, g.get(1).attributes().getLong("process.user.id", -1));
    assertEquals(65534, g.get(1).attributes().getLong("process.real_user.id", -1));
    assertEquals(List.of(), of("security.privilege.setuid", control));
  }

  @Test
  void eachCatOfEtcShadowIsOneSensitiveOpenAndOtherFilesNone() throws Exception {
    int n = 5;
    List<Ran> cats = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      cats.add(run("/bin/cat", "/etc/shadow"));
    }
    Ran control = run("/bin/cat", "/etc/hostname");
    sync(sink);
    int total = 0;
    for (Ran cat : cats) {
      List<LogRecord> opens = of("security.file.sensitive_open", cat);
      assertEquals(1, opens.size(), "" + opens);
      Attributes a = opens.get(0).attributes();
      common(opens.get(0), SecurityRule.SENSITIVE_OPEN, cat);
      assertEquals("/etc/shadow", a.getString("file.path"));
      assertEquals("openat", a.getString("linux.syscall.name"));
      assertEquals(false, a.getBool("linux.open.write", true));
      assertEquals("cat", a.getString("process.executable.name"));
      assertTrue(a.getString("process.executable.path").endsWith("/cat"), "" + a);
      assertEquals(List.of("/bin/cat", "/etc/shadow"), a.get("process.command_args").asArray()
          .stream().map(v -> v.asString()).toList());
      total += opens.size();
    }
    assertEquals(n, total);
    assertEquals(List.of(), sink.logRecords().stream().filter(r -> r.attributes()
        .getLong("process.pid", -1) == control.pid()).toList());
  }

  @Test
  void procMemAndCorePatternOpenedForWriteAreReportedAndReadsAreNot() throws Exception {
    Ran ran = run(helper(), "open_write", "/proc/self/mem", "open_write",
        "/proc/sys/kernel/core_pattern", "open_read", "/proc/self/mem", "open_read",
        "/proc/sys/kernel/core_pattern");
    sync(sink);
    List<LogRecord> mem = of("security.injection.proc_mem", ran);
    assertEquals(1, mem.size(), ran.output() + mem);
    assertEquals("/proc/self/mem", mem.get(0).attributes().getString("file.path"));
    assertEquals(true, mem.get(0).attributes().getBool("linux.open.write", false));
    common(mem.get(0), SecurityRule.PROC_MEM, ran);
    List<LogRecord> escape = of("security.container.escape_write", ran);
    assertEquals(1, escape.size(), ran.output() + escape);
    assertEquals("/proc/sys/kernel/core_pattern", escape.get(0).attributes()
        .getString("file.path"));
    assertEquals(Severity.FATAL, escape.get(0).severity());
    assertEquals(2, sink.logRecords().stream().filter(r -> r.attributes()
        .getLong("process.pid", -1) == ran.pid()).count());
  }

  @Test
  void capsetPtraceProcessVmWritevAndBpfLoadAreReportedOnce() throws Exception {
    Ran ran = run(helper(), "capset", "inject", "bpf");
    sync(sink);
    List<LogRecord> capset = of("security.privilege.capset", ran);
    assertEquals(1, capset.size(), ran.output() + capset);
    assertEquals(0, capset.get(0).attributes().getLong("linux.syscall.result", -1));
    assertTrue(capset.get(0).attributes().getLong("linux.capabilities.effective", 0) != 0);

    List<LogRecord> ptrace = of("security.injection.ptrace", ran);
    assertEquals(List.of("PTRACE_ATTACH", "PTRACE_POKEDATA"), ptrace.stream()
        .map(r -> r.attributes().getString("linux.ptrace.request")).toList(), ran.output());
    long child = ptrace.get(0).attributes().getLong("linux.target.pid", -1);
    assertTrue(child > 0 && child != ran.pid());
    List<LogRecord> vm = of("security.injection.process_vm_writev", ran);
    assertEquals(1, vm.size(), ran.output() + vm);
    assertEquals(child, vm.get(0).attributes().getLong("linux.target.pid", -1));
    assertEquals(8, vm.get(0).attributes().getLong("linux.syscall.result", -1));

    List<LogRecord> bpf = of("security.kernel.bpf", ran);
    assertEquals(1, bpf.size(), ran.output() + bpf);
    assertEquals("socket_filter", bpf.get(0).attributes().getString("linux.bpf.prog_type"));
    // The receiver's own loads are not reported (exclude.self).
    assertEquals(List.of(), events(sink, "security.kernel.bpf", ProcessHandle.current().pid()));
  }

  @Test
  void setuidBitThenASetuidExecAsNobodyAreReported() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tapio-suid");
    dir.toFile().setExecutable(true, false);
    java.nio.file.Path id = dir.resolve("id");
    java.nio.file.Files.copy(java.nio.file.Path.of("/usr/bin/id"), id);
    try {
      Ran plain = run("chmod", "755", id.toString());
      Ran suid = run("chmod", "u+s", id.toString());
      Ran exec = run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          id.toString(), "-u");
      assertEquals("0", exec.output().trim(), "the copy runs with euid 0");
      sync(sink);
      assertEquals(List.of(), of("security.file.setuid_bit", plain));
      List<LogRecord> bit = of("security.file.setuid_bit", suid);
      assertEquals(1, bit.size(), "" + bit);
      assertEquals("4755", bit.get(0).attributes().getString("linux.file.mode"));
      assertTrue(bit.get(0).attributes().getString("file.path").endsWith("/id"));
      List<LogRecord> raised = of("security.privilege.exec_raised", exec);
      assertEquals(1, raised.size(), "" + raised);
      Attributes a = raised.get(0).attributes();
      assertEquals(0, a.getLong("linux.exec.user.id", -1));
      assertEquals(0, a.getLong("process.user.id", -1));
      assertEquals(65534, a.getLong("process.real_user.id", -1));
      assertEquals(id.toString(), a.getString("file.path"));
    } finally {
      java.nio.file.Files.delete(id);
      java.nio.file.Files.delete(dir);
    }
  }

  @Test
  void anExecFromAMemfdIsFilelessAndAnOrdinaryExecIsNot() throws Exception {
    Ran ran = run(helper(), "memfd_exec", "/bin/true");
    Ran control = run("/bin/true");
    sync(sink);
    List<LogRecord> fileless = of("security.exec.fileless", ran);
    assertEquals(1, fileless.size(), ran.output() + fileless);
    assertEquals("memfd:tapio-test", fileless.get(0).attributes().getString("file.name"));
    assertEquals(List.of(), of("security.exec.fileless", control));
  }

  @Test
  void unshareAndMountsAreReported() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tapio-mnt");
    try {
      Ran ran = run(helper(), "unshare_mount", dir.toString(), "unshare_uts");
      sync(sink);
      List<LogRecord> ns = of("security.container.namespace_change", ran);
      assertEquals(List.of("mnt", "uts"), ns.stream().map(r -> r.attributes()
          .getString("linux.namespace.types")).toList(), ran.output());
      List<LogRecord> mounts = of("security.container.mount", ran);
      assertEquals(List.of("/", dir.toString()), mounts.stream().map(r -> r.attributes()
          .getString("file.path")).toList(), ran.output());
      // After unshare the process is in its own mount namespace.
      assertEquals(false, mounts.get(1).attributes().getBool("linux.mount_namespace.host",
          true));
    } finally {
      java.nio.file.Files.delete(dir);
    }
  }

  @Test
  void nsenterIntoAnotherProcesssNamespacesIsASetns() throws Exception {
    // A target in its own mount and UTS namespaces; nsenter joins both, then runs true.
    Process target = new ProcessBuilder("unshare", "-m", "-u", "sleep", "30")
        .redirectErrorStream(true).start();
    try {
      Path ns = Path.of("/proc/" + target.pid() + "/ns/mnt");
      for (int i = 0; i < 200 && Files.readSymbolicLink(ns).equals(
          Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"))); i++) {
        Thread.sleep(10); // until unshare has run and exec'd sleep
      }
      Ran enter = run("nsenter", "-t", Long.toString(target.pid()), "-m", "-u", "/bin/true");
      assertEquals(0, enter.exit(), enter.output());
      sync(sink);
      List<LogRecord> joins = of("security.container.namespace_change", enter);
      assertEquals(List.of("setns", "setns"), joins.stream().map(r -> r.attributes()
          .getString("linux.syscall.name")).toList(), enter.output() + joins);
      assertEquals(java.util.Set.of("mnt", "uts"), joins.stream().map(r -> r.attributes()
          .getString("linux.namespace.types")).collect(java.util.stream.Collectors.toSet()));
      for (LogRecord r : joins) {
        assertEquals(0, r.attributes().getLong("linux.syscall.result", -1));
      }
    } finally {
      target.destroyForcibly().waitFor();
    }
  }

  @Test
  void seccompKillAndTrapAreViolationsAndErrnoIsNotSeen() throws Exception {
    Ran kill = run(helper(), "seccomp_kill");
    Ran trap = run(helper(), "seccomp_trap");
    Ran errno = run(helper(), "seccomp_errno");
    assertEquals(128 + 31, kill.exit(), kill.output());
    assertEquals(128 + 31, trap.exit(), trap.output());
    assertEquals(0, errno.exit(), errno.output());
    sync(sink);
    for (Ran ran : List.of(kill, trap)) {
      List<LogRecord> v = of("security.seccomp.violation", ran);
      assertEquals(1, v.size(), ran.output() + v);
      assertEquals(110, v.get(0).attributes().getLong("linux.syscall.number", -1)); // getppid
      assertEquals("0xc000003e", v.get(0).attributes().getString("linux.seccomp.arch"));
    }
    assertEquals(List.of(), of("security.seccomp.violation", errno));
  }

  @Test
  void stdioDupedOntoAnInetSocketIsAReverseShellAndAPipeIsNot() throws Exception {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 16,
        java.net.InetAddress.getLoopbackAddress())) {
      Ran shell = run(helper(), "reverse_shell", Integer.toString(server.getLocalPort()));
      Ran pipe = run(helper(), "dup_pipe");
      sync(sink);
      List<LogRecord> dups = of("security.shell.stdio_socket", shell);
      assertEquals(List.of(0L, 1L, 2L), dups.stream().map(r -> r.attributes()
          .getLong("linux.fd.new", -1)).toList(), shell.output());
      assertEquals(List.of("dup2", "dup2", "dup3"), dups.stream().map(r -> r.attributes()
          .getString("linux.syscall.name")).toList());
      for (LogRecord r : dups) {
        assertEquals("127.0.0.1", r.attributes().getString("network.peer.address"));
        assertEquals(server.getLocalPort(), r.attributes().getLong("network.peer.port", -1));
      }
      assertEquals(List.of(), of("security.shell.stdio_socket", pipe));
      // dup and fcntl(F_DUPFD) onto a freed 0 and 1: reported; the same calls landing on a
      // high fd, and F_GETFL, are not.
      Ran lowest = run(helper(), "reverse_shell_dup", Integer.toString(server.getLocalPort()));
      sync(sink);
      assertTrue(lowest.output().contains("dup 0 fcntl 1"), lowest.output());
      List<LogRecord> lowestDups = of("security.shell.stdio_socket", lowest);
      assertEquals(List.of("dup", "fcntl"), lowestDups.stream().map(r -> r.attributes()
          .getString("linux.syscall.name")).toList(), lowest.output());
      assertEquals(List.of(0L, 1L), lowestDups.stream().map(r -> r.attributes()
          .getLong("linux.fd.new", -1)).toList());
      assertEquals(server.getLocalPort(), lowestDups.get(1).attributes()
          .getLong("network.peer.port", -1));
      // A program started with a connection as stdin: the dup2, then the exec.
      Ran started = run(helper(), "exec_socket_stdio", Integer.toString(server.getLocalPort()),
          "/bin/true");
      sync(sink);
      List<LogRecord> atExec = of("security.shell.stdio_socket", started);
      assertEquals(List.of("dup2", "execve"), atExec.stream().map(r -> r.attributes()
          .getString("linux.syscall.name")).toList(), started.output());
      assertEquals(0, atExec.get(1).attributes().getLong("linux.fd.new", -1));
      assertEquals("true", atExec.get(1).attributes().getString("process.executable.name"));
      assertEquals(server.getLocalPort(), atExec.get(1).attributes().getLong("network.peer.port",
          -1));
    }
  }

  @Test
  void aDeniedCapabilityCheckIsReportedWhenThatRuleIsOn() throws Exception {
    assertEquals(false, receiver.programs().get("tapio_sec_capable"), "off by default");
    TestContext own = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink capSink = new ConsumerSink();
    // CAP_SYS_NICE: checked once by nice(-1), and not behind the scenes (CAP_SYS_ADMIN is, at
    // every mmap's memory accounting: see the README).
    EbpfSecurityReceiver caps = new EbpfSecurityReceiver(own, ComponentConfigs.read(
        new EbpfSecurityReceiverFactory(), """
            rules:
              capability_use: {enabled: true, capabilities: [sys_nice], denied_only: true}
            """), capSink);
    caps.start(new TestHost());
    try {
      Ran denied = run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", helper(),
          "nice");
      assertTrue(denied.output().contains("nice -1"), denied.output());
      Ran granted = run(helper(), "nice");
      sync(capSink);
      List<LogRecord> d = events(capSink, "security.privilege.capability_use", denied.pid());
      assertEquals(1, d.size(), "" + d.stream().map(r -> r.attributes().getString(
          "linux.capability.name")).toList());
      assertEquals("CAP_SYS_NICE", d.get(0).attributes().getString("linux.capability.name"));
      assertEquals(false, d.get(0).attributes().getBool("linux.capability.granted", true));
      assertEquals(65534, d.get(0).attributes().getLong("process.user.id", -1));
      assertEquals(List.of(), events(capSink, "security.privilege.capability_use",
          granted.pid()));
    } finally {
      caps.shutdown();
    }
  }

  @Test
  void aModuleLoadAttemptIsReported() throws Exception {
    // This kernel has no module support, hence no finit_module tracepoint: the attempt is seen
    // by the raw_syscalls fallback, which costs every syscall and is off by default.
    boolean tracepoint = Files.exists(Path.of(
        "/sys/kernel/tracing/events/syscalls/sys_enter_finit_module"));
    TestContext own = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink moduleSink = new ConsumerSink();
    EbpfSecurityReceiver modules = new EbpfSecurityReceiver(own, ComponentConfigs.read(
        new EbpfSecurityReceiverFactory(), "rules: {module_load: {syscall_fallback: true}}"),
        moduleSink);
    modules.start(new TestHost());
    try {
      assertEquals(!tracepoint, modules.programs().get(SecurityRule.MODULE_FALLBACK_PROGRAM));
      Ran ran = run(helper(), "finit_module");
      sync(moduleSink);
      List<LogRecord> m = events(moduleSink, "security.kernel.module_load", ran.pid());
      assertEquals(1, m.size(), ran.output() + m);
      assertEquals("finit_module", m.get(0).attributes().getString("linux.syscall.name"));
    } finally {
      modules.shutdown();
    }
    // The class's receiver runs the defaults: without the fallback it loads nothing for it here.
    assertEquals(false, receiver.programs().get(SecurityRule.MODULE_FALLBACK_PROGRAM));
  }
}
