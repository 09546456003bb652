package dev.tapio.plugin.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextTest {

  private static String iso(long nanos) {
    StringBuilder sb = new StringBuilder();
    Text.appendIsoMillis(sb, nanos);
    return sb.toString();
  }

  private static String go(long nanos) {
    StringBuilder sb = new StringBuilder();
    Text.appendGoTime(sb, nanos);
    return sb.toString();
  }

  private static String duration(long nanos) {
    StringBuilder sb = new StringBuilder();
    Text.appendDuration(sb, nanos);
    return sb.toString();
  }

  @Test
  void isoTimestampsMatchJavaTimeAcrossCenturies() {
    DateTimeFormatter f = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 10_000; i++) {
      long nanos = random.nextLong(0, Long.MAX_VALUE);
      Instant instant = Instant.ofEpochSecond(0, nanos);
      assertEquals(f.format(instant), iso(nanos), "at " + nanos);
    }
    assertEquals("1970-01-01T00:00:00.000Z", iso(0));
    assertEquals("2000-02-29T23:59:59.999Z",
        iso(Instant.parse("2000-02-29T23:59:59.999999Z").getEpochSecond() * 1_000_000_000L
            + 999_999_000L));
  }

  @Test
  void goTimestampsTrimTrailingZerosAsGoDoes() {
    long t = Instant.parse("2020-02-11T20:26:13Z").getEpochSecond() * 1_000_000_000L;
    assertEquals("2020-02-11 20:26:13.000000789 +0000 UTC", go(t + 789));
    assertEquals("2020-02-11 20:26:13.12 +0000 UTC", go(t + 120_000_000));
    assertEquals("2020-02-11 20:26:13 +0000 UTC", go(t));
    assertEquals("1970-01-01 00:00:00 +0000 UTC", go(0));
  }

  @Test
  void durationsPickAReadableUnit() {
    assertEquals("850ns", duration(850));
    assertEquals("12.345us", duration(12_345));
    assertEquals("1.5ms", duration(1_500_000));
    assertEquals("2s", duration(2_000_000_000L));
    assertEquals("61.25s", duration(61_250_000_000L));
    assertEquals("-5ns", duration(-5));
  }

  @Test
  void plainDoublesHaveNoExponentOrNeedlessZeros() {
    StringBuilder sb = new StringBuilder();
    Text.appendPlainDouble(sb, 1.0);
    sb.append(' ');
    Text.appendPlainDouble(sb, 0.25);
    sb.append(' ');
    Text.appendPlainDouble(sb, 1e-7);
    sb.append(' ');
    Text.appendPlainDouble(sb, Double.NEGATIVE_INFINITY);
    assertEquals("1 0.25 0.0000001 -Inf", sb.toString());
  }
}
