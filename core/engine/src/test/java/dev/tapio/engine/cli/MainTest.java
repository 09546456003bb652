package dev.tapio.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @Test
  void validatePrintsTheWarningsOfAnInvalidConfigurationBeforeItsErrors(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        service:
          telemetry: {metrics: {address: "0.0.0.0:8888"}}
          pipelines: {logs: {receivers: [nope], exporters: [nope]}}
        """);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Main(new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(new String[] {"validate", "--config", config.toString(),
            "--plugins-dir", dir.resolve("no-plugins").toString()});
    String printed = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, printed);
    assertTrue(printed.startsWith("tapio: warning: " + config + ":2:34: service, key "
        + "'telemetry.metrics.address': the metrics and health endpoint listens on every network"
        + " interface (0.0.0.0:8888)"), printed);
    assertTrue(printed.contains("tapio: invalid configuration"), printed);
    assertTrue(printed.contains("  " + config + ":3:34: "), printed);
  }
}
