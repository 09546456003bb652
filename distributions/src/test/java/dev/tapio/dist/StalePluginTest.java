package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.Tapio;
import dev.tapio.engine.config.PipelineId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin built against another API version — here one whose {@code Logs} had a method that the
 * running API lacks — throws {@code NoSuchMethodError} on the pipeline thread. The thread lives
 * on, every record is either delivered or counted against the plugin, and /readyz names it.
 */
class StalePluginTest {
  private static final String PLUGIN = """
      package com.example.stale;

      import dev.tapio.component.*;
      import dev.tapio.config.*;
      import dev.tapio.consumer.*;
      import dev.tapio.pdata.*;
      import java.util.Set;
      import org.pf4j.Extension;

      @Extension
      public final class StaleFactory implements ProcessorFactory<StaleFactory.Config> {
        public record Config() implements ComponentConfig {}

        public String type() { return "stale"; }
        public Stability stability() { return Stability.ALPHA; }
        public Set<Signal> signals() { return Set.of(Signal.LOGS); }
        public Config createDefaultConfig() { return new Config(); }
        public Config readConfig(ConfigReader r) { return new Config(); }

        public LogsProcessor createLogs(ComponentContext c, Config cfg, LogsConsumer next) {
          return new LogsProcessor() {
            private int batches;

            public void consumeLogs(Logs logs) {
              int n = batches++;
              if (n % 2 == 0 || n == 99) {
                logs.compact(); // in the API it was built against; not in the one running it
              }
              next.consumeLogs(logs);
            }
          };
        }
      }
      """;

  // The other API version: only what the plugin needs of it. Compiled, never packed.
  private static final String OLD_LOGS = """
      package dev.tapio.pdata;

      public final class Logs {
        public void compact() {}
      }
      """;

  @Test
  void aLinkageErrorIsCountedAgainstThePluginAndThePipelineGoesOn(@TempDir Path work)
      throws Exception {
    PluginJar.build(work, "example-stale", Map.of(
        "com/example/stale/StaleFactory.java", PLUGIN,
        "dev/tapio/pdata/Logs.java", OLD_LOGS), "dev/tapio/");
    Path plugins = ThirdPartyPluginTest.pluginsWithBuiltIns(work);
    int port = Dist.freePort();
    String yaml = """
        receivers: {synthetic: {count: 1000, rate: 0, batch_size: 10}}
        processors: {stale: {}}
        exporters: {file: {path: "%s"}}
        service:
          pipelines: {logs: {receivers: [synthetic], processors: [stale], exporters: [file]}}
        """.formatted(work.resolve("out/logs.json"));
    HttpClient http = HttpClient.newHttpClient();
    try (Tapio tapio = Tapio.builder().pluginsDir(plugins).metricsPort(port)
        .config("stale.yaml", yaml).start()) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      PipelineId logs = PipelineId.parse("logs");
      String metrics = "";
      while (System.nanoTime() < deadline) {
        metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        if (tapio.graph().processedByPipeline().get(logs) + dropped(metrics) >= 1000) {
          break;
        }
        Thread.sleep(20);
      }
      assertEquals(510, dropped(metrics), "51 of 100 batches, counted against the plugin");
      assertEquals(490, tapio.graph().processedByPipeline().get(logs), "the rest, delivered");
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(
          "http://localhost:" + port + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, ready.statusCode(), ready.body());
      assertTrue(ready.body().contains("\"processor/stale\":{\"status\":\"error\"")
          && ready.body().contains("NoSuchMethodError"), ready.body());
    }
  }

  private static long dropped(String metrics) {
    return metrics.lines()
        .filter(l -> l.startsWith("otelcol_processor_dropped_log_records_total{")
            && l.contains("processor=\"stale\"") && l.contains("reason=\"linkage_error\""))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
