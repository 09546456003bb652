package dev.tapio.pdata;

import java.util.Arrays;

/**
 * A mutable list of key/value attributes with unique keys, stored in parallel arrays so that
 * primitive values are not boxed and a cleared instance is refilled without allocating. Lookup
 * is a linear scan, which beats hashing at the sizes telemetry carries (a few dozen keys).
 * Not thread-safe.
 */
public final class Attributes extends Element {
  private String[] keys = EMPTY_KEYS;
  private ValueType[] types = EMPTY_TYPES;
  private long[] bits = EMPTY_BITS;
  private Object[] refs = EMPTY_REFS;
  private int size;

  private static final String[] EMPTY_KEYS = {};
  private static final ValueType[] EMPTY_TYPES = {};
  private static final long[] EMPTY_BITS = {};
  private static final Object[] EMPTY_REFS = {};

  Attributes(State state) {
    super(state);
  }

  /** A standalone attribute list (for tests and builders); not part of any tree. */
  public static Attributes create() {
    return new Attributes(new State());
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public String key(int index) {
    checkIndex(index);
    return keys[index];
  }

  public ValueType type(int index) {
    checkIndex(index);
    return types[index];
  }

  /** The string at {@code index}; the value must be a string. */
  public String stringAt(int index) {
    checkType(index, ValueType.STRING);
    return (String) refs[index];
  }

  public long longAt(int index) {
    checkType(index, ValueType.LONG);
    return bits[index];
  }

  public double doubleAt(int index) {
    checkType(index, ValueType.DOUBLE);
    return Double.longBitsToDouble(bits[index]);
  }

  public boolean boolAt(int index) {
    checkType(index, ValueType.BOOL);
    return bits[index] != 0;
  }

  /** The value at {@code index} as an {@link AnyValue}; allocates for primitive types. */
  public AnyValue valueAt(int index) {
    checkIndex(index);
    return switch (types[index]) {
      case STRING -> AnyValue.of((String) refs[index]);
      case LONG -> AnyValue.of(bits[index]);
      case DOUBLE -> AnyValue.of(Double.longBitsToDouble(bits[index]));
      case BOOL -> AnyValue.of(bits[index] != 0);
      default -> (AnyValue) refs[index];
    };
  }

  /** Index of the key, or -1. */
  public int indexOf(String key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  public boolean contains(String key) {
    return indexOf(key) >= 0;
  }

  /** The string value of {@code key}, or null when absent or not a string. */
  public String getString(String key) {
    int i = indexOf(key);
    return i >= 0 && types[i] == ValueType.STRING ? (String) refs[i] : null;
  }

  /** The long value of {@code key}, or {@code defaultValue} when absent or not a long. */
  public long getLong(String key, long defaultValue) {
    int i = indexOf(key);
    return i >= 0 && types[i] == ValueType.LONG ? bits[i] : defaultValue;
  }

  public double getDouble(String key, double defaultValue) {
    int i = indexOf(key);
    return i >= 0 && types[i] == ValueType.DOUBLE ? Double.longBitsToDouble(bits[i])
        : defaultValue;
  }

  public boolean getBool(String key, boolean defaultValue) {
    int i = indexOf(key);
    return i >= 0 && types[i] == ValueType.BOOL ? bits[i] != 0 : defaultValue;
  }

  /** The value of {@code key} as an AnyValue, or null when absent. */
  public AnyValue get(String key) {
    int i = indexOf(key);
    return i < 0 ? null : valueAt(i);
  }

  /** Renders the value of {@code key} as text (see {@link AnyValue#toString()}), or null. */
  public String getAsText(String key) {
    int i = indexOf(key);
    if (i < 0) {
      return null;
    }
    return types[i] == ValueType.STRING ? (String) refs[i] : valueAt(i).toString();
  }

  public Attributes putString(String key, String value) {
    if (value == null) {
      remove(key);
      return this;
    }
    int i = slot(key);
    types[i] = ValueType.STRING;
    refs[i] = value;
    return this;
  }

  public Attributes putLong(String key, long value) {
    int i = slot(key);
    types[i] = ValueType.LONG;
    bits[i] = value;
    refs[i] = null;
    return this;
  }

  public Attributes putDouble(String key, double value) {
    int i = slot(key);
    types[i] = ValueType.DOUBLE;
    bits[i] = Double.doubleToRawLongBits(value);
    refs[i] = null;
    return this;
  }

  public Attributes putBool(String key, boolean value) {
    int i = slot(key);
    types[i] = ValueType.BOOL;
    bits[i] = value ? 1 : 0;
    refs[i] = null;
    return this;
  }

  /** Puts any value; primitives and strings are stored unboxed. */
  public Attributes put(String key, AnyValue value) {
    switch (value.type()) {
      case STRING -> putString(key, value.asString());
      case LONG -> putLong(key, value.asLong());
      case DOUBLE -> putDouble(key, value.asDouble());
      case BOOL -> putBool(key, value.asBool());
      default -> {
        int i = slot(key);
        types[i] = value.type();
        refs[i] = value;
      }
    }
    return this;
  }

  /** Removes {@code key}; returns whether it was present. */
  public boolean remove(String key) {
    checkWritable();
    int i = indexOf(key);
    if (i < 0) {
      return false;
    }
    int tail = size - i - 1;
    System.arraycopy(keys, i + 1, keys, i, tail);
    System.arraycopy(types, i + 1, types, i, tail);
    System.arraycopy(bits, i + 1, bits, i, tail);
    System.arraycopy(refs, i + 1, refs, i, tail);
    size--;
    keys[size] = null;
    refs[size] = null;
    return true;
  }

  public void clear() {
    checkWritable();
    reset();
  }

  /** Replaces this list's content with a copy of {@code from}'s. */
  public void copyFrom(Attributes from) {
    checkWritable();
    ensureCapacity(from.size);
    System.arraycopy(from.keys, 0, keys, 0, from.size);
    System.arraycopy(from.types, 0, types, 0, from.size);
    System.arraycopy(from.bits, 0, bits, 0, from.size);
    System.arraycopy(from.refs, 0, refs, 0, from.size);
    if (from.size < size) {
      Arrays.fill(keys, from.size, size, null);
      Arrays.fill(refs, from.size, size, null);
    }
    size = from.size;
  }

  private int slot(String key) {
    checkWritable();
    int i = indexOf(key);
    if (i >= 0) {
      return i;
    }
    ensureCapacity(size + 1);
    keys[size] = key;
    return size++;
  }

  private void ensureCapacity(int capacity) {
    if (capacity > keys.length) {
      int n = Math.max(capacity, Math.max(8, keys.length * 2));
      keys = Arrays.copyOf(keys, n);
      types = Arrays.copyOf(types, n);
      bits = Arrays.copyOf(bits, n);
      refs = Arrays.copyOf(refs, n);
    }
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + ", size " + size);
    }
  }

  private void checkType(int index, ValueType expected) {
    checkIndex(index);
    if (types[index] != expected) {
      throw new IllegalStateException(
          "attribute '" + keys[index] + "' is " + types[index] + ", not " + expected);
    }
  }

  @Override
  void bind(State newState) {
    state = newState;
  }

  @Override
  void reset() {
    Arrays.fill(keys, 0, size, null);
    Arrays.fill(refs, 0, size, null);
    size = 0;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(keys[i]).append('=').append(valueAt(i));
    }
    return sb.append('}').toString();
  }
}
