package dev.tapio.otlp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Streams JSON text as UTF-8 into a reusable {@code byte[]}: commas are placed by the writer,
 * strings are escaped per RFC 8259, and nothing is allocated per value once the buffer has grown
 * (numbers are formatted through one reused {@link StringBuilder}). The {@code …Field} helpers
 * leave a field out when it holds its default value, as proto3 JSON does.
 *
 * <p>Lone UTF-16 surrogates are written as {@code \\uXXXX} escapes, so the output is always valid
 * UTF-8 and a Java string round-trips unchanged.
 *
 * <p>Not thread-safe: one writer per thread or under the owner's lock.
 */
final class JsonWriter {
  private static final byte[] HEX = 
      "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
          .getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private byte[] buf = new byte[4096];
  private int pos;
  /** Number formatting without a String per value (JDK 19+ appends doubles in place). */
  private final StringBuilder digits = new StringBuilder(32);
  /** Per nesting level: whether the next value there needs a comma before it. */
  private boolean[] needsComma = new boolean[16];
  private int depth;
  private boolean afterName;

  /** The buffer; the document is its first {@link #length()} bytes. */
  byte[] buffer() {
    return buf;
  }

  int length() {
    return pos;
  }

  /** Empties the buffer and forgets any open objects, to start the next document. */
  void reset() {
    pos = 0;
    depth = 0;
    needsComma[0] = false;
    afterName = false;
  }

  JsonWriter beginObject() {
    beforeValue();
    put((byte) '{');
    push();
    return this;
  }

  JsonWriter endObject() {
    depth--;
    put((byte) '}');
    return this;
  }

  JsonWriter beginArray() {
    beforeValue();
    put((byte) '[');
    push();
    return this;
  }

  JsonWriter endArray() {
    depth--;
    put((byte) ']');
    return this;
  }

  JsonWriter name(String name) {
    beforeValue();
    appendString(name);
    put((byte) ':');
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
    appendAscii(b ? "true" : "false");
    return this;
  }

  /** A 32-bit integer as a JSON number. */
  JsonWriter value(int i) {
    beforeValue();
    digits.setLength(0);
    digits.append(i);
    appendDigits();
    return this;
  }

  /** An unsigned 32-bit integer (uint32, fixed32) as a JSON number. */
  JsonWriter unsignedValue(int i) {
    beforeValue();
    digits.setLength(0);
    digits.append(Integer.toUnsignedLong(i));
    appendDigits();
    return this;
  }

  /** A signed 64-bit integer as a decimal string, as proto3 JSON writes int64. */
  JsonWriter quotedValue(long l) {
    beforeValue();
    digits.setLength(0);
    digits.append('"').append(l).append('"');
    appendDigits();
    return this;
  }

  /** An unsigned 64-bit integer (fixed64, uint64) as a decimal string. */
  JsonWriter quotedUnsignedValue(long l) {
    beforeValue();
    digits.setLength(0);
    digits.append('"');
    if (l >= 0) {
      digits.append(l);
    } else {
      // Long.toUnsignedString would allocate: the high digits, then the last one.
      long quotient = (l >>> 1) / 5;
      digits.append(quotient).append(l - quotient * 10);
    }
    digits.append('"');
    appendDigits();
    return this;
  }

  /** A double as a JSON number; NaN and infinities as the strings proto3 JSON uses. */
  JsonWriter value(double d) {
    beforeValue();
    if (Double.isNaN(d)) {
      appendAscii("\"NaN\"");
    } else if (d == Double.POSITIVE_INFINITY) {
      appendAscii("\"Infinity\"");
    } else if (d == Double.NEGATIVE_INFINITY) {
      appendAscii("\"-Infinity\"");
    } else {
      digits.setLength(0);
      digits.append(d);
      appendDigits();
    }
    return this;
  }

  /** Bytes as lowercase hex, the OTLP JSON encoding of trace and span ids. */
  JsonWriter hexValue(byte[] bytes) {
    beforeValue();
    ensure(bytes.length * 2 + 2);
    byte[] b = buf;
    int p = pos;
    b[p++] = '"';
    for (byte x : bytes) {
      b[p++] = HEX[(x >> 4) & 0xf];
      b[p++] = HEX[x & 0xf];
    }
    b[p++] = '"';
    pos = p;
    return this;
  }

