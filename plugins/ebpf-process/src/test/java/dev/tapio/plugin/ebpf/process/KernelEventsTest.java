package dev.tapio.plugin.ebpf.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.bpf.receiver.EbpfProgram;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.LogRecord;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The receiver on the real kernel: real tracepoints, real libbpf, real processes. */
class KernelEventsTest {

  static void assumeRootWithBtf() throws IOException {
    String status = Files.readString(Path.of("/proc/self/status"));
    boolean root = status.lines().anyMatch(l -> l.startsWith("Uid:")
        && l.split("\\s+")[2].equals("0"));
    String why = !root ? "not running as root"
        : !Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")) ? "the kernel has no BTF" : null;
    if (why != null) {
      System.out.println("SKIPPED eBPF receiver test: " + why);
      Assumptions.abort(why);
    }
  }

  static EbpfProcessConfig config(String yaml) throws Exception {
    return ComponentConfigs.read(new EbpfProcessReceiverFactory(), yaml);
  }

  static List<LogRecord> of(ConsumerSink sink, String event, long pid) {
    return sink.logRecords().stream().filter(r -> r.eventName().equals(event)
        && r.attributes().getLong("process.pid", -1) == pid).toList();
  }

  @Test
  void execWithArgvAndExitWithCodeArriveExactly() throws Exception {
    assumeRootWithBtf();
    TestContext ctx = new TestContext("ebpf_process", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfProcessReceiver receiver = new EbpfProcessReceiver(ctx, config(""), sink);
    receiver.start(new TestHost());
    try {
      assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
      String marker = "tapio-" + UUID.randomUUID();
      Process p = new ProcessBuilder("/bin/sh", "-c", "exit 7", marker).start();
      long pid = p.pid();
      assertEquals(7, p.waitFor());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (of(sink, "process.exit", pid).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      LogRecord exec = of(sink, "process.exec", pid).stream()
          .filter(r -> "/bin/sh".equals(r.attributes().getString("process.executable.path")))
          .findFirst().orElseThrow(() -> new AssertionError("no exec of /bin/sh by " + pid
              + " in " + sink.logRecords().size() + " records"));
      assertEquals(ProcessHandle.current().pid(), exec.attributes().getLong("process.parent_pid",
          -1));
      assertEquals(List.of(AnyValue.of("/bin/sh"), AnyValue.of("-c"), AnyValue.of("exit 7"),
          AnyValue.of(marker)), exec.attributes().get("process.command_args").asArray());
      assertEquals("ebpf", exec.attributes().getString("tapio.source"));
      assertEquals(0, exec.attributes().getLong("user.id", -1));
      List<LogRecord> exits = of(sink, "process.exit", pid);
      assertEquals(1, exits.size());
      assertEquals(7, exits.get(0).attributes().getLong("process.exit.code", -1));
      assertTrue(exits.get(0).attributes().getLong("process.lifetime.ns", -1) > 0);
      long skew = Math.abs(exits.get(0).timeUnixNano() / 1_000_000 - System.currentTimeMillis());
      assertTrue(skew < 60_000, "event time is Unix time, off by " + skew + "ms");
    } finally {
      receiver.shutdown();
    }
  }

  /** The cgroup v2 mount (unified or hybrid), or null. */
  static Path cgroup2Root() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
      String[] f = line.split(" ");
      if (f.length > 2 && f[2].equals("cgroup2")) {
        return Path.of(f[1]);
      }
    }
    return null;
  }

