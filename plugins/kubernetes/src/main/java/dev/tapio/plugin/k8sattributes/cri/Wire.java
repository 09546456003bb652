package dev.tapio.plugin.k8sattributes.cri;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, as far as the CRI messages Tapio exchanges need it: varints and
 * length-delimited fields (strings, messages, map entries). A request is a handful of bytes,
 * an answer is read once on the CRI thread, so this favours plainness over speed.
 */
final class Wire {
  private Wire() {}

  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int I32 = 5;

  /** Builds one message. Not thread-safe: one per message being written. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer string(int field, String value) {
      if (value != null && !value.isEmpty()) {
        bytes(field, value.getBytes(StandardCharsets.UTF_8));
      }
      return this;
    }

    Writer bool(int field, boolean value) {
      if (value) {
        tag(field, VARINT);
        varint(1);
      }
      return this;
    }

    Writer int64(int field, long value) {
      if (value != 0) {
        tag(field, VARINT);
        varint(value);
      }
      return this;
    }

    Writer message(int field, Writer message) {
      return bytes(field, message.toByteArray());
    }

    /** Writes the field even when empty: an empty sub-message is still present. */
    Writer bytes(int field, byte[] value) {
      tag(field, LEN);
      varint(value.length);
      out.writeBytes(value);
      return this;
    }

    /** A {@code map<string, string>} field: one entry message {key = 1, value = 2} each. */
    Writer map(int field, java.util.Map<String, String> map) {
      for (var e : map.entrySet()) {
        message(field, new Writer().string(1, e.getKey()).string(2, e.getValue()));
      }
      return this;
    }

    private void tag(int field, int wireType) {
      varint((long) field << 3 | wireType);
    }

    private void varint(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /**
   * Reads one message over {@code [pos, end)} of a buffer, bounds-checked: a malformed answer
   * throws {@link IllegalArgumentException}, never reads past its message. Not thread-safe.
   */
  static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;
    private int tag;

    Reader(byte[] b) {
      this(b, 0, b.length);
    }

    private Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
      if (pos >= end) {
        return false;
      }
      long t = varint();
      if (t >>> 32 != 0 || t >>> 3 == 0) {
        throw new IllegalArgumentException("invalid field tag " + t);
      }
      tag = (int) t;
      return true;
    }

    int field() {
      return tag >>> 3;
    }

    int wireType() {
      return tag & 7;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalArgumentException("truncated varint");
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("varint longer than 64 bits");
    }

    /** The current field as a varint; any other wire type is skipped and reads as 0. */
    long int64() {
      if (wireType() != VARINT) {
        skip();
        return 0;
      }
      return varint();
    }

    String string() {
      int stop = length();
      String s = new String(b, pos, stop - pos, StandardCharsets.UTF_8);
      pos = stop;
      return s;
    }

    Reader message() {
      int stop = length();
      Reader r = new Reader(b, pos, stop);
      pos = stop;
      return r;
    }

    /** One {@code map<string, string>} entry into {@code into}. */
    void mapEntry(java.util.Map<String, String> into) {
      Reader entry = message();
      String key = "";
      String value = "";
      while (entry.next()) {
        switch (entry.field()) {
          case 1 -> key = entry.string();
          case 2 -> value = entry.string();
          default -> entry.skip();
        }
      }
      into.put(key, value);
    }

    private int length() {
      if (wireType() != LEN) {
        throw new IllegalArgumentException("field " + field() + ": wire type " + wireType()
            + ", expected length-delimited");
      }
      long n = varint();
      if (n < 0 || n > end - pos) {
        throw new IllegalArgumentException("field " + field() + ": length " + n
            + " exceeds the " + (end - pos) + " bytes left");
      }
      return pos + (int) n;
    }

    void skip() {
      switch (wireType()) {
        case VARINT -> varint();
        case I64 -> advance(8);
        case LEN -> pos = length();
        case I32 -> advance(4);
        default -> throw new IllegalArgumentException("unsupported wire type " + wireType());
      }
    }

    private void advance(int n) {
      if (end - pos < n) {
        throw new IllegalArgumentException("truncated field " + field());
      }
      pos += n;
    }
  }
}
