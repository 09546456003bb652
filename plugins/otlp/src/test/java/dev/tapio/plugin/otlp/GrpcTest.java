package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsExporter;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesExporter;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.exporterhelper.QueueSettings;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.MetricType;
import dev.tapio.pdata.SpanKind;
import dev.tapio.plugin.otlp.OtlpHttpExporterConfig.Compression;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** OTLP/gRPC: the SDK's gRPC exporters and Tapio's {@code otlp} exporter against the receiver. */
class GrpcTest {

  /** A receiver serving only gRPC, all three signals, on a free loopback port. */
  static final class GrpcReceiver implements AutoCloseable {
    final TestContext logsContext = new TestContext("otlp", Kind.RECEIVER, Signal.LOGS);
    private final List<OtlpReceiver> receivers;

    GrpcReceiver(LogsConsumer l, MetricsConsumer m, TracesConsumer t) throws Exception {
      this(l, m, t, 4);
    }

    GrpcReceiver(LogsConsumer l, MetricsConsumer m, TracesConsumer t, int maxMib)
        throws Exception {
      this(l, m, t, new OtlpReceiverConfig.Grpc("127.0.0.1:0", maxMib));
    }

    /** With {@code grpc}'s settings; its endpoint should be {@code 127.0.0.1:0}. */
    GrpcReceiver(LogsConsumer l, MetricsConsumer m, TracesConsumer t,
        OtlpReceiverConfig.Grpc grpc) throws Exception {
      var config = new OtlpReceiverConfig(null, grpc);
      OtlpReceiverFactory f = new OtlpReceiverFactory();
      receivers = List.of(
          (OtlpReceiver) f.createLogs(logsContext, config, l),
          (OtlpReceiver) f.createMetrics(
              new TestContext("otlp", Kind.RECEIVER, Signal.METRICS), config, m),
          (OtlpReceiver) f.createTraces(
              new TestContext("otlp", Kind.RECEIVER, Signal.TRACES), config, t));
      for (OtlpReceiver r : receivers) {
        r.start(new TestHost());
      }
    }

    String endpoint() {
      return "127.0.0.1:" + receivers.getFirst().grpcAddress().getPort();
    }

    @Override
    public void close() {
      for (OtlpReceiver r : receivers.reversed()) {
        r.shutdown();
      }
    }
  }

  /** Refuses the first {@code refusals} batches, then hands on to the sink. */
  private static final class RecoveringConsumer implements LogsConsumer {
    final ConsumerSink sink = new ConsumerSink();
    final AtomicInteger calls = new AtomicInteger();
    private final int refusals;
    private final boolean permanent;

    RecoveringConsumer(int refusals, boolean permanent) {
      this.refusals = refusals;
      this.permanent = permanent;
    }

    @Override
    public void consumeLogs(Logs logs) {
      if (calls.incrementAndGet() <= refusals) {
        throw permanent ? ConsumerException.permanent("schema says no")
            : ConsumerException.retryable("queue full");
      }
      sink.consumeLogs(logs);
    }
  }

  /** The default sending queue: in memory, sent by its consumer threads. */
  static OtlpGrpcExporterConfig config(String endpoint, Compression compression,
      OtlpHttpExporterConfig.Retry retry) {
    return config(endpoint, compression, retry, QueueSettings.DEFAULT);
  }

  static OtlpGrpcExporterConfig config(String endpoint, Compression compression,
      OtlpHttpExporterConfig.Retry retry, QueueSettings queue) {
    return new OtlpGrpcExporterConfig(endpoint, true, Map.of("x-test", "yes"), compression,
        Duration.ofSeconds(10), retry, queue);
  }

