package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UnknownFieldSet;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.plugin.otlp.OtlpHttpExporterConfig.Compression;
import dev.tapio.testkit.ConsumerSink;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The receiver pushes back with 503 + Retry-After; the exporter retries; nothing is lost. */
class BackpressureTest {

  /** Refuses the first {@code refusals} batches as retryable, then hands on to the sink. */
  private static final class RecoveringConsumer implements LogsConsumer {
    final ConsumerSink sink = new ConsumerSink();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    private final int refusals;
    private final boolean permanent;

    RecoveringConsumer(int refusals, boolean permanent) {
      this.refusals = refusals;
      this.permanent = permanent;
    }

    @Override
    public void consumeLogs(Logs logs) {
      calls.incrementAndGet();
      if (refused.get() < refusals) {
        refused.incrementAndGet();
        throw permanent ? ConsumerException.permanent("schema says no")
            : ConsumerException.retryable("queue full");
      }
      sink.consumeLogs(logs);
    }
  }

  static String statusMessage(byte[] body) throws Exception {
    return UnknownFieldSet.parseFrom(body).getField(2).getLengthDelimitedList().getFirst()
        .toStringUtf8();
  }

  @Test
  void aRetryableRefusalIsAnswered503WithRetryAfter() throws Exception {
    RecoveringConsumer consumer = new RecoveringConsumer(Integer.MAX_VALUE, false);
    ConsumerSink other = new ConsumerSink();
    try (Receiver receiver = new Receiver(consumer, other, other);
        HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
              receiver.uri("/v1/logs"))
          .header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(Samples.bytes(Samples.logs(0, 3))))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(503, response.statusCode());
      assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
      assertTrue(statusMessage(response.body()).contains("queue full"),
          statusMessage(response.body()));
      assertEquals(0, consumer.sink.itemCount());
    }
  }

  @Test
  void theExporterRetriesUntilTheConsumerRecoversAndDataArrivesExactlyOnce() throws Exception {
    RecoveringConsumer consumer = new RecoveringConsumer(2, false);
    ConsumerSink other = new ConsumerSink();
    try (Receiver receiver = new Receiver(consumer, other, other)) {
      var config = Exporters.config(receiver.baseUrl(), Compression.GZIP, Exporters.fastRetry());
      var context = Exporters.context(Signal.LOGS);
      OtlpHttpExporter exporter = Exporters.start(config, Signal.LOGS, context);
      try {
        exporter.consumeLogs(Samples.logs(0, 100));
      } finally {
        exporter.shutdown();
      }
      assertEquals(2, consumer.refused.get());
      assertEquals(3, consumer.calls.get(), "two refusals, then one accepted attempt");
      assertEquals(2, context.counterValue("tapio_exporter_retries"), "each retry counted");
      assertEquals(1, consumer.sink.logs().size());
      Set<Long> seqs = new HashSet<>();
      for (LogRecord r : consumer.sink.logRecords()) {
        assertTrue(seqs.add(r.attributes().getLong("seq", -1)), "duplicate seq");
      }
      assertEquals(100, seqs.size());
      assertTrue(seqs.contains(0L) && seqs.contains(99L));
      assertEquals(0, context.droppedByReason().size());
    }
  }

  @Test
  void aServerThatNeverAcceptsShowsNothingSentAndEveryItemFailed() throws Exception {
    RecoveringConsumer consumer = new RecoveringConsumer(Integer.MAX_VALUE, false);
    ConsumerSink other = new ConsumerSink();
    try (Receiver receiver = new Receiver(consumer, other, other)) {
      var giveUpSoon = new OtlpHttpExporterConfig.Retry(true, Duration.ofMillis(5),
          Duration.ofMillis(20), Duration.ofMillis(200), 2);
      var context = Exporters.context(Signal.LOGS);
      OtlpHttpExporter exporter = Exporters.start(
          Exporters.config(receiver.baseUrl(), Compression.NONE, giveUpSoon), Signal.LOGS,
          context);
      try {
        for (int i = 0; i < 10; i++) {
          exporter.consumeLogs(Samples.logs(i * 100, 100)); // queued: returns at once
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (context.droppedCount("export_failed") < 1000 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
      } finally {
        exporter.shutdown();
      }
      assertEquals(0, context.counterValue("otelcol_exporter_sent_log_records"),
          "nothing was accepted, so nothing was sent");
      assertEquals(1000, context.counterValue("otelcol_exporter_send_failed_log_records"));
      assertEquals(1000, context.droppedCount("export_failed"));
    }
  }

  @Test
  void withRetryDisabledTheRefusalReachesTheCallerAsRetryable() throws Exception {
    RecoveringConsumer consumer = new RecoveringConsumer(1, false);
    ConsumerSink other = new ConsumerSink();
    try (Receiver receiver = new Receiver(consumer, other, other)) {
      var noRetry = new OtlpHttpExporterConfig.Retry(false, Duration.ofMillis(10),
          Duration.ofMillis(10), Duration.ofSeconds(1), 1.5);
      var exporter = Exporters.start(Exporters.syncConfig(receiver.baseUrl(), Compression.NONE,
          noRetry), Signal.LOGS, Exporters.context(Signal.LOGS));
      try {
        Logs batch = Samples.logs(0, 5);
        ConsumerException e = assertThrows(ConsumerException.class,
            () -> exporter.consumeLogs(batch));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
        // The caller still owns the batch and may offer it again: now it is accepted.
        exporter.consumeLogs(batch);
      } finally {
        exporter.shutdown();
      }
      assertEquals(5, consumer.sink.itemCount());
    }
  }

  @Test
  void aPermanentRefusalIs400AndIsNeverRetried() throws Exception {
    RecoveringConsumer consumer = new RecoveringConsumer(Integer.MAX_VALUE, true);
    ConsumerSink other = new ConsumerSink();
    try (Receiver receiver = new Receiver(consumer, other, other)) {
      var exporter = Exporters.start(Exporters.syncConfig(receiver.baseUrl(), Compression.GZIP,
          Exporters.fastRetry()), Signal.LOGS, Exporters.context(Signal.LOGS));
      try {
        ConsumerException e = assertThrows(ConsumerException.class,
            () -> exporter.consumeLogs(Samples.logs(0, 5)));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("HTTP 400"), e.getMessage());
        assertTrue(e.getMessage().contains("schema says no"), e.getMessage());
      } finally {
        exporter.shutdown();
      }
      assertEquals(1, consumer.calls.get(), "a permanent error is not retried");
    }
  }

  @Test
  void anUnreachableServerIsRetriedUntilMaxElapsedTimeThenReportedRetryable() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    var retry = new OtlpHttpExporterConfig.Retry(true, Duration.ofMillis(10),
        Duration.ofMillis(20), Duration.ofMillis(200), 2);
    var exporter = Exporters.start(Exporters.syncConfig("http://127.0.0.1:" + port,
        Compression.GZIP, retry), Signal.LOGS, Exporters.context(Signal.LOGS));
    try {
      ConsumerException e = assertThrows(ConsumerException.class,
          () -> exporter.consumeLogs(Samples.logs(0, 1)));
      assertTrue(e.retryable());
      assertTrue(e.getMessage().contains("gave up after"), e.getMessage());
    } finally {
      exporter.shutdown();
    }
  }

  @Test
  void retryAfterIsReadAsSecondsOrAsADate() {
    assertEquals(3_000_000_000L, OtlpHttpExporter.retryAfterNanos("3"));
    assertEquals(-1, OtlpHttpExporter.retryAfterNanos(null));
    assertEquals(-1, OtlpHttpExporter.retryAfterNanos("soon"));
    assertEquals(0, OtlpHttpExporter.retryAfterNanos("Wed, 21 Oct 2015 07:28:00 GMT"));
  }
}
