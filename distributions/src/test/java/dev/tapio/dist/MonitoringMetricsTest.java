package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the chart's alert rules and Grafana dashboard query exists in a live
 * {@code /metrics} scrape of the distribution's bin/tapio: an agent on the default
 * configuration (eBPF receivers, so as root) and a gateway (OTLP in, memory_limiter, OTLP out
 * to a backend that is down, logs, metrics and traces). A renamed metric breaks the build.
 */
class MonitoringMetricsTest {
  /** Queried but not Tapio's: {@code up} is written by Prometheus for each target. */
  static final Set<String> NOT_TAPIO = Set.of("up");

  /** A metric name; not a label name such as tapio_component (followed by a matcher). */
  private static final Pattern METRIC = Pattern.compile(
      "\\b((?:tapio|otelcol|container|process|jvm)_[a-z0-9_]+|up(?=\\{))\\b"
          + "(?!\\s*(?:=|!=|!~))");

  @Test
  void everyQueriedMetricIsExported(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "the agent's eBPF receivers (and their metrics) need root: skipped");
    Set<String> queried = new TreeSet<>();
    queried.addAll(queried(Files.readString(AlertRulesTest.RULES).replaceAll("(?m)^\\s*#.*$", "")));
    String dashboard = Files.readString(KubernetesTools.CHART.resolve("files/tapio-dashboard.json"));
    Matcher expr = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(dashboard);
    int exprs = 0;
    while (expr.find()) {
      queried.addAll(queried(expr.group(1).replace("\\\"", "\"")));
      exprs++;
    }
    assertTrue(exprs >= 12 && queried.size() >= 20, queried.toString());

    int grpc = Dist.freePort();
    int http = Dist.freePort();
    int gatewayMetrics = Dist.freePort();
    Path gateway = dir.resolve("gateway.yaml");
    Files.writeString(gateway, """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: 127.0.0.1:%d}
              http: {endpoint: 127.0.0.1:%d}
        processors:
          memory_limiter: {check_interval: 1s, limit_percentage: 80, spike_limit_percentage: 20}
        exporters:
          otlp:
            endpoint: 127.0.0.1:%d
            tls: {insecure: true}
            sending_queue: {queue_size: 100}
        service:
          telemetry: {metrics: {address: 127.0.0.1:%d}}
          pipelines:
            logs: {receivers: [otlp], processors: [memory_limiter], exporters: [otlp]}
            metrics: {receivers: [otlp], processors: [memory_limiter], exporters: [otlp]}
            traces: {receivers: [otlp], processors: [memory_limiter], exporters: [otlp]}
        """.formatted(grpc, http, Dist.freePort(), gatewayMetrics));
    TapioProcess gw = TapioProcess.start(gateway);
    // The default configuration, as `tapio run` without --config: self-telemetry on 8888.
    TapioProcess agent = TapioProcess.start(Dist.home().resolve("config/tapio.yaml"));
    try {
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 5; i++) {
        assertEquals(200, OtlpRequests.post(client, http, OtlpRequests.logs(i * 10L, 10, 0)));
      }
      Set<String> exported = new TreeSet<>();
      long deadline = System.nanoTime() + 30_000_000_000L;
      Set<String> missing;
      do {
        Thread.sleep(500);
        exported.addAll(scrape(client, gatewayMetrics));
        exported.addAll(scrape(client, 8888));
        missing = new TreeSet<>(queried);
        missing.removeAll(exported);
        missing.removeAll(NOT_TAPIO);
      } while (!missing.isEmpty() && System.nanoTime() < deadline);
      assertEquals(Set.of(), missing, "queried by the rules or dashboard, not exported; exported: "
          + exported);
    } finally {
      agent.destroy();
      gw.destroy();
    }
  }

  @Test
  void everyDashboardPanelHasANumericPlaceOfItsOwn() throws Exception {
    String dashboard = Files.readString(KubernetesTools.CHART.resolve("files/tapio-dashboard.json"));
    Matcher grid = Pattern.compile("\"gridPos\": \\{([^}]*)\\}").matcher(dashboard);
    Pattern cell = Pattern.compile("\"([hwxy])\": (\\d+)");
    Set<String> taken = new TreeSet<>();
    int panels = 0;
    while (grid.find()) {
      panels++;
      java.util.Map<String, Integer> g = new java.util.HashMap<>();
      Matcher c = cell.matcher(grid.group(1));
      while (c.find()) {
        g.put(c.group(1), Integer.parseInt(c.group(2)));
      }
      assertEquals(Set.of("h", "w", "x", "y"), g.keySet(), "gridPos {" + grid.group(1) + "}");
      for (int x = g.get("x"); x < g.get("x") + g.get("w"); x++) {
        for (int y = g.get("y"); y < g.get("y") + g.get("h"); y++) {
          assertTrue(taken.add(x + "," + y), "two panels on cell " + x + "," + y);
        }
      }
    }
    assertTrue(panels >= 12, panels + " panels");
  }

  static Set<String> queried(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(promql.replaceAll("\\{\\{[^}]*\\}\\}", ""));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  static Set<String> scrape(HttpClient client, int port) throws Exception {
    String text = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Set<String> names = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }
}
