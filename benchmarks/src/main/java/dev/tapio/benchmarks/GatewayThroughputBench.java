package dev.tapio.benchmarks;

import dev.tapio.Tapio;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gateway throughput on loopback: N client threads POST OTLP/HTTP protobuf requests of 512 log
 * records × 10 attributes to Tapio's {@code otlp} receiver → batch → nop exporter, as fast as
 * the gateway answers (each client waits for its response: back-pressure is real). Reports log
 * records/s accepted by the pipeline and delivered to the exporter, for 1 and 4 clients.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.tapio.benchmarks.GatewayThroughputBench
 * [seconds]}
 */
public final class GatewayThroughputBench {
  private static final int RECORDS = 512;

  private GatewayThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    byte[] body = body();
    System.out.printf(Locale.ROOT, "request: %d log records x 10 attributes, %d bytes%n",
        RECORDS, body.length);
    System.out.printf(Locale.ROOT, "%-8s %12s %14s %14s%n", "clients", "requests", "records/s",
        "exported/s");
    for (int clients : new int[] {1, 4}) {
      run(clients, seconds, body);
    }
  }

  static byte[] body() {
    Logs logs = new Logs();
    var rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "bench-agent");
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName("bench");
    for (int i = 0; i < RECORDS; i++) {
      LogRecord r = sl.logRecords().appendEmpty();
      r.setTimeUnixNano(1_700_000_000_000_000_000L + i).setSeverity(Severity.INFO)
          .setEventName("process.exec").setBody("exec /usr/bin/true");
      for (int a = 0; a < 10; a++) {
        if (a % 2 == 0) {
          r.attributes().putString("attr." + a, "value-" + a + "-" + i);
        } else {
          r.attributes().putLong("attr." + a, i * 31L + a);
        }
      }
    }
    OtlpEncoder encoder = new OtlpEncoder();
    encoder.encode(logs);
    return encoder.toByteArray();
  }

  static void run(int clients, int seconds, byte[] body) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    BenchComponents.EXPORTED.reset();
    try (Tapio tapio = Tapio.builder().metricsPort(-1).config("gateway-bench.yaml", """
        receivers:
          otlp: {protocols: {http: {endpoint: "127.0.0.1:%d"}}}
        processors:
          batch: {}
        exporters:
          nop: {}
        service:
          pipelines:
            logs: {receivers: [otlp], processors: [batch], exporters: [nop]}
        """.formatted(port)).start()) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest request = HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/v1/logs"))
          .header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      AtomicLong ok = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long warmupEnd = System.nanoTime() + 2_000_000_000L;
      long end = warmupEnd + seconds * 1_000_000_000L;
      long[] exportedAtStart = new long[1];
      Thread[] threads = new Thread[clients];
      for (int c = 0; c < clients; c++) {
        threads[c] = Thread.ofPlatform().start(() -> {
          boolean counting = false;
          while (true) {
            long now = System.nanoTime();
            if (now >= end) {
              return;
            }
            if (!counting && now >= warmupEnd) {
              counting = true;
            }
            try {
              HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
              if (counting) {
                (r.statusCode() == 200 ? ok : failed).incrementAndGet();
              }
            } catch (Exception e) {
              failed.incrementAndGet();
            }
          }
        });
      }
      Thread.sleep(2_000);
      exportedAtStart[0] = BenchComponents.EXPORTED.sum();
      for (Thread t : threads) {
        t.join();
      }
      long exported = BenchComponents.EXPORTED.sum() - exportedAtStart[0];
      System.out.printf(Locale.ROOT, "%-8d %12d %14.0f %14.0f%s%n", clients, ok.get(),
          ok.get() * (double) RECORDS / seconds, exported / (double) seconds,
          failed.get() > 0 ? "  (" + failed.get() + " failed)" : "");
    }
  }
}
