package dev.tapio.benchmarks;

import dev.tapio.otlp.OtlpDecoder;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LowAllocationLogsRequestMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * OTLP/protobuf encoding of the same 512 log records with 10 attributes each (one resource,
 * one scope), into the same reused output stream: Tapio's {@link OtlpEncoder} from pdata
 * against opentelemetry-java's {@code LogsRequestMarshaler} (what its OTLP exporters use by
 * default) and {@code LowAllocationLogsRequestMarshaler} (its reusable-data memory mode) from
 * SDK {@link LogRecordData} built once in setup. One op = one record, so ops/s are records/s
 * and {@code gc.alloc.rate.norm} is bytes allocated per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx1g"})
@OperationsPerInvocation(OtlpEncodeBenchmark.RECORDS)
public class OtlpEncodeBenchmark {
  static final int RECORDS = 512;

  /**
   * Copies of the batch for {@link #tapioCold}: together well past this
   * machine's 1 MB of L2 per core, as an agent's batch is by the time its sender encodes it.
   */
  static final int COPIES = 32;

  private Logs logs;
  private Logs[] copies;
  private int next;
  private List<LogRecordData> sdkRecords;
  private final OtlpEncoder encoder = new OtlpEncoder();
  private final LowAllocationLogsRequestMarshaler lowAllocation =
      new LowAllocationLogsRequestMarshaler();
  private final ReusableOutput out = new ReusableOutput();

  @Setup
  public void setUp() throws Exception {
    logs = new Logs();
    sdkRecords = new ArrayList<>(RECORDS);
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "checkout")
        .putString("host.name", "node-1");
    Resource resource = Resource.create(Attributes.builder()
        .put("service.name", "checkout").put("host.name", "node-1").build());
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName("tapio.bench").setVersion("1.0.0");
    InstrumentationScopeInfo scope =
        InstrumentationScopeInfo.builder("tapio.bench").setVersion("1.0.0").build();

