package dev.tapio.benchmarks;

import dev.tapio.bpf.BpfObject;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.Logs;
import dev.tapio.plugin.ebpf.security.EbpfSecurityConfig;
import dev.tapio.plugin.ebpf.security.EbpfSecurityReceiverFactory;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Overhead of the {@code ebpf_security} receiver on hot syscall loops, with and without the
 * receiver attached, alternating rounds in one run: {@code open}+{@code close} of a file no rule
 * lists (the open family's hooks run on every call: a user-string read and a trie lookup at
 * entry, a hash lookup at exit) and {@code getppid} (no rule's syscall: only the raw_syscalls
 * fallback of module_load, where it loads, runs) and {@code fcntl(F_GETFL)} (hooked for F_DUPFD,
 * returns at entry). For opens, each round also runs the loop with
 * two empty programs (bench.bpf.c) on the same openat tracepoints: the floor any hook there pays.
 * Calls go straight to libc through FFM, one
 * thread; rates are per second of the calling thread's CPU time. Then the agent's cost per event: this process opens /etc/shadow in a loop with
 * {@code exclude.self} off and no rate limit, and the poll thread's CPU per 10k records is
 * reported.
 *
 * <p>Run as root: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tapio.benchmarks.SecurityOverheadBench [seconds-per-round] [rounds] [config-yaml]}.
 */
public final class SecurityOverheadBench {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle OPEN = LINKER.downcallHandle(
      LINKER.defaultLookup().find("open").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle CLOSE = LINKER.downcallHandle(
      LINKER.defaultLookup().find("close").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle FCNTL = LINKER.downcallHandle(
      LINKER.defaultLookup().find("fcntl").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
      Linker.Option.firstVariadicArg(2));
  private static final MethodHandle GETPPID = LINKER.downcallHandle(
      LINKER.defaultLookup().find("getppid").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT));

  private interface Loop {
    long run(long untilNanos) throws Throwable;
  }

  public static void main(String[] args) throws Throwable {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String yaml = args.length > 2 ? args[2] : "";
    EbpfSecurityReceiverFactory factory = new EbpfSecurityReceiverFactory();
    EbpfSecurityConfig config = ComponentConfigs.read(factory, yaml);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment hostname = arena.allocateFrom("/etc/hostname");
      MemorySegment shadow = arena.allocateFrom("/etc/shadow");
      Loop openClose = until -> openClose(hostname, until);
      Loop getppid = SecurityOverheadBench::getppid;
      compare("open+close /etc/hostname", openClose, factory, config, seconds, rounds, true);
      compare("getppid", getppid, factory, config, seconds, rounds, false);
      compare("fcntl(F_GETFL)", SecurityOverheadBench::fcntlGetfl, factory, config, seconds,
          rounds, false);
      perEvent(factory, ComponentConfigs.read(factory, """
          exclude: {self: false}
          rules: {sensitive_open: {rate_limit: 0}}
          """), shadow, seconds);
    }
  }