  static OtlpGrpcExporter start(OtlpGrpcExporterConfig config, Signal signal) {
    OtlpGrpcExporterFactory f = new OtlpGrpcExporterFactory();
    TestContext context = new TestContext("otlp", Kind.EXPORTER, signal);
    OtlpGrpcExporter e = (OtlpGrpcExporter) switch (signal) {
      case LOGS -> f.createLogs(context, config);
      case METRICS -> f.createMetrics(context, config);
      case TRACES -> f.createTraces(context, config);
    };
    try {
      e.start(new TestHost());
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
    return e;
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void tapioExporterToTapioReceiverRoundTripsAllSignals(Compression compression)
      throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (GrpcReceiver receiver = new GrpcReceiver(sink, sink, sink)) {
      var config = config(receiver.endpoint(), compression, Exporters.fastRetry());
      LogsExporter logs = start(config, Signal.LOGS);
      MetricsExporter metrics = start(config, Signal.METRICS);
      TracesExporter traces = start(config, Signal.TRACES);
      try {
        logs.consumeLogs(Samples.logs(0, 50));
        metrics.consumeMetrics(Samples.metrics());
        traces.consumeTraces(Samples.traces());
      } finally {
        logs.shutdown();
        metrics.shutdown();
        traces.shutdown();
      }
      assertEquals(1, sink.logs().size());
      assertEquals(1, sink.metrics().size());
      assertEquals(1, sink.traces().size());
      assertArrayEquals(Samples.bytes(Samples.logs(0, 50)), Samples.bytes(sink.logs().get(0)));
      assertArrayEquals(Samples.bytes(Samples.metrics()), Samples.bytes(sink.metrics().get(0)));
      assertArrayEquals(Samples.bytes(Samples.traces()), Samples.bytes(sink.traces().get(0)));
    }
  }

  @Test
  void sdkGrpcLogExporterDeliversEveryField() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (GrpcReceiver receiver = new GrpcReceiver(sink, sink, sink)) {
      SdkLoggerProvider provider = SdkLoggerProvider.builder()
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"),
              "checkout")))
          .addLogRecordProcessor(SimpleLogRecordProcessor.create(
              OtlpGrpcLogRecordExporter.builder()
                  .setEndpoint("http://" + receiver.endpoint())
                  .setCompression("gzip")
                  .build()))
          .build();
      try {
        provider.loggerBuilder("com.example.scope").setInstrumentationVersion("2.1.0").build()
            .logRecordBuilder()
            .setTimestamp(1_700_000_000_123_456_789L, TimeUnit.NANOSECONDS)
            .setSeverity(io.opentelemetry.api.logs.Severity.ERROR2)
            .setSeverityText("error")
            .setBody("disk full")
            .setAttribute(AttributeKey.stringKey("s"), "ü text")
            .setAttribute(AttributeKey.longKey("l"), -7L)
            .setAttribute(AttributeKey.doubleKey("d"), 0.25)
            .setAttribute(AttributeKey.booleanKey("b"), true)
            .emit();
        assertTrue(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
      } finally {
        provider.shutdown().join(10, TimeUnit.SECONDS);
      }
      sink.awaitItems(1, Duration.ofSeconds(10));
      var rl = sink.logs().getFirst().resourceLogs().get(0);
      assertEquals("127.0.0.1", sink.logs().getFirst().clientAddress(),
          "the batch carries the address it came from (k8sattributes' connection source)");
      assertEquals("checkout", rl.resource().attributes().getString("service.name"));
      assertEquals("com.example.scope", rl.scopeLogs().get(0).scope().name());
      assertEquals("2.1.0", rl.scopeLogs().get(0).scope().version());
      LogRecord r = rl.scopeLogs().get(0).logRecords().get(0);
      assertEquals(1_700_000_000_123_456_789L, r.timeUnixNano());
      assertEquals("error", r.severityText());
      assertEquals("disk full", r.body().asString());
      assertEquals("ü text", r.attributes().getString("s"));
      assertEquals(-7, r.attributes().getLong("l", 0));
      assertEquals(0.25, r.attributes().getDouble("d", 0));
      assertTrue(r.attributes().getBool("b", false));
    }
  }

  @Test
  void sdkGrpcSpanAndMetricExportersDeliver() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (GrpcReceiver receiver = new GrpcReceiver(sink, sink, sink)) {
      SdkTracerProvider tracer = SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(OtlpGrpcSpanExporter.builder()
              .setEndpoint("http://" + receiver.endpoint()).build()))
          .build();
      SdkMeterProvider meter = SdkMeterProvider.builder()
          .registerMetricReader(PeriodicMetricReader.builder(OtlpGrpcMetricExporter.builder()
              .setEndpoint("http://" + receiver.endpoint()).build())
              .setInterval(Duration.ofHours(1)).build())
          .build();
      try {
        tracer.get("scope").spanBuilder("GET /orders")
            .setSpanKind(io.opentelemetry.api.trace.SpanKind.SERVER)
            .setStartTimestamp(1_000, TimeUnit.NANOSECONDS)
            .setAttribute("http.response.status_code", 503L)
            .startSpan().end(2_000, TimeUnit.NANOSECONDS);
        meter.get("scope").counterBuilder("requests").build()
            .add(7, Attributes.of(AttributeKey.stringKey("route"), "/a"));
        assertTrue(tracer.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
        assertTrue(meter.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
      } finally {
        tracer.shutdown().join(10, TimeUnit.SECONDS);
        meter.shutdown().join(10, TimeUnit.SECONDS);
      }
      sink.awaitItems(2, Duration.ofSeconds(10));
      var span = sink.traces().getFirst().resourceSpans().get(0).scopeSpans().get(0).spans()
          .get(0);
      assertEquals("GET /orders", span.name());
      assertEquals(SpanKind.SERVER, span.kind());
      assertEquals(1_000, span.startTimeUnixNano());
      assertEquals(2_000, span.endTimeUnixNano());
      assertEquals(503, span.attributes().getLong("http.response.status_code", 0));
      Metric m = sink.metrics().getFirst().resourceMetrics().get(0).scopeMetrics().get(0)
          .metrics().get(0);
      assertEquals("requests", m.name());
      assertEquals(MetricType.SUM, m.type());
      assertEquals(7, m.numberPoints().get(0).longValue());
      assertEquals("/a", m.numberPoints().get(0).attributes().getString("route"));
    }
  }

  @Test
  void aRetryableRefusalIsRetriedByOurExporterAndArrivesExactlyOnce() throws Exception {
    RecoveringConsumer consumer = new RecoveringConsumer(2, false);
    ConsumerSink other = new ConsumerSink();
    try (GrpcReceiver receiver = new GrpcReceiver(consumer, other, other)) {
      // RetryInfo says 1 s, which replaces the 10 ms backoff: the wait is long but bounded.
      OtlpGrpcExporter exporter = start(config(receiver.endpoint(), Compression.GZIP,
          Exporters.fastRetry()), Signal.LOGS);
      try {
        exporter.consumeLogs(Samples.logs(0, 100));
      } finally {
        exporter.shutdown();
      }
      assertEquals(3, consumer.calls.get(), "two refusals, then one accepted attempt");
      Set<Long> seqs = new HashSet<>();
      for (LogRecord r : consumer.sink.logRecords()) {
        assertTrue(seqs.add(r.attributes().getLong("seq", -1)), "duplicate seq");
      }
      assertEquals(100, seqs.size());
    }
  }

  @Test
  void aRetryableRefusalIsRetriedByTheSdkAndArrivesExactlyOnce() throws Exception {
    RecoveringConsumer consumer = new RecoveringConsumer(1, false);
    ConsumerSink other = new ConsumerSink();
    try (GrpcReceiver receiver = new GrpcReceiver(consumer, other, other)) {
      SdkLoggerProvider provider = SdkLoggerProvider.builder()
          .addLogRecordProcessor(SimpleLogRecordProcessor.create(
              OtlpGrpcLogRecordExporter.builder()
                  .setEndpoint("http://" + receiver.endpoint()).build()))
          .build();
      try {
        provider.get("scope").logRecordBuilder().setBody("once").emit();
        assertTrue(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess());
      } finally {
        provider.shutdown().join(10, TimeUnit.SECONDS);
      }
      assertEquals(2, consumer.calls.get());
      assertEquals(1, consumer.sink.itemCount());
      assertEquals("once", consumer.sink.logRecords().get(0).body().asString());
    }
  }

  @Test
  void aPermanentRefusalIsInvalidArgumentAndNeverRetried() throws Exception {
    RecoveringConsumer consumer = new RecoveringConsumer(Integer.MAX_VALUE, true);
    ConsumerSink other = new ConsumerSink();
    try (GrpcReceiver receiver = new GrpcReceiver(consumer, other, other)) {
      // No sending queue: the failure reaches the caller.
      OtlpGrpcExporter exporter = start(config(receiver.endpoint(), Compression.GZIP,
          Exporters.fastRetry(), Exporters.NO_QUEUE), Signal.LOGS);
      try {
        ConsumerException e = assertThrows(ConsumerException.class,
            () -> exporter.consumeLogs(Samples.logs(0, 5)));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("INVALID_ARGUMENT"), e.getMessage());
        assertTrue(e.getMessage().contains("schema says no"), e.getMessage());
      } finally {
        exporter.shutdown();
      }
      assertEquals(1, consumer.calls.get());
    }
  }

  @Test
  void withTheSendingQueueAPermanentRefusalIsCountedNotThrown() throws Exception {
    RecoveringConsumer consumer = new RecoveringConsumer(Integer.MAX_VALUE, true);
    ConsumerSink other = new ConsumerSink();
    try (GrpcReceiver receiver = new GrpcReceiver(consumer, other, other)) {
      TestContext context = new TestContext("otlp", Kind.EXPORTER, Signal.LOGS);
      OtlpGrpcExporter exporter = (OtlpGrpcExporter) new OtlpGrpcExporterFactory().createLogs(
          context, config(receiver.endpoint(), Compression.GZIP, Exporters.fastRetry()));
      exporter.start(new TestHost());
      try {
        exporter.consumeLogs(Samples.logs(0, 5)); // accepted by the queue
      } finally {
        exporter.shutdown(); // drains: the one send is refused for good
      }
      assertEquals(1, consumer.calls.get());
      assertEquals(5, context.droppedCount("export_failed"));
    }
  }

  @Test
  void malformedBytesAreInvalidArgumentAndTheServerKeepsServing() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (GrpcReceiver receiver = new GrpcReceiver(sink, sink, sink, 1)) {
      ManagedChannel channel = NettyChannelBuilder.forTarget(receiver.endpoint())
          .usePlaintext().build();
      try {
        var method = OtlpGrpc.method(Signal.LOGS);
        StatusRuntimeException bad = assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT,
                new byte[] {0x0a, 0x7f, 1, 2}));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
        assertFalse(bad.getStatus().getDescription().isEmpty());
        assertEquals(1, receiver.logsContext.counterValue(
            "tapio_otlp_receiver_malformed_requests", "reason", "malformed"));

        StatusRuntimeException big = assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT,
                new byte[(1 << 20) + 1]));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, big.getStatus().getCode());

        byte[] ok = ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT,
            Samples.bytes(Samples.logs(0, 3)));
        assertEquals(0, ok.length);
        assertEquals(3, sink.itemCount());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void retryInfoRoundTrips() {
    byte[] status = OtlpGrpc.statusWithRetryInfo(14, "busy", 3);
    assertEquals(3_000_000_000L, OtlpGrpc.retryDelayNanos(status));
    assertEquals(-1, OtlpGrpc.retryDelayNanos(null));
    assertEquals(-1, OtlpGrpc.retryDelayNanos(new byte[] {0x1a, 0x7f}));
  }

  @Test
  void exporterConfigIsRead() throws ConfigException {
    OtlpGrpcExporterFactory f = new OtlpGrpcExporterFactory();
    OtlpGrpcExporterConfig c = ComponentConfigs.read(f, """
        endpoint: gateway:4317
        tls:
          insecure: true
        headers:
          x-tenant: a
        compression: none
        timeout: 3s
        retry_on_failure:
          initial_interval: 1s
        sending_queue:
          queue_size: 50
          num_consumers: 2
          block_on_overflow: true
          storage: file_storage/q
        """);
    assertEquals("gateway:4317", c.endpoint());
    assertTrue(c.tls().insecure());
    assertEquals(Map.of("x-tenant", "a"), c.headers());
    assertEquals(Compression.NONE, c.compression());
    assertEquals(Duration.ofSeconds(3), c.timeout());
    assertEquals(Duration.ofSeconds(1), c.retry().initialInterval());
    assertEquals(new QueueSettings(true, 50, 2, true,
        dev.tapio.component.ComponentId.parse("file_storage/q")), c.queue());
    ConfigException badQueue = assertThrows(ConfigException.class, () -> ComponentConfigs.read(f,
        "endpoint: gateway:4317\ntls: {insecure: true}\nsending_queue: {num_consumers: 0}\n"));
    assertTrue(badQueue.getMessage().contains("sending_queue.num_consumers"),
        badQueue.getMessage());
    assertEquals(TlsClientSettings.DEFAULT,
        ComponentConfigs.read(f, "endpoint: gateway:4317\n").tls(), "TLS unless insecure");
  }
}
