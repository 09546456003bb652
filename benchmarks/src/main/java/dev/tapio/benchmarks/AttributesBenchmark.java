package dev.tapio.benchmarks;

import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ValueType;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inserting {@code keys} distinct keys into one cleared, reused attribute list: {@link
 * Attributes} (a linear scan up to 16 keys, a hash index above) against the linear scan it
 * replaced ({@link LinearScan}, the old algorithm kept here as the baseline), side by side in
 * one run. One op = the whole list; divide by {@code keys} for the cost per insert. The keys'
 * hash codes are computed in setup, as a decoded key's is by its first lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx1g"})
public class AttributesBenchmark {
  @Param({"8", "16", "64", "10000", "100000"})
  int keys;

  private String[] names;
  private final Attributes attributes = Attributes.create();
  private final LinearScan baseline = new LinearScan();

  @Setup
  public void setUp() {
    names = new String[keys];
    for (int i = 0; i < keys; i++) {
      names[i] = "attribute." + i;
      names[i].hashCode();
    }
  }

  @Benchmark
  public Attributes insert() {
    Attributes a = attributes;
    a.clear();
    for (int i = 0; i < names.length; i++) {
      a.putLong(names[i], i);
    }
    return a;
  }

  @Benchmark
  public LinearScan insertLinearScan() {
    LinearScan a = baseline;
    a.clear();
    for (int i = 0; i < names.length; i++) {
      a.putLong(names[i], i);
    }
    return a;
  }

  /**
   * {@link Attributes} before issue 10 case 3, reduced to what {@code clear} and {@code putLong}
   * ran, the read-only check (a volatile read through the tree's state) included.
   */
  public static final class LinearScan {
    private final TreeState state = new TreeState();
    private String[] keys = {};
    private ValueType[] types = {};
    private long[] bits = {};
    private Object[] refs = {};
    private int size;

    int indexOf(String key) {
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }

    void putLong(String key, long value) {
      int i = slot(key);
      types[i] = ValueType.LONG;
      bits[i] = value;
      refs[i] = null;
    }

    void clear() {
      state.checkWritable();
      Arrays.fill(keys, 0, size, null);
      Arrays.fill(refs, 0, size, null);
      size = 0;
    }

    private int slot(String key) {
      state.checkWritable();
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
  }

  /** What pdata's package-private {@code State} does for every mutator. */
  static final class TreeState {
    volatile boolean readOnly;

    void checkWritable() {
      if (readOnly) {
        throw new IllegalStateException("read-only");
      }
    }
  }
}