  /** Bytes as standard padded base64, the proto3 JSON encoding of {@code bytes}. */
  JsonWriter base64Value(byte[] bytes) {
    beforeValue();
    ensure((bytes.length + 2) / 3 * 4 + 2);
    byte[] b = buf;
    int p = pos;
    b[p++] = '"';
    int i = 0;
    for (; i + 2 < bytes.length; i += 3) {
      int n = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff);
      b[p++] = BASE64[n >>> 18];
      b[p++] = BASE64[(n >>> 12) & 63];
      b[p++] = BASE64[(n >>> 6) & 63];
      b[p++] = BASE64[n & 63];
    }
    int left = bytes.length - i;
    if (left == 1) {
      int n = (bytes[i] & 0xff) << 16;
      b[p++] = BASE64[n >>> 18];
      b[p++] = BASE64[(n >>> 12) & 63];
      b[p++] = '=';
      b[p++] = '=';
    } else if (left == 2) {
      int n = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8;
      b[p++] = BASE64[n >>> 18];
      b[p++] = BASE64[(n >>> 12) & 63];
      b[p++] = BASE64[(n >>> 6) & 63];
      b[p++] = '=';
    }
    b[p++] = '"';
    pos = p;
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
      put((byte) ',');
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

  private void put(byte b) {
    ensure(1);
    buf[pos++] = b;
  }

  /** The formatted number (ASCII) in {@link #digits}. */
  private void appendDigits() {
    int n = digits.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[pos++] = (byte) digits.charAt(i);
    }
  }

  private void appendAscii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
  }

  /** A JSON string as UTF-8; at most six bytes per char (an escape), so one check suffices. */
  private void appendString(String s) {
    int n = s.length();
    if (n > (MAX_ARRAY - 2) / 6) {
      throw new IllegalArgumentException("string too long for a JSON document: " + n);
    }
    ensure(n * 6 + 2);
    byte[] b = buf;
    int p = pos;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          b[p++] = (byte) c;
          continue;
        }
        b[p++] = '\\';
        switch (c) {
          case '"' -> b[p++] = '"';
          case '\\' -> b[p++] = '\\';
          case '\n' -> b[p++] = 'n';
          case '\r' -> b[p++] = 'r';
          case '\t' -> b[p++] = 't';
          case '\b' -> b[p++] = 'b';
          case '\f' -> b[p++] = 'f';
          default -> p = unicodeEscape(b, p, c);
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | c >> 6);
        b[p++] = (byte) (0x80 | c & 0x3f);
      } else if (!Character.isSurrogate(c)) {
        b[p++] = (byte) (0xe0 | c >> 12);
        b[p++] = (byte) (0x80 | (c >> 6) & 0x3f);
        b[p++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xf0 | cp >> 18);
        b[p++] = (byte) (0x80 | (cp >> 12) & 0x3f);
        b[p++] = (byte) (0x80 | (cp >> 6) & 0x3f);
        b[p++] = (byte) (0x80 | cp & 0x3f);
      } else {
        // A lone surrogate has no UTF-8 form; the escape keeps the Java string intact.
        b[p++] = '\\';
        p = unicodeEscape(b, p, c);
      }
    }
    b[p++] = '"';
    pos = p;
  }

  /** Writes {@code uXXXX} (the backslash is already written). */
  private static int unicodeEscape(byte[] b, int p, char c) {
    b[p++] = 'u';
    b[p++] = HEX[c >> 12];
    b[p++] = HEX[(c >> 8) & 0xf];
    b[p++] = HEX[(c >> 4) & 0xf];
    b[p++] = HEX[c & 0xf];
    return p;
  }

  private void ensure(int more) {
    if (more > buf.length - pos) {
      long needed = (long) pos + more;
      if (needed > MAX_ARRAY) {
        throw new IllegalArgumentException("JSON document exceeds 2 GiB");
      }
      buf = Arrays.copyOf(buf, (int) Math.min(MAX_ARRAY, Math.max(needed, buf.length * 2L)));
    }
  }
}
