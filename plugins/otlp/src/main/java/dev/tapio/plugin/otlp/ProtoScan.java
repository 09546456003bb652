package dev.tapio.plugin.otlp;

import java.nio.charset.StandardCharsets;

/**
 * Reads the two small messages an OTLP/HTTP client gets back: {@code google.rpc.Status} (the
 * error body) and the {@code partial_success} of an {@code Export*ServiceResponse}. Lenient: a
 * body that does not parse gives the fallback, since it only feeds messages and counters.
 * Stateless.
 */
final class ProtoScan {
  private ProtoScan() {}

  /** {@code Status.message}, or the body as text (shortened) when it is not a Status. */
  static String statusMessage(byte[] body) {
    String message = stringField(body, 0, body.length, 2);
    if (message != null) {
      return message;
    }
    String text = new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8);
    return text.isBlank() ? "(empty body)" : text;
  }

  /**
   * {@code partial_success.rejected_*} of an export response (field 1 of field 1 in all three
   * signals' responses); 0 when absent or unreadable.
   */
  static long rejectedCount(byte[] body) {
    int[] range = messageField(body, 0, body.length, 1);
    if (range == null) {
      return 0;
    }
    long[] value = new long[1];
    return varintField(body, range[0], range[1], 1, value) ? value[0] : 0;
  }

  /** {@code partial_success.error_message}, or "". */
  static String partialSuccessMessage(byte[] body) {
    int[] range = messageField(body, 0, body.length, 1);
    String message = range == null ? null : stringField(body, range[0], range[1], 2);
    return message == null ? "" : message;
  }

  private static String stringField(byte[] b, int from, int to, int field) {
    int[] range = messageField(b, from, to, field);
    return range == null ? null
        : new String(b, range[0], range[1] - range[0], StandardCharsets.UTF_8);
  }

  /** The [start, end) of the last length-delimited {@code field}; null if absent or malformed. */
  private static int[] messageField(byte[] b, int from, int to, int field) {
    int[] found = null;
    long[] v = new long[1];
    int pos = from;
    while (pos < to) {
      pos = varint(b, pos, to, v);
      if (pos < 0) {
        return null;
      }
      int tag = (int) v[0];
      switch (tag & 7) {
        case 0 -> pos = varint(b, pos, to, v);
        case 1 -> pos += 8;
        case 5 -> pos += 4;
        case 2 -> {
          pos = varint(b, pos, to, v);
          if (pos < 0 || v[0] < 0 || v[0] > to - pos) {
            return null;
          }
          if (tag >>> 3 == field) {
            found = new int[] {pos, pos + (int) v[0]};
          }
          pos += (int) v[0];
        }
        default -> {
          return null;
        }
      }
      if (pos < 0 || pos > to) {
        return null;
      }
    }
    return found;
  }

  private static boolean varintField(byte[] b, int from, int to, int field, long[] out) {
    long[] v = new long[1];
    int pos = from;
    boolean found = false;
    while (pos < to) {
      pos = varint(b, pos, to, v);
      if (pos < 0) {
        return false;
      }
      int tag = (int) v[0];
      switch (tag & 7) {
        case 0 -> {
          pos = varint(b, pos, to, v);
          if (pos >= 0 && tag >>> 3 == field) {
            out[0] = v[0];
            found = true;
          }
        }
        case 1 -> pos += 8;
        case 5 -> pos += 4;
        case 2 -> {
          pos = varint(b, pos, to, v);
          if (pos < 0 || v[0] < 0 || v[0] > to - pos) {
            return false;
          }
          pos += (int) v[0];
        }
        default -> {
          return false;
        }
      }
      if (pos < 0 || pos > to) {
        return false;
      }
    }
    return found;
  }

  /** Reads a varint at {@code pos} into {@code out[0]}; the next position, or -1. */
  private static int varint(byte[] b, int pos, int to, long[] out) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= to) {
        return -1;
      }
      byte x = b[pos++];
      value |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        out[0] = value;
        return pos;
      }
    }
    return -1;
  }
}
