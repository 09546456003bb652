package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code bin/tapio} of the distribution, run as a process. */
class CliTest {
  record Result(int code, String out, String err) {}

  static Result tapio(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Dist.home().resolve("bin/tapio").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tapio did not finish");
    return new Result(p.exitValue(), out, err);
  }

  @Test
  void validateReportsEveryProblemWithFileLineAndColumn(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, """
        receivers:
          synthetic: {rate: fast}
        processors:
          batch: {sendbatch_size: 10}
        exporters:
          debugg: {}
        service:
          pipelines:
            logs: {receivers: [synthetic], processors: [batch], exporters: [debug]}
        """);
    Result r = tapio("validate", "--config", bad.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains(bad + ":2:"), r.err());
    assertTrue(r.err().contains(bad + ":4:") && r.err().contains("send_batch_size"), r.err());
    assertTrue(r.err().contains(bad + ":6:") && r.err().contains("debug"), r.err());

    Path good = dir.resolve("good.yaml");
    Files.writeString(good, """
        receivers: {synthetic: {}}
        exporters: {debug: {}}
        service: {pipelines: {logs: {receivers: [synthetic], exporters: [debug]}}}
        """);
    Result ok = tapio("validate", "--config", good.toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("configuration is valid"), ok.out());
  }

  @Test
  void everyShippedExampleIsAValidConfiguration() throws Exception {
    List<Path> examples;
    try (var files = Files.list(Dist.home().resolve("examples"))) {
      examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(examples.size() >= 4, "examples shipped: " + examples);
    for (Path example : examples) {
      Result r = tapio("validate", "--config", example.toString());
      assertEquals(0, r.code(), example + ": " + r.err());
    }
  }

  @Test
  void componentsListsTheBuiltInsFromTheirPluginJars() throws Exception {
    Result r = tapio("components");
    assertEquals(0, r.code(), r.err());
    for (String type : List.of("synthetic", "batch", "memory_limiter", "probabilistic_sampler",
        "filter", "transform", "attributes", "resource", "resourcedetection", "debug", "file",
        "k8sattributes", "k8s_events", "health_check", "zpages", "pprof", "otlp_grpc",
        "otlp_http", "ebpf_security")) {
      assertTrue(r.out().lines().anyMatch(l -> l.split("\\s+").length > 1
          && l.split("\\s+")[1].equals(type) && l.contains("plugin 'tapio-")),
          type + " missing in:\n" + r.out());
    }
    assertTrue(r.out().contains("otlp_grpc (otlp)") && r.out().contains("otlp_http (otlphttp)")
        && r.out().contains("debug (logging)"), "aliases shown:\n" + r.out());
  }

  @Test
  void runServesHealthAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    int port = Dist.freePort();
    int healthPort = Dist.freePort();
    Path out = dir.resolve("out.json");
    Path config = dir.resolve("run.yaml");
    Files.writeString(config, """
        receivers: {synthetic: {rate: 200, batch_size: 10}}
        processors: {batch: {timeout: 1h, send_batch_size: 1000000}}
        exporters: {file: {path: "%s"}}
        extensions: {health_check: {endpoint: "127.0.0.1:%d"}}
        service:
          extensions: [health_check]
          telemetry: {metrics: {address: "127.0.0.1:%d"}}
          pipelines: {logs: {receivers: [synthetic], processors: [batch], exporters: [file]}}
        """.formatted(out, healthPort, port));
    Process p = new ProcessBuilder(Dist.home().resolve("bin/tapio").toString(), "run",
        "--config", config.toString()).redirectErrorStream(true).start();
    try {
      StringBuffer seen = new StringBuffer();
      Thread reader = new Thread(() -> {
        try (BufferedReader lines = new BufferedReader(
            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String l;
          while ((l = lines.readLine()) != null) {
            seen.append(l).append('\n');
          }
        } catch (java.io.IOException ignored) {
          // the process ended
        }
      });
      reader.start();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!seen.toString().contains("started;") && p.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(seen.toString().contains("started;"), "tapio did not start:\n" + seen);
      assertTrue(seen.toString().contains("pipeline logs: synthetic -> batch -> [queue 4096, block]"
          + " -> file"), seen.toString());
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ready.statusCode(), ready.body());
      assertTrue(ready.body().contains("\"receiver/synthetic\":{\"status\":\"ok\""),
          ready.body());
      // The Collector's health_check, as its chart's probes ask it.
      HttpResponse<String> collectorHealth = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + healthPort + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, collectorHealth.statusCode(), collectorHealth.body());
      assertTrue(collectorHealth.body().startsWith("{\"status\":\"Server available\",\"upSince\":"),
          collectorHealth.body());
      Thread.sleep(300);
      String metrics = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("otelcol_receiver_accepted_log_records_total"), metrics);

      // SIGTERM without Process.destroy(), which would also close our end of its output.
      new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tapio did not stop on SIGTERM");
      reader.join(10_000);
      String rest = seen.toString();
      assertEquals(143, p.exitValue(), "exit status after SIGTERM\n" + rest);
      assertTrue(rest.contains("tapio: stopped"), rest);
      // The batch held everything (1h timeout): only the drain on SIGTERM wrote it.
      assertTrue(Dist.seqs(dir).size() > 0, "nothing flushed on shutdown");
      assertEquals(Dist.seqs(dir).size(), Dist.seqs(dir).stream().distinct().count());
    } finally {
      p.destroyForcibly();
    }
  }

  /** {@code tapio run} with no config: the embedded default shows this host's process events. */
  @Test
  void theEmbeddedDefaultPrintsProcessEventsOfThisHost() throws Exception {
    Process p = new ProcessBuilder(Dist.home().resolve("bin/tapio").toString(), "run")
        .redirectErrorStream(true).start();
    StringBuffer seen = new StringBuffer();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = lines.readLine()) != null) {
          seen.append(l).append('\n');
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    });
    reader.start();
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!seen.toString().contains("started;") && p.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(seen.toString().contains("pipeline logs: ebpf_process, ebpf_network, ebpf_dns,"
          + " ebpf_security -> resourcedetection -> batch"), seen.toString());
      // On a plain host k8snode finds no K8S_NODE_NAME and says so; the start goes on.
      String node = System.getenv("K8S_NODE_NAME");
      if (node == null || node.isBlank()) {
        assertTrue(seen.toString().contains("K8S_NODE_NAME is not set"), seen.toString());
      }
      String marker = "tapio-default-" + java.util.UUID.randomUUID();
      new ProcessBuilder("/bin/sh", "-c", "sleep 1.5", marker).start().waitFor();
      // Either source (eBPF as root, /proc otherwise) prints the exec with its argv.
      while (!seen.toString().contains(marker) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(seen.toString().contains(marker), seen.toString());
      if ("root".equals(System.getProperty("user.name"))) {
        // As root the security receiver loads: a read of /etc/shadow is printed.
        while (!seen.toString().contains("security.file.sensitive_open")
            && System.nanoTime() < deadline) {
          new ProcessBuilder("/usr/bin/head", "-c", "1", "/etc/shadow").start().waitFor();
          Thread.sleep(200);
        }
        assertTrue(seen.toString().contains("security.file.sensitive_open"), seen.toString());
      } else {
        System.out.println("SKIPPED the default config's security events: not root");
      }
    } finally {
      new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
      p.waitFor(30, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
  }
}
