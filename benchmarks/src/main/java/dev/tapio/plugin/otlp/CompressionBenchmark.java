package dev.tapio.plugin.otlp;

import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import io.airlift.compress.v3.zstd.ZstdJavaCompressor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The otlphttp exporter's body compression (issue 14), side by side on one request: 950
 * {@code network.connection.close} records as the ebpf_network decoder writes them (17
 * attributes, a few hundred connections between a handful of addresses), encoded once by
 * {@link OtlpEncoder} (~450 KB). One op compresses the whole body: gzip at level 1 (the
 * exporter's default, through its pooled {@link GzipBuffer}) and at level 6, zstd through
 * {@link Codecs} (libzstd where it loads, as in the exporter) and aircompressor's pure-Java zstd
 * (the fallback). Each variant's compressed size is printed once at setup. {@code -p
 * body=<file>} compresses that file's bytes instead (an OTLP body captured from the agent).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"})
public class CompressionBenchmark {
  static final int RECORDS = 950;

  /** A file whose bytes are the body; empty: the generated records. */
  @Param("")
  public String body;

  private byte[] bytes;
  private int length;
  private GzipBuffer gzip1;
  private GzipBuffer gzip6;
  private final ZstdJavaCompressor zstdJava = new ZstdJavaCompressor();
  private byte[] zstdJavaOut;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (body.isEmpty()) {
      bytes = generated();
    } else {
      bytes = Files.readAllBytes(Path.of(body));
    }
    length = bytes.length;
    gzip1 = new GzipBuffer(Deflater.BEST_SPEED);
    gzip6 = new GzipBuffer(6);
    zstdJavaOut = new byte[zstdJava.maxCompressedLength(length)];
    System.out.printf("%n%d bytes encoded; gzip 1: %d, gzip 6: %d, zstd (%s): %d,"
        + " zstd (pure Java): %d%n", length, gzip1(), gzip6(),
        Codecs.zstdNative() ? "libzstd" : "pure Java", zstd(), zstdJava());
  }

  private static byte[] generated() {
    Logs logs = new Logs();
    ScopeLogs scope = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty();
    scope.scope().setName("dev.tapio.ebpf.network");
    long t = 1_765_000_000_000_000_000L;
    for (int i = 0; i < RECORDS; i++) {
      LogRecord r = scope.logRecords().appendEmpty();
      r.setTimeUnixNano(t + i * 100_003L).setSeverity(Severity.INFO)
          .setEventName("network.connection.close");
      Attributes a = r.attributes();
      a.putString("network.connection.direction", i % 2 == 0 ? "outbound" : "inbound");
      a.putString("network.local.address", "10.0.0." + (i % 4 + 1));
      a.putLong("network.local.port", i % 2 == 0 ? 30_000 + i % 20_000 : 8080);
      a.putString("network.peer.address", "10.0." + (i % 3) + "." + (i % 7 + 10));
      a.putLong("network.peer.port", i % 2 == 0 ? 8080 : 30_000 + i % 20_000);
      a.putString("network.transport", "tcp");
      a.putString("network.type", "ipv4");
      a.putDouble("network.connection.duration", 0.000_2 + (i % 13) * 0.000_017);
      a.putLong("network.io.bytes_sent", 1 + i % 5);
      a.putLong("network.io.bytes_received", i % 3);
      a.putLong("tcp.retransmits", 0);
      a.putLong("tcp.srtt_us", 20 + i % 40);
      a.putLong("process.pid", 4000 + i % 3);
      a.putString("process.executable.name", i % 3 == 0 ? "java" : "curl");
      a.putLong("linux.cgroup.id", 12_345 + i % 3);
      a.putString("systemd.unit", "tapio-bench.service");
      a.putString("linux.cgroup.path", "/system.slice/tapio-bench.service");
    }
    OtlpEncoder encoder = new OtlpEncoder();
    int n = encoder.encode(logs);
    return Arrays.copyOf(encoder.buffer(), n);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    gzip1.close();
    gzip6.close();
  }

  @Benchmark
  public int gzip1() {
    return gzip1.compress(bytes, length).length;
  }

  @Benchmark
  public int gzip6() {
    return gzip6.compress(bytes, length).length;
  }

  @Benchmark
  public int zstd() {
    return Codecs.zstd(bytes, length).length;
  }

  @Benchmark
  public int zstdJava() {
    return zstdJava.compress(bytes, 0, length, zstdJavaOut, 0, zstdJavaOut.length);
  }
}
