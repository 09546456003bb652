package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory flood into a real {@code bin/tapio} with the launcher's default flags (-Xmx256m):
 * eight clients send OTLP/HTTP requests of 1,000 log records as fast as tapio takes them, for
 * 20 s, through {@code memory_limiter} (limit_mib: 200, as a Collector user writes it) and
 * {@code batch} to an {@code otlphttp} exporter whose backend answers each request only after
 * 2 s, so data piles up inside tapio far faster than it leaves. Each client notes which of its
 * requests were acknowledged (2xx). After the flood the backend drains what tapio holds, then
 * tapio is stopped with SIGTERM.
 *
 * <p>What must hold: every acknowledged record reached the backend (0 acknowledged records
 * lost; a failure lists the missing sequence numbers); the clients were refused (503), so the
 * pressure reached them instead of the heap; tapio never logged an {@code OutOfMemoryError};
 * {@code /metrics} answered throughout; no thread of tapio died; tapio stopped on SIGTERM.
 */
class MemoryFloodTest {
  private static final int CLIENTS = 8;
  /** 1,000 by default; {@code -Dtapio.flood.records=20000} floods with requests of 3.4 MB. */
  private static final int RECORDS_PER_REQUEST = Integer.getInteger("tapio.flood.records", 1_000);
  private static final Duration FLOOD = Duration.ofSeconds(20);
  private static final Duration BACKEND_DELAY = Duration.ofSeconds(2);
  private static final Duration DRAIN = Duration.ofSeconds(30);

