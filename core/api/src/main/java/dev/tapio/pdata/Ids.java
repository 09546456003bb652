package dev.tapio.pdata;

import java.util.Arrays;

/** Trace and span id helpers: ids are byte arrays, all-zero meaning absent. */
final class Ids {
  static final byte[] EMPTY_TRACE = new byte[16];
  static final byte[] EMPTY_SPAN = new byte[8];

  private Ids() {}

  static byte[] check(byte[] id, int length, String what) {
    if (id == null) {
      return length == 16 ? EMPTY_TRACE : EMPTY_SPAN;
    }
    if (id.length != length) {
      throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + id.length);
    }
    return id.clone();
  }

  static boolean isEmpty(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  static boolean same(byte[] a, byte[] b) {
    return Arrays.equals(a, b);
  }
}
