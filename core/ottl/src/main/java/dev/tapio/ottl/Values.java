package dev.tapio.ottl;

import dev.tapio.ottl.Ast.Op;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between pdata values and evaluation values, and the comparison rules. */
final class Values {
  private Values() {}

  /** The value at an attribute index; strings and small integers do not allocate. */
  static Object at(Attributes a, int i) {
    return switch (a.type(i)) {
      case STRING -> a.stringAt(i);
      case LONG -> a.longAt(i);
      case DOUBLE -> a.doubleAt(i);
      case BOOL -> a.boolAt(i);
      case EMPTY -> null;
      default -> a.valueAt(i);
    };
  }

  static Object of(AnyValue v) {
    if (v == null) {
      return null;
    }
    return switch (v.type()) {
      case STRING -> v.asString();
      case LONG -> v.asLong();
      case DOUBLE -> v.asDouble();
      case BOOL -> v.asBool();
      case BYTES -> v.asBytes();
      case EMPTY -> null;
      default -> v;
    };
  }

  /** An evaluation value as an AnyValue, for bodies and nested values. */
  static AnyValue any(Object v) {
    return switch (v) {
      case null -> AnyValue.EMPTY;
      case AnyValue a -> a;
      case String s -> AnyValue.of(s);
      case Long l -> AnyValue.of(l);
      case Integer n -> AnyValue.of((long) n);
      case Double d -> AnyValue.of(d);
      case Boolean b -> AnyValue.of(b);
      case byte[] b -> AnyValue.ofBytes(b);
      case Attributes a -> {
        Map<String, AnyValue> m = new LinkedHashMap<>();
        for (int i = 0; i < a.size(); i++) {
          m.put(a.key(i), a.valueAt(i));
        }
        yield AnyValue.ofMap(m);
      }
      case List<?> list -> {
        List<AnyValue> items = new ArrayList<>(list.size());
        for (Object o : list) {
          items.add(any(o));
        }
        yield AnyValue.ofArray(items);
      }
      default -> throw new OttlRuntimeException("cannot store a " + v.getClass().getSimpleName());
    };
  }

  static void put(Attributes a, String key, Object v) {
    switch (v) {
      case null -> {
      }
      case String s -> a.putString(key, s);
      case Long l -> a.putLong(key, l);
      case Double d -> a.putDouble(key, d);
      case Boolean b -> a.putBool(key, b);
      default -> a.put(key, any(v));
    }
  }

  /** Copies a map value (attributes or a map AnyValue) into {@code into}; false if not a map. */
  static boolean copyMap(Object v, Attributes into) {
    if (v instanceof Attributes a) {
      for (int i = 0; i < a.size(); i++) {
        into.put(a.key(i), a.valueAt(i));
      }
      return true;
    }
    if (v instanceof AnyValue any && any.type() == ValueType.MAP) {
      for (Map.Entry<String, AnyValue> e : any.asMap().entrySet()) {
        into.put(e.getKey(), e.getValue());
      }
      return true;
    }
    return false;
  }

  static boolean isMap(Object v) {
    return v instanceof Attributes || v instanceof AnyValue a && a.type() == ValueType.MAP;
  }

  static boolean isList(Object v) {
    return v instanceof List<?> || v instanceof AnyValue a && a.type() == ValueType.ARRAY;
  }

  static String typeName(Object v) {
    return switch (v) {
      case null -> "nil";
      case String s -> "string";
      case Long l -> "int";
      case Double d -> "float";
      case Boolean b -> "bool";
      case byte[] b -> "bytes";
      default -> isMap(v) ? "map" : isList(v) ? "list" : v.getClass().getSimpleName();
    };
  }

  /**
   * Text of a value as the Collector's string-like getters render it: strings as they are,
   * numbers and booleans in their literal form, bytes in hex, maps and lists as JSON; null for
   * nil.
   */
  static String text(Object v) {
    return switch (v) {
      case null -> null;
      case String s -> s;
      case Long l -> Long.toString(l);
      case Double d -> Double.toString(d);
      case Boolean b -> b.toString();
      case byte[] b -> HexFormat.of().formatHex(b);
      default -> Json.write(v);
    };
  }

  /**
   * The Collector's comparison rules: nil equals only nil; integers and floats compare as
   * numbers; strings compare lexically; booleans only for equality; values of different types
   * are never equal and never ordered (every ordering is false).
   */
  static boolean compare(Object l, Op op, Object r) {
    if (l == null || r == null) {
      boolean same = l == r;
      return op == Op.EQ ? same : op == Op.NE && !same;
    }
    if (l instanceof Long a && r instanceof Long b) {
      return ordered(Long.compare(a, b), op);
    }
    if (l instanceof Number a && r instanceof Number b) {
      double x = a.doubleValue();
      double y = b.doubleValue();
      if (Double.isNaN(x) || Double.isNaN(y)) {
        return op == Op.NE;
      }
      return ordered(Double.compare(x, y), op);
    }
    if (l instanceof String a && r instanceof String b) {
      return ordered(a.compareTo(b), op);
    }
    if (l instanceof Boolean a && r instanceof Boolean b) {
      return op == Op.EQ ? a.equals(b) : op == Op.NE && !a.equals(b);
    }
    if (l instanceof byte[] a && r instanceof byte[] b) {
      return ordered(Arrays.compare(a, b), op);
    }
    if (isMap(l) && isMap(r) || isList(l) && isList(r)) {
      boolean same = any(l).equals(any(r));
      return op == Op.EQ ? same : op == Op.NE && !same;
    }
    return op == Op.NE;
  }

  static boolean ordered(int cmp, Op op) {
    return switch (op) {
      case EQ -> cmp == 0;
      case NE -> cmp != 0;
      case LT -> cmp < 0;
      case LE -> cmp <= 0;
      case GT -> cmp > 0;
      case GE -> cmp >= 0;
    };
  }
}
