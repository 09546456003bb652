package dev.tapio.plugin.ebpf.security;

import dev.tapio.pdata.LogRecord;
import dev.tapio.testkit.ConsumerSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * What the kernel tests need to act and observe: the root/BTF check, the sectrigger helper
 * compiled with cc, running commands, and waiting for records with a deadline.
 */
final class Triggers {
  private static Path helper;

  private Triggers() {}

  static void assumeRootWithBtf() throws IOException {
    String status = Files.readString(Path.of("/proc/self/status"));
    boolean root = status.lines().anyMatch(l -> l.startsWith("Uid:")
        && l.split("\\s+")[2].equals("0"));
    String why = !root ? "not running as root"
        : !Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")) ? "the kernel has no BTF" : null;
    if (why != null) {
      System.out.println("SKIPPED eBPF security test: " + why);
      Assumptions.abort(why);
    }
  }

  /** The sectrigger helper, compiled once per run with cc; aborts the test without cc. */
  static synchronized String helper() throws Exception {
    if (helper != null) {
      return helper.toString();
    }
    Path dir = Files.createTempDirectory("tapio-sectrigger");
    Path src = dir.resolve("sectrigger.c");
    try (InputStream in = Triggers.class.getResourceAsStream("sectrigger.c")) {
      Files.copy(in, src);
    }
    Path out = dir.resolve("sectrigger");
    Process cc;
    try {
      cc = new ProcessBuilder("cc", "-O1", "-o", out.toString(), src.toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      System.out.println("SKIPPED eBPF security test: no C compiler (cc) to build the trigger");
      Assumptions.abort("no cc: " + e.getMessage());
      throw e;
    }
    String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (cc.waitFor() != 0) {
      throw new AssertionError("cc failed: " + log);
    }
    // Readable and executable by nobody (setpriv tests), in a directory nobody can enter.
    dir.toFile().setExecutable(true, false);
    dir.toFile().setReadable(true, false);
    helper = out;
    return out.toString();
  }

  /** A finished command: its pid, exit status and output. */
  record Ran(long pid, int exit, String output) {}

  static Ran run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Ran(p.pid(), p.waitFor(), out);
  }

  static List<String> list(String... parts) {
    return new ArrayList<>(List.of(parts));
  }

  static List<LogRecord> events(ConsumerSink sink, String event, long pid) {
    return sink.logRecords().stream().filter(r -> r.eventName().equals(event)
        && r.attributes().getLong("process.pid", -1) == pid).toList();
  }

  /** Waits (10 s at most) until {@code until} holds for the sink's records. */
  static void await(ConsumerSink sink, Predicate<List<LogRecord>> until, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!until.test(sink.logRecords())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; have "
            + sink.logRecords().size() + " records");
      }
      Thread.sleep(10);
    }
  }

  /**
   * Makes sure every record of processes that already ended has been read: a sentinel process
   * opens /etc/shadow after them, and the ring is read in order, so once the sentinel's record
   * arrives the earlier ones have too. Needs sensitive_open enabled.
   */
  static void sync(ConsumerSink sink) throws Exception {
    Ran sentinel = run("/bin/cat", "/etc/shadow");
    await(sink, rs -> rs.stream().anyMatch(r -> r.eventName().equals(
        "security.file.sensitive_open") && r.attributes().getLong("process.pid", -1)
        == sentinel.pid()), "the sentinel's open of /etc/shadow");
  }
}
