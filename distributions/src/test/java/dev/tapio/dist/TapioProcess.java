package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The distribution's real {@code bin/tapio run --config FILE} as a process, with the launcher's
 * own JVM flags, and everything it printed (stdout and stderr), collected by a daemon thread.
 * Test-thread use, apart from {@link #output()}, which any thread may read.
 */
record TapioProcess(Process process, StringBuffer output) {

  /** Starts it and waits until it says it started (60 s at most). */
  static TapioProcess start(Path config) throws Exception {
    return start(config, new String[0]);
  }

  /**
   * Starts it under a launcher such as {@code prlimit --nofile=1024:1024} ({@code prefix}, the
   * command and its arguments) and waits until it says it started (60 s at most).
   */
  static TapioProcess start(Path config, String... prefix) throws Exception {
    return start(config, java.util.Map.of(), prefix);
  }

  /** Starts it with {@code env} added to this process's environment. */
  static TapioProcess start(Path config, java.util.Map<String, String> env, String... prefix)
      throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(prefix));
    command.addAll(java.util.List.of(Dist.home().resolve("bin/tapio").toString(), "run",
        "--config", config.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    StringBuffer seen = new StringBuffer();
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = lines.readLine()) != null) {
          seen.append(l).append('\n');
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!seen.toString().contains("started;") && p.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(seen.toString().contains("started;"), "tapio did not start:\n" + seen);
    return new TapioProcess(p, seen);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or marked. */
  void kill9() throws Exception {
    new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start().waitFor();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "tapio survived kill -9");
    assertEquals(137, process.exitValue());
  }

  /** SIGTERM, as systemd or Kubernetes stop it: true when it exited within {@code seconds}. */
  boolean terminate(int seconds) throws InterruptedException {
    process.destroy();
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  /** Whatever happened before: makes sure the process is gone. */
  void destroy() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
