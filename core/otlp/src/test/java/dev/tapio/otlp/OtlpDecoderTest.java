package dev.tapio.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.HistogramDataPoint;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.MetricType;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;
import dev.tapio.pdata.ValueType;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpDecoderTest {
  private static final int SEEDS = 400;

  private final OtlpDecoder decoder = new OtlpDecoder();

  @Test
  void logsEncodedByTheOfficialClassesDecodeToEqualPdata() throws Exception {
    for (int seed = 0; seed < SEEDS; seed++) {
      Logs original = new RandomTelemetry(seed, 3).logs();
      ExportLogsServiceRequest official = ToProto.logs(original);
      Logs decoded = decoder.decodeLogs(official.toByteArray());
      assertEquals(official, ToProto.logs(decoded), "seed " + seed);
      assertEquals(original.logRecordCount(), decoded.logRecordCount());
    }
  }

  @Test
  void metricsEncodedByTheOfficialClassesDecodeToEqualPdata() throws Exception {
    for (int seed = 0; seed < SEEDS; seed++) {
      Metrics original = new RandomTelemetry(seed, 3).metrics();
      ExportMetricsServiceRequest official = ToProto.metrics(original);
      Metrics decoded = decoder.decodeMetrics(official.toByteArray());
      assertEquals(official, ToProto.metrics(decoded), "seed " + seed);
      assertEquals(original.dataPointCount(), decoded.dataPointCount());
    }
  }

  @Test
  void tracesEncodedByTheOfficialClassesDecodeToEqualPdata() throws Exception {
    for (int seed = 0; seed < SEEDS; seed++) {
      Traces original = new RandomTelemetry(seed, 3).traces();
      ExportTraceServiceRequest official = ToProto.traces(original);
      Traces decoded = decoder.decodeTraces(official.toByteArray());
      assertEquals(official, ToProto.traces(decoded), "seed " + seed);
      assertEquals(original.spanCount(), decoded.spanCount());
    }
  }

  @Test
  void ourEncodingDecodesBackToEqualPdata() throws Exception {
    OtlpEncoder encoder = new OtlpEncoder();
    for (int seed = 0; seed < 100; seed++) {
      RandomTelemetry random = new RandomTelemetry(seed, 3);
      Logs logs = random.logs();
      encoder.encode(logs);
      assertEquals(ToProto.logs(logs), ToProto.logs(decoder.decodeLogs(encoder.toByteArray())));
      Metrics metrics = random.metrics();
      encoder.encode(metrics);
      assertEquals(ToProto.metrics(metrics),
          ToProto.metrics(decoder.decodeMetrics(encoder.toByteArray())));
      Traces traces = random.traces();
      encoder.encode(traces);
      assertEquals(ToProto.traces(traces),
          ToProto.traces(decoder.decodeTraces(encoder.toByteArray())));
    }
  }

  @Test
  void scalarAttributesAndStringBodiesDecodeUnboxed() throws Exception {
    Logs logs = new Logs();
    LogRecord r = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords()
        .appendEmpty();
    r.setBody("hello").attributes().putLong("n", -5).putString("s", "x").putBool("b", true)
        .put("e", AnyValue.EMPTY);
    LogRecord d = decoder.decodeLogs(ToProto.logs(logs).toByteArray())
        .resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertEquals("hello", d.bodyString());
    assertEquals(-5, d.attributes().longAt(0));
    assertEquals("x", d.attributes().stringAt(1));
    assertTrue(d.attributes().boolAt(2));
    assertEquals(ValueType.EMPTY, d.attributes().type(3));
  }

  @Test
  void unknownFieldsOfEveryWireTypeAreSkippedAtEveryLevel() throws Exception {
    Logs original = new RandomTelemetry(3, 3).logs();
    LogRecord r = original.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords()
        .appendEmpty();
    r.setEventName("dns.query").attributes().putString("dns.question.name", "example.org");
    ExportLogsServiceRequest clean = ToProto.logs(original);
    UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
        .addField(100, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
        .addField(101, UnknownFieldSet.Field.newBuilder().addFixed32(7).build())
        .addField(102, UnknownFieldSet.Field.newBuilder().addFixed64(7).build())
        .addField(103, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFromUtf8("future")).build())
        .addField(104, UnknownFieldSet.Field.newBuilder()
            .addGroup(UnknownFieldSet.newBuilder()
                .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                .build())
            .build())
        .build();
    ExportLogsServiceRequest.Builder noisy = clean.toBuilder().setUnknownFields(unknown);
    int last = noisy.getResourceLogsCount() - 1;
    var rl = noisy.getResourceLogsBuilder(last).setUnknownFields(unknown);
    rl.getResourceBuilder().setUnknownFields(unknown);
    var sl = rl.getScopeLogsBuilder(0).setUnknownFields(unknown);
    sl.getScopeBuilder().setUnknownFields(unknown);
    var lr = sl.getLogRecordsBuilder(0).setUnknownFields(unknown);
    lr.getAttributesBuilder(0).setUnknownFields(unknown).getValueBuilder()
        .setUnknownFields(unknown);

    Logs decoded = decoder.decodeLogs(noisy.build().toByteArray());
    assertEquals(clean, ToProto.logs(decoded));
  }

  @Test
  void unpackedRepeatedScalarsAreAccepted() throws Exception {
    // A histogram point with bucket_counts and explicit_bounds written one field per element,
    // which protobuf parsers must accept as well as the packed form.
    byte[] point = message(out -> {
      out.writeFixed64(4, 3); // count
      out.writeFixed64(6, 1); // bucket_counts, unpacked
      out.writeDouble(7, 10.0); // explicit_bounds, unpacked
      out.writeFixed64(6, 2);
    });
    byte[] histogram = message(out -> {
      out.writeByteArray(1, point);
      out.writeEnum(2, 2); // cumulative
    });
    byte[] metric = message(out -> {
      out.writeString(1, "latency");
      out.writeByteArray(9, histogram);
    });
    byte[] request = message(out -> out.writeByteArray(1, message(rm -> rm.writeByteArray(2,
        message(sm -> sm.writeByteArray(2, metric))))));

    Metrics decoded = decoder.decodeMetrics(request);
    var m = decoded.resourceMetrics().get(0).scopeMetrics().get(0).metrics().get(0);
    assertEquals(MetricType.HISTOGRAM, m.type());
    assertEquals(dev.tapio.pdata.AggregationTemporality.CUMULATIVE, m.temporality());
    HistogramDataPoint p = m.histogramPoints().get(0);
    assertEquals(3, p.count());
    assertArrayEquals(new long[] {1, 2}, p.bucketCounts());
    assertArrayEquals(new double[] {10.0}, p.explicitBounds());
  }

  @Test
  void sumTemporalityAfterThePointsStillAppliesAndKeepsThePoints() throws Exception {
    byte[] point = message(out -> out.writeSFixed64(6, 42));
    byte[] sum = message(out -> {
      out.writeByteArray(1, point);
      out.writeByteArray(1, point);
      out.writeBool(3, true);
      out.writeEnum(2, 1);
    });
    byte[] request = message(out -> out.writeByteArray(1, message(rm -> rm.writeByteArray(2,
        message(sm -> sm.writeByteArray(2, message(m -> m.writeByteArray(7, sum))))))));
    var m = decoder.decodeMetrics(request).resourceMetrics().get(0).scopeMetrics().get(0)
        .metrics().get(0);
    assertEquals(MetricType.SUM, m.type());
    assertEquals(dev.tapio.pdata.AggregationTemporality.DELTA, m.temporality());
    assertTrue(m.isMonotonic());
    assertEquals(2, m.numberPoints().size());
    assertEquals(42, m.numberPoints().get(1).longValue());
  }

  @Test
  void decodingAppendsToAnExistingTree() throws Exception {
    Logs into = new RandomTelemetry(5, 3).logs();
    int before = into.resourceLogs().size();
    Logs more = new RandomTelemetry(6, 3).logs();
    byte[] bytes = ToProto.logs(more).toByteArray();
    byte[] padded = new byte[bytes.length + 7];
    System.arraycopy(bytes, 0, padded, 5, bytes.length);
    decoder.decodeLogs(padded, 5, bytes.length, into);
    assertEquals(before + more.resourceLogs().size(), into.resourceLogs().size());
  }

  @Test
  void aLengthPrefixBeyondTheInputFailsBeforeAllocating() {
    // resource_logs with a length of 2^31 - 1 and two bytes of payload.
    byte[] bytes = HexFormat.of().parseHex("0affffffff070a00");
    OtlpFormatException e =
        assertThrows(OtlpFormatException.class, () -> decoder.decodeLogs(bytes));
    assertEquals("ExportLogsServiceRequest.resource_logs", e.field());
    assertEquals(1, e.offset());
    assertTrue(e.getMessage().contains("exceeds the 2 bytes left"), e.getMessage());
  }

  @Test
  void aNestedLengthBeyondItsEnclosingMessageFails() throws Exception {
    // resource_logs { scope_logs (length 9, but only 2 bytes left in resource_logs) }, then
    // more bytes after resource_logs that the nested length must not reach into.
    byte[] bytes = HexFormat.of().parseHex("0a0412090a00" + "0a00".repeat(8));
    OtlpFormatException e =
        assertThrows(OtlpFormatException.class, () -> decoder.decodeLogs(bytes));
    assertEquals("ResourceLogs.scope_logs", e.field());
    assertEquals(3, e.offset());
  }

  @Test
  void oversizedRequestsAreRefusedWhole() {
    OtlpDecoder small = new OtlpDecoder(16, 4);
    byte[] bytes = new byte[17];
    OtlpFormatException e =
        assertThrows(OtlpFormatException.class, () -> small.decodeTraces(bytes));
    assertTrue(e.getMessage().contains("17 bytes exceeds the maximum of 16"), e.getMessage());
  }

  @Test
  void nestingDeeperThanTheLimitFails() throws Exception {
    AnyValue deep = AnyValue.of("leaf");
    for (int i = 0; i < 5; i++) {
      deep = AnyValue.ofArray(List.of(deep));
    }
    Logs logs = new Logs();
    logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords().appendEmpty()
        .setBody(deep);
    byte[] bytes = ToProto.logs(logs).toByteArray();
    assertEquals(ValueType.ARRAY, new OtlpDecoder(1 << 20, 5).decodeLogs(bytes)
        .resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0).bodyType());
    OtlpFormatException e = assertThrows(OtlpFormatException.class,
        () -> new OtlpDecoder(1 << 20, 4).decodeLogs(bytes));
    assertEquals("AnyValue.array_value", e.field());
    assertTrue(e.getMessage().contains("nested deeper than 4"), e.getMessage());
  }

  @Test
  void malformedInputsNameTheFieldAndOffset() {
    expectError("0a020801", "ResourceLogs.resource", 3); // a message field sent as a varint
    expectError("0a8080", "ExportLogsServiceRequest.resource_logs", 1); // truncated varint
    expectError("0aff", "ExportLogsServiceRequest.resource_logs", 1);
    expectError("10" + "ff".repeat(10) + "01", "ExportLogsServiceRequest", 1); // 11-byte varint
    expectError("00", "ExportLogsServiceRequest", 0); // field number 0
    expectError("0b", "ExportLogsServiceRequest.resource_logs", 1); // known field as a group
    expectError("14", "ExportLogsServiceRequest", 1); // stray end of group
    expectError("17", "ExportLogsServiceRequest", 1); // wire type 7
    expectError("1b0801", "ExportLogsServiceRequest", 3); // unterminated unknown group
    // resource_logs { scope_logs { log_records { trace_id: 3 bytes } } }
    expectError("0a0912071205" + "4a03010203", "LogRecord.trace_id", 7);
    // log_records { time_unix_nano: 4 of 8 bytes }
    expectError("0a0912071205" + "0901020304", "LogRecord.time_unix_nano", 7);
  }

  @Test
  void histogramBucketCountsMustMatchTheBounds() throws Exception {
    byte[] point = message(out -> {
      out.writeFixed64(6, 1);
      out.writeFixed64(6, 2);
      out.writeFixed64(6, 3);
      out.writeDouble(7, 1.0);
    });
    byte[] request = message(out -> out.writeByteArray(1, message(rm -> rm.writeByteArray(2,
        message(sm -> sm.writeByteArray(2,
            message(m -> m.writeByteArray(9, message(h -> h.writeByteArray(1, point))))))))));
    OtlpFormatException e =
        assertThrows(OtlpFormatException.class, () -> decoder.decodeMetrics(request));
    assertEquals("HistogramDataPoint.bucket_counts", e.field());
    assertTrue(e.getMessage().contains("3 bucket counts for 1 explicit bounds"), e.getMessage());
  }

  private void expectError(String hex, String field, int offset) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    OtlpFormatException e =
        assertThrows(OtlpFormatException.class, () -> decoder.decodeLogs(bytes), hex);
    assertEquals(field, e.field(), hex + ": " + e.getMessage());
    assertEquals(offset, e.offset(), hex + ": " + e.getMessage());
  }

  @FunctionalInterface
  interface Writer {
    void write(CodedOutputStream out) throws Exception;
  }

  static byte[] message(Writer writer) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    writer.write(out);
    out.flush();
    return bytes.toByteArray();
  }
}