  private static void compare(String name, Loop loop, EbpfSecurityReceiverFactory factory,
      EbpfSecurityConfig config, double seconds, int rounds, boolean floor) throws Throwable {
    rate(loop, 1.0); // warm-up
    double[] without = new double[rounds];
    double[] empty = new double[rounds];
    double[] with = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      without[r] = rate(loop, seconds);
      if (floor) {
        try (BpfObject programs = emptyOpenPrograms()) {
          empty[r] = rate(loop, seconds);
        }
      }
      Component receiver = start(factory, config, logs -> {});
      with[r] = rate(loop, seconds);
      receiver.shutdown();
      System.out.printf("%s round %d: without %.0f/s,%s with %.0f/s, ratio %.3f%n", name, r + 1,
          without[r], floor ? String.format(" empty programs %.0f/s (%.3f),", empty[r],
              empty[r] / without[r]) : "", with[r], with[r] / without[r]);
    }
    double a = median(without);
    double b = median(with);
    if (floor) {
      double e = median(empty);
      System.out.printf("%s median: empty programs on sys_enter/exit_openat %.0f/s, ratio %.3f"
          + " (%.0f ns added per iteration: the floor)%n", name, e, e / a, 1e9 / e - 1e9 / a);
    }
    System.out.printf("%s median: without %.0f/s, with %.0f/s, ratio %.3f (%.0f ns added per"
        + " iteration)%n", name, a, b, b / a, 1e9 / b - 1e9 / a);
  }

  /**
   * bench.bpf.c's two programs that return at once, attached to the syscall tracepoints the
   * open rules use: what any program there costs on this kernel.
   */
  private static BpfObject emptyOpenPrograms() throws Exception {
    BpfObject obj = BpfObject.openBundled("bench.bpf.o");
    try {
      obj.setAutoload("tapio_bench", false);
      obj.load();
      obj.attach("tapio_floor_enter_openat");
      obj.attach("tapio_floor_exit_openat");
      return obj;
    } catch (Exception e) {
      obj.close();
      throw e;
    }
  }

  private static void perEvent(EbpfSecurityReceiverFactory factory, EbpfSecurityConfig config,
      MemorySegment path, double seconds) throws Throwable {
    LongAdder records = new LongAdder();
    LogsConsumer sink = (Logs logs) -> records.add(logs.logRecordCount());
    Component receiver = start(factory, config, sink);
    long cpu0 = pollThreadCpu();
    double rate = rate(until -> openClose(path, until), seconds);
    long cpu = pollThreadCpu() - cpu0;
    receiver.shutdown();
    System.out.printf("sensitive opens: %.0f/s, %d records, poll thread CPU %.1f ms per 10k"
        + " records (%.2f µs per record)%n", rate, records.sum(),
        cpu / 1e6 * 10_000 / Math.max(1, records.sum()), cpu / 1e3 / Math.max(1, records.sum()));
  }

  private static Component start(EbpfSecurityReceiverFactory factory, EbpfSecurityConfig config,
      LogsConsumer sink) throws Exception {
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    Component receiver = factory.createLogs(ctx, config, sink);
    receiver.start(new TestHost());
    if (ctx.status() != ComponentStatus.OK) {
      throw new IllegalStateException("receiver did not load: " + ctx.statusReason());
    }
    return receiver;
  }

  private static long openClose(MemorySegment path, long until) throws Throwable {
    long n = 0;
    while (System.nanoTime() < until) {
      for (int i = 0; i < 256; i++) {
        int fd = (int) OPEN.invokeExact(path, 0);
        int rc = (int) CLOSE.invokeExact(fd);
        n++;
      }
    }
    return n;
  }

  // fcntl is hooked (stdio_socket's F_DUPFD): every call pays both tracepoints, and the entry
  // returns at once for other commands.
  private static long fcntlGetfl(long until) throws Throwable {
    long n = 0;
    while (System.nanoTime() < until) {
      for (int i = 0; i < 1024; i++) {
        int flags = (int) FCNTL.invokeExact(0, 3); // F_GETFL on stdin
        n++;
      }
    }
    return n;
  }

  private static long getppid(long until) throws Throwable {
    long n = 0;
    while (System.nanoTime() < until) {
      for (int i = 0; i < 1024; i++) {
        int ppid = (int) GETPPID.invokeExact();
        n++;
      }
    }
    return n;
  }

  /**
   * Iterations per second of this thread's CPU time (user + system, where the hooks run): on a
   * machine shared with other work, wall-clock rates move with preemption, CPU time much less.
   */
  private static double rate(Loop loop, double seconds) throws Throwable {
    var mx = ManagementFactory.getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long n = loop.run(start + (long) (seconds * 1e9));
    return n / ((mx.getCurrentThreadCpuTime() - cpu0) / 1e9);
  }

  /** CPU ns of the receiver's poll thread so far; 0 when it is not running. */
  private static long pollThreadCpu() {
    var mx = ManagementFactory.getThreadMXBean();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("tapio-ebpf-security")) {
        return mx.getThreadCpuTime(t.threadId());
      }
    }
    return 0;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
