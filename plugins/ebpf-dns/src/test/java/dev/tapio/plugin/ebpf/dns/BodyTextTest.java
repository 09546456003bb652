package dev.tapio.plugin.ebpf.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The dns.query body's duration, written without formatting a double. */
class BodyTextTest {
  private static String millis(long micros) {
    StringBuilder sb = new StringBuilder();
    DnsRecordDecoder.appendMillis(sb, micros);
    return sb.toString();
  }

  @Test
  void durationsReadAsDoubleToStringWritesThem() {
    for (long micros = 0; micros <= 200_000; micros++) {
      assertEquals(Double.toString(micros / 1e3), millis(micros), "micros=" + micros);
    }
    Random random = new Random(5);
    for (int i = 0; i < 200_000; i++) {
      long micros = random.nextLong(-1_000_000, 20_000_000_000L);
      assertEquals(Double.toString(micros / 1e3), millis(micros), "micros=" + micros);
    }
    assertEquals("0.005", millis(5));
    assertEquals("12.0", millis(12_000));
    assertEquals("1.0E7", millis(10_000_000_000L));
  }
}
