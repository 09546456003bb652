package dev.tapio.otlp;

import dev.tapio.pdata.Attributes;

/**
 * The cap on attributes per resource, scope, log record, span, event and link that both decoders
 * apply, with OTLP's semantics: an attribute whose key is new to a list already holding the cap
 * is not stored, and its element's {@code dropped_attributes_count} grows by one. A key already
 * present is still replaced, so the last value wins as it does without a cap.
 */
final class AttributeCap {
  private AttributeCap() {}

  /** Whether {@code into} may take {@code key} under a cap of {@code max} (0: no cap). */
  static boolean admits(Attributes into, String key, int max) {
    return max == 0 || into.size() < max || into.contains(key);
  }

  /** {@code count + dropped}, both read as the uint32 pdata keeps in an int; saturates. */
  static int addDropped(int count, int dropped) {
    return (int) Math.min(0xFFFF_FFFFL, Integer.toUnsignedLong(count) + dropped);
  }
}
