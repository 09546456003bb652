package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.pdata.AggregationTemporality;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Collector configurations as users write them (resources {@code collector/corpus}), each
 * validated and run by the real {@code bin/tapio} with OTLP traffic: what the backend (a second
 * Tapio) receives must match the file's {@code # expect:} line exactly.
 */
class CollectorCorpusTest {
  private static final Pattern EXPECT =
      Pattern.compile("# expect: logs=(\\d+) spans=(\\d+) points=(\\d+)");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Path dir;
  private static TapioProcess backend;
  private static int backendGrpc;
  private static int backendHttp;
  private static int backendMetrics;

  @BeforeAll
  static void startBackend() throws Exception {
    dir = Files.createTempDirectory("tapio-corpus");
    backendGrpc = Dist.freePort();
    backendHttp = Dist.freePort();
    backendMetrics = Dist.freePort();
    Path config = dir.resolve("backend.yaml");
    Files.writeString(config, """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:%d"}
              http: {endpoint: "127.0.0.1:%d"}
        exporters:
          debug: {verbosity: basic}
        service:
          telemetry: {metrics: {address: "127.0.0.1:%d"}}
          pipelines:
            logs: {receivers: [otlp], exporters: [debug]}
            traces: {receivers: [otlp], exporters: [debug]}
            metrics: {receivers: [otlp], exporters: [debug]}
        """.formatted(backendGrpc, backendHttp, backendMetrics));
    backend = TapioProcess.start(config);
  }

  @AfterAll
  static void stopBackend() throws Exception {
    if (backend != null) {
      backend.destroy();
    }
  }

