package dev.tapio.testkit;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentId;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.MemoryBudget;
import dev.tapio.component.Signal;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A {@link ComponentContext} for unit tests of one component: records drops by reason, counters,
 * gauges and the last reported status so the test can assert on them. Thread-safe.
 */
public final class TestContext implements ComponentContext {
  private final ComponentId id;
  private final Kind kind;
  private final Signal signal;
  private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
  private final Map<String, TestCounter> counters = new ConcurrentHashMap<>();
  private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();
  private volatile ComponentStatus status = ComponentStatus.STARTING;
  private volatile String statusReason = "";
  private final java.util.List<ComponentStatus> statuses =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile MemoryBudget memory = MemoryBudget.UNLIMITED;

  public TestContext(String id, Kind kind, Signal signal) {
    this.id = ComponentId.parse(id);
    this.kind = kind;
    this.signal = signal;
  }

  @Override
  public ComponentId id() {
    return id;
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public Signal signal() {
    return signal;
  }

  @Override
  public System.Logger logger() {
    return System.getLogger("tapio." + id);
  }

  @Override
  public void dropped(long count, String reason) {
    dropped.computeIfAbsent(reason, r -> new LongAdder()).add(count);
  }

  /** Items dropped with this reason so far. */
  public long droppedCount(String reason) {
    LongAdder a = dropped.get(reason);
    return a == null ? 0 : a.sum();
  }

  /**
   * Every drop reason with a count above 0. Reasons registered at 0 (as components do at
   * creation, so their series exist from the start) are in {@link #declaredReasons()}.
   */
  public Map<String, Long> droppedByReason() {
    Map<String, Long> out = new TreeMap<>();
    dropped.forEach((k, v) -> {
      long n = v.sum();
      if (n != 0) {
        out.put(k, n);
      }
    });
    return out;
  }

  /** Every reason the component has counted or declared, 0 included. */
  public java.util.Set<String> declaredReasons() {
    return new java.util.TreeSet<>(dropped.keySet());
  }

  /** Makes {@link #memory()} return {@code budget}, for tests of memory-bounded components. */
  public TestContext memory(MemoryBudget budget) {
    this.memory = budget;
    return this;
  }

  @Override
  public MemoryBudget memory() {
    return memory;
  }

  @Override
  public Counter counter(String name, String description, String... labelPairs) {
    return counters.computeIfAbsent(key(name, labelPairs), k -> new TestCounter());
  }

  /** The value of a counter created through {@link #counter}, or 0. */
  public long counterValue(String name, String... labelPairs) {
    TestCounter c = counters.get(key(name, labelPairs));
    return c == null ? 0 : c.value();
  }

  @Override
  public void gauge(String name, String description, DoubleSupplier value, String... labelPairs) {
    gauges.put(key(name, labelPairs), value);
  }

  /** Reads a gauge registered through {@link #gauge}; NaN when absent. */
  public double gaugeValue(String name, String... labelPairs) {
    DoubleSupplier g = gauges.get(key(name, labelPairs));
    return g == null ? Double.NaN : g.getAsDouble();
  }

  @Override
  public void reportStatus(ComponentStatus status, String reason) {
    this.statusReason = reason == null ? "" : reason;
    this.status = status;
    statuses.add(status);
  }

  public ComponentStatus status() {
    return status;
  }

  /** Every status reported so far, in order: for states that do not last (degraded, then ok). */
  public java.util.List<ComponentStatus> statusHistory() {
    return java.util.List.copyOf(statuses);
  }

  public String statusReason() {
    return statusReason;
  }

  private static String key(String name, String... labelPairs) {
    return name + String.join(",", labelPairs);
  }

  private static final class TestCounter implements Counter {
    private final LongAdder adder = new LongAdder();

    @Override
    public void add(long delta) {
      adder.add(delta);
    }

    @Override
    public long value() {
      return adder.sum();
    }
  }
}
