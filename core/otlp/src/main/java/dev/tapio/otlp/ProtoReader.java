package dev.tapio.otlp;

import dev.tapio.pdata.ValueType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bounds-checked protobuf wire reading over one request's bytes: every read is checked against
 * the end of the message being read (never past the input), every length prefix against the
 * bytes left in that message, before anything is allocated. One instance per decode call, so
 * not thread-safe; it also carries the scratch space that decoding reuses within the call.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int START_GROUP = 3;
  static final int END_GROUP = 4;
  static final int I32 = 5;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] b;
  private final int base;
  private final int maxDepth;
  int pos;

  // The AnyValue just read, kept unboxed so that scalar attributes go into pdata unallocated.
  ValueType valueType = ValueType.EMPTY;
  long valueBits;
  Object valueRef;

  // Scratch for repeated scalars (bucket counts, bounds, quantiles) and ids.
  long[] longs = new long[16];
  int longCount;
  double[] doubles = new double[16];
  int doubleCount;
  double[] doubles2 = new double[16];
  int double2Count;
  final byte[] traceId = new byte[16];
  final byte[] spanId = new byte[8];

  /** Attributes the decoder's cap has kept out so far in this request. */
  int droppedAttributes;

  ProtoReader(byte[] b, int offset, int maxDepth) {
    this.b = b;
    this.base = offset;
    this.pos = offset;
    this.maxDepth = maxDepth;
  }

  int maxDepth() {
    return maxDepth;
  }

  OtlpFormatException error(String field, String problem) {
    return error(field, pos, problem);
  }

  OtlpFormatException error(String field, int at, String problem) {
    return new OtlpFormatException(field, at - base, problem);
  }

  /** Reads a field tag; {@code message} names the message for errors. */
  int readTag(int end, String message) throws OtlpFormatException {
    int start = pos;
    long tag = readVarint(end, message);
    if (tag >>> 32 != 0 || (tag >>> 3) == 0) {
      throw error(message, start, "invalid field tag " + Long.toUnsignedString(tag));
    }
    return (int) tag;
  }

  long readVarint(int end, String field) throws OtlpFormatException {
    int start = pos;
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw error(field, start, "truncated varint");
      }
      byte x = b[pos++];
      result |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        if (shift == 63 && x > 1) {
          break;
        }
        return result;
      }
    }
    throw error(field, start, "varint longer than 64 bits");
  }

  int readInt32(int end, String field) throws OtlpFormatException {
    return (int) readVarint(end, field);
  }

  int readSInt32(int end, String field) throws OtlpFormatException {
    int n = (int) readVarint(end, field);
    return (n >>> 1) ^ -(n & 1);
  }

  long readFixed64(int end, String field) throws OtlpFormatException {
    if (end - pos < 8) {
      throw error(field, "truncated fixed64: " + (end - pos) + " bytes left");
    }
    long v = (long) LONG_LE.get(b, pos);
    pos += 8;
    return v;
  }

  double readDouble(int end, String field) throws OtlpFormatException {
    return Double.longBitsToDouble(readFixed64(end, field));
  }

  int readFixed32(int end, String field) throws OtlpFormatException {
    if (end - pos < 4) {
      throw error(field, "truncated fixed32: " + (end - pos) + " bytes left");
    }
    int v = (int) INT_LE.get(b, pos);
    pos += 4;
    return v;
  }

  /** Reads a length prefix and returns the end of the payload, checked against {@code end}. */
  int readLength(int end, String field) throws OtlpFormatException {
    int start = pos;
    long len = readVarint(end, field);
    if (len < 0 || len > end - pos) {
      throw error(field, start, "length " + Long.toUnsignedString(len) + " exceeds the "
          + (end - pos) + " bytes left in the enclosing message");
    }
    return pos + (int) len;
  }

  String readString(int end, String field) throws OtlpFormatException {
    int stop = readLength(end, field);
    int n = stop - pos;
    String s = n == 0 ? "" : new String(b, pos, n, StandardCharsets.UTF_8);
    pos = stop;
    return s;
  }

  byte[] readBytes(int end, String field) throws OtlpFormatException {
    int stop = readLength(end, field);
    byte[] bytes = Arrays.copyOfRange(b, pos, stop);
    pos = stop;
    return bytes;
  }

  /**
   * Reads an id into {@code scratch} and returns it, or null for an empty id; any other length
   * than the id's is malformed.
   */
  byte[] readId(int end, String field, byte[] scratch) throws OtlpFormatException {
    int start = pos;
    int stop = readLength(end, field);
    int n = stop - pos;
    if (n == 0) {
      return null;
    }
    if (n != scratch.length) {
      throw error(field, start, "id of " + n + " bytes, expected " + scratch.length);
    }
    System.arraycopy(b, pos, scratch, 0, n);
    pos = stop;
    return scratch;
  }

  /**
   * Appends a repeated fixed64 field, packed ({@code LEN}) or not ({@code I64}), to {@link
   * #longs}.
   */
  void readFixed64s(int tag, int end, String field) throws OtlpFormatException {
    if ((tag & 7) == I64) {
      appendLong(readFixed64(end, field));
      return;
    }
    int start = pos;
    int stop = readLength(end, field);
    if ((stop - pos) % 8 != 0) {
      throw error(field, start, "packed fixed64 of " + (stop - pos) + " bytes");
    }
    while (pos < stop) {
      appendLong((long) LONG_LE.get(b, pos));
      pos += 8;
    }
  }

  /** Appends a repeated uint64 field, packed or not, to {@link #longs}. */
  void readVarints(int tag, int end, String field) throws OtlpFormatException {
    if ((tag & 7) == VARINT) {
      appendLong(readVarint(end, field));
      return;
    }
    int stop = readLength(end, field);
    while (pos < stop) {
      appendLong(readVarint(stop, field));
    }
  }

  /** Appends a repeated double field, packed or not, to {@link #doubles}. */
  void readDoubles(int tag, int end, String field) throws OtlpFormatException {
    if ((tag & 7) == I64) {
      appendDouble(readDouble(end, field));
      return;
    }
    int start = pos;
    int stop = readLength(end, field);
    if ((stop - pos) % 8 != 0) {
      throw error(field, start, "packed double of " + (stop - pos) + " bytes");
    }
    while (pos < stop) {
      appendDouble(Double.longBitsToDouble((long) LONG_LE.get(b, pos)));
      pos += 8;
    }
  }

  private void appendLong(long v) {
    if (longCount == longs.length) {
      longs = Arrays.copyOf(longs, longs.length * 2);
    }
    longs[longCount++] = v;
  }

  void appendDouble(double v) {
    if (doubleCount == doubles.length) {
      doubles = Arrays.copyOf(doubles, doubles.length * 2);
    }
    doubles[doubleCount++] = v;
  }

  void appendDouble2(double v) {
    if (double2Count == doubles2.length) {
      doubles2 = Arrays.copyOf(doubles2, doubles2.length * 2);
    }
    doubles2[double2Count++] = v;
  }

  /**
   * Handles a field the schema does not read: a known field number with the wrong wire type is
   * malformed; an unknown field is skipped according to its wire type, as protobuf requires.
   *
   * @param names the message's field names by number, from {@link OtlpDecoder}
   */
  void skipField(int tag, int end, String[] names) throws OtlpFormatException {
    int field = tag >>> 3;
    int wireType = tag & 7;
    if (field < names.length && names[field] != null) {
      throw error(names[field], "unexpected wire type " + wireType);
    }
    skip(field, wireType, end, names[0], 0);
  }

  private void skip(int field, int wireType, int end, String message, int depth)
      throws OtlpFormatException {
    switch (wireType) {
      case VARINT -> readVarint(end, message);
      case I64 -> readFixed64(end, message);
      case I32 -> readFixed32(end, message);
      case LEN -> pos = readLength(end, message);
      case START_GROUP -> {
        if (depth >= maxDepth) {
          throw error(message, "groups nested deeper than " + maxDepth);
        }
        while (true) {
          if (pos >= end) {
            throw error(message, "unterminated group " + field);
          }
          int tag = readTag(end, message);
          if ((tag & 7) == END_GROUP) {
            if (tag >>> 3 != field) {
              throw error(message, "group " + field + " ended by " + (tag >>> 3));
            }
            return;
          }
          skip(tag >>> 3, tag & 7, end, message, depth + 1);
        }
      }
      case END_GROUP -> throw error(message, "unexpected end of group " + field);
      default -> throw error(message, "invalid wire type " + wireType + " of field " + field);
    }
  }
}
