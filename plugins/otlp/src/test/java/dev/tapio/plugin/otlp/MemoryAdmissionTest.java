package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UnknownFieldSet;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentId;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.MemoryBudget;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.engine.telemetry.HeapBudget;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The receiver's edge under a memory budget, over HTTP and gRPC: a request that does not fit is
 * answered "retry later" (503 + Retry-After, {@code UNAVAILABLE} + RetryInfo) before its body is
 * read, nothing reaches the consumer, the refusal is counted, and the same request succeeds once
 * the budget has room; whatever the consumer throws, {@code OutOfMemoryError} included, is
 * answered the same way and the server keeps serving; the request's reservation is handed over
 * to the pipeline's charge, not added to it. Exact counts throughout: every request
 * acknowledged is delivered once, every refusal counted once, every reservation given back.
 */
class MemoryAdmissionTest {
  private static final String REFUSED = "tapio_otlp_receiver_refused_requests";
  private static final long MIB = 1 << 20;

  /** A test context whose memory budget is {@code budget}; everything else is the delegate's. */
  private record BudgetedContext(TestContext delegate, MemoryBudget budget)
      implements ComponentContext {
    @Override
    public ComponentId id() {
      return delegate.id();
    }

    @Override
    public Kind kind() {
      return delegate.kind();
    }

    @Override
    public Signal signal() {
      return delegate.signal();
    }

    @Override
    public System.Logger logger() {
      return delegate.logger();
    }

    @Override
    public void dropped(long count, String reason) {
      delegate.dropped(count, reason);
    }

    @Override
    public Counter counter(String name, String description, String... labelPairs) {
      return delegate.counter(name, description, labelPairs);
    }

    @Override
    public void gauge(String name, String description, DoubleSupplier value,
        String... labelPairs) {
      delegate.gauge(name, description, value, labelPairs);
    }

    @Override
    public MemoryBudget memory() {
      return budget;
    }

    @Override
    public void reportStatus(ComponentStatus status, String reason) {
      delegate.reportStatus(status, reason);
    }
  }

  /** An {@code otlp} logs receiver on HTTP and gRPC (free loopback ports) drawing on a budget. */
  private static final class LogsReceiver implements AutoCloseable {
    final TestContext context = new TestContext("otlp", Kind.RECEIVER, Signal.LOGS);
    private final OtlpReceiver receiver;

    LogsReceiver(LogsConsumer consumer, MemoryBudget budget) throws Exception {
      var config = new OtlpReceiverConfig(
          new OtlpReceiverConfig.Http("127.0.0.1:0", 4 * MIB, "/v1/logs", "/v1/metrics",
              "/v1/traces"),
          new OtlpReceiverConfig.Grpc("127.0.0.1:0", 4));
      receiver = (OtlpReceiver) new OtlpReceiverFactory().createLogs(
          new BudgetedContext(context, budget), config, consumer);
      receiver.start(new TestHost());
    }

    int httpPort() {
      return receiver.address().getPort();
    }

