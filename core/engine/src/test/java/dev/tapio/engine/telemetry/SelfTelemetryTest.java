package dev.tapio.engine.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentId;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import io.opentelemetry.api.common.Attributes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class SelfTelemetryTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesCollectorNamedCountersAndHealthOnOnePort() throws Exception {
    int port = freePort();
    Health health = new Health();
    try (SelfTelemetry t = SelfTelemetry.start(health, "127.0.0.1", port)) {
      EngineContext ctx = new EngineContext(ComponentId.parse("filter/errors"), Kind.PROCESSOR,
          Signal.LOGS, t);
      ctx.dropped(7, "filtered");
      ctx.dropped(5, "filtered");
      t.counter("otelcol_receiver_accepted_log_records", "accepted",
          Attributes.builder().put("receiver", "otlp").build()).add(42);
      ctx.reportStatus(ComponentStatus.DEGRADED, "running on the procfs fallback");

      String metrics = get(port, "/metrics").body();
      assertEquals(12, value(metrics, "tapio_events_dropped_total",
          "component=\"processor/filter/errors\"", "reason=\"filtered\""));
      assertEquals(12, value(metrics, "otelcol_processor_dropped_log_records_total",
          "processor=\"filter/errors\"", "reason=\"filtered\""));
      assertEquals(42, value(metrics, "otelcol_receiver_accepted_log_records_total",
          "receiver=\"otlp\""));

      assertEquals(200, get(port, "/healthz").statusCode());
      HttpResponse<String> notReady = get(port, "/readyz");
      assertEquals(503, notReady.statusCode(), "pipelines not started yet");
      health.pipelinesStarted(true);
      HttpResponse<String> ready = get(port, "/readyz");
      assertEquals(200, ready.statusCode());
      assertTrue(ready.body().contains("\"processor/filter/errors\":{\"status\":\"degraded\","
          + "\"reason\":\"running on the procfs fallback\"}"), ready.body());
      ctx.reportStatus(ComponentStatus.ERROR, "cannot bind");
      assertEquals(503, get(port, "/readyz").statusCode());
      assertEquals(200, get(port, "/healthz").statusCode(), "a component error is not fatal");
      health.fatal("thread HTTP-Dispatcher died: java.lang.OutOfMemoryError: Java heap space");
      HttpResponse<String> failing = get(port, "/healthz");
      assertEquals(503, failing.statusCode());
      assertTrue(failing.body().contains("\"status\":\"failing\"")
          && failing.body().contains("OutOfMemoryError"), failing.body());

      Promtool.check(metrics);
    }
  }

  @Test
  void servesProcessMetricsAndEachComponentsStateAsAStateSet() throws Exception {
    int port = freePort();
    Health health = new Health();
    try (SelfTelemetry t = SelfTelemetry.start(health, "127.0.0.1", port)) {
      EngineContext ctx = new EngineContext(ComponentId.parse("ebpf_dns"), Kind.RECEIVER,
          Signal.LOGS, t);
      ctx.reportStatus(ComponentStatus.DEGRADED, "no CAP_BPF");
      String metrics = get(port, "/metrics").body();
      assertEquals(1, value(metrics, "tapio_component_status",
          "component=\"receiver/ebpf_dns\"", "status=\"degraded\""));
      assertEquals(0, value(metrics, "tapio_component_status",
          "component=\"receiver/ebpf_dns\"", "status=\"ok\""));
      long rss = ProcessMetrics.vmRssBytes();
      double scraped = value(metrics, "process_resident_memory_bytes");
      assertTrue(scraped > 10_000_000 && Math.abs(scraped - rss) < rss / 2.0,
          "RSS " + scraped + " near /proc/self/status's " + rss);
      assertTrue(value(metrics, "process_cpu_seconds_total") > 0);
      assertTrue(value(metrics, "process_open_fds") > 3);
      assertTrue(value(metrics, "process_max_fds") >= value(metrics, "process_open_fds"));
      double start = value(metrics, "process_start_time_seconds");
      assertTrue(start > 1.7e9 && start <= System.currentTimeMillis() / 1000.0, "" + start);
      assertTrue(value(metrics, "jvm_memory_used_bytes", "area=\"heap\"") > 0);

      ctx.reportStatus(ComponentStatus.OK, "");
      String later = get(port, "/metrics").body();
      assertEquals(0, value(later, "tapio_component_status",
          "component=\"receiver/ebpf_dns\"", "status=\"degraded\""));
      assertEquals(1, value(later, "tapio_component_status",
          "component=\"receiver/ebpf_dns\"", "status=\"ok\""));
      Promtool.check(later);
    }
  }

  /** The value of the one sample of {@code name} carrying every label given. */
  static double value(String exposition, String name, String... labels) {
    double found = Double.NaN;
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (String l : labels) {
        all &= line.contains(l);
      }
      if (all) {
        if (!Double.isNaN(found)) {
          throw new AssertionError("two samples match " + name + " " + String.join(",", labels));
        }
        found = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    if (Double.isNaN(found)) {
      throw new AssertionError("no sample " + name + " with " + String.join(",", labels)
          + " in:\n" + exposition);
    }
    return found;
  }

  @Test
  void portInUseFailsWithTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalStateException.class,
          () -> SelfTelemetry.start(new Health(), "127.0.0.1", port));
      assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }
  }
}
