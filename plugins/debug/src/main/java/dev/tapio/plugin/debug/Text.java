package dev.tapio.plugin.debug;

import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ValueType;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Appending helpers shared by the output formats. Stateless. */
final class Text {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private Text() {}

  /** {@code 2026-11-21T22:31:58.123Z}: ISO-8601 UTC with milliseconds. */
  static void appendIsoMillis(StringBuilder sb, long unixNanos) {
    long seconds = Math.floorDiv(unixNanos, NANOS_PER_SECOND);
    int nanos = (int) Math.floorMod(unixNanos, NANOS_PER_SECOND);
    appendDateTime(sb, seconds, 'T');
    sb.append('.');
    appendPadded(sb, nanos / 1_000_000, 3);
    sb.append('Z');
  }

  /**
   * {@code 2020-02-11 20:26:13.000000789 +0000 UTC}: how Go prints a time, as the Collector's
   * detailed output does, with trailing zeros of the fraction (and a zero fraction) left out.
   */
  static void appendGoTime(StringBuilder sb, long unixNanos) {
    long seconds = Math.floorDiv(unixNanos, NANOS_PER_SECOND);
    int nanos = (int) Math.floorMod(unixNanos, NANOS_PER_SECOND);
    appendDateTime(sb, seconds, ' ');
    if (nanos != 0) {
      int digits = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        digits--;
      }
      sb.append('.');
      appendPadded(sb, nanos, digits);
    }
    sb.append(" +0000 UTC");
  }

  /** Date and time of day in UTC, from the civil-from-days algorithm (no objects). */
  private static void appendDateTime(StringBuilder sb, long epochSeconds, char separator) {
    long days = Math.floorDiv(epochSeconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(epochSeconds, 86_400L);
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    appendPadded(sb, year, 4);
    sb.append('-');
    appendPadded(sb, month, 2);
    sb.append('-');
    appendPadded(sb, day, 2);
    sb.append(separator);
    appendPadded(sb, secondOfDay / 3600, 2);
    sb.append(':');
    appendPadded(sb, secondOfDay / 60 % 60, 2);
    sb.append(':');
    appendPadded(sb, secondOfDay % 60, 2);
  }

  private static void appendPadded(StringBuilder sb, long value, int width) {
    if (value < 0) {
      sb.append(value);
      return;
    }
    for (long limit = 10, i = 1; i < width; i++, limit *= 10) {
      if (value < limit) {
        sb.append('0');
      }
    }
    sb.append(value);
  }

  /** Lowercase hex of an id; empty when the id is all zero (absent), as the Collector prints. */
  static void appendId(StringBuilder sb, byte[] id) {
    if (isZero(id)) {
      return;
    }
    for (byte b : id) {
      sb.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }
  }

  static boolean isZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** A span duration readably: {@code 850ns}, {@code 12.345us}, {@code 1.5ms}, {@code 2.25s}. */
  static void appendDuration(StringBuilder sb, long nanos) {
    if (nanos < 0) {
      sb.append('-');
      nanos = -nanos;
    }
    if (nanos < 1_000) {
      sb.append(nanos).append("ns");
    } else if (nanos < 1_000_000) {
      appendScaled(sb, nanos, 1_000);
      sb.append("us");
    } else if (nanos < NANOS_PER_SECOND) {
      appendScaled(sb, nanos, 1_000_000);
      sb.append("ms");
    } else {
      appendScaled(sb, nanos, NANOS_PER_SECOND);
      sb.append('s');
    }
  }

  /** {@code value / unit} with up to three decimals, trailing zeros dropped. */
  private static void appendScaled(StringBuilder sb, long value, long unit) {
    long whole = value / unit;
    long millis = (value % unit) * 1000 / unit;
    sb.append(whole);
    if (millis != 0) {
      int digits = 3;
      while (millis % 10 == 0) {
        millis /= 10;
        digits--;
      }
      sb.append('.');
      appendPadded(sb, millis, digits);
    }
  }

  /**
   * Appends attribute {@code i} as {@code key=value}, the value quoted (logfmt style) when it is
   * empty or holds spaces, quotes or {@code =}, so that a line splits back unambiguously.
   */
  static void appendKeyValue(StringBuilder sb, Attributes attributes, int i) {
    sb.append(attributes.key(i)).append('=');
    switch (attributes.type(i)) {
      case STRING -> appendLogfmtString(sb, attributes.stringAt(i));
      case LONG -> sb.append(attributes.longAt(i));
      case DOUBLE -> sb.append(attributes.doubleAt(i));
      case BOOL -> sb.append(attributes.boolAt(i));
      default -> appendLogfmtString(sb, asText(attributes.valueAt(i)));
    }
  }

  private static void appendLogfmtString(StringBuilder sb, String s) {
    boolean quote = s.isEmpty();
    for (int i = 0; i < s.length() && !quote; i++) {
      char c = s.charAt(i);
      quote = c <= ' ' || c == '"' || c == '=';
    }
    if (quote) {
      appendJsonString(sb, s);
    } else {
      sb.append(s);
    }
  }

  /** Text with line breaks escaped, so that one record stays on one line. */
  static void appendOneLine(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
  }

  /** A value as the Collector's {@code AsString}: maps and arrays as JSON, bytes as base64. */
  static String asText(AnyValue v) {
    StringBuilder sb = new StringBuilder();
    appendText(sb, v);
    return sb.toString();
  }

  static void appendText(StringBuilder sb, AnyValue v) {
    switch (v.type()) {
      case EMPTY -> {}
      case STRING -> sb.append(v.asString());
      case BOOL -> sb.append(v.asBool());
      case LONG -> sb.append(v.asLong());
      case DOUBLE -> appendPlainDouble(sb, v.asDouble());
      case BYTES -> sb.append(Base64.getEncoder().encodeToString(v.asBytes()));
      case ARRAY, MAP -> appendJson(sb, v);
    }
  }

  /** Go's {@code %s(%s)} of a value: {@code Str(x)}, {@code Int(1)}, {@code Map({...})}. */
  static void appendTyped(StringBuilder sb, AnyValue v) {
    sb.append(typeName(v.type())).append('(');
    appendText(sb, v);
    sb.append(')');
  }

  /** {@link #appendTyped} for attribute {@code i}, without boxing primitive values. */
  static void appendTyped(StringBuilder sb, Attributes attributes, int i) {
    ValueType type = attributes.type(i);
    switch (type) {
      case STRING -> sb.append("Str(").append(attributes.stringAt(i)).append(')');
      case LONG -> sb.append("Int(").append(attributes.longAt(i)).append(')');
      case BOOL -> sb.append("Bool(").append(attributes.boolAt(i)).append(')');
      case DOUBLE -> {
        sb.append("Double(");
        appendPlainDouble(sb, attributes.doubleAt(i));
        sb.append(')');
      }
      default -> appendTyped(sb, attributes.valueAt(i));
    }
  }

  static String typeName(ValueType type) {
    return switch (type) {
      case EMPTY -> "Empty";
      case STRING -> "Str";
      case BOOL -> "Bool";
      case LONG -> "Int";
      case DOUBLE -> "Double";
      case BYTES -> "Bytes";
      case ARRAY -> "Slice";
      case MAP -> "Map";
    };
  }

  /** A double without exponent or needless zeros ({@code 1}, {@code 0.25}), as Go's 'f', -1. */
  static void appendPlainDouble(StringBuilder sb, double d) {
    if (Double.isNaN(d)) {
      sb.append("NaN");
    } else if (Double.isInfinite(d)) {
      sb.append(d > 0 ? "+Inf" : "-Inf");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      sb.append((long) d);
    } else {
      sb.append(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
    }
  }

  /** Go's {@code %f}: six decimals. */
  static void appendFixed6(StringBuilder sb, double d) {
    sb.append(String.format(Locale.ROOT, "%f", d));
  }

  private static void appendJson(StringBuilder sb, AnyValue v) {
    switch (v.type()) {
      case EMPTY -> sb.append("null");
      case STRING -> appendJsonString(sb, v.asString());
      case BOOL -> sb.append(v.asBool());
      case LONG -> sb.append(v.asLong());
      case DOUBLE -> {
        double d = v.asDouble();
        if (Double.isFinite(d)) {
          appendPlainDouble(sb, d);
        } else {
          sb.append('"');
          appendPlainDouble(sb, d);
          sb.append('"');
        }
      }
      case BYTES -> sb.append('"').append(Base64.getEncoder().encodeToString(v.asBytes()))
          .append('"');
      case ARRAY -> {
        List<AnyValue> values = v.asArray();
        sb.append('[');
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          appendJson(sb, values.get(i));
        }
        sb.append(']');
      }
      case MAP -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, AnyValue> e : v.asMap().entrySet()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          appendJsonString(sb, e.getKey());
          sb.append(':');
          appendJson(sb, e.getValue());
        }
        sb.append('}');
      }
    }
  }

  static void appendJsonString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