    HttpRequest.Builder post() {
      return HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + httpPort() + "/v1/logs"));
    }

    ManagedChannel channel() {
      return NettyChannelBuilder.forTarget("127.0.0.1:" + receiver.grpcAddress().getPort())
          .usePlaintext().build();
    }

    long refused(String reason) {
      return context.counterValue(REFUSED, "reason", reason);
    }

    @Override
    public void close() {
      receiver.shutdown();
    }
  }

  /** Fails the first {@code failures} calls with {@code error}, then hands on to the sink. */
  private static final class FailingConsumer implements LogsConsumer {
    final ConsumerSink sink = new ConsumerSink();
    final AtomicInteger calls = new AtomicInteger();
    private final int failures;
    private final Error error;

    FailingConsumer(int failures, Error error) {
      this.failures = failures;
      this.error = error;
    }

    @Override
    public void consumeLogs(Logs logs) {
      if (calls.incrementAndGet() <= failures) {
        throw error;
      }
      sink.consumeLogs(logs);
    }
  }

  private static Set<Long> seqs(ConsumerSink sink) {
    Set<Long> seqs = new HashSet<>();
    for (LogRecord r : sink.logRecords()) {
      assertTrue(seqs.add(r.attributes().getLong("seq", -1)), "duplicate seq");
    }
    return seqs;
  }

  private static Set<Long> range(long from, long to) {
    Set<Long> out = new HashSet<>();
    for (long i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  private static UnknownFieldSet status(byte[] body) throws IOException {
    return UnknownFieldSet.parseFrom(body);
  }

  private static long statusCode(byte[] body) throws IOException {
    return status(body).getField(1).getVarintList().getFirst();
  }

  private static String statusMessage(byte[] body) throws IOException {
    return status(body).getField(2).getLengthDelimitedList().getFirst().toStringUtf8();
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(plain);
    }
    return out.toByteArray();
  }

  @Test
  void httpRefusesABodyThatDoesNotFitBeforeReadingItThenAcceptsItWhenThereIsRoom()
      throws Exception {
    HeapBudget budget = new HeapBudget(MIB);
    assertTrue(budget.tryReserve(MIB)); // queued data holds the whole budget
    ConsumerSink sink = new ConsumerSink();
    byte[] body = Samples.bytes(Samples.logs(0, 100));
    try (LogsReceiver receiver = new LogsReceiver(sink, budget);
        Socket socket = new Socket("127.0.0.1", receiver.httpPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(head(body.length).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Not a byte of the body has been sent, yet the answer comes: it was refused unread.
      RawResponse refused = RawResponse.read(in);
      assertEquals(503, refused.status(), refused.head());
      assertEquals("1", refused.header("retry-after"), refused.head());
      assertEquals("application/x-protobuf", refused.header("content-type"));
      assertEquals(14, statusCode(refused.body()), "google.rpc.Code UNAVAILABLE");
      assertTrue(statusMessage(refused.body()).contains("memory budget"),
          statusMessage(refused.body()));
      assertEquals(0, sink.itemCount());
      assertEquals(1, receiver.refused("memory_budget"));
      assertEquals(MIB, budget.reservedBytes(), "the refused request holds nothing");

      // The body still comes (the client did not wait); the server throws it away, and the
      // connection serves the same request again once the queued data is gone.
      out.write(body);
      budget.release(MIB);
      out.write(head(body.length).getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      RawResponse accepted = RawResponse.read(in);
      assertEquals(200, accepted.status(), accepted.head());
    }
    assertEquals(range(0, 100), seqs(sink));
    assertEquals(1, sink.logs().size());
    assertEquals((long) body.length * RequestMemory.PROTOBUF_FACTOR,
        sink.logs().getFirst().estimatedBytes(), "the pipeline charges the decoded estimate");
    assertEquals(0, budget.reservedBytes(), "every reservation given back");
  }

  @Test
  void httpJsonAChunkedBodyAndACompressedBodyAreAdmittedOnWhatTheyHoldDecoded()
      throws Exception {
    HeapBudget budget = new HeapBudget(MIB);
    long queued = 100 << 10; // something else holds 100 KiB
    assertTrue(budget.tryReserve(queued));
    ConsumerSink sink = new ConsumerSink();
    byte[] plain = Samples.bytes(Samples.logs(1_000, 1_000)); // ~185 KB: ×9 is over 1 MiB
    byte[] compressed = gzip(plain); // a few KB: ×9 fits, decoded it does not
    var je = new dev.tapio.otlp.OtlpJsonEncoder();
    je.encode(Samples.logs(0, 100));
    byte[] json = je.toByteArray(); // ~65 KB: ×4 fits alone, not beside 1 MiB - 100 KiB queued
    try (LogsReceiver receiver = new LogsReceiver(sink, budget);
        HttpClient client = HttpClient.newHttpClient()) {
      HttpRequest gzipRequest = receiver.post()
          .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "gzip")
          .POST(HttpRequest.BodyPublishers.ofByteArray(compressed)).build();
      // Length unknown (chunked): reserved buffer by buffer as it is read.
      HttpRequest chunked = receiver.post().header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(plain)))
          .build();
      assertTrue(budget.tryReserve(MIB - queued - (200 << 10))); // leave 200 KiB
      HttpRequest jsonRequest = receiver.post().header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
      for (HttpRequest r : new HttpRequest[] {gzipRequest, chunked, jsonRequest}) {
        HttpResponse<byte[]> refused = client.send(r, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(503, refused.statusCode(), r.headers().toString());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
      }
      HttpResponse<String> jsonRefused = client.send(jsonRequest,
          HttpResponse.BodyHandlers.ofString());
      assertEquals("application/json", jsonRefused.headers().firstValue("Content-Type")
          .orElse(null));
      assertTrue(jsonRefused.body().startsWith("{\"code\":14,\"message\":\"memory budget"),
          jsonRefused.body());
      assertEquals(0, sink.itemCount());
      assertEquals(4, receiver.refused("memory_budget"));
      assertEquals(MIB - (200 << 10), budget.reservedBytes(), "refusals hold nothing");

      budget.release(MIB - (200 << 10)); // the queued data drained
      for (HttpRequest r : new HttpRequest[] {gzipRequest, chunked, jsonRequest}) {
        HttpResponse<byte[]> ok = client.send(r, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, ok.statusCode(), r.headers().toString());
      }
      assertEquals(4, receiver.refused("memory_budget"));
    }
    assertEquals(2_100, sink.itemCount(), "1,000 twice (gzip, chunked) and 100 (JSON)");
    assertEquals(3, sink.logs().size());
    assertEquals((long) plain.length * RequestMemory.PROTOBUF_FACTOR,
        sink.logs().get(0).estimatedBytes(), "gzip: estimated on the decompressed size");
    assertEquals((long) json.length * RequestMemory.JSON_FACTOR,
        sink.logs().get(2).estimatedBytes());
    assertEquals(0, budget.reservedBytes(), "every reservation given back");
  }

  /** Charges the budget for what it keeps, as a pipeline queue does, refusing when it cannot. */
  private static final class ChargingConsumer implements LogsConsumer {
    final ConsumerSink sink = new ConsumerSink();
    final AtomicLong charged = new AtomicLong();
    private final MemoryBudget budget;

    ChargingConsumer(MemoryBudget budget) {
      this.budget = budget;
    }

    @Override
    public void consumeLogs(Logs logs) {
      if (!budget.tryReserve(logs.estimatedBytes())) {
        throw ConsumerException.retryable("memory budget spent");
      }
      charged.addAndGet(logs.estimatedBytes());
      sink.consumeLogs(logs);
    }
  }

  @Test
  void theRequestsReservationIsHandedOverSoThePipelinesChargeIsNotCountedTwice()
      throws Exception {
    byte[] body = Samples.bytes(Samples.logs(0, 300));
    // The request's reservation (×9) fits, the pipeline's charge (×8) fits, both at once not.
    HeapBudget budget = new HeapBudget(12L * body.length);
    ChargingConsumer consumer = new ChargingConsumer(budget);
    try (LogsReceiver receiver = new LogsReceiver(consumer, budget);
        HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> ok = client.send(receiver.post()
          .header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, ok.statusCode());
      assertEquals(8L * body.length, budget.reservedBytes(), "only the pipeline's charge");
      budget.release(consumer.charged.getAndSet(0));

      ManagedChannel channel = receiver.channel();
      try {
        assertEquals(0, ClientCalls.blockingUnaryCall(channel, OtlpGrpc.method(Signal.LOGS),
            CallOptions.DEFAULT, body).length);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertEquals(8L * body.length, budget.reservedBytes(), "only the pipeline's charge");
      assertEquals(0, receiver.refused("memory_budget"));
    }
    assertEquals(600, consumer.sink.itemCount());
  }

  @Test
  void httpAnswers503WhenTheConsumerThrowsOutOfMemoryAndKeepsServing() throws Exception {
    HeapBudget budget = new HeapBudget(64 * MIB);
    FailingConsumer consumer = new FailingConsumer(2, new OutOfMemoryError("test: heap"));
    byte[] body = Samples.bytes(Samples.logs(0, 10));
    try (LogsReceiver receiver = new LogsReceiver(consumer, budget);
        HttpClient client = HttpClient.newHttpClient()) {
      HttpRequest request = receiver.post().header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      for (int i = 0; i < 2; i++) {
        HttpResponse<byte[]> failed = client.send(request,
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(503, failed.statusCode());
        assertEquals("1", failed.headers().firstValue("Retry-After").orElse(null));
        assertEquals(14, statusCode(failed.body()));
        assertTrue(statusMessage(failed.body()).contains("out of memory"),
            statusMessage(failed.body()));
      }
      HttpResponse<byte[]> ok = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, ok.statusCode());
      assertEquals(2, receiver.refused("out_of_memory"));
      assertEquals(0, receiver.refused("internal_error"));
      assertEquals(0, receiver.refused("memory_budget"));
    }
    assertEquals(3, consumer.calls.get());
    assertEquals(range(0, 10), seqs(consumer.sink));
    assertEquals(0, budget.reservedBytes());
  }

  @Test
  void grpcRefusesAMessageThatDoesNotFitWithUnavailableThenAcceptsItWhenThereIsRoom()
      throws Exception {
    HeapBudget budget = new HeapBudget(MIB);
    ConsumerSink sink = new ConsumerSink();
    byte[] message = Samples.bytes(Samples.logs(0, 100)); // ~18 KB: ×9 is ~166 KB
    byte[] large = Samples.bytes(Samples.logs(100, 1_000)); // ~185 KB, gzip-compressible
    var method = OtlpGrpc.method(Signal.LOGS);
    try (LogsReceiver receiver = new LogsReceiver(sink, budget)) {
      ManagedChannel channel = receiver.channel();
      try {
        // The budget is full: refused as the call starts, before the message is asked for.
        assertTrue(budget.tryReserve(MIB));
        assertUnavailable(assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT, message)));
        budget.release(MIB);
        // Room left, but less than the message needs: refused by the marshaller, unread.
        assertTrue(budget.tryReserve(900 << 10));
        assertUnavailable(assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT, message)));
        // Compressed: small on the wire, refused as it decompresses past the room left.
        budget.release(800 << 10);
        assertUnavailable(assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, method,
                CallOptions.DEFAULT.withCompression("gzip"), large)));
        assertEquals(0, sink.itemCount());
        assertEquals(3, receiver.refused("memory_budget"));
        assertEquals(100 << 10, budget.reservedBytes(), "refusals hold nothing");

        budget.release(100 << 10);
        assertEquals(0, ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT,
            message).length);
        assertEquals(0, ClientCalls.blockingUnaryCall(channel, method,
            CallOptions.DEFAULT.withCompression("gzip"), large).length);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertEquals(3, receiver.refused("memory_budget"));
    }
    assertEquals(range(0, 1_100), seqs(sink));
    assertEquals((long) large.length * RequestMemory.PROTOBUF_FACTOR,
        sink.logs().get(1).estimatedBytes());
    assertEquals(0, budget.reservedBytes(), "every reservation given back");
  }

  @Test
  void grpcAnswersUnavailableWhenTheConsumerThrowsAndKeepsServing() throws Exception {
    HeapBudget budget = new HeapBudget(64 * MIB);
    FailingConsumer oom = new FailingConsumer(1, new OutOfMemoryError("test: heap"));
    var method = OtlpGrpc.method(Signal.LOGS);
    byte[] message = Samples.bytes(Samples.logs(0, 10));
    try (LogsReceiver receiver = new LogsReceiver(oom, budget)) {
      ManagedChannel channel = receiver.channel();
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT, message));
        assertUnavailable(e);
        assertTrue(e.getStatus().getDescription().contains("out of memory"),
            e.getStatus().getDescription());
        assertEquals(0, ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT,
            message).length);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertEquals(1, receiver.refused("out_of_memory"));
      assertEquals(0, receiver.refused("memory_budget"));
    }
    assertEquals(2, oom.calls.get());
    assertEquals(range(0, 10), seqs(oom.sink));
    assertEquals(0, budget.reservedBytes());
  }

  @Test
  void aRequestPoolThreadSurvivesWhatItsTaskThrows() throws Exception {
    var pool = Endpoints.requestExecutor("test-pool");
    try {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 20; i++) {
        boolean fail = i % 2 == 0;
        var ran = new java.util.concurrent.CountDownLatch(1);
        // execute, as the servers call it (submit would catch the error in a Future).
        pool.execute(() -> {
          threads.add(Thread.currentThread().getName());
          ran.countDown();
          if (fail) {
            throw new OutOfMemoryError("test: heap"); // as the JDK server's parsing may
          }
        });
        assertTrue(ran.await(10, TimeUnit.SECONDS));
      }
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
      // A task that killed its thread would have had it replaced by a new one, test-pool-3.
      assertEquals(Set.of("test-pool-1", "test-pool-2"), threads);
      assertEquals(20, pool.getCompletedTaskCount());
    } finally {
      pool.shutdownNow();
    }
  }

  /** UNAVAILABLE with a RetryInfo of 1 s: the OTLP exporters' "retry later". */
  private static void assertUnavailable(StatusRuntimeException e) {
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
    Metadata trailers = e.getTrailers();
    assertNotNull(trailers, e.toString());
    assertEquals(1_000_000_000L, OtlpGrpc.retryDelayNanos(trailers.get(OtlpGrpc.STATUS_DETAILS)),
        e.toString());
  }

  private static String head(int contentLength) {
    return "POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        + "Content-Length: " + contentLength + "\r\n\r\n";
  }
}
