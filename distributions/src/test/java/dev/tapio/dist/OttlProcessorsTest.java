package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Collector's OTTL processors in the distribution, loaded from their plugin jars (filter,
 * and transform/attributes/resource, each with its own shaded OTTL): records flow through all
 * four, the filtered ones are counted on the Collector's counter.
 */
class OttlProcessorsTest {

  @Test
  void filterTransformAttributesResourceRunInAPipeline(@TempDir Path dir) throws Exception {
    int port = Dist.freePort();
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path config = dir.resolve("run.yaml");
    Files.writeString(config, """
        receivers:
          synthetic: {rate: 0, count: 200, batch_size: 10}
        processors:
          filter/ottl:
            error_mode: ignore
            logs:
              log_record:
                - attributes["synthetic.seq"] < 100
          transform:
            log_statements:
              - context: log
                statements:
                  - >-
                    set(attributes["tagged"],
                    Concat(["seq", String(attributes["synthetic.seq"])], "-"))
              - context: resource
                statements:
                  - set(attributes["transformed"], true)
          attributes:
            actions:
              - {key: pipeline, value: ottl-e2e, action: insert}
          resource:
            attributes:
              - {key: service.namespace, value: e2e, action: upsert}
        exporters:
          file: {path: "%s"}
        service:
          telemetry: {metrics: {address: "127.0.0.1:%d"}}
          pipelines:
            logs:
              receivers: [synthetic]
              processors: [filter/ottl, transform, attributes, resource]
              exporters: [file]
        """.formatted(out.resolve("logs.json"), port));
    Process p = new ProcessBuilder(Dist.home().resolve("bin/tapio").toString(), "run",
        "--config", config.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("tapio.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (Dist.seqs(out).size() < 100 && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      String log = Files.readString(dir.resolve("tapio.log"));
      List<Long> seqs = Dist.seqs(out);
      assertEquals(100, seqs.size(), "records written\n" + log);
      assertTrue(seqs.stream().allMatch(s -> s >= 100), "filtered records leaked: " + seqs);
      String written = Files.readString(out.resolve("logs.json"));
      assertTrue(written.contains("\"seq-150\""), "transform's set\n" + written.substring(0,
          Math.min(2000, written.length())));
      assertTrue(written.contains("\"ottl-e2e\""), "attributes' insert");
      assertTrue(written.contains("\"transformed\""), "transform's resource statement");
      assertTrue(written.contains("\"e2e\""), "resource's upsert");
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith(
          "otelcol_processor_filter_logs_filtered_total{") && l.endsWith(" 100.0")), metrics);
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
