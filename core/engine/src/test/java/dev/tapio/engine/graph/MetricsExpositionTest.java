package dev.tapio.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.engine.config.ConfigLoader;
import dev.tapio.engine.config.ConfigSource;
import dev.tapio.engine.config.LoadedConfig;
import dev.tapio.engine.telemetry.Health;
import dev.tapio.engine.telemetry.Promtool;
import dev.tapio.engine.telemetry.SelfTelemetry;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole graph's /metrics as an operator scrapes it: Prometheus's linter accepts it, every
 * drop reason the engine can charge has a series before anything was dropped, and the pipeline
 * latency is a histogram in seconds.
 */
class MetricsExpositionTest {

  /** The value of the one sample of {@code name} carrying every label given. */
  private static double value(String exposition, String name, String... labels) {
    List<String> lines = exposition.lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
        .toList();
    assertEquals(1, lines.size(), name + " " + String.join(",", labels) + " in:\n" + exposition);
    String line = lines.get(0);
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** A graph of {@code processor} between a push receiver and a sink, with /metrics served. */
  private interface Scenario {
    void run(int port) throws Exception;
  }

  private static void withGraph(String processor, Scenario scenario) throws Exception {
    TestComponents.reset();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (SelfTelemetry telemetry = SelfTelemetry.start(new Health(), "127.0.0.1", port)) {
      LoadedConfig config = new ConfigLoader(TestComponents.catalog(), k -> null)
          .load(List.of(new ConfigSource("test.yaml", """
              receivers: {push: {}}
              processors: {%s: {}}
              exporters: {sink: {}}
              service:
                pipelines: {logs: {receivers: [push], processors: [%s], exporters: [sink]}}
              """.formatted(processor, processor))));
      ServiceGraph graph = ServiceGraph.build(config, telemetry);
      graph.start();
      try {
        scenario.run(port);
      } finally {
        graph.shutdown();
      }
    }
  }

  private static String scrape(int port) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void theExpositionLintsCleanAndDropSeriesExistAtZero() throws Exception {
    withGraph("fault", port -> {
      TestComponents.RECEIVERS.get("push").consumeLogs(LogsBuilder.logs("x", 3));
      ConsumerSink sink = TestComponents.SINKS.get("sink");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (sink.itemCount() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      String metrics = scrape(port);
      for (String reason : PipelineTelemetry.DROP_REASONS) {
        assertEquals(0, value(metrics, "tapio_events_dropped_total",
            "component=\"pipeline/logs\"", "reason=\"" + reason + "\""), reason);
      }
      for (String reason : List.of("processor_error", "out_of_memory", "linkage_error")) {
        assertEquals(0, value(metrics, "otelcol_processor_dropped_log_records_total",
            "processor=\"fault\"", "reason=\"" + reason + "\""), reason);
      }
      assertEquals(0, value(metrics, "otelcol_exporter_send_failed_log_records_total",
          "exporter=\"sink\""));
      assertEquals(3, value(metrics, "otelcol_exporter_sent_log_records_total",
          "exporter=\"sink\""));
      // The Collector's processorhelper counters, per processor and signal.
      assertEquals(3, value(metrics, "otelcol_processor_incoming_items_total",
          "processor=\"fault\"", "otel_signal=\"logs\""));
      assertEquals(3, value(metrics, "otelcol_processor_outgoing_items_total",
          "processor=\"fault\"", "otel_signal=\"logs\""));
      assertEquals(1, value(metrics, "tapio_pipeline_latency_seconds_count",
          "pipeline=\"logs\""));
      assertEquals(1, value(metrics, "tapio_pipeline_latency_seconds_bucket",
          "pipeline=\"logs\"", "le=\"+Inf\""));
      assertFalse(metrics.contains("quantile="), "no gauges posing as summaries");
      assertTrue(value(metrics, "tapio_memory_budget_limit_bytes") > 0);
      Promtool.check(metrics);
    });
  }

  @Test
  void latencyIsRecordedWhenAProcessorHandsABatchOnFromItsOwnThreadForItsOldestItem()
      throws Exception {
    withGraph("hold", port -> {
      long start = System.nanoTime();
      TestComponents.RECEIVERS.get("push").consumeLogs(LogsBuilder.logs("a", 2));
      TestComponents.RECEIVERS.get("push").consumeLogs(LogsBuilder.logs("b", 3));
      ConsumerSink sink = TestComponents.SINKS.get("sink");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (sink.itemCount() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      double waited = (System.nanoTime() - start) / 1e9;
      assertEquals(1, sink.logs().size(), "one merged batch");
      String metrics = scrape(port);
      assertEquals(1, value(metrics, "tapio_pipeline_latency_seconds_count",
          "pipeline=\"logs\""), "the hold processor's own thread handed it on");
      double sum = value(metrics, "tapio_pipeline_latency_seconds_sum", "pipeline=\"logs\"");
      assertTrue(sum >= TestComponents.HoldProcessorFactory.HOLD_MILLIS / 1000.0 && sum <= waited,
          "the oldest item waited the hold: " + sum + " s (of " + waited + " s)");
    });
  }
}