    Random random = new Random(42);
    long base = 1_700_000_000_000_000_000L;
    for (int i = 0; i < RECORDS; i++) {
      byte[] traceId = new byte[16];
      byte[] spanId = new byte[8];
      random.nextBytes(traceId);
      random.nextBytes(spanId);
      traceId[0] |= 1;
      spanId[0] |= 1;
      String body = "GET /api/v1/orders/" + i + " 200 " + (i % 97) + "ms";
      String peer = "10.0." + (i / 256) + "." + (i % 256);

      LogRecord r = sl.logRecords().appendEmpty();
      r.setTimeUnixNano(base + i).setObservedTimeUnixNano(base + i + 1000)
          .setSeverity(Severity.INFO).setSeverityText("INFO").setEventName("http.request")
          .setBody(body).setTraceId(traceId).setSpanId(spanId).setFlags(1);
      r.attributes()
          .putString("http.request.method", "GET")
          .putString("http.route", "/api/v1/orders/{id}")
          .putLong("http.response.status_code", 200)
          .putString("network.peer.address", peer)
          .putLong("network.peer.port", 40_000 + i)
          .putLong("process.pid", 4242)
          .putString("k8s.pod.name", "checkout-7d9f8-abcde")
          .putString("k8s.namespace.name", "shop")
          .putString("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
          .putDouble("http.server.duration_ms", (i % 97) + 0.5);

      Attributes attributes = Attributes.builder()
          .put("http.request.method", "GET")
          .put("http.route", "/api/v1/orders/{id}")
          .put(AttributeKey.longKey("http.response.status_code"), 200L)
          .put("network.peer.address", peer)
          .put(AttributeKey.longKey("network.peer.port"), 40_000L + i)
          .put(AttributeKey.longKey("process.pid"), 4242L)
          .put("k8s.pod.name", "checkout-7d9f8-abcde")
          .put("k8s.namespace.name", "shop")
          .put("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
          .put(AttributeKey.doubleKey("http.server.duration_ms"), (i % 97) + 0.5)
          .build();
      SpanContext context = SpanContext.create(HexFormat.of().formatHex(traceId),
          HexFormat.of().formatHex(spanId), TraceFlags.getSampled(), TraceState.getDefault());
      sdkRecords.add(new SdkLogRecord(resource, scope, base + i, base + i + 1000, context,
          io.opentelemetry.api.logs.Severity.INFO, "INFO", Value.of(body), attributes, "http.request"));
    }

    // Both sides must encode the same records: decode each and compare what matters.
    int ours = tapio();
    byte[] tapioBytes = Arrays.copyOf(out.buf, ours);
    int theirs = otelLogsRequestMarshaler();
    byte[] otelBytes = Arrays.copyOf(out.buf, theirs);
    OtlpDecoder decoder = new OtlpDecoder();
    Logs a = decoder.decodeLogs(tapioBytes);
    Logs b = decoder.decodeLogs(otelBytes);
    if (a.logRecordCount() != RECORDS || b.logRecordCount() != RECORDS || ours != theirs) {
      throw new IllegalStateException("workloads differ: " + a.logRecordCount() + " records in "
          + ours + " bytes against " + b.logRecordCount() + " in " + theirs);
    }
    copies = new Logs[COPIES];
    for (int i = 0; i < COPIES; i++) {
      copies[i] = logs.copy();
    }
    if (otelLowAllocation() != theirs) {
      throw new IllegalStateException("low-allocation marshaler wrote a different size");
    }
  }

  @Benchmark
  public int tapio() throws IOException {
    out.reset();
    encoder.encode(logs, out);
    return out.size;
  }

  /** As {@link #tapio}, each op a different copy of the batch, so the records are not cached. */
  @Benchmark
  public int tapioCold() throws IOException {
    out.reset();
    encoder.encode(copies[next], out);
    next = (next + 1) % COPIES;
    return out.size;
  }

  @Benchmark
  public int otelLogsRequestMarshaler() throws IOException {
    out.reset();
    LogsRequestMarshaler.create(sdkRecords).writeBinaryTo(out);
    return out.size;
  }

  @Benchmark
  public int otelLowAllocation() throws IOException {
    out.reset();
    lowAllocation.initialize(sdkRecords);
    try {
      lowAllocation.writeBinaryTo(out);
    } finally {
      lowAllocation.reset();
    }
    return out.size;
  }

  /** An output stream over a reused array, so that neither side pays for the sink. */
  static final class ReusableOutput extends OutputStream {
    byte[] buf = new byte[1 << 16];
    int size;

    void reset() {
      size = 0;
    }

    private void ensure(int extra) {
      if (size + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(size + extra, buf.length * 2));
      }
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }
  }

  /** The SDK's log record data, as its batch processor hands it to an exporter. */
  private record SdkLogRecord(
      Resource resource,
      InstrumentationScopeInfo scope,
      long timestamp,
      long observedTimestamp,
      SpanContext spanContext,
      io.opentelemetry.api.logs.Severity severity,
      String severityText,
      Value<?> body,
      Attributes attributes,
      String eventName) implements LogRecordData {

    @Override
    public Resource getResource() {
      return resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return scope;
    }

    @Override
    public long getTimestampEpochNanos() {
      return timestamp;
    }

    @Override
    public long getObservedTimestampEpochNanos() {
      return observedTimestamp;
    }

    @Override
    public SpanContext getSpanContext() {
      return spanContext;
    }

    @Override
    public io.opentelemetry.api.logs.Severity getSeverity() {
      return severity;
    }

    @Override
    public String getSeverityText() {
      return severityText;
    }

    @Override
    @SuppressWarnings("deprecation") // the interface still requires it
    public Body getBody() {
      return Body.string(body.asString());
    }

    @Override
    public Value<?> getBodyValue() {
      return body;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
      return attributes.size();
    }

    @Override
    public String getEventName() {
      return eventName;
    }
  }
}