  static Stream<String> corpus() throws Exception {
    Path root = Path.of(CollectorCorpusTest.class.getResource("/collector/corpus").toURI());
    try (Stream<Path> files = Files.list(root)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void validatesRunsAndDeliversWhatItShould(String name) throws Exception {
    String yaml = new String(CollectorCorpusTest.class.getResourceAsStream(
        "/collector/corpus/" + name).readAllBytes());
    Matcher m = EXPECT.matcher(yaml);
    assertTrue(m.find(), name + " has no '# expect:' line");
    long[] expected = {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
        Long.parseLong(m.group(3))};
    Path config = dir.resolve(name);
    Files.writeString(config, yaml);
    int http = Dist.freePort();
    Map<String, String> env = new HashMap<>(Map.of(
        "GRPC_PORT", Integer.toString(Dist.freePort()), "HTTP_PORT", Integer.toString(http),
        "SINK_GRPC", "127.0.0.1:" + backendGrpc, "SINK_HTTP", "127.0.0.1:" + backendHttp,
        "METRICS_PORT", Integer.toString(Dist.freePort()),
        "ZPAGES_PORT", Integer.toString(Dist.freePort()),
        "PPROF_PORT", Integer.toString(Dist.freePort()),
        "STORAGE_DIR", Files.createDirectories(dir.resolve(name + ".storage")).toString()));

    ProcessBuilder pb = new ProcessBuilder(Dist.home().resolve("bin/tapio").toString(),
        "validate", "--config", config.toString()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process valid = pb.start();
    String said = new String(valid.getInputStream().readAllBytes());
    assertEquals(0, valid.waitFor(), name + " does not validate:\n" + said);
    assertTrue(!said.contains("unknown key"), said);

    long[] before = received();
    TapioProcess tapio = TapioProcess.start(config, env);
    try {
      Matcher t = Pattern.compile("# token: (\\S+)").matcher(yaml);
      String token = t.find() ? t.group(1) : null;
      post(http, "/v1/logs", logs(), token);
      post(http, "/v1/traces", traces(), token);
      post(http, "/v1/metrics", metrics(), token);
      long deadline = System.nanoTime() + 60_000_000_000L;
      long[] got = delta(before);
      while (!java.util.Arrays.equals(got, expected) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        got = delta(before);
      }
      Thread.sleep(300); // nothing more may arrive
      got = delta(before);
      assertEquals(List.of(expected[0], expected[1], expected[2]),
          List.of(got[0], got[1], got[2]),
          name + ": log records, spans, points at the backend\n" + tapio.output());
      if (yaml.contains("health_check")) {
        var health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:13133/"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
      }
    } finally {
      tapio.destroy();
    }
  }

  private static void post(int port, String path, TelemetryData<?> data, String token)
      throws Exception {
    OtlpEncoder encoder = new OtlpEncoder();
    int n = encoder.encode(data);
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    var response = HTTP.send(request.header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(encoder.buffer(), 0, n)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), path + ": " + response.body());
  }

  /** 100 records: 10 health checks at DEBUG, 90 orders at INFO carrying a user's e-mail. */
  static Logs logs() {
    Logs logs = new Logs();
    var rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "shop");
    ScopeLogs scope = rl.scopeLogs().appendEmpty();
    for (int i = 0; i < 100; i++) {
      var r = scope.logRecords().appendEmpty().setTimeUnixNano(1_700_000_000_000_000_000L + i);
      if (i % 10 == 0) {
        r.setBody("GET /healthz 200").setSeverity(Severity.DEBUG);
        r.attributes().putString("http.route", "/healthz");
      } else {
        r.setBody("order " + i + " placed").setSeverity(Severity.INFO);
        r.attributes().putString("user.email", "u" + i + "@example.com");
      }
    }
    return logs;
  }

  /** 50 spans: 5 named {@code GET /healthz} with that route. */
  static Traces traces() {
    Traces traces = new Traces();
    var rs = traces.resourceSpans().appendEmpty();
    rs.resource().attributes().putString("service.name", "shop");
    ScopeSpans scope = rs.scopeSpans().appendEmpty();
    for (int i = 0; i < 50; i++) {
      Span s = scope.spans().appendEmpty();
      byte[] trace = new byte[16];
      trace[0] = 1;
      trace[15] = (byte) (i + 1);
      byte[] span = new byte[8];
      span[7] = (byte) (i + 1);
      s.setTraceId(trace).setSpanId(span).setStartTimeUnixNano(1_700_000_000_000_000_000L)
          .setEndTimeUnixNano(1_700_000_000_100_000_000L);
      if (i % 10 == 0) {
        s.setName("GET /healthz").attributes().putString("http.route", "/healthz");
      } else {
        s.setName("checkout").attributes().putString("http.route", "/checkout");
      }
    }
    return traces;
  }

  /** 30 points: a gauge {@code queue.depth} of 10, a sum {@code requests} of 20. */
  static Metrics metrics() {
    Metrics metrics = new Metrics();
    var rm = metrics.resourceMetrics().appendEmpty();
    rm.resource().attributes().putString("service.name", "shop");
    ScopeMetrics scope = rm.scopeMetrics().appendEmpty();
    Metric gauge = scope.metrics().appendEmpty().setName("queue.depth");
    var g = gauge.setGauge();
    for (int i = 0; i < 10; i++) {
      var p = g.appendEmpty().setLongValue(i);
      p.setTimeUnixNano(1_700_000_000_000_000_000L + i);
      p.attributes().putLong("queue", i);
    }
    Metric sum = scope.metrics().appendEmpty().setName("requests");
    var s = sum.setSum(AggregationTemporality.CUMULATIVE, true);
    for (int i = 0; i < 20; i++) {
      var p = s.appendEmpty().setLongValue(i * 10L);
      p.setTimeUnixNano(1_700_000_000_000_000_000L + i);
      p.attributes().putLong("route", i);
    }
    return metrics;
  }

  private static long[] delta(long[] before) throws Exception {
    long[] now = received();
    return new long[] {now[0] - before[0], now[1] - before[1], now[2] - before[2]};
  }

  /** What the backend accepted so far: log records, spans, metric points. */
  private static long[] received() throws Exception {
    String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + backendMetrics + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    long[] out = new long[3];
    String[] names = {"otelcol_receiver_accepted_log_records",
        "otelcol_receiver_accepted_spans", "otelcol_receiver_accepted_metric_points"};
    for (String line : text.split("\n")) {
      for (int i = 0; i < 3; i++) {
        if (line.startsWith(names[i] + "_total{") || line.startsWith(names[i] + "_total ")) {
          out[i] += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return out;
  }
}
