package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.Tapio;
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
 * One record with a 50 MB body through a real gateway ({@code bin/tapio}, the launcher's default
 * 256 MiB heap) that exports to a file, to a backend over OTLP/HTTP and over OTLP/gRPC (which
 * refuse anything over 4 MiB) and to the console: whatever each exporter makes of it — written, refused by the
 * server, or an OutOfMemoryError — is counted against that exporter, and the 100 ordinary records
 * after it reach every destination. Each exporter's sent + failed accounts for all 101 records.
 */
class OversizedRecordTest {

  private static double metric(String exposition, String name, String exporter) {
    return exposition.lines()
        .filter(l -> l.startsWith(name + "{") && l.contains("exporter=\"" + exporter + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void aFiftyMegabyteRecordCostsEachExporterAtMostItselfAndIsCounted(@TempDir Path dir)
      throws Exception {
    int gatewayPort = Dist.freePort();
    int backendPort = Dist.freePort();
    int backendGrpcPort = Dist.freePort();
    int metricsPort = Dist.freePort();
    Path backendOut = dir.resolve("backend");
    Path fileOut = dir.resolve("file");
    Files.createDirectories(backendOut);
    Files.createDirectories(fileOut);
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, """
        receivers:
          otlp: {protocols: {http: {endpoint: "127.0.0.1:%d", max_request_body_size: 128MiB}}}
        exporters:
          file: {path: "%s"}
          otlphttp:
            endpoint: "http://127.0.0.1:%d"
            retry_on_failure: {initial_interval: 50ms, max_interval: 200ms}
          otlp:
            endpoint: "127.0.0.1:%d"
            tls: {insecure: true}
            retry_on_failure: {initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 2s}
          debug: {verbosity: basic}
        service:
          telemetry: {metrics: {address: "127.0.0.1:%d"}}
          pipelines: {logs: {receivers: [otlp], exporters: [file, otlphttp, otlp, debug]}}
        """.formatted(gatewayPort, fileOut.resolve("out.json"), backendPort, backendGrpcPort,
        metricsPort));
    HttpClient http = HttpClient.newHttpClient();
    Tapio backend = Tapio.builder().pluginsDir(Dist.plugins()).metricsPort(-1)
        .config("backend.yaml", """
            receivers:
              otlp:
                protocols:
                  http: {endpoint: "127.0.0.1:%d"}
                  grpc: {endpoint: "127.0.0.1:%d"}
            exporters: {file: {path: "%s", flush_interval: 0s}}
            service: {pipelines: {logs: {receivers: [otlp], exporters: [file]}}}
            """.formatted(backendPort, backendGrpcPort, backendOut.resolve("backend.json")))
        .start();
    TapioProcess gateway = TapioProcess.start(config);
    try {
      assertEquals(200, OtlpRequests.post(http, gatewayPort,
          OtlpRequests.logs(0, 1, 50_000_000)), "the big one");
      // While the big one holds the memory budget the gateway may answer 503: retry, as every
      // OTLP client does.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int status;
      while ((status = OtlpRequests.post(http, gatewayPort, OtlpRequests.logs(1, 100, 0))) == 503
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(200, status, "the ordinary ones");

      String metrics = "";
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean settled = false;
      while (!settled && System.nanoTime() < deadline) {
        Thread.sleep(100);
        metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort
            + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        settled = true;
        for (String exporter : List.of("file", "otlphttp", "otlp", "debug")) {
          settled &= metric(metrics, "otelcol_exporter_sent_log_records_total", exporter)
              + metric(metrics, "otelcol_exporter_send_failed_log_records_total", exporter)
              == 101;
        }
      }
      for (String exporter : List.of("file", "otlphttp", "otlp", "debug")) {
        double sent = metric(metrics, "otelcol_exporter_sent_log_records_total", exporter);
        double failed = metric(metrics, "otelcol_exporter_send_failed_log_records_total",
            exporter);
        System.out.println("oversized record: exporter " + exporter + " sent " + (long) sent
            + ", failed " + (long) failed);
        assertEquals(101, sent + failed, exporter + " accounts for every record:\n" + metrics);
        assertTrue(sent >= 100, exporter + " delivered the ordinary records after the big one");
      }
      for (String exporter : List.of("otlphttp", "otlp")) {
        assertEquals(1, metric(metrics, "otelcol_exporter_send_failed_log_records_total",
            exporter), exporter + ": the backend refuses a request over its 4 MiB limit");
      }
      List<Long> all = Dist.seqs(backendOut);
      for (long s = 1; s <= 100; s++) {
        long copies = s;
        assertEquals(2, all.stream().filter(x -> x == copies).count(),
            "seq " + s + " once over HTTP and once over gRPC");
      }
      assertTrue(gateway.process().isAlive(), "the gateway survived");
    } finally {
      gateway.destroy();
      backend.close();
    }
  }
}