  @Test
  void aTinyRingUnderAnExecFloodCountsEveryDropExactly() throws Exception {
    inFreshCgroup((group, cgroupId) -> {
      int n = 3000;
      TestContext ctx = new TestContext("ebpf_process", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      // One page of ring, no early wake-up and a long poll: the flood must overflow it.
      EbpfProcessReceiver receiver = new EbpfProcessReceiver(ctx, config("""
          ring_buffer_size: 4096
          events: {exit: false}
          filter: {cgroup_id: %d}
          poll_timeout: 500ms
          wakeup_bytes: 1GiB
          wakeup_policy: fixed
          """.formatted(cgroupId)), sink);
      receiver.start(new TestHost());
      EbpfProgram kernel = receiver.kernel();
      try {
        Process p = execStorm(group, n);
        assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes()));
      } finally {
        receiver.shutdown(); // drains the ring and reads the drop counters a last time
      }
      long seen = sink.logRecords().stream()
          .filter(r -> r.eventName().equals("process.exec")).count();
      long dropped = kernel.kernelDrops(1, 0);
      assertTrue(dropped > 0, "a one-page ring under " + n + " execs must overflow");
      assertEquals(n, seen + dropped, "seen " + seen + " + dropped " + dropped);
      assertEquals(dropped, ctx.counterValue("tapio_events_dropped", "program", "process_exec",
          "reason", "ring_buffer_full"));
    });
  }

  @Test
  void theAdaptiveWakeupFollowsTheRateAndLosesNothing() throws Exception {
    inFreshCgroup((group, cgroupId) -> {
      int n = 2000;
      TestContext ctx = new TestContext("ebpf_process", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfProcessReceiver receiver = new EbpfProcessReceiver(ctx, config("""
          events: {exit: false}
          filter: {cgroup_id: %d}
          """.formatted(cgroupId)), sink); // the defaults: adaptive, 4 KiB while idle
      receiver.start(new TestHost());
      java.util.Set<Double> thresholds = new java.util.TreeSet<>();
      try {
        assertEquals(4096.0, ctx.gaugeValue("tapio_ebpf_wakeup_bytes", "program", "process"));
        Process p = execStorm(group, n);
        while (p.isAlive()) {
          thresholds.add(ctx.gaugeValue("tapio_ebpf_wakeup_bytes", "program", "process"));
          Thread.sleep(10);
        }
        assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes()));
      } finally {
        receiver.shutdown();
      }
      System.out.println("adaptive wake-up thresholds seen during the storm: " + thresholds);
      // The policy measured the storm's rate and moved the kernel's threshold off the idle one.
      assertTrue(thresholds.stream().anyMatch(t -> t != 4096.0), "thresholds " + thresholds);
      assertEquals(n, sink.logRecords().stream()
          .filter(r -> r.eventName().equals("process.exec")).count());
      assertEquals(0, ctx.counterValue("tapio_events_dropped", "program", "process_exec",
          "reason", "ring_buffer_full"));
      long data = ctx.counterValue("tapio_ebpf_wakeups", "program", "process", "cause",
          "data");
      long timeout = ctx.counterValue("tapio_ebpf_wakeups", "program", "process", "cause",
          "timeout");
      assertTrue(data + timeout > 0, "wake-ups counted: data " + data + ", timeout " + timeout);
    });
  }

  private interface InCgroup {
    void run(Path group, long cgroupId) throws Exception;
  }

  // A cgroup v2 group of its own for the test's processes, removed afterwards.
  private static void inFreshCgroup(InCgroup body) throws Exception {
    assumeRootWithBtf();
    Path root = cgroup2Root();
    Assumptions.assumeTrue(root != null, "no cgroup2 mount to isolate the test's execs in");
    Path group = root.resolve("tapio-test-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectory(group);
    try {
      body.run(group, (long) Files.getAttribute(group, "unix:ino"));
    } finally {
      Files.delete(group);
    }
  }

  // The shell moves itself into the group with a builtin, then execs /bin/true n times.
  private static Process execStorm(Path group, int n) throws IOException {
    return new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + group.resolve("cgroup.procs")
        + "; i=0; while [ $i -lt " + n + " ]; do /bin/true; i=$((i+1)); done").start();
  }

  @Test
  void anExecIsAttributedToTheCgroupItRanInEvenWhenTheProcessMovedBeforeDecoding()
      throws Exception {
    assumeRootWithBtf();
    Path root = cgroup2Root();
    Assumptions.assumeTrue(root != null, "no cgroup2 mount to move a process between");
    String idA = "a".repeat(64);
    String idB = "b".repeat(64);
    Path group = root.resolve("tapio-test-" + UUID.randomUUID().toString().substring(0, 8));
    Path a = group.resolve("cri-containerd-" + idA + ".scope");
    Path b = group.resolve("cri-containerd-" + idB + ".scope");
    Files.createDirectories(a);
    Files.createDirectories(b);
    TestContext ctx = new TestContext("ebpf_process", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    // No early wake-up and a long poll: the records are decoded after the process has moved.
    EbpfProcessReceiver receiver = new EbpfProcessReceiver(ctx, config("""
        poll_timeout: 500ms
        wakeup_bytes: 1GiB
        wakeup_policy: fixed
        """), sink);
    receiver.start(new TestHost());
    Process p = null;
    try {
      String marker = "tapio-moved-" + UUID.randomUUID();
      // The shell enters A and execs a shell (an exec in A), which enters B and execs sleep.
      p = new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + a.resolve("cgroup.procs")
          + "; exec /bin/sh -c 'echo $$ > " + b.resolve("cgroup.procs") + "; exec sleep 5' "
          + marker).start();
      long pid = p.pid();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (of(sink, "process.exec", pid).size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      List<LogRecord> execs = of(sink, "process.exec", pid);
      // The inner shell's last argument is the marker ($0); the outer one's holds it in its script.
      LogRecord inA = execs.stream().filter(r -> {
        List<AnyValue> args = r.attributes().get("process.command_args").asArray();
        return args.get(args.size() - 1).equals(AnyValue.of(marker));
      }).findFirst().orElseThrow(() -> new AssertionError("no exec of the marked shell in "
          + execs));
      LogRecord inB = execs.stream().filter(r -> r.attributes()
          .getString("process.executable.path").endsWith("/sleep")).findFirst()
          .orElseThrow(() -> new AssertionError("no exec of sleep in " + execs));
      assertEquals(idA, inA.attributes().getString("container.id"),
          "the shell exec'd in A, though by decoding it was in B");
      assertEquals(idB, inB.attributes().getString("container.id"));
    } finally {
      receiver.shutdown();
      if (p != null) {
        p.destroyForcibly().waitFor();
      }
      Files.delete(a);
      Files.delete(b);
      Files.delete(group);
    }
  }

  @Test
  void whenTheProgramCannotLoadItFallsBackToProcAndSaysSo() throws Exception {
    TestContext ctx = new TestContext("ebpf_process", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfProcessReceiver receiver = new EbpfProcessReceiver(ctx, config(
        "procfs_interval: 50ms"), sink, "missing.bpf.o");
    receiver.start(new TestHost());
    try {
      assertEquals(ComponentStatus.DEGRADED, ctx.status());
      assertTrue(ctx.statusReason().contains("missing.bpf.o"), ctx.statusReason());
      assertEquals(1, ctx.counterValue("tapio_ebpf_load_failures", "program", "process"));
      Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 0.5", "tapio-procfs-marker").start();
      long pid = p.pid();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (of(sink, "process.exec", pid).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      p.waitFor();
      LogRecord exec = of(sink, "process.exec", pid).get(0);
      assertEquals("procfs", exec.attributes().getString("tapio.source"));
    } finally {
      receiver.shutdown();
    }
  }

  @Test
  void fallbackNoneFailsTheStartWithTheReason() throws Exception {
    TestContext ctx = new TestContext("ebpf_process", Kind.RECEIVER, Signal.LOGS);
    EbpfProcessReceiver receiver = new EbpfProcessReceiver(ctx, config("fallback: none"),
        new ConsumerSink(), "missing.bpf.o");
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, () -> receiver.start(new TestHost()));
    assertTrue(e.getMessage().contains("missing.bpf.o") && e.getMessage().contains("fallback"),
        e.getMessage());
  }

  @Test
  void badConfigFailsValidationWithLineAndColumn() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        dev.tapio.engine.config.ConfigException.class, () -> config("""
            ring_buffer_size: 100000
            args_max_bytes: -1
            sampling: {exec: 0}
            """));
    String all = e.getMessage();
    assertTrue(all.contains("component.yaml:1:") && all.contains("power of two"), all);
    assertTrue(all.contains("component.yaml:2:") && all.contains("args_max_bytes"), all);
    assertTrue(all.contains("component.yaml:3:"), all);
  }
}
