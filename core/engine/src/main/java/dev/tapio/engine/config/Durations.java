package dev.tapio.engine.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

/**
 * Parses durations the way Go's {@code time.ParseDuration} does, because Collector configs are
 * written in that syntax: a signed sequence of decimal numbers with units, {@code 300ms},
 * {@code 1.5s}, {@code 1m30s}, {@code 2h}, {@code 10us}; a bare {@code 0} is zero. Stateless.
 */
final class Durations {

  static final String HINT = "use a number with a unit such as 200ms, 5s, 1m";

  private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
      "ns", 1L,
      "us", 1_000L,
      "µs", 1_000L, // U+00B5 micro sign
      "μs", 1_000L, // U+03BC Greek mu; Go accepts both
      "ms", 1_000_000L,
      "s", 1_000_000_000L,
      "m", 60_000_000_000L,
      "h", 3_600_000_000_000L);

  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

  private Durations() {}

  /**
   * The duration, or IllegalArgumentException whose message says what is wrong without
   * repeating the text (the caller shows it, masked if it is a secret).
   */
  static Duration parse(String text) {
    String s = text.strip();
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException(HINT);
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      if (number.isEmpty() || number.equals(".")
          || number.indexOf('.') != number.lastIndexOf('.')) {
        throw new IllegalArgumentException(HINT);
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      if (unit.isEmpty()) {
        throw new IllegalArgumentException("missing unit; " + HINT);
      }
      if (unit.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("no spaces allowed; " + HINT);
      }
      Long nanos = NANOS_PER_UNIT.get(unit);
      if (nanos == null) {
        throw new IllegalArgumentException(
            "unknown unit '" + unit + "'; valid units: ns, us, ms, s, m, h");
      }
      total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(nanos)));
    }
    BigInteger nanos = total.toBigInteger();
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw new IllegalArgumentException("too long; the maximum is about 292 years");
    }
    long value = nanos.longValueExact();
    return Duration.ofNanos(negative ? -value : value);
  }
}
