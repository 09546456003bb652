package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.tapio.component.Signal;
import dev.tapio.pdata.Logs;
import dev.tapio.plugin.otlp.OtlpHttpExporterConfig.Compression;
import dev.tapio.testkit.ConsumerSink;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tapio's exporter against Tapio's receiver, and against an independent protobuf decoder. */
class RoundTripTest {

  @ParameterizedTest
  @EnumSource(Compression.class)
  void logsMetricsAndTracesArriveByteForByte(Compression compression) throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (Receiver receiver = new Receiver(sink, sink, sink)) {
      var config = Exporters.config(receiver.baseUrl(), compression, Exporters.fastRetry());
      OtlpHttpExporter logs = Exporters.start(config, Signal.LOGS, Exporters.context(Signal.LOGS));
      OtlpHttpExporter metrics =
          Exporters.start(config, Signal.METRICS, Exporters.context(Signal.METRICS));
      OtlpHttpExporter traces =
          Exporters.start(config, Signal.TRACES, Exporters.context(Signal.TRACES));
      try {
        logs.consumeLogs(Samples.logs(0, 50));
        metrics.consumeMetrics(Samples.metrics());
        traces.consumeTraces(Samples.traces());
      } finally {
        logs.shutdown();
        metrics.shutdown();
        traces.shutdown();
      }
      // shutdown() drained the sending queues, so everything is in the sink.
      assertEquals(1, sink.logs().size());
      assertEquals(1, sink.metrics().size());
      assertEquals(1, sink.traces().size());
      assertEquals(50 + 3 + 1, sink.itemCount());
      assertEquals("127.0.0.1", sink.logs().get(0).clientAddress(),
          "the batch carries the address it came from (k8sattributes' connection source)");
      assertArrayEquals(Samples.bytes(Samples.logs(0, 50)), Samples.bytes(sink.logs().get(0)));
      assertArrayEquals(Samples.bytes(Samples.metrics()), Samples.bytes(sink.metrics().get(0)));
      assertArrayEquals(Samples.bytes(Samples.traces()), Samples.bytes(sink.traces().get(0)));
      assertEquals(0, receiver.logsContext.counterValue("tapio_otlp_receiver_malformed_requests",
          "reason", "malformed"));
    }
  }

  @Test
  void theOfficialProtoClassesDecodeWhatTheExporterSends() throws Exception {
    List<byte[]> bodies = new ArrayList<>();
    List<String> headers = new ArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        byte[] body = in.readAllBytes();
        if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
          body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
        }
        synchronized (bodies) {
          bodies.add(body);
          headers.add(exchange.getRequestURI().getPath() + " "
              + exchange.getRequestHeaders().getFirst("Content-Type") + " "
              + exchange.getRequestHeaders().getFirst("X-Test"));
        }
        exchange.sendResponseHeaders(200, -1);
      }
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      // No sending queue: the two requests arrive in call order.
      var config = Exporters.syncConfig(base, Compression.GZIP, Exporters.fastRetry());
      OtlpHttpExporter logs = Exporters.start(config, Signal.LOGS, Exporters.context(Signal.LOGS));
      OtlpHttpExporter metrics =
          Exporters.start(config, Signal.METRICS, Exporters.context(Signal.METRICS));
      logs.consumeLogs(Samples.logs(7, 2));
      metrics.consumeMetrics(Samples.metrics());
      logs.shutdown();
      metrics.shutdown();

      assertEquals(List.of("/v1/logs application/x-protobuf yes",
          "/v1/metrics application/x-protobuf yes"), headers);
      ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(bodies.get(0));
      var rl = request.getResourceLogs(0);
      assertEquals("sample", rl.getResource().getAttributes(0).getValue().getStringValue());
      assertEquals("https://opentelemetry.io/schemas/1.26.0", rl.getSchemaUrl());
      assertEquals("tapio.test", rl.getScopeLogs(0).getScope().getName());
      assertEquals(2, rl.getScopeLogs(0).getLogRecordsCount());
      LogRecord r = rl.getScopeLogs(0).getLogRecords(1);
      assertEquals(1_700_000_000_000_000_001L, r.getTimeUnixNano());
      assertEquals(SeverityNumber.SEVERITY_NUMBER_WARN, r.getSeverityNumber());
      assertEquals("process.exec", r.getEventName());
      assertEquals(AnyValue.newBuilder().setKvlistValue(
          io.opentelemetry.proto.common.v1.KeyValueList.newBuilder().addValues(
              io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("k")
                  .setValue(AnyValue.newBuilder().setStringValue("v")))).build(), r.getBody());
      assertEquals("seq", r.getAttributes(0).getKey());
      assertEquals(8, r.getAttributes(0).getValue().getIntValue());
      assertEquals("text ü", r.getAttributes(1).getValue().getStringValue());
      assertArrayEquals(Samples.TRACE_ID, r.getTraceId().toByteArray());
      assertEquals(3, r.getDroppedAttributesCount());
      // Protobuf-java re-encodes to the very bytes Tapio sent: byte-compatible.
      assertArrayEquals(bodies.get(0), request.toByteArray());

      ExportMetricsServiceRequest m = ExportMetricsServiceRequest.parseFrom(bodies.get(1));
      var metricList = m.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
      assertEquals(List.of("g", "s", "h"), metricList.stream().map(x -> x.getName()).toList());
      assertEquals(42, metricList.get(1).getSum().getDataPoints(0).getAsInt());
      assertEquals(List.of(2L, 1L), metricList.get(2).getHistogram().getDataPoints(0)
          .getBucketCountsList());
      assertArrayEquals(bodies.get(1), m.toByteArray());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anEmptyBatchSendsNothing() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (Receiver receiver = new Receiver(sink, sink, sink)) {
      var config = Exporters.config(receiver.baseUrl(), Compression.GZIP, Exporters.fastRetry());
      OtlpHttpExporter logs = Exporters.start(config, Signal.LOGS, Exporters.context(Signal.LOGS));
      logs.consumeLogs(new Logs());
      logs.consumeLogs(Samples.logs(0, 1));
      logs.shutdown();
      sink.awaitItems(1, Duration.ofSeconds(5));
      assertEquals(1, sink.logs().size(), "only the non-empty batch was sent");
    }
  }
}
