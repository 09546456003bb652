package dev.tapio.plugin.ebpf.dns;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The ebpf_dns receiver's parser on a typical response (a CNAME then two A records, names
 * compressed): {@code parse} alone (what every captured datagram costs) and {@code
 * parseAndRender} (plus the strings a dns.query record carries). Lives in the plugin's package
 * to reach its package-private parser. Run with {@code -prof gc} for bytes per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class DnsParserBenchmark {
  private final DnsParser parser = new DnsParser();
  private final DnsMessage message = new DnsMessage();
  private byte[] packet;

  @Setup
  public void setUp() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int[] header = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0};
    for (int v : header) {
      b.write(v);
    }
    for (String label : "www.example.com".split("\\.")) {
      b.write(label.length());
      b.writeBytes(label.getBytes());
    }
    b.write(0);
    b.writeBytes(new byte[] {0, 1, 0, 1}); // A IN
    // CNAME www.example.com -> edge.example.com (the suffix compressed to offset 16)
    b.writeBytes(new byte[] {(byte) 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 7});
    b.write(4);
    b.writeBytes("edge".getBytes());
    b.writeBytes(new byte[] {(byte) 0xc0, 16});
    int cname = 12 + 17 + 4 + 12;
    for (int i = 0; i < 2; i++) {
      b.writeBytes(new byte[] {(byte) 0xc0, (byte) cname, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4,
          93, (byte) 184, (byte) 216, (byte) (34 + i)});
    }
    packet = b.toByteArray();
    if (parser.parse(packet, packet.length, packet.length, message) != DnsParser.OK
        || message.answers() != 3) {
      throw new IllegalStateException("benchmark packet does not parse: " + message.answers());
    }
  }

  @Benchmark
  public int parse() {
    return parser.parse(packet, packet.length, packet.length, message);
  }

  @Benchmark
  public void parseAndRender(Blackhole bh) {
    parser.parse(packet, packet.length, packet.length, message);
    bh.consume(message.questionName());
    for (int i = 0; i < message.answers(); i++) {
      bh.consume(message.answerText(i));
    }
  }
}
