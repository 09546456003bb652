package dev.tapio.engine.telemetry;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentId;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.MemoryBudget;
import dev.tapio.component.Signal;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The {@link ComponentContext} the engine hands each component instance: logger, drop counters
 * and health reporting wired to {@link SelfTelemetry}. Thread-safe.
 */
public final class EngineContext implements ComponentContext {
  private final ComponentId id;
  private final Kind kind;
  private final Signal signal;
  private final SelfTelemetry telemetry;
  private final System.Logger logger;
  private final Map<String, LongAdder[]> drops = new ConcurrentHashMap<>();
  private volatile boolean countsOwnDelivery;
  private final MemoryBudget memory;

  public EngineContext(ComponentId id, Kind kind, Signal signal, SelfTelemetry telemetry) {
    this(id, kind, signal, telemetry, MemoryBudget.UNLIMITED);
  }

  public EngineContext(ComponentId id, Kind kind, Signal signal, SelfTelemetry telemetry,
      MemoryBudget memory) {
    this.memory = memory;
    this.id = id;
    this.kind = kind;
    this.signal = signal;
    this.telemetry = telemetry;
    this.logger = System.getLogger("tapio." + kind.singular() + "." + id);
  }

  /** The name health and drop counters use for this component: {@code receiver/otlp}. */
  public String componentLabel() {
    return kind.singular() + "/" + id;
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
    return logger;
  }

  @Override
  public void dropped(long count, String reason) {
    LongAdder[] adders = drops.get(reason);
    if (adders == null) {
      adders = drops.computeIfAbsent(reason, this::dropAdders);
    }
    for (LongAdder a : adders) {
      a.add(count);
    }
  }

  /** Items this component dropped with the reason, for tests and shutdown summaries. */
  public long droppedCount(String reason) {
    LongAdder[] a = drops.get(reason);
    return a == null ? 0 : a[0].sum();
  }

  // Slow path, once per reason: the tapio total plus the Collector's per-kind family.
  private LongAdder[] dropAdders(String reason) {
    String items = signal == null ? "items" : signal.itemName();
    LongAdder total = telemetry.counter("tapio_events_dropped",
        "Items dropped anywhere in Tapio, by component and reason.",
        Attributes.builder().put("component", componentLabel()).put("reason", reason).build());
    LongAdder own = telemetry.counter("otelcol_" + kind.singular() + "_dropped_" + items,
        "Items the " + kind.singular() + " dropped, by reason.",
        Attributes.builder().put(kind.singular(), id.toString()).put("reason", reason).build());
    return new LongAdder[] {total, own};
  }

  /**
   * Whether this exporter counts {@code otelcol_exporter_sent_*} itself, when its destination
   * accepted (it registered that counter, as a sending queue does), so the engine must not count
   * a batch as sent merely because {@code consume} returned.
   */
  public boolean countsOwnDelivery() {
    return countsOwnDelivery;
  }

  @Override
  public Counter counter(String name, String description, String... labelPairs) {
    if (kind == Kind.EXPORTER && name.startsWith("otelcol_exporter_sent_")) {
      countsOwnDelivery = true;
    }
    LongAdder adder = telemetry.counter(name, description, attributes(labelPairs));
    return new Counter() {
      @Override
      public void add(long delta) {
        adder.add(delta);
      }

      @Override
      public long value() {
        return adder.sum();
      }
    };
  }

  @Override
  public void gauge(String name, String description, DoubleSupplier value, String... labelPairs) {
    telemetry.gauge(name, description, attributes(labelPairs), value);
  }

  @Override
  public MemoryBudget memory() {
    return memory;
  }

  @Override
  public void reportStatus(ComponentStatus status, String reason) {
    telemetry.health().report(componentLabel(), status, reason);
  }

  private Attributes attributes(String... labelPairs) {
    if (labelPairs.length % 2 != 0) {
      throw new IllegalArgumentException("label pairs must come in key, value pairs");
    }
    AttributesBuilder b = Attributes.builder().put(kind.singular(), id.toString());
    for (int i = 0; i < labelPairs.length; i += 2) {
      b.put(labelPairs[i], labelPairs[i + 1]);
    }
    return b.build();
  }
}
