package dev.tapio.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.Signal;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.Traces;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord.Builder;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 case 3: records with very many attributes (a 4 MB request can carry 460k) decode in
 * time linear in their number, intact; and the cap on attributes per record, with OTLP's
 * dropped_attributes_count, in both decoders.
 */
class AttributeFloodTest {
  private static final byte[] TRACE_ID = new byte[16];
  private static final byte[] SPAN_ID = new byte[8];

  static {
    TRACE_ID[15] = 1;
    SPAN_ID[7] = 2;
  }

  @Test
  void aHundredThousandAttributesOnOneRecordDecodeIntact() throws Exception {
    int n = 100_000;
    Builder record = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder();
    for (int i = 0; i < n; i++) {
      record.addAttributes(longAttribute("attribute." + i, i));
    }
    // A repeated key keeps its place and its last value, as it always has.
    record.addAttributes(longAttribute("attribute.5", -5));
    byte[] request = logsRequest(record).toByteArray();
    assertTrue(request.length < OtlpDecoder.DEFAULT_MAX_MESSAGE_SIZE, request.length + " bytes");

    // As JSON the same request is about 5 MB: over the default maximum.
    for (OtlpRequestDecoder decoder : List.of(new OtlpDecoder(),
        new OtlpJsonDecoder(16 << 20, OtlpDecoder.DEFAULT_MAX_NESTING_DEPTH))) {
      byte[] body = decoder instanceof OtlpJsonDecoder ? json(logsRequest(record)) : request;
      Logs logs = new Logs();
      assertEquals(0, decoder.decodeLogs(body, 0, body.length, logs));
      LogRecord decoded = firstRecord(logs);
      Attributes a = decoded.attributes();
      assertEquals(n, a.size(), decoder.getClass().getSimpleName());
      for (int i = 0; i < n; i++) {
        assertEquals("attribute." + i, a.key(i));
        assertEquals(i == 5 ? -5 : i, a.longAt(i));
      }
      assertEquals(99_999, a.indexOf("attribute.99999"));
      assertEquals(0, decoded.droppedAttributesCount());
    }
  }

  @Test
  void keysSharingOneHashCodeDecodeIntact() throws Exception {
    // 2^14 keys of "Aa"/"BB" blocks: one String.hashCode for all of them.
    List<String> keys = new ArrayList<>();
    for (int bits = 0; bits < 1 << 14; bits++) {
      StringBuilder sb = new StringBuilder();
      for (int b = 0; b < 14; b++) {
        sb.append((bits >>> b & 1) == 0 ? "Aa" : "BB");
      }
      keys.add(sb.toString());
    }
    Builder record = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder();
    for (int i = 0; i < keys.size(); i++) {
      record.addAttributes(longAttribute(keys.get(i), i));
    }
    Attributes a = firstRecord(new OtlpDecoder().decodeLogs(logsRequest(record).toByteArray()))
        .attributes();
    assertEquals(keys.size(), a.size());
    for (int i = 0; i < keys.size(); i += 97) {
      assertEquals(i, a.indexOf(keys.get(i)));
    }
  }

  @Test
  void theCapKeepsTheFirstKeysAndCountsTheRestAsDropped() throws Exception {
    ExportTraceServiceRequest request = cappedTraces();
    List<OtlpRequestDecoder> decoders =
        List.of(new OtlpDecoder(1 << 20, 8, 4), new OtlpJsonDecoder(1 << 20, 8, 4));
    for (OtlpRequestDecoder decoder : decoders) {
      String which = decoder.getClass().getSimpleName();
      byte[] body = decoder instanceof OtlpJsonDecoder ? json(request) : request.toByteArray();
      CountingCounter counter = new CountingCounter();
      Traces traces = (Traces) decoder.decode(Signal.TRACES, body, counter);

      var rs = traces.resourceSpans().get(0);
      assertEquals(4, rs.resource().attributes().size(), which);
      assertEquals(2, rs.resource().droppedAttributesCount(), which); // 6 sent
      ScopeSpans ss = rs.scopeSpans().get(0);
      assertEquals(3, ss.scope().attributes().size(), which);
      assertEquals(0, ss.scope().droppedAttributesCount(), which);
      Span span = ss.spans().get(0);
      // a, b, c, d kept; e, f dropped; a again replaces its value; the sender said 3 dropped.
      Attributes a = span.attributes();
      assertEquals(List.of("a", "b", "c", "d"),
          List.of(a.key(0), a.key(1), a.key(2), a.key(3)), which);
      assertEquals(100, a.getLong("a", 0), which);
      assertEquals(3 + 2, span.droppedAttributesCount(), which);
      assertEquals(10 - 4, span.events().get(0).droppedAttributesCount(), which);
      assertEquals(4, span.events().get(0).attributes().size(), which);
      assertEquals(1 + 5 - 4, span.links().get(0).droppedAttributesCount(), which);
      assertEquals("l3", span.links().get(0).attributes().key(3), which);

      assertEquals(2 + 2 + 6 + 1, counter.value(), which);
      assertEquals(11, decoder.decodeTraces(body, 0, body.length, new Traces()), which);
    }
  }

