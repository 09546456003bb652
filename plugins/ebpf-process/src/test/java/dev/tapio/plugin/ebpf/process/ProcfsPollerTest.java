package dev.tapio.plugin.ebpf.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.ValueType;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the poller against this machine's real /proc with real child processes. */
class ProcfsPollerTest {
  private static final Duration INTERVAL = Duration.ofMillis(50);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ConsumerSink sink = new ConsumerSink();
  private final TestContext context =
      new TestContext("ebpf_process", Kind.RECEIVER, Signal.LOGS);
  private ProcfsPoller poller;

  @BeforeEach
  void requireProcfs() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "no procfs: not Linux");
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (poller != null) {
      poller.stop();
    }
  }

  @Test
  void reportsExecAndExitOfAChild() throws Exception {
    poller = new ProcfsPoller(context, sink, Path.of("/proc"), INTERVAL, 1024, 64);
    poller.start();
    String marker = "tapio-marker-" + UUID.randomUUID();
    // "; exit 7" keeps the shell alive (it cannot exec sleep in its place), so the shell's own
    // argv, with the marker as $0, stays readable while it runs.
    Process child = new ProcessBuilder("/bin/sh", "-c", "sleep 1; exit 7", marker).start();
    int pid = (int) child.pid();

    LogRecord exec = await(r -> r.eventName().equals("process.exec")
        && argsContain(r, marker));
    assertEquals(pid, exec.attributes().getLong("process.pid", -1));
    assertEquals(ProcessHandle.current().pid(), exec.attributes().getLong("process.parent_pid",
        -1));
    List<AnyValue> args = exec.attributes().get("process.command_args").asArray();
    assertEquals(List.of("/bin/sh", "-c", "sleep 1; exit 7", marker),
        args.stream().map(AnyValue::asString).toList());
    assertEquals("/bin/sh", exec.attributes().getString("process.command"));
    assertEquals("/bin/sh -c sleep 1; exit 7 " + marker,
        exec.attributes().getString("process.command_line"));
    String exe = exec.attributes().getString("process.executable.path");
    assertNotNull(exe, "we run as the child's owner, so /proc/<pid>/exe is readable");
    assertEquals(Path.of("/bin/sh").toRealPath().toString(), exe);
    assertEquals("procfs", exec.attributes().getString("tapio.source"));
    assertEquals(Severity.INFO, exec.severity());
    assertTrue(exec.attributes().contains("process.creation.time"));
    assertTrue(exec.attributes().contains("user.id"));
    assertTrue(exec.attributes().contains("linux.cgroup.path"));
    assertFalse(exec.attributes().contains("process.args_truncated"));

    assertEquals(7, child.waitFor());
    LogRecord exit = await(r -> r.eventName().equals("process.exit")
        && r.attributes().getLong("process.pid", -1) == pid);
    assertEquals(ProcessHandle.current().pid(), exit.attributes().getLong("process.parent_pid",
        -1));
    assertEquals("procfs", exit.attributes().getString("tapio.source"));
    assertEquals(exec.attributes().getString("linux.cgroup.path"),
        exit.attributes().getString("linux.cgroup.path"), "remembered from the exec");
    assertEquals(1, count(r -> r.eventName().equals("process.exit")
        && r.attributes().getLong("process.pid", -1) == pid), "one exit per process");
  }

  @Test
  void appliesTheArgumentLimits() throws Exception {
    poller = new ProcfsPoller(context, sink, Path.of("/proc"), INTERVAL, 1024, 3);
    poller.start();
    String marker = "tapio-marker-" + UUID.randomUUID();
    Process child = new ProcessBuilder("/bin/sh", "-c", "sleep 1; exit 0", marker, "a", "b")
        .start();
    try {
      // The child may first be caught between fork and exec (the JVM's argv, or none): wait for
      // the record of the shell itself.
      LogRecord exec = await(r -> r.eventName().equals("process.exec")
          && r.attributes().getLong("process.pid", -1) == child.pid()
          && "/bin/sh".equals(r.attributes().getString("process.command")));
      assertEquals(List.of("/bin/sh", "-c", "sleep 1; exit 0"), exec.attributes()
          .get("process.command_args").asArray().stream().map(AnyValue::asString).toList());
      assertTrue(exec.attributes().getBool("process.args_truncated", false));
    } finally {
      child.destroy();
    }
  }

  @Test
  void processesRunningAtStartAreABaselineNotExecs() throws Exception {
    String marker = "tapio-marker-" + UUID.randomUUID();
    Process before = new ProcessBuilder("/bin/sh", "-c", "sleep 30; exit 0", marker).start();
    try {
      awaitArgv(before, marker);
      poller = new ProcfsPoller(context, sink, Path.of("/proc"), INTERVAL, 1024, 64);
      poller.start();
      // A process started after the baseline proves scans ran since.
      String later = "tapio-marker-" + UUID.randomUUID();
      Process after = new ProcessBuilder("/bin/sh", "-c", "sleep 1; exit 0", later).start();
      await(r -> r.eventName().equals("process.exec") && argsContain(r, later));
      assertEquals(0, count(r -> r.eventName().equals("process.exec") && argsContain(r, marker)),
          "the process running before start is not reported as an exec");
      after.waitFor();

      before.destroy();
      before.waitFor();
      LogRecord exit = await(r -> r.eventName().equals("process.exit")
          && r.attributes().getLong("process.pid", -1) == before.pid());
      assertEquals("sh", exit.attributes().getString("linux.process.comm"));
    } finally {
      before.destroy();
    }
  }

  @Test
  void keepsARefusedBatchAndOffersItAgain() throws Exception {
    sink.failWith(ConsumerException.retryable("queue full"));
    poller = new ProcfsPoller(context, sink, Path.of("/proc"), INTERVAL, 1024, 64);
    poller.start();
    String marker = "tapio-marker-" + UUID.randomUUID();
    Process child = new ProcessBuilder("/bin/sh", "-c", "sleep 1; exit 3", marker).start();
    child.waitFor();
    Thread.sleep(4 * INTERVAL.toMillis()); // let a few scans be refused; not asserted on
    sink.failWith(null);

    await(r -> r.eventName().equals("process.exec") && argsContain(r, marker));
    await(r -> r.eventName().equals("process.exit")
        && r.attributes().getLong("process.pid", -1) == child.pid());
    assertEquals(0, context.droppedByReason().values().stream().mapToLong(Long::longValue).sum(),
        "nothing is dropped while the pipeline only pushes back");
  }

  @Test
  void countsPermanentlyRefusedRecordsAsDropped() throws Exception {
    sink.failWith(ConsumerException.permanent("no"));
    poller = new ProcfsPoller(context, sink, Path.of("/proc"), INTERVAL, 1024, 64);
    poller.start();
    Process child = new ProcessBuilder("/bin/true").start();
    child.waitFor();
    Process other = new ProcessBuilder("/bin/sh", "-c", "sleep 1").start();
    other.waitFor();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (context.droppedCount(ProcfsPoller.DROP_REFUSED) < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(context.droppedCount(ProcfsPoller.DROP_REFUSED) >= 2,
        "the exec and exit of the one-second shell, at least: " + context.droppedByReason());
    assertEquals(0, sink.itemCount());
  }

  @Test
  void stopCountsAStillRefusedBatchAsDroppedAtShutdown() throws Exception {
    sink.failWith(ConsumerException.retryable("queue full"));
    poller = new ProcfsPoller(context, sink, Path.of("/proc"), INTERVAL, 1024, 64);
    poller.start();
    Process child = new ProcessBuilder("/bin/sh", "-c", "sleep 1").start();
    child.waitFor();
    Thread.sleep(4 * INTERVAL.toMillis()); // the exit is noticed within a scan or two
    poller.stop();
    poller = null;
    // At least the exec, seen during the shell's second of life; the exit too unless this
    // machine stalled the poller for the whole sleep above.
    assertTrue(context.droppedCount(ProcfsPoller.DROP_SHUTDOWN) >= 1,
        "the shell's events: " + context.droppedByReason());
    assertEquals(0, sink.itemCount());
  }

  @Test
  void startFailsWithoutProcfs(@TempDir Path dir) {
    ProcfsPoller p = new ProcfsPoller(context, sink, dir.resolve("missing"), INTERVAL, 1024, 64);
    IOException e = assertThrows(IOException.class, p::start);
    assertTrue(e.getMessage().contains("procfs"), e.getMessage());
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class,
        () -> new ProcfsPoller(context, sink, Path.of("/proc"), Duration.ZERO, 1024, 64));
    assertThrows(IllegalArgumentException.class,
        () -> new ProcfsPoller(context, sink, Path.of("/proc"), INTERVAL, 0, 64));
    assertThrows(IllegalArgumentException.class,
        () -> new ProcfsPoller(context, sink, Path.of("/proc"), INTERVAL, 1024, 0));
  }

  @Test
  void parsesPids() {
    assertEquals(1, ProcfsPoller.parsePid("1"));
    assertEquals(4194304, ProcfsPoller.parsePid("4194304"));
    assertEquals(-1, ProcfsPoller.parsePid("self"));
    assertEquals(-1, ProcfsPoller.parsePid(""));
    assertEquals(-1, ProcfsPoller.parsePid("12a"));
  }

  private LogRecord await(Predicate<LogRecord> match)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      for (LogRecord r : sink.logRecords()) {
        if (match.test(r)) {
          return r;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException("no matching record among " + sink.logRecords().size());
      }
      try {
        // Wakes at each new batch; the generous deadline only bounds a failing test.
        sink.awaitItems(sink.itemCount() + 1, Duration.ofNanos(Math.min(left, 200_000_000L)));
      } catch (TimeoutException quiet) {
        // No batch for a while: look again until the deadline.
      }
    }
  }

  private long count(Predicate<LogRecord> match) {
    return sink.logRecords().stream().filter(match).count();
  }

  private static boolean argsContain(LogRecord r, String marker) {
    AnyValue args = r.attributes().get("process.command_args");
    if (args == null || args.type() != ValueType.ARRAY) {
      return false;
    }
    for (AnyValue v : args.asArray()) {
      if (v.asString().equals(marker)) {
        return true;
      }
    }
    return false;
  }

  /** Waits until the child's /proc cmdline shows the marker (it has exec'd the shell). */
  private static void awaitArgv(Process p, String marker) throws Exception {
    Path cmdline = Path.of("/proc/" + p.pid() + "/cmdline");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!new String(Files.readAllBytes(cmdline)).contains(marker)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("child never showed its argv");
      }
      Thread.sleep(5);
    }
  }
}
