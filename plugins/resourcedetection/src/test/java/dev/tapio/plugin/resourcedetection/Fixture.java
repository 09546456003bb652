package dev.tapio.plugin.resourcedetection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Shared by the tests: a factory over a given environment and root, commands, captured logs. */
final class Fixture {
  private Fixture() {}

  /** The factory reading {@code env} for variables and the files below {@code root}. */
  static ResourceDetectionFactory factory(Map<String, String> env, Path root) {
    return new ResourceDetectionFactory(env::get, root);
  }

  /** The factory reading {@code env} for variables and this host's files. */
  static ResourceDetectionFactory factory(Map<String, String> env) {
    return factory(env, Path.of("/"));
  }

  static TestContext context(Signal signal) {
    return new TestContext("resourcedetection", Kind.PROCESSOR, signal);
  }

  /**
   * Starts a logs processor of {@code yaml}, passes one batch of one resource through it and
   * returns that resource's attributes; shuts it down.
   */
  static Attributes detectOnLogs(ResourceDetectionFactory factory, String yaml)
      throws Exception {
    ConsumerSink sink = new ConsumerSink();
    LogsProcessor p = factory.createLogs(context(Signal.LOGS),
        ComponentConfigs.read(factory, yaml), sink);
    p.start(new TestHost());
    try {
      Logs logs = LogsBuilder.logs("r", 1);
      logs.resourceLogs().get(0).resource().attributes().clear();
      p.consumeLogs(logs);
      return sink.logs().getFirst().resourceLogs().get(0).resource().attributes();
    } finally {
      p.shutdown();
    }
  }

  /** The command's standard output without its final newline; fails the test on failure. */
  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed");
    return out.strip();
  }

  /** Writes {@code text} to {@code root}/{@code path}, creating directories. */
  static void write(Path root, String path, String text) throws IOException {
    Path file = root.resolve(path.substring(1));
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /**
   * A fake root whose kernel says host {@code hostname}, release 6.1.0-test, x86_64, and an
   * os-release of Debian 12; machine id and hosts file are left to the test.
   */
  static Path fakeRoot(Path dir, String hostname) throws IOException {
    write(dir, "/proc/sys/kernel/hostname", hostname + "\n");
    write(dir, "/proc/sys/kernel/ostype", "Linux\n");
    write(dir, "/proc/sys/kernel/osrelease", "6.1.0-test\n");
    write(dir, "/proc/sys/kernel/version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0\n");
    write(dir, "/proc/sys/kernel/arch", "x86_64\n");
    write(dir, "/etc/os-release", """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        ID=debian
        """);
    return dir;
  }

  /** Log records of the processor's logger, captured while open. */
  static final class CapturedLog implements AutoCloseable {
    private final Logger logger = Logger.getLogger("tapio.resourcedetection");
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        synchronized (records) {
          records.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };

    CapturedLog() {
      logger.addHandler(handler);
    }

    /** The messages at {@code level} that contain {@code text}. */
    List<String> messages(java.util.logging.Level level, String text) {
      synchronized (records) {
        return records.stream().filter(r -> r.getLevel().equals(level))
            .map(LogRecord::getMessage).filter(m -> m.contains(text)).toList();
      }
    }

    @Override
    public void close() {
      logger.removeHandler(handler);
    }
  }
}
