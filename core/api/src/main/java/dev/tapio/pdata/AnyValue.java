package dev.tapio.pdata;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable OTLP value: string, bool, long, double, bytes, array or map. Being immutable, it is
 * shared, never copied, by {@code copy()}. Thread-safe.
 */
public final class AnyValue {
  public static final AnyValue EMPTY = new AnyValue(ValueType.EMPTY, 0, null);

  private final ValueType type;
  private final long bits;
  private final Object ref;

  private AnyValue(ValueType type, long bits, Object ref) {
    this.type = type;
    this.bits = bits;
    this.ref = ref;
  }

  public static AnyValue of(String value) {
    return new AnyValue(ValueType.STRING, 0, Objects.requireNonNull(value, "value"));
  }

  public static AnyValue of(boolean value) {
    return new AnyValue(ValueType.BOOL, value ? 1 : 0, null);
  }

  public static AnyValue of(long value) {
    return new AnyValue(ValueType.LONG, value, null);
  }

  public static AnyValue of(double value) {
    return new AnyValue(ValueType.DOUBLE, Double.doubleToRawLongBits(value), null);
  }

  /** A bytes value holding a copy of {@code value}. */
  public static AnyValue ofBytes(byte[] value) {
    return new AnyValue(ValueType.BYTES, 0, value.clone());
  }

  public static AnyValue ofArray(List<AnyValue> values) {
    return new AnyValue(ValueType.ARRAY, 0, List.copyOf(values));
  }

  /** A map value keeping the iteration order of {@code values}. */
  public static AnyValue ofMap(Map<String, AnyValue> values) {
    return new AnyValue(
        ValueType.MAP, 0, Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  public ValueType type() {
    return type;
  }

  public String asString() {
    check(ValueType.STRING);
    return (String) ref;
  }

  public boolean asBool() {
    check(ValueType.BOOL);
    return bits != 0;
  }

  public long asLong() {
    check(ValueType.LONG);
    return bits;
  }

  public double asDouble() {
    check(ValueType.DOUBLE);
    return Double.longBitsToDouble(bits);
  }

  /** A copy of the bytes. */
  public byte[] asBytes() {
    check(ValueType.BYTES);
    return ((byte[]) ref).clone();
  }

  @SuppressWarnings("unchecked")
  public List<AnyValue> asArray() {
    check(ValueType.ARRAY);
    return (List<AnyValue>) ref;
  }

  @SuppressWarnings("unchecked")
  public Map<String, AnyValue> asMap() {
    check(ValueType.MAP);
    return (Map<String, AnyValue>) ref;
  }

  private void check(ValueType expected) {
    if (type != expected) {
      throw new IllegalStateException("value is " + type + ", not " + expected);
    }
  }

  /** A human-readable rendering: strings as is, bytes as hex, arrays and maps JSON-like. */
  @Override
  public String toString() {
    return switch (type) {
      case EMPTY -> "";
      case STRING -> (String) ref;
      case BOOL -> Boolean.toString(bits != 0);
      case LONG -> Long.toString(bits);
      case DOUBLE -> Double.toString(Double.longBitsToDouble(bits));
      case BYTES -> java.util.HexFormat.of().formatHex((byte[]) ref);
      case ARRAY -> asArray().toString();
      case MAP -> asMap().toString();
    };
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AnyValue v) || v.type != type || v.bits != bits) {
      return false;
    }
    if (type == ValueType.BYTES) {
      return Arrays.equals((byte[]) ref, (byte[]) v.ref);
    }
    return Objects.equals(ref, v.ref);
  }

  @Override
  public int hashCode() {
    int h = type.hashCode() * 31 + Long.hashCode(bits);
    return type == ValueType.BYTES ? h * 31 + Arrays.hashCode((byte[]) ref) : h * 31
        + Objects.hashCode(ref);
  }
}
