package dev.tapio.engine.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses sizes in bytes: a plain number of bytes, or a number with a unit, {@code B, KB, MB, GB}
 * (powers of 1000) or {@code KiB, MiB, GiB} (powers of 1024), case-insensitive, optionally
 * separated by spaces. Stateless.
 */
final class Sizes {

  static final String HINT = "use a number of bytes, or a number with a unit: B, KB, MB, GB, KiB,"
      + " MiB, GiB";

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");

  private static final Map<String, Long> BYTES_PER_UNIT = Map.of(
      "", 1L,
      "b", 1L,
      "kb", 1_000L,
      "mb", 1_000_000L,
      "gb", 1_000_000_000L,
      "kib", 1L << 10,
      "mib", 1L << 20,
      "gib", 1L << 30);

  private Sizes() {}

  /**
   * The number of bytes (a fraction of a byte is dropped), or IllegalArgumentException whose
   * message says what is wrong without repeating the text.
   */
  static long parse(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(HINT);
    }
    Long unit = BYTES_PER_UNIT.get(m.group(2).toLowerCase(Locale.ROOT));
    if (unit == null) {
      throw new IllegalArgumentException("unknown unit '" + m.group(2) + "'; " + HINT);
    }
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
    try {
      return bytes.setScale(0, RoundingMode.DOWN).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too large", e);
    }
  }
}
