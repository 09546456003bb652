package dev.tapio.pdata;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * A mutable list of key/value attributes with unique keys, in insertion order, stored in
 * parallel arrays so that primitive values are not boxed and a cleared instance is refilled
 * without allocating.
 *
 * <p>Up to {@link #SCAN_LIMIT} keys, lookup is a linear scan, with no table to allocate. Above
 * it a hash index over the same arrays is kept as well, so that a record with many keys (an OTLP
 * request can carry hundreds of thousands) costs O(1) amortised per insert and lookup instead of
 * O(n). The index is open addressing with linear probing, at most half full; each slot holds the
 * key's hash and its position, so a probe reads one array and touches a key only when the hash
 * matches. It costs 16 to 32 bytes per key.
 *
 * <p>Hash flooding: {@code String.hashCode} collisions are trivial to produce ("Aa" and "BB"
 * collide, and so does every string of n such pairs: 2^n keys with one hash). The slot is
 * taken from the hash mixed with a per-process random seed, which spreads keys an attacker chose
 * to share a slot but not their hash; keys sharing the full hash stay together whatever the
 * seed, so an insert that probes more than {@link #MAX_PROBES} slots switches this instance to a
 * seeded hash over the key's characters ({@link #keyedHash}), which an attacker who does not
 * know the seed cannot make collide in bulk. That costs a pass over the key per lookup, where
 * {@code String.hashCode} is cached in the string, so it is the fallback, not the default. The
 * seed is per process rather than per instance so that {@link #copyFrom} can copy the index.
 *
 * <p>A decoder filling a new record from its own fixed, distinct keys appends them ({@link
 * #appendString} and the like) without the lookup a put makes: no scan of the keys before, and
 * no index built on the way past {@link #SCAN_LIMIT}. The index of such a list is built by the
 * first put or remove that needs it; until then lookups scan.
 *
 * <p>Not thread-safe. Reads ({@link #indexOf} and the getters) never modify the instance, so a
 * read-only tree may be read by several threads at once.
 */
public final class Attributes extends Element {
  /**
   * The most keys looked up by scanning; above it the hash index is kept. Measured with
   * semantic-convention keys (benchmarks/README.md, "Attributes"), the index overtakes the scan
   * from about 12 keys and fills a list of 16 1.5x faster; but it costs a table of at least 64
   * longs (528 bytes), and most records carry 16 attributes or fewer, so they keep the
   * footprint and speed they had before the index.
   */
  static final int SCAN_LIMIT = 16;
  /**
   * A longer probe on insert means colliding hashes, not bad luck (see the class comment): at
   * most half full, the longest run of a million random keys is about 75 slots (measured: 40 to
   * 69 for a million keys of four shapes).
   */
  static final int MAX_PROBES = 128;
  /** Largest table, so at most 2^29 keys: far more than any heap a collector runs in holds. */
  private static final int MAX_TABLE_LENGTH = 1 << 30;
  private static final int MIN_TABLE_LENGTH = 64;

  private String[] keys = EMPTY_KEYS;
  private ValueType[] types = EMPTY_TYPES;
  private long[] bits = EMPTY_BITS;
  private Object[] refs = EMPTY_REFS;
  private int size;

  /**
   * While {@code size > SCAN_LIMIT}, and only then (the scan path tests the size alone), the
   * first {@code tableLength} slots (a power of two) are the hash index: 0 is empty, else
   * {@code hash << 32 | (position + 1)}. At or below the limit the table and the fields after
   * it are stale and unread; the array is kept, and a rebuild clears only the slots it uses, so
   * a cleared instance reuses it without allocating.
   */
  private long[] table = EMPTY_TABLE;
  private int tableLength;
  /** {@code 32 - log2(tableLength)}: a slot is the top bits of the mixed hash. */
  private int tableShift;
  /** The index hashes keys with {@link #keyedHash}, not {@code String.hashCode}. */
  private boolean keyed;
  /** Keys were appended past the scan limit without indexing them: the index is not used. */
  private boolean indexStale;

  private static final String[] EMPTY_KEYS = {};
  private static final ValueType[] EMPTY_TYPES = {};
  private static final long[] EMPTY_BITS = {};
  private static final Object[] EMPTY_REFS = {};
  private static final long[] EMPTY_TABLE = {};

  /**
   * The per-process seed, made when the first index is built: SecureRandom's start-up (50-90 ms
   * measured here) is paid only by a process that sees a large attribute list.
   */
  private static final class Seed {
    static final long VALUE = new SecureRandom().nextLong();
  }

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
    if (size <= SCAN_LIMIT || indexStale) {
      return scan(key); // a read builds no index: reads must not modify (see the class comment)
    }
    if (key == null) {
      return -1;
    }
    int h = hash(key);
    int mask = tableLength - 1;
    for (int s = home(h); ; s = (s + 1) & mask) {
      long e = table[s];
      if (e == 0) {
        return -1;
      }
      if ((int) (e >>> 32) == h && keys[(int) e - 1].equals(key)) {
        return (int) e - 1;
      }
    }
  }

  private int scan(String key) {
    if (key == null) {
      return -1;
    }
    // The hash, cached in every string, rules out a different key in one load; equals() would
    // also read both strings' byte arrays when their lengths match.
    int h = key.hashCode();
    for (int i = 0; i < size; i++) {
      String k = keys[i];
      if (k == key || k.hashCode() == h && k.equals(key)) {
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
    return storeString(slot(key), value);
  }

  public Attributes putLong(String key, long value) {
    return storeLong(slot(key), value);
  }

  public Attributes putDouble(String key, double value) {
    return storeDouble(slot(key), value);
  }

  public Attributes putBool(String key, boolean value) {
    return storeBool(slot(key), value);
  }

  /** Puts any value; primitives and strings are stored unboxed. */
  public Attributes put(String key, AnyValue value) {
    Objects.requireNonNull(value, "value"); // before the key is placed
    return store(slot(key), value);
  }

  /**
   * Appends {@code key} with a string value without looking for it (a null value appends
   * nothing, as {@link #putString} leaves the key absent). For a decoder filling a new record
   * from its own fixed, distinct keys, where a put compares each key with every one before it.
   * The caller guarantees {@code key} is absent: a key appended twice is in the list twice,
   * which OTLP forbids. Keys that come from input go through the puts.
   */
  public Attributes appendString(String key, String value) {
    return value == null ? this : storeString(appendUnindexed(key), value);
  }

  /** {@link #appendString} for a long value. */
  public Attributes appendLong(String key, long value) {
    return storeLong(appendUnindexed(key), value);
  }

  /** {@link #appendString} for a double value. */
  public Attributes appendDouble(String key, double value) {
    return storeDouble(appendUnindexed(key), value);
  }

  /** {@link #appendString} for a boolean value. */
  public Attributes appendBool(String key, boolean value) {
    return storeBool(appendUnindexed(key), value);
  }

  /** {@link #appendString} for any value; primitives and strings are stored unboxed. */
  public Attributes append(String key, AnyValue value) {
    Objects.requireNonNull(value, "value");
    return store(appendUnindexed(key), value);
  }

  // The value at position i, whose key a put or an append has just placed.

  private Attributes storeString(int i, String value) {
    types[i] = ValueType.STRING;
    refs[i] = value;
    return this;
  }

  private Attributes storeLong(int i, long value) {
    types[i] = ValueType.LONG;
    bits[i] = value;
    refs[i] = null;
    return this;
  }

  private Attributes storeDouble(int i, double value) {
    types[i] = ValueType.DOUBLE;
    bits[i] = Double.doubleToRawLongBits(value);
    refs[i] = null;
    return this;
  }

  private Attributes storeBool(int i, boolean value) {
    types[i] = ValueType.BOOL;
    bits[i] = value ? 1 : 0;
    refs[i] = null;
    return this;
  }

  private Attributes store(int i, AnyValue value) {
    return switch (value.type()) {
      case STRING -> storeString(i, value.asString());
      case LONG -> storeLong(i, value.asLong());
      case DOUBLE -> storeDouble(i, value.asDouble());
      case BOOL -> storeBool(i, value.asBool());
      default -> {
        types[i] = value.type();
        refs[i] = value;
        yield this;
      }
    };
  }

  /** Removes {@code key}; returns whether it was present. */
  public boolean remove(String key) {
    checkWritable();
    if (indexStale && size - 1 > SCAN_LIMIT) {
      rebuildTable(tableLengthFor(size));
    }
    int i = indexOf(key);
    if (i < 0) {
      return false;
    }
    boolean shrink = false;
    if (size - 1 > SCAN_LIMIT) { // else back to scanning: the table goes stale
      if (size - 1 < tableLength >>> 3) {
        // A list that lost most of its keys gets a smaller table (below), so that a remove
        // costs O(size) however large the list once was.
        shrink = true;
      } else {
        unindex(i);
      }
    }
    int tail = size - i - 1;
    System.arraycopy(keys, i + 1, keys, i, tail);
    System.arraycopy(types, i + 1, types, i, tail);
    System.arraycopy(bits, i + 1, bits, i, tail);
    System.arraycopy(refs, i + 1, refs, i, tail);
    size--;
    keys[size] = null;
    refs[size] = null;
    if (size <= SCAN_LIMIT) {
      indexStale = false; // scanning again: a later crossing rebuilds the index
    }
    if (shrink) {
      rebuildTable(tableLengthFor(size));
    }
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
    indexStale = from.indexStale;
    // Positions are the same, and the seed is per process: the index copies as it is.
    if (size > SCAN_LIMIT && !indexStale) {
      if (table.length < from.tableLength) {
        table = new long[from.tableLength];
      }
      System.arraycopy(from.table, 0, table, 0, from.tableLength);
      tableLength = from.tableLength;
      tableShift = from.tableShift;
      keyed = from.keyed;
    }
  }

  /** The position of {@code key}, appended (with its value still to be set) if absent. */
  private int slot(String key) {
    checkWritable();
    if (size > SCAN_LIMIT) {
      if (indexStale) {
        rebuildTable(tableLengthFor(size));
      }
      return hashedSlot(key);
    }
    int i = scan(key);
    return i >= 0 ? i : append(key);
  }

  /** Appends {@code key}, absent from a list being scanned; builds the index when it is due. */
  private int append(String key) {
    if (key == null) {
      throw new NullPointerException("key"); // never stored: it would break every lookup
    }
    growForAppend();
    int i = size++;
    keys[i] = key;
    if (i == SCAN_LIMIT) {
      keyed = false; // String.hashCode until it proves to collide, whatever the list held before
      rebuildTable(tableLengthFor(size));
    }
    return i;
  }

  /** Appends {@code key}, which the caller knows is absent, leaving the index to a later put. */
  private int appendUnindexed(String key) {
    checkWritable();
    if (key == null) {
      throw new NullPointerException("key");
    }
    growForAppend();
    int i = size++;
    keys[i] = key;
    if (size > SCAN_LIMIT) {
      indexStale = true;
    }
    return i;
  }

  /** {@link #slot} with the index, kept out of line so the scan path stays small to inline. */
  private int hashedSlot(String key) {
    int h = hash(key); // a null key throws here
    int mask = tableLength - 1;
    int s = home(h);
    int probes = 0;
    long e;
    while ((e = table[s]) != 0) {
      if ((int) (e >>> 32) == h && keys[(int) e - 1].equals(key)) {
        return (int) e - 1;
      }
      s = (s + 1) & mask;
      probes++;
    }
    if (size == MAX_TABLE_LENGTH >>> 1) {
      throw new IllegalStateException("more than " + size + " attributes");
    }
    growForAppend();
    int i = size++;
    keys[i] = key;
    if (probes > MAX_PROBES && !keyed) {
      // Only colliding hashes get here (see the class comment).
      keyed = true;
      rebuildTable(tableLengthFor(size));
    } else if (size > tableLength >>> 1) {
      rebuildTable(tableLengthFor(size));
    } else {
      table[s] = entry(h, i);
    }
    return i;
  }

  private static int tableLengthFor(int keys) {
    // A power of two at least twice the keys: at most half full.
    return Math.max(MIN_TABLE_LENGTH, Integer.highestOneBit(keys - 1) << 2);
  }

  /** Indexes every key afresh in an index of {@code length} slots. */
  private void rebuildTable(int length) {
    indexStale = false;
    if (table.length < length) {
      table = new long[length];
    } else {
      Arrays.fill(table, 0, length, 0);
    }
    tableLength = length;
    tableShift = Integer.numberOfLeadingZeros(length) + 1;
    for (int i = 0; i < size; i++) {
      place(hash(keys[i]), i);
    }
  }

  /** Puts position {@code i}, whose key is not indexed, in the first free slot from its home. */
  private void place(int h, int i) {
    int mask = tableLength - 1;
    int s = home(h);
    while (table[s] != 0) {
      s = (s + 1) & mask;
    }
    table[s] = entry(h, i);
  }

  /**
   * Takes position {@code i} out of the index and renumbers the positions after it, as
   * {@link #remove} is about to shift the arrays down over it. O(table length), at most 8 times
   * the size (see {@link #remove}).
   */
  private void unindex(int i) {
    int mask = tableLength - 1;
    int hole = home(hash(keys[i]));
    while ((int) table[hole] - 1 != i) {
      hole = (hole + 1) & mask;
    }
    // Backward-shift deletion (Knuth's Algorithm R): move each following entry of the run into
    // the hole unless the hole lies before its home slot, so no probe stops short at the hole.
    for (int s = (hole + 1) & mask; table[s] != 0; s = (s + 1) & mask) {
      int home = home((int) (table[s] >>> 32));
      if (((s - home) & mask) >= ((s - hole) & mask)) {
        table[hole] = table[s];
        hole = s;
      }
    }
    table[hole] = 0;
    for (int s = 0; s < tableLength; s++) {
      long e = table[s];
      if ((int) e - 1 > i) {
        table[s] = e - 1; // the position is in the low bits and at least 2: no borrow
      }
    }
  }

  /**
   * For tests: the longest run of occupied index slots, which bounds the slots any lookup or
   * insert probes; 0 without an index.
   */
  int longestProbeRun() {
    if (size <= SCAN_LIMIT || indexStale) {
      return 0;
    }
    int mask = tableLength - 1;
    int start = 0;
    while (table[start] != 0) {
      start++; // at most half full: there is an empty slot
    }
    int longest = 0;
    int run = 0;
    for (int k = 1; k <= tableLength; k++) {
      run = table[(start + k) & mask] != 0 ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  private int hash(String key) {
    return keyed ? keyedHash(key) : key.hashCode();
  }

  /** The slot where a probe for hash {@code h} starts: the seeded hash's top bits. */
  private int home(int h) {
    return (int) (((h ^ Seed.VALUE) * 0x9E3779B97F4A7C15L) >>> 32) >>> tableShift;
  }

  private static long entry(int h, int position) {
    return (long) h << 32 | (position + 1);
  }

  /**
   * A hash of every character of {@code key}, seeded per process. Each character goes into the
   * state before its multiply and shift, so differences in the key are mixed in a way that
   * depends on the unknown seed, unlike {@code String.hashCode}, whose collisions hold for any
   * mixing of its result. Not a cryptographic hash; it only has to keep an attacker from
   * producing many keys for one slot without seeing the seed.
   */
  private static int keyedHash(String key) {
    long h = Seed.VALUE ^ key.length();
    for (int i = 0, n = key.length(); i < n; i++) {
      h = (h ^ key.charAt(i)) * 0x9E3779B97F4A7C15L;
      h ^= h >>> 29;
    }
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }

  /**
   * Makes room for {@code capacity} attributes without growing again: a decoder that knows how
   * many it will put calls this first, so the arrays are allocated once at their size instead
   * of at 8 and again at 16 (a record of the eBPF receivers has 12 to 22).
   */
  public void ensureCapacity(int capacity) {
    if (capacity > keys.length) {
      resize(capacity);
    }
  }

  /** Room for one more: doubling, from 8. */
  private void growForAppend() {
    if (size == keys.length) {
      resize(Math.max(8, keys.length * 2));
    }
  }

  private void resize(int n) {
    keys = Arrays.copyOf(keys, n);
    types = Arrays.copyOf(types, n);
    bits = Arrays.copyOf(bits, n);
    refs = Arrays.copyOf(refs, n);
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
    indexStale = false;
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
