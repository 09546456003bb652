package dev.tapio.engine.telemetry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Prometheus's own linter, for tests: skips with the reason printed when it is not installed. */
public final class Promtool {
  private Promtool() {}

  /**
   * Asserts {@code promtool check metrics} accepts the exposition with no finding other than
   * opentelemetry-java's {@code target_info} without help text.
   */
  public static void check(String metrics) throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    if (!Files.isExecutable(promtool)) {
      System.out.println("SKIPPED promtool check: /usr/bin/promtool is not installed"
          + " (Debian package prometheus; ./tapio test installs it as root)");
      Assumptions.abort("promtool not installed");
    }
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
        .redirectErrorStream(true).start();
    p.getOutputStream().write(metrics.getBytes());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    // opentelemetry-java writes target_info without HELP; promtool lints that (exit 3). Any
    // other finding, or a parse error (exit 1), fails the test.
    String findings = out.lines().filter(l -> !l.equals("target_info no help text"))
        .reduce("", (a, b) -> a + b + "\n");
    assertTrue(p.exitValue() == 0 || (p.exitValue() == 3 && findings.isEmpty()),
        "promtool check metrics failed (exit " + p.exitValue() + "):\n" + out);
  }
}
