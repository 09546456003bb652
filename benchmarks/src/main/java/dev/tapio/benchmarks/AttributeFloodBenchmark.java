package dev.tapio.benchmarks;

import dev.tapio.otlp.OtlpDecoder;
import dev.tapio.otlp.OtlpFormatException;
import dev.tapio.pdata.Logs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding the OTLP/protobuf request of issue 10 case 3 with the default {@link OtlpDecoder}
 * (4 MiB limit, no cap): one log record carrying {@code distinct}: 460,000 attributes, each a
 * distinct 3-character key with an empty value (9 bytes each, 4,140,000 bytes of attributes), or
 * {@code colliding}: 100,000 attributes whose 34-character keys ("Aa"/"BB" blocks) all share one
 * {@code String.hashCode} (4.0 MB). One op = one request; setup prints the request's size.
 *
 * <p>The code before the fix takes minutes per op here: measure it with one single shot
 * ({@code -bm ss -wi 0 -i 1}), see benchmarks/README.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx2g"})
public class AttributeFloodBenchmark {
  static final int DISTINCT_KEYS = 460_000;
  static final int COLLIDING_KEYS = 100_000;

  @Param({"distinct", "colliding"})
  String keys;

  private final OtlpDecoder decoder = new OtlpDecoder();
  private byte[] request;

  @Setup
  public void setUp() {
    int n = keys.equals("distinct") ? DISTINCT_KEYS : COLLIDING_KEYS;
    // Written by hand, not through pdata and the encoder: the code before the fix would spend
    // as long building the record as decoding it.
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      byte[] key = (keys.equals("distinct") ? printable3(i) : colliding(i, 17))
          .getBytes(StandardCharsets.US_ASCII);
      ByteArrayOutputStream kv = new ByteArrayOutputStream();
      field(kv, 1, key); // KeyValue.key
      field(kv, 2, new byte[0]); // KeyValue.value: the empty AnyValue
      field(record, 6, kv.toByteArray()); // LogRecord.attributes
    }
    ByteArrayOutputStream scope = new ByteArrayOutputStream();
    field(scope, 2, record.toByteArray()); // ScopeLogs.log_records
    ByteArrayOutputStream resource = new ByteArrayOutputStream();
    field(resource, 2, scope.toByteArray()); // ResourceLogs.scope_logs
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    field(out, 1, resource.toByteArray()); // ExportLogsServiceRequest.resource_logs
    request = out.toByteArray();
    if (request.length > OtlpDecoder.DEFAULT_MAX_MESSAGE_SIZE) {
      throw new IllegalStateException(request.length + " bytes: over the limit");
    }
    System.out.printf("%n%s: %,d attributes in %,d bytes%n", keys, n, request.length);
  }

  /** A length-delimited protobuf field. */
  private static void field(ByteArrayOutputStream out, int number, byte[] value) {
    out.write(number << 3 | 2);
    for (int v = value.length; ; v >>>= 7) {
      if (v < 0x80) {
        out.write(v);
        break;
      }
      out.write(v & 0x7f | 0x80);
    }
    out.writeBytes(value);
  }

  @Benchmark
  public Logs decode() throws OtlpFormatException {
    return decoder.decodeLogs(request);
  }

  /** {@code i} as three printable ASCII characters (94^3 = 830,584 keys). */
  private static String printable3(int i) {
    return new String(new char[] {
        (char) ('!' + i % 94), (char) ('!' + i / 94 % 94), (char) ('!' + i / (94 * 94))});
  }

  /** The {@code i}-th string of {@code blocks} "Aa"/"BB" blocks: all share one hash code. */
  private static String colliding(int i, int blocks) {
    StringBuilder sb = new StringBuilder(2 * blocks);
    for (int b = 0; b < blocks; b++) {
      sb.append((i >>> b & 1) == 0 ? "Aa" : "BB");
    }
    return sb.toString();
  }
}