  @Test
  void theCapAppliesToLogRecordsButNotToDataPoints() throws Exception {
    Builder record = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
        .setDroppedAttributesCount(0xFFFF_FFFE); // a uint32 near its top: the sum saturates
    NumberDataPoint.Builder point = NumberDataPoint.newBuilder().setAsInt(1);
    for (int i = 0; i < 50; i++) {
      record.addAttributes(longAttribute("k" + i, i));
      point.addAttributes(longAttribute("k" + i, i));
    }
    ExportMetricsServiceRequest metricsRequest = ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder().addScopeMetrics(ScopeMetrics.newBuilder()
            .addMetrics(Metric.newBuilder().setName("m")
                .setGauge(Gauge.newBuilder().addDataPoints(point)))))
        .build();
    for (OtlpRequestDecoder decoder : List.of(new OtlpDecoder(1 << 20, 8, 20),
        new OtlpJsonDecoder(1 << 20, 8, 20))) {
      String which = decoder.getClass().getSimpleName();
      boolean isJson = decoder instanceof OtlpJsonDecoder;
      byte[] logsBody = isJson ? json(logsRequest(record)) : logsRequest(record).toByteArray();
      CountingCounter counter = new CountingCounter();
      LogRecord r = firstRecord((Logs) decoder.decode(Signal.LOGS, logsBody, counter));
      assertEquals(20, r.attributes().size(), which);
      assertEquals(-1, r.droppedAttributesCount(), which); // 0xFFFFFFFF: saturated
      assertEquals(30, counter.value(), which);

      byte[] metricsBody = isJson ? json(metricsRequest) : metricsRequest.toByteArray();
      Metrics metrics = (Metrics) decoder.decode(Signal.METRICS, metricsBody, counter);
      assertEquals(50, metrics.resourceMetrics().get(0).scopeMetrics().get(0).metrics().get(0)
          .numberPoints().get(0).attributes().size(), which);
      assertEquals(30, counter.value(), which);
    }
  }

  @Test
  void noCapIsTheDefaultAndNegativeCapsAreRefused() {
    assertEquals(0, new OtlpDecoder().maxAttributesPerRecord());
    assertEquals(0, new OtlpJsonDecoder().maxAttributesPerRecord());
    assertEquals(7, new OtlpDecoder(1, 1, 7).maxAttributesPerRecord());
    assertThrows(IllegalArgumentException.class, () -> new OtlpDecoder(1, 1, -1));
    assertThrows(IllegalArgumentException.class, () -> new OtlpJsonDecoder(1, 1, -1));
  }

  /**
   * Resource: 6 distinct keys. Scope: 3. Span: a..f then a again, and dropped_attributes_count 3
   * (written after the attributes: protobuf writes fields in number order). Event: 10 keys.
   * Link: 5 keys, dropped_attributes_count 1. Cap 4: 2 + 0 + 2 + 6 + 1 = 11 dropped.
   */
  private static ExportTraceServiceRequest cappedTraces() {
    Resource.Builder resource = Resource.newBuilder();
    for (int i = 0; i < 6; i++) {
      resource.addAttributes(longAttribute("r" + i, i));
    }
    InstrumentationScope.Builder scope = InstrumentationScope.newBuilder().setName("s");
    for (int i = 0; i < 3; i++) {
      scope.addAttributes(longAttribute("s" + i, i));
    }
    var span = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(TRACE_ID)).setSpanId(ByteString.copyFrom(SPAN_ID))
        .setName("op").setDroppedAttributesCount(3);
    for (String key : List.of("a", "b", "c", "d", "e", "f")) {
      span.addAttributes(longAttribute(key, key.charAt(0)));
    }
    span.addAttributes(longAttribute("a", 100));
    var event = io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setName("ev");
    for (int i = 0; i < 10; i++) {
      event.addAttributes(longAttribute("e" + i, i));
    }
    var link = io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
        .setTraceId(ByteString.copyFrom(TRACE_ID)).setSpanId(ByteString.copyFrom(SPAN_ID))
        .setDroppedAttributesCount(1);
    for (int i = 0; i < 5; i++) {
      link.addAttributes(longAttribute("l" + i, i));
    }
    span.addEvents(event).addLinks(link);
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource)
            .addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder()
                .setScope(scope).addSpans(span)))
        .build();
  }

  private static KeyValue longAttribute(String key, long value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  private static ExportLogsServiceRequest logsRequest(Builder record) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder()
            .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(record)))
        .build();
  }

  private static byte[] json(com.google.protobuf.MessageOrBuilder request) throws Exception {
    return OtlpJson.print(request, p -> p).getBytes(StandardCharsets.UTF_8);
  }

  private static LogRecord firstRecord(Logs logs) {
    return logs.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
  }

  /** What a receiver passes: its {@code tapio_otlp_receiver_…} counter. */
  private static final class CountingCounter implements ComponentContext.Counter {
    private long value;

    @Override
    public void add(long delta) {
      value += delta;
    }

    @Override
    public long value() {
      return value;
    }
  }
}
