package dev.tapio.plugin.file;

import java.util.Arrays;

/**
 * Streams JSON text into a reusable {@link StringBuilder}: commas are placed by the writer, strings
 * are escaped per RFC 8259, and nothing is allocated per value. The {@code …Field} helpers leave a
 * field out when it holds its default value, as proto3 JSON does.
 *
 * <p>Lone UTF-16 surrogates are written as {@code \\uXXXX} escapes, so the text always encodes
 * to valid UTF-8 and a Java string round-trips unchanged.
 *
 * <p>Not thread-safe: one writer per thread or under the owner's lock.
 */
final class JsonWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  private final StringBuilder sb;
  /** Per nesting level: whether the next value there needs a comma before it. */
  private boolean[] needsComma = new boolean[16];
  private int depth;
  private boolean afterName;

  JsonWriter(StringBuilder sb) {
    this.sb = sb;
  }

  StringBuilder buffer() {
    return sb;
  }

  /** Empties the buffer and forgets any open objects, to start the next document. */
  void reset() {
    sb.setLength(0);
    depth = 0;
    needsComma[0] = false;
    afterName = false;
  }

  JsonWriter beginObject() {
    beforeValue();
    sb.append('{');
    push();
    return this;
  }

  JsonWriter endObject() {
    depth--;
    sb.append('}');
    return this;
  }

  JsonWriter beginArray() {
    beforeValue();
    sb.append('[');
    push();
    return this;
  }

  JsonWriter endArray() {
    depth--;
    sb.append(']');
    return this;
  }

  JsonWriter name(String name) {
    beforeValue();
    appendString(name);
    sb.append(':');
    afterName = true;
    return this;
  }

  JsonWriter value(String s) {
    beforeValue();
    appendString(s);
    return this;
  }

  JsonWriter value(boolean b) {
    beforeValue();
    sb.append(b);
    return this;
  }

  /** A 32-bit integer as a JSON number. */
  JsonWriter value(int i) {
    beforeValue();
    sb.append(i);
    return this;
  }

  /** An unsigned 32-bit integer (uint32, fixed32) as a JSON number. */
  JsonWriter unsignedValue(int i) {
    beforeValue();
    sb.append(Integer.toUnsignedLong(i));
    return this;
  }

  /** A signed 64-bit integer as a decimal string, as proto3 JSON writes int64. */
  JsonWriter quotedValue(long l) {
    beforeValue();
    sb.append('"').append(l).append('"');
    return this;
  }

  /** An unsigned 64-bit integer (fixed64, uint64) as a decimal string. */
  JsonWriter quotedUnsignedValue(long l) {
    beforeValue();
    sb.append('"');
    if (l >= 0) {
      sb.append(l);
    } else {
      sb.append(Long.toUnsignedString(l));
    }
    sb.append('"');
    return this;
  }

  /** A double as a JSON number; NaN and infinities as the strings proto3 JSON uses. */
  JsonWriter value(double d) {
    beforeValue();
    if (Double.isNaN(d)) {
      sb.append("\"NaN\"");
    } else if (d == Double.POSITIVE_INFINITY) {
      sb.append("\"Infinity\"");
    } else if (d == Double.NEGATIVE_INFINITY) {
      sb.append("\"-Infinity\"");
    } else {
      sb.append(d);
    }
    return this;
  }

  /** Bytes as lowercase hex, the OTLP JSON encoding of trace and span ids. */
  JsonWriter hexValue(byte[] bytes) {
    beforeValue();
    sb.append('"');
    for (byte b : bytes) {
      sb.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }
    sb.append('"');
    return this;
  }

  /** Bytes as standard padded base64, the proto3 JSON encoding of {@code bytes}. */
  JsonWriter base64Value(byte[] bytes) {
    beforeValue();
    sb.append('"');
    int i = 0;
    for (; i + 2 < bytes.length; i += 3) {
      int n = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff);
      sb.append(BASE64[n >>> 18]).append(BASE64[(n >>> 12) & 63])
          .append(BASE64[(n >>> 6) & 63]).append(BASE64[n & 63]);
    }
    int left = bytes.length - i;
    if (left == 1) {
      int n = (bytes[i] & 0xff) << 16;
      sb.append(BASE64[n >>> 18]).append(BASE64[(n >>> 12) & 63]).append("==");
    } else if (left == 2) {
      int n = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8;
      sb.append(BASE64[n >>> 18]).append(BASE64[(n >>> 12) & 63])
          .append(BASE64[(n >>> 6) & 63]).append('=');
    }
    sb.append('"');
    return this;
  }

  // Fields left out at their default value.

  JsonWriter stringField(String name, String value) {
    if (!value.isEmpty()) {
      name(name).value(value);
    }
    return this;
  }

  JsonWriter intField(String name, int value) {
    if (value != 0) {
      name(name).value(value);
    }
    return this;
  }

  JsonWriter unsignedIntField(String name, int value) {
    if (value != 0) {
      name(name).unsignedValue(value);
    }
    return this;
  }

  JsonWriter unsignedLongField(String name, long value) {
    if (value != 0) {
      name(name).quotedUnsignedValue(value);
    }
    return this;
  }

  JsonWriter doubleField(String name, double value) {
    // Bit comparison: -0.0 is not the default and is kept.
    if (Double.doubleToRawLongBits(value) != 0) {
      name(name).value(value);
    }
    return this;
  }

  /** A trace or span id, left out when all zero (absent). */
  JsonWriter idField(String name, byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return name(name).hexValue(id);
      }
    }
    return this;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (needsComma[depth]) {
      sb.append(',');
    }
    needsComma[depth] = true;
  }

  private void push() {
    depth++;
    if (depth == needsComma.length) {
      needsComma = Arrays.copyOf(needsComma, depth * 2);
    }
    needsComma[depth] = false;
  }

  private void appendString(String s) {
    sb.append('"');
    int n = s.length();
    int clean = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a valid pair passes through
        continue;
      }
      sb.append(s, clean, i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
            .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
      }
      clean = i + 1;
    }
    sb.append(s, clean, n);
    sb.append('"');
  }
}
