package dev.tapio.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.StatusCode;
import dev.tapio.pdata.Traces;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpEncoderTest {
  private static final int SEEDS = 400;

  /** One encoder for every case: reuse across requests of all signals is part of the test. */
  private final OtlpEncoder encoder = new OtlpEncoder();

  @Test
  void randomLogsParseWithTheOfficialClassesAndMatchTheirEncodingByteForByte() throws Exception {
    for (int seed = 0; seed < SEEDS; seed++) {
      Logs logs = new RandomTelemetry(seed, 3).logs();
      encoder.encode(logs);
      byte[] ours = encoder.toByteArray();
      ExportLogsServiceRequest expected = ToProto.logs(logs);
      assertEquals(expected, ExportLogsServiceRequest.parseFrom(ours), "seed " + seed);
      assertArrayEquals(expected.toByteArray(), ours, "seed " + seed);
    }
  }

  @Test
  void randomMetricsParseWithTheOfficialClassesAndMatchTheirEncodingByteForByte()
      throws Exception {
    for (int seed = 0; seed < SEEDS; seed++) {
      Metrics metrics = new RandomTelemetry(seed, 3).metrics();
      encoder.encode(metrics);
      byte[] ours = encoder.toByteArray();
      ExportMetricsServiceRequest expected = ToProto.metrics(metrics);
      assertEquals(expected, ExportMetricsServiceRequest.parseFrom(ours), "seed " + seed);
      assertArrayEquals(expected.toByteArray(), ours, "seed " + seed);
    }
  }

  @Test
  void randomTracesParseWithTheOfficialClassesAndMatchTheirEncodingByteForByte()
      throws Exception {
    for (int seed = 0; seed < SEEDS; seed++) {
      Traces traces = new RandomTelemetry(seed, 3).traces();
      encoder.encode(traces);
      byte[] ours = encoder.toByteArray();
      ExportTraceServiceRequest expected = ToProto.traces(traces);
      assertEquals(expected, ExportTraceServiceRequest.parseFrom(ours), "seed " + seed);
      assertArrayEquals(expected.toByteArray(), ours, "seed " + seed);
    }
  }

  @Test
  void everyLogRecordFieldArrivesWhereTheOfficialClassesLookForIt() throws Exception {
    byte[] traceId = HexFormat.of().parseHex("4bf92f3577b34da6a3ce929d0e0e4736");
    byte[] spanId = HexFormat.of().parseHex("00f067aa0ba902b7");
    Logs logs = new Logs();
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("host.name", "node-1");
    rl.setSchemaUrl("https://opentelemetry.io/schemas/1.26.0");
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName("tapio.ebpf.process").setVersion("0.1.0");
    LogRecord r = sl.logRecords().appendEmpty();
    r.setTimeUnixNano(1_700_000_000_123_456_789L)
        .setObservedTimeUnixNano(1_700_000_000_223_456_789L)
        .setSeverity(Severity.WARN)
        .setSeverityText("WARN")
        .setEventName("process.exec")
        .setBody("exec /bin/sh")
        .setFlags(1)
        .setDroppedAttributesCount(3)
        .setTraceId(traceId)
        .setSpanId(spanId);
    r.attributes().putLong("process.pid", 4242).putBool("root", true).putDouble("load", 0.5)
        .put("argv", AnyValue.ofArray(List.of(AnyValue.of("sh"), AnyValue.of("-c"))))
        .put("raw", AnyValue.ofBytes(new byte[] {0, 1, (byte) 0xFF}))
        .put("labels", AnyValue.ofMap(Map.of("app", AnyValue.of("web"))));

    encoder.encode(logs);
    var parsed = ExportLogsServiceRequest.parseFrom(encoder.toByteArray());
    var prl = parsed.getResourceLogs(0);
    assertEquals("node-1", prl.getResource().getAttributes(0).getValue().getStringValue());
    assertEquals("https://opentelemetry.io/schemas/1.26.0", prl.getSchemaUrl());
    assertEquals("tapio.ebpf.process", prl.getScopeLogs(0).getScope().getName());
    assertEquals("0.1.0", prl.getScopeLogs(0).getScope().getVersion());
    var p = prl.getScopeLogs(0).getLogRecords(0);
    assertEquals(1_700_000_000_123_456_789L, p.getTimeUnixNano());
    assertEquals(1_700_000_000_223_456_789L, p.getObservedTimeUnixNano());
    assertEquals(SeverityNumber.SEVERITY_NUMBER_WARN, p.getSeverityNumber());
    assertEquals("WARN", p.getSeverityText());
    assertEquals("process.exec", p.getEventName());
    assertEquals("exec /bin/sh", p.getBody().getStringValue());
    assertEquals(1, p.getFlags());
    assertEquals(3, p.getDroppedAttributesCount());
    assertEquals(ByteString.copyFrom(traceId), p.getTraceId());
    assertEquals(ByteString.copyFrom(spanId), p.getSpanId());
    List<KeyValue> attrs = p.getAttributesList();
    assertEquals("process.pid", attrs.get(0).getKey());
    assertEquals(4242, attrs.get(0).getValue().getIntValue());
    assertTrue(attrs.get(1).getValue().getBoolValue());
    assertEquals(0.5, attrs.get(2).getValue().getDoubleValue());
    assertEquals("-c", attrs.get(3).getValue().getArrayValue().getValues(1).getStringValue());
    assertEquals(ByteString.copyFrom(new byte[] {0, 1, (byte) 0xFF}),
        attrs.get(4).getValue().getBytesValue());
    assertEquals("web",
        attrs.get(5).getValue().getKvlistValue().getValues(0).getValue().getStringValue());
  }

  @Test
  void defaultValuedFieldsAreLeftOut() throws Exception {
    Logs logs = new Logs();
    logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords().appendEmpty();
    int n = encoder.encode(logs);
    // resource_logs { resource {} scope_logs { scope {} log_records {} } }
    assertEquals("0a080a0012040a001200", hex(encoder.toByteArray()));
    assertEquals(10, n);
  }

  @Test
  void spanFlagsUseTheTwoByteTagOfField16AndStatusIsLeftOutWhenUnset() throws Exception {
    Traces traces = new Traces();
    Span span = traces.resourceSpans().appendEmpty().scopeSpans().appendEmpty().spans()
        .appendEmpty();
    span.setFlags(0x301).setKind(SpanKind.SERVER);
    encoder.encode(traces);
    var parsed = ExportTraceServiceRequest.parseFrom(encoder.toByteArray())
        .getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertEquals(0x301, parsed.getFlags());
    assertEquals(false, parsed.hasStatus());
    // kind = 6: 30 02; flags = 16, fixed32: 85 01 then 01 03 00 00
    assertTrue(hex(encoder.toByteArray()).endsWith("3002850101030000"),
        hex(encoder.toByteArray()));

    span.setStatus(StatusCode.ERROR, "boom");
    encoder.encode(traces);
    parsed = ExportTraceServiceRequest.parseFrom(encoder.toByteArray())
        .getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR,
        parsed.getStatus().getCode());
    assertEquals("boom", parsed.getStatus().getMessage());
  }

  @Test
  void unpairedSurrogatesBecomeTheReplacementCharacter() throws Exception {
    Logs logs = new Logs();
    logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords().appendEmpty()
        .setSeverityText("a\uD800b\uDC00");
    encoder.encode(logs);
    String text = ExportLogsServiceRequest.parseFrom(encoder.toByteArray())
        .getResourceLogs(0).getScopeLogs(0).getLogRecords(0).getSeverityText();
    assertEquals("a\uFFFDb\uFFFD", text);
  }

  /**
   * Requests whose group lengths take 1 to 4 bytes in turn, each larger or smaller than the one
   * before (the encoder's buffers kept from one to the next), with two resources of different
   * sizes in one request: all byte-identical to protobuf-java's.
   */
  @Test
  void groupLengthsOfEveryWidthMatchTheOfficialEncodingWhateverCameBefore() throws Exception {
    int[] records = {1, 3000, 0, 40, 2, 40_000, 1, 300, 40_000, 0};
    int largest = 0;
    for (int round = 0; round < records.length; round++) {
      Logs logs = new Logs();
      for (int resource = 0; resource < 2; resource++) {
        ScopeLogs sl = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty();
        int n = resource == 0 ? records[round] : records[(round + 1) % records.length];
        for (int i = 0; i < n; i++) {
          LogRecord r = sl.logRecords().appendEmpty();
          r.setTimeUnixNano(i + 1).setBody("connection closed " + i);
          r.attributes().putString("network.peer.address", "10.0.0." + (i & 255));
        }
      }
      encoder.encode(logs);
      byte[] ours = encoder.toByteArray();
      assertArrayEquals(ToProto.logs(logs).toByteArray(), ours, "round " + round);
      largest = Math.max(largest, ours.length);
    }
    assertTrue(largest > 1 << 21, "a group needed four length bytes: " + largest);
  }

  @Test
  void writesToStreamsAndBuffersTheSameBytes() throws Exception {
    Metrics metrics = new RandomTelemetry(7, 3).metrics();
    Metric m = metrics.resourceMetrics().appendEmpty().scopeMetrics().appendEmpty().metrics()
        .appendEmpty();
    m.setName("up").setGauge().appendEmpty().setLongValue(1);
    byte[] expected = Arrays.copyOf(encoder.buffer(), encoder.encode(metrics));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encoder.encode(metrics, out);
    assertArrayEquals(expected, out.toByteArray());

    ByteBuffer buffer = ByteBuffer.allocate(expected.length + 3).position(3);
    assertEquals(expected.length, encoder.encode(metrics, buffer));
    assertArrayEquals(expected, Arrays.copyOfRange(buffer.array(), 3, buffer.position()));

    ByteBuffer small = ByteBuffer.allocate(expected.length - 1);
    assertThrows(BufferOverflowException.class, () -> encoder.encode(metrics, small));
    assertEquals(0, small.position());
  }

  @Test
  void readOnlyDataEncodesTheSameAsWritable() {
    Traces traces = new RandomTelemetry(11, 3).traces();
    byte[] writable = Arrays.copyOf(encoder.buffer(), encoder.encode(traces));
    traces.markReadOnly();
    encoder.encode(traces);
    assertArrayEquals(writable, encoder.toByteArray());
  }

  @Test
  void steadyStateEncodingAllocatesNothingPerRecord() {
    Logs logs = new Logs();
    ScopeLogs sl = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty();
    for (int i = 0; i < 512; i++) {
      LogRecord r = sl.logRecords().appendEmpty();
      r.setTimeUnixNano(i).setSeverity(Severity.INFO).setBody("connection closed " + i)
          .setEventName("network.connection.close");
      for (int a = 0; a < 10; a++) {
        r.attributes().putString("attr." + a, "value-" + a + "-é");
      }
      r.attributes().putLong("process.pid", i);
    }
    for (int i = 0; i < 200; i++) {
      encoder.encode(logs); // grow buffers, let the JIT compile
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    int rounds = 50;
    long before = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < rounds; i++) {
      encoder.encode(logs);
    }
    long perRecord = (threads.getThreadAllocatedBytes(tid) - before) / (rounds * 512L);
    assertEquals(0, perRecord, "bytes allocated per record");
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
