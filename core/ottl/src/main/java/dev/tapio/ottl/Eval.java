package dev.tapio.ottl;

import dev.tapio.pdata.Attributes;

/** The compiled forms; every implementation is resolved at compile time and kept small. */
final class Eval {
  private Eval() {}

  /**
   * Reads a value: null (nil or absent), String, Long, Double, Boolean, byte[], an
   * {@link dev.tapio.pdata.AnyValue} (array or map), {@link Attributes} (a map path) or a
   * {@code List<Object>} (a list literal).
   */
  interface Getter {
    Object get(TransformContext c);
  }

  /** A getter whose value is always an integer: reads it without boxing. */
  interface LongGetter extends Getter {
    long getLong(TransformContext c);

    @Override
    default Object get(TransformContext c) {
      return getLong(c);
    }
  }

  /** Writes a value to a path; null (nil) writes are ignored by the callers. */
  interface Setter {
    void set(TransformContext c, Object value);
  }

  /** The map at a path, for the map editors: an attribute list edited in place. */
  interface MapTarget {
    /** The map to edit, or null when the path holds no map. */
    Attributes open(TransformContext c);

    /** Writes back a map that {@link #open} made from a value (a map body); else nothing. */
    void close(TransformContext c, Attributes edited);
  }

  interface Cond {
    boolean test(TransformContext c);
  }

  interface Editor {
    void apply(TransformContext c);
  }

  /** A resolved path: how to read it and, when it can be written, how to write it. */
  record PathRef(String text, Getter getter, Setter setter, MapTarget map) {}
}