  /**
   * The slow backend: an OTLP/HTTP logs endpoint that notes every {@code seq} it receives and
   * answers 200 after {@link #BACKEND_DELAY}. Thread-safe.
   */
  private static final class SlowBackend implements AutoCloseable {
    final Set<Long> seqs = ConcurrentHashMap.newKeySet();
    final LongAdder duplicates = new LongAdder();
    final LongAdder requests = new LongAdder();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    SlowBackend(int port) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      server.setExecutor(pool);
      server.createContext("/v1/logs", this::handle);
      server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        InputStream body = exchange.getRequestBody();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
          body = new GZIPInputStream(body);
        }
        ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body);
        for (ResourceLogs rl : request.getResourceLogsList()) {
          for (ScopeLogs sl : rl.getScopeLogsList()) {
            for (LogRecord r : sl.getLogRecordsList()) {
              for (KeyValue kv : r.getAttributesList()) {
                if (kv.getKey().equals("seq") && !seqs.add(kv.getValue().getIntValue())) {
                  duplicates.increment();
                }
              }
            }
          }
        }
        requests.increment();
        Thread.sleep(BACKEND_DELAY);
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      server.stop(0);
      pool.shutdownNow();
    }
  }

  /** What the clients saw. Thread-safe. */
  private static final class Tally {
    final Set<Long> acknowledged = ConcurrentHashMap.newKeySet(); // first seq of each request
    final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    final LongAdder ioErrors = new LongAdder();

    long count(int status) {
      LongAdder a = statuses.get(status);
      return a == null ? 0 : a.sum();
    }

    Map<Integer, Long> statuses() {
      Map<Integer, Long> out = new TreeMap<>();
      statuses.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }
  }

  /** An export request of {@code n} log records, numbered by the attribute seq from first. */
  private static byte[] request(long first, int n) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("flood").setVersion("1.0"));
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < n; i++) {
      long seq = first + i;
      scope.addLogRecords(LogRecord.newBuilder()
          .setTimeUnixNano(now + i)
          .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
          .setSeverityText("INFO")
          .setBody(AnyValue.newBuilder().setStringValue("request " + seq + " handled in "
              + (seq % 97) + " ms by worker"))
          .addAttributes(KeyValue.newBuilder().setKey("seq")
              .setValue(AnyValue.newBuilder().setIntValue(seq)))
          .addAttributes(KeyValue.newBuilder().setKey("http.route")
              .setValue(AnyValue.newBuilder().setStringValue("/api/v1/items/{id}")))
          .addAttributes(KeyValue.newBuilder().setKey("http.response.status_code")
              .setValue(AnyValue.newBuilder().setIntValue(200))));
    }
    Resource resource = Resource.newBuilder().addAttributes(KeyValue.newBuilder()
        .setKey("service.name").setValue(AnyValue.newBuilder().setStringValue("flood"))).build();
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(
        ResourceLogs.newBuilder().setResource(resource).addScopeLogs(scope)).build().toByteArray();
  }

  /**
   * One client: sends a request and, when refused or cut off, the same request again after a
   * short pause (as an OTLP exporter retries, if less patiently), until the flood ends; a
   * request still refused then was never acknowledged, which is allowed.
   */
  private static void client(URI uri, AtomicLong nextSeq, long deadline, Tally tally) {
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build()) {
      while (System.nanoTime() < deadline) {
        long first = nextSeq.getAndAdd(RECORDS_PER_REQUEST);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request(first, RECORDS_PER_REQUEST)))
            .build();
        while (System.nanoTime() < deadline) {
          try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            tally.statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
            if (status / 100 == 2) {
              tally.acknowledged.add(first);
              break;
            }
          } catch (IOException e) {
            tally.ioErrors.increment();
          }
          Thread.sleep(50);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every acknowledged seq the backend has not received, in order. */
  private static List<Long> missing(Tally tally, SlowBackend backend) {
    List<Long> missing = new ArrayList<>();
    for (long first : new java.util.TreeSet<>(tally.acknowledged)) {
      for (long seq = first; seq < first + RECORDS_PER_REQUEST; seq++) {
        if (!backend.seqs.contains(seq)) {
          missing.add(seq);
        }
      }
    }
    return missing;
  }

  /** {@code [3, 4, 5, 9]} as {@code "3-5, 9"}, the first 20 runs. */
  private static String runs(List<Long> seqs) {
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (int i = 0; i < seqs.size() && shown < 20; shown++) {
      int j = i;
      while (j + 1 < seqs.size() && seqs.get(j + 1) == seqs.get(j) + 1) {
        j++;
      }
      out.append(out.isEmpty() ? "" : ", ").append(seqs.get(i))
          .append(j > i ? "-" + seqs.get(j) : "");
      i = j + 1;
    }
    return out.toString();
  }

  /** The sum of the samples of the series starting with {@code prefix} in Prometheus text. */
  private static double sum(String metrics, String prefix) {
    return metrics.lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void aMemoryFloodLosesNoAcknowledgedRecordAndDoesNotRunOutOfMemory(@TempDir Path dir)
      throws Exception {
    int receiverPort = Dist.freePort();
    int backendPort = Dist.freePort();
    int metricsPort = Dist.freePort();
    Path config = dir.resolve("flood.yaml");
    Files.writeString(config, """
        receivers: {otlp: {protocols: {http: {endpoint: "127.0.0.1:%d"}}}}
        processors:
          memory_limiter: {check_interval: 1s, limit_mib: 200}
          batch: {}
        exporters:
          otlphttp: {endpoint: "http://127.0.0.1:%d"}
        service:
          telemetry: {metrics: {address: "127.0.0.1:%d"}}
          pipelines:
            logs: {receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp]}
        """.formatted(receiverPort, backendPort, metricsPort));
    URI receiver = URI.create("http://127.0.0.1:" + receiverPort + "/v1/logs");
    URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");

    long t0 = System.nanoTime();
    Tally tally = new Tally();
    LongAdder scrapes = new LongAdder();
    List<String> scrapeFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
    String lastMetrics = "";
    double peakBudget = 0;
    double peakSendingQueue = 0;
    List<Long> missing;
    boolean stopped;
    TapioProcess tapio = null;
    try (SlowBackend backend = new SlowBackend(backendPort)) {
      tapio = TapioProcess.start(config);
      long deadline = System.nanoTime() + FLOOD.toNanos();
      AtomicLong nextSeq = new AtomicLong();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        clients.add(Thread.ofPlatform().name("flood-client-" + c)
            .start(() -> client(receiver, nextSeq, deadline, tally)));
      }
      // /metrics must keep answering while the heap is under pressure.
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpRequest scrape = HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10))
            .build();
        while (System.nanoTime() < deadline) {
          try {
            HttpResponse<String> r = http.send(scrape, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              scrapes.increment();
              // Where the data sits: the pipeline queue (charged to the memory budget) or the
              // exporter's sending queue downstream of it.
              peakBudget = Math.max(peakBudget,
                  sum(r.body(), "tapio_memory_budget_reserved_bytes{"));
              peakSendingQueue = Math.max(peakSendingQueue,
                  sum(r.body(), "otelcol_exporter_queue_size{"));
            } else {
              scrapeFailures.add("status " + r.statusCode());
            }
          } catch (IOException e) {
            scrapeFailures.add(e.toString());
          }
          Thread.sleep(1_000);
        }
        for (Thread t : clients) {
          t.join();
        }
        // The backlog drains at the backend's pace.
        long drained = System.nanoTime() + DRAIN.toNanos();
        while (!missing(tally, backend).isEmpty() && System.nanoTime() < drained) {
          Thread.sleep(500);
        }
        try {
          lastMetrics = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
          scrapeFailures.add("after the drain: " + e);
        }
      }
      stopped = tapio.terminate(30);
      missing = missing(tally, backend);
      long acknowledged = (long) tally.acknowledged.size() * RECORDS_PER_REQUEST;
      System.out.printf("memory flood: %d s, %d clients, %d records acknowledged in %d requests;"
              + " statuses %s, %d I/O errors; backend received %d records (%d duplicates) in %d"
              + " requests; %d scrapes of /metrics answered; %d ms in all; tapio: accepted %.0f,"
              + " refused by the pipeline %.0f (memory_limiter %.0f), requests refused at the"
              + " receiver %s, sent %.0f, dropped %.0f; peaks seen: memory budget reserved %.0f MiB,"
              + " sending queue %.0f batches%n",
          FLOOD.toSeconds(), CLIENTS, acknowledged, tally.acknowledged.size(),
          tally.statuses(), tally.ioErrors.sum(), backend.seqs.size(),
          backend.duplicates.sum(), backend.requests.sum(), scrapes.sum(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
          sum(lastMetrics, "otelcol_receiver_accepted_log_records_total{"),
          sum(lastMetrics, "otelcol_receiver_refused_log_records_total{"),
          sum(lastMetrics, "tapio_memory_limiter_refused_total{"),
          lastMetrics.lines().filter(l -> l.startsWith("tapio_otlp_receiver_refused_requests"))
              .map(l -> l.replaceAll(".*reason=\"([a-z_]+)\".* ", "$1=")).toList(),
          sum(lastMetrics, "otelcol_exporter_sent_log_records_total{"),
          sum(lastMetrics, "tapio_events_dropped_total{"), peakBudget / (1 << 20),
          peakSendingQueue);
    } finally {
      if (tapio != null) {
        tapio.destroy();
      }
    }
    String log = tapio.output().toString();
    assertTrue(missing.isEmpty(), () -> missing.size()
        + " acknowledged records never reached the backend: " + runs(missing) + "\n" + log);
    assertTrue(tally.acknowledged.size() > 0, "nothing was acknowledged:\n" + log);
    assertTrue(tally.count(503) > 0, "the clients were never refused: the pressure did not "
        + "reach them; statuses " + tally.statuses());
    assertTrue(!log.contains("OutOfMemoryError"), "tapio ran out of memory:\n" + log);
    assertTrue(!log.contains("Exception in thread"), "a thread of tapio died:\n" + log);
    assertEquals(List.of(), scrapeFailures, "/metrics did not answer during the flood");
    assertTrue(scrapes.sum() >= 3, "too few scrapes during the flood: " + scrapes.sum());
    // tapio's own accounting agrees: what it accepted includes every acknowledged record, and
    // it dropped nothing (a drop there would be of acknowledged data).
    assertTrue(sum(lastMetrics, "otelcol_receiver_accepted_log_records_total{")
        >= (double) tally.acknowledged.size() * RECORDS_PER_REQUEST, lastMetrics);
    assertEquals(0.0, sum(lastMetrics, "tapio_events_dropped_total{"), lastMetrics);
    assertTrue(stopped, "tapio did not stop on SIGTERM within 30 s:\n" + log);
  }
}
