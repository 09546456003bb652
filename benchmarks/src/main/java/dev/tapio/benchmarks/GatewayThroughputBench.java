package dev.tapio.benchmarks;

import dev.tapio.Tapio;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.otlp.OtlpJsonEncoder;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Gateway throughput on loopback: N client threads POST OTLP/HTTP requests of 512 log records ×
 * 10 attributes to Tapio's {@code otlp} receiver → batch → nop exporter, as fast as the gateway
 * answers (each client waits for its response: back-pressure is real). Reports log records/s
 * accepted by the pipeline and delivered to the exporter, for 1 and 4 clients, and for three
 * bodies side by side: protobuf, protobuf over TLS (a self-signed EC P-256 certificate made by
 * openssl; the run is skipped without it) and OTLP/JSON.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.tapio.benchmarks.GatewayThroughputBench
 * [seconds] [proto,tls,json]}
 */
public final class GatewayThroughputBench {
  private static final int RECORDS = 512;

  private GatewayThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<String> variants = List.of((args.length > 1 ? args[1] : "proto,tls,json").split(","));
    Logs logs = logs();
    OtlpEncoder encoder = new OtlpEncoder();
    encoder.encode(logs);
    byte[] proto = encoder.toByteArray();
    OtlpJsonEncoder jsonEncoder = new OtlpJsonEncoder();
    jsonEncoder.encode(logs);
    byte[] json = jsonEncoder.toByteArray();
    System.out.printf(Locale.ROOT, "request: %d log records x 10 attributes, %d bytes protobuf,"
        + " %d bytes JSON%n", RECORDS, proto.length, json.length);
    System.out.printf(Locale.ROOT, "%-6s %-8s %12s %14s %14s%n", "body", "clients", "requests",
        "records/s", "exported/s");
    for (String variant : variants) {
      Path tls = null;
      if (variant.equals("tls")) {
        tls = selfSignedCertificate();
        if (tls == null) {
          System.out.println("tls    skipped: openssl is not installed");
          continue;
        }
      }
      for (int clients : new int[] {1, 4}) {
        run(variant, clients, seconds, variant.equals("json") ? json : proto, tls);
      }
    }
  }

  /** A directory with cert.pem and key.pem for localhost / 127.0.0.1, or null without openssl. */
  private static Path selfSignedCertificate() throws Exception {
    Path dir = Files.createTempDirectory("tapio-bench-tls");
    try {
      Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
          "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir.resolve("key.pem").toString(),
          "-out", dir.resolve("cert.pem").toString(), "-days", "1", "-subj", "/CN=localhost",
          "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true)
          .start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0 ? dir : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** A client context that trusts exactly the throw-away certificate. */
  private static SSLContext trusting(Path cert) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    try (var in = Files.newInputStream(cert)) {
      trusted.setCertificateEntry("bench", CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  static Logs logs() {
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
    return logs;
  }

  static void run(String variant, int clients, int seconds, byte[] body, Path tls)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    BenchComponents.EXPORTED.reset();
    try (Tapio tapio = Tapio.builder().metricsPort(-1).config("gateway-bench.yaml", """
        receivers:
          otlp: {protocols: {http: {endpoint: "127.0.0.1:%d"%s}}}
        processors:
          batch: {}
        exporters:
          nop: {}
        service:
          pipelines:
            logs: {receivers: [otlp], processors: [batch], exporters: [nop]}
        """.formatted(port, tls == null ? "" : ", tls: {cert_file: %s, key_file: %s}"
            .formatted(tls.resolve("cert.pem"), tls.resolve("key.pem")))).start()) {
      HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
      if (tls != null) {
        builder.sslContext(trusting(tls.resolve("cert.pem")));
      }
      HttpClient http = builder.build();
      HttpRequest request = HttpRequest.newBuilder(URI.create((tls == null ? "http" : "https")
              + "://127.0.0.1:" + port + "/v1/logs"))
          .header("Content-Type", variant.equals("json") ? "application/json"
              : "application/x-protobuf")
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
      System.out.printf(Locale.ROOT, "%-6s %-8d %12d %14.0f %14.0f%s%n", variant, clients,
          ok.get(),
          ok.get() * (double) RECORDS / seconds, exported / (double) seconds,
          failed.get() > 0 ? "  (" + failed.get() + " failed)" : "");
    }
  }
}
