package dev.tapio.engine.graph;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentFactory;
import dev.tapio.component.ComponentId;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.Host;
import dev.tapio.component.Kind;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.config.ComponentConfig;
import dev.tapio.engine.config.ComponentSpec;
import dev.tapio.engine.config.LoadedConfig;
import dev.tapio.engine.config.PipelineId;
import dev.tapio.engine.config.PipelineSpec;
import dev.tapio.consumer.Admission;
import dev.tapio.engine.telemetry.EngineContext;
import dev.tapio.engine.telemetry.HeapBudget;
import dev.tapio.engine.telemetry.SelfTelemetry;
import dev.tapio.pdata.TelemetryData;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The running shape of a configuration: extensions, one exporter per exporter id and signal
 * (shared by the pipelines naming it), a processor chain per pipeline, a queue and thread per
 * pipeline, and one receiver per receiver id and signal feeding every pipeline that names it.
 *
 * <p>Start order: extensions, exporters, processors (last to first), pipeline threads,
 * receivers. Shutdown is the reverse, and pipelines drain their queues before processors and
 * exporters stop. Lifecycle methods are called from one thread.
 */
public final class ServiceGraph implements Host {
  private static final System.Logger LOG = System.getLogger("tapio.service");

  private record Managed(Component component, EngineContext context, String what) {}

  private record SignalKey(ComponentId id, Signal signal) {}

  /** An exporter created once per id and signal, shared by the pipelines naming it. */
  private record SharedExporter<T extends TelemetryData<?>>(DataSink<T> sink, EngineContext context) {}

  /** Reasons every processor and exporter can be charged by the engine: series exist from start. */
  private static final List<String> PROCESSOR_REASONS =
      List.of("processor_error", "out_of_memory", "linkage_error");
  private static final List<String> EXPORTER_REASONS =
      List.of("export_failed", "out_of_memory", "linkage_error");

  private final SelfTelemetry telemetry;
  private final Duration shutdownTimeout;
  private final Duration stuckTimeout;
  private final HeapBudget memory;
  private final List<ComponentCall> calls = new ArrayList<>();
  private Watchdog watchdog;
  private final List<Managed> extensions = new ArrayList<>();
  private final List<Managed> exporters = new ArrayList<>();
  private final List<Managed> processors = new ArrayList<>();
  private final List<Pipeline<?>> pipelines = new ArrayList<>();
  private final List<Managed> receivers = new ArrayList<>();
  private final Map<ComponentId, List<ReceiverEntry<?>>> receiverEntries = new LinkedHashMap<>();
  private final Map<ComponentId, Component> extensionsById = new LinkedHashMap<>();
  private final List<String> wiring = new ArrayList<>();
  private final List<Managed> started = new ArrayList<>();
  private boolean pipelinesStarted;

  private ServiceGraph(SelfTelemetry telemetry, Duration shutdownTimeout, Duration stuckTimeout,
      HeapBudget memory) {
    this.memory = memory;
    this.telemetry = telemetry;
    this.shutdownTimeout = shutdownTimeout;
    this.stuckTimeout = stuckTimeout;
  }

  /**
   * Creates every component of the configuration, wired but not started. A factory that throws
   * fails the build with the component's id and the reason.
   */
  public static ServiceGraph build(LoadedConfig config, SelfTelemetry telemetry) {
    long budget = HeapBudget.limitFor(config.service().memoryBudget(),
        Runtime.getRuntime().maxMemory());
    ServiceGraph g = new ServiceGraph(telemetry, config.service().shutdownTimeout(),
        config.service().stuckTimeout(), new HeapBudget(budget).exposeOn(telemetry));
    g.wire(config);
    return g;
  }

  /** One line per pipeline: {@code logs/a: synthetic -> batch -> [queue 4096, block] -> debug, file}. */
  public List<String> describe() {
    return List.copyOf(wiring);
  }

  private void wire(LoadedConfig config) {
    for (ComponentId id : config.service().extensions()) {
      ComponentSpec spec = config.extensions().get(id);
      EngineContext ctx = context(spec, null);
      Component ext = create(spec, () -> ((ExtensionFactory<ComponentConfig>) cast(spec.factory()))
          .create(ctx, spec.config()));
      extensions.add(new Managed(ext, ctx, "extension " + id));
      extensionsById.put(id, ext);
    }
    Map<SignalKey, SharedExporter<?>> exporterSinks = new LinkedHashMap<>();
    Map<SignalKey, List<Pipeline<?>>> receiverPipelines = new LinkedHashMap<>();
    for (PipelineSpec p : config.service().pipelines().values()) {
      wirePipeline(SignalAdapter.of(p.id().signal()), p, config, exporterSinks, receiverPipelines);
    }
    for (Map.Entry<SignalKey, List<Pipeline<?>>> e : receiverPipelines.entrySet()) {
      wireReceiver(SignalAdapter.of(e.getKey().signal()), e.getKey().id(), e.getValue(), config);
    }
  }

  private <T extends TelemetryData<?>> void wirePipeline(SignalAdapter<T> adapter, PipelineSpec p,
      LoadedConfig config, Map<SignalKey, SharedExporter<?>> exporterSinks,
      Map<SignalKey, List<Pipeline<?>>> receiverPipelines) {
    Signal signal = adapter.signal();
    boolean synchronous = p.queue().synchronous();
    Pipeline<T> pipeline =
        new Pipeline<>(p.id(), p.queue(), new PipelineTelemetry(telemetry, p.id()), memory);
    List<Admission> admissions = new ArrayList<>();
    List<ComponentCall> pipelineCalls = new ArrayList<>();
    List<DataSink<T>> sinks = new ArrayList<>();
    for (ComponentId id : p.exporters()) {
      @SuppressWarnings("unchecked")
      SharedExporter<T> shared = (SharedExporter<T>) exporterSinks.computeIfAbsent(
          new SignalKey(id, signal), k -> createExporter(adapter, config.exporters().get(id)));
      ComponentCall call = new ComponentCall(shared.context(), p.id(), telemetry.health());
      pipelineCalls.add(call);
      DataSink<T> sink = new ObservedExporter<>(shared.sink(), call, telemetry);
      // Queued pipelines hold a refused batch and retry it; synchronous ones refuse upstream.
      sinks.add(synchronous ? sink
          : new RetryRefusals<>(sink, pipeline, shared.context().componentLabel()));
    }
    DataSink<T> exporterFanOut = FanOut.of(adapter, sinks);
    DataSink<T> next = new PipelineEnd<>(pipeline, exporterFanOut);
    boolean mutates = exporterFanOut.mutates();
    List<Managed> chain = new ArrayList<>();
    for (int i = p.processors().size() - 1; i >= 0; i--) {
      ComponentSpec spec = config.processors().get(p.processors().get(i));
      EngineContext ctx = context(spec, signal);
      // The Collector's processorhelper counters, per processor and signal.
      io.opentelemetry.api.common.Attributes labels = io.opentelemetry.api.common.Attributes
          .builder().put("processor", spec.id().toString()).put("otel_signal", signal.id())
          .build();
      DataSink<T> downstream = new CountedSink<>(next, telemetry.counter(
          "otelcol_processor_outgoing_items", "Items a processor handed on.", labels));
      Stage<T> stage = create(spec, () -> adapter.createProcessor(
          cast(spec.factory()), ctx, spec.config(), downstream));
      chain.addFirst(new Managed(stage.component(), ctx, "processor " + spec.id() + " in "
          + p.id()));
      for (String reason : PROCESSOR_REASONS) {
        ctx.dropped(0, reason);
      }
      ComponentCall call = new ComponentCall(ctx, p.id(), telemetry.health());
      pipelineCalls.add(call);
      if (stage.component() instanceof Admission a) {
        admissions.addFirst(a);
      }
      mutates |= stage.sink().mutates();
      next = new CountedSink<>(new GuardedProcessor<>(stage.sink(), call, synchronous),
          telemetry.counter("otelcol_processor_incoming_items", "Items a processor was given.",
              labels));
    }
    pipeline.calls(pipelineCalls);
    pipeline.admissions(admissions);
    calls.addAll(pipelineCalls);
    // Processors start last-to-first so that each finds its downstream running.
    processors.addAll(chain.reversed());
    pipeline.head(next, mutates);
    pipelines.add(pipeline);
    for (ComponentId id : p.receivers()) {
      receiverPipelines.computeIfAbsent(new SignalKey(id, signal), k -> new ArrayList<>())
          .add(pipeline);
    }
    wiring.add(p.id() + ": " + join(p.receivers()) + " -> "
        + (p.processors().isEmpty() ? "" : join(p.processors()).replace(", ", " -> ") + " -> ")
        + "[queue " + p.queue().size() + ", " + p.queue().overflow().name().toLowerCase()
        + "] -> " + join(p.exporters()));
  }

  private <T extends TelemetryData<?>> SharedExporter<T> createExporter(
      SignalAdapter<T> adapter, ComponentSpec spec) {
    EngineContext ctx = context(spec, adapter.signal());
    Stage<T> stage = create(spec, () -> adapter.createExporter(cast(spec.factory()), ctx,
        spec.config()));
    exporters.add(new Managed(stage.component(), ctx, "exporter " + spec.id()));
    for (String reason : EXPORTER_REASONS) {
      ctx.dropped(0, reason);
    }
    return new SharedExporter<>(stage.sink(), ctx);
  }

  @SuppressWarnings("unchecked")
  private <T extends TelemetryData<?>> void wireReceiver(SignalAdapter<T> adapter, ComponentId id,
      List<Pipeline<?>> targets, LoadedConfig config) {
    ComponentSpec spec = config.receivers().get(id);
    EngineContext ctx = context(spec, adapter.signal());
    List<DataSink<T>> sinks = new ArrayList<>();
    for (Pipeline<?> p : targets) {
      sinks.add((DataSink<T>) p);
    }
    ReceiverEntry<T> entry = new ReceiverEntry<>(id, adapter.signal().itemName(),
        FanOut.of(adapter, sinks), telemetry);
    receiverEntries.computeIfAbsent(id, k -> new ArrayList<>()).add(entry);
    Component receiver = create(spec, () -> adapter.createReceiver(cast(spec.factory()), ctx,
        spec.config(), entry));
    receivers.add(new Managed(receiver, ctx, "receiver " + id + " (" + adapter.signal().id()
        + ")"));
  }

  private EngineContext context(ComponentSpec spec, Signal signal) {
    EngineContext ctx = new EngineContext(spec.id(), spec.kind(), signal, telemetry, memory);
    ctx.reportStatus(ComponentStatus.STARTING, "");
    return ctx;
  }

  @SuppressWarnings("unchecked")
  private static <F extends ComponentFactory<ComponentConfig>> F cast(ComponentFactory<?> f) {
    return (F) f;
  }

  private static <R> R create(ComponentSpec spec, java.util.function.Supplier<R> creation) {
    try {
      return creation.get();
    } catch (RuntimeException e) {
      throw new GraphException("cannot create " + spec.kind().singular() + " '" + spec.id()
          + "' (" + spec.location() + "): " + e.getMessage(), e);
    }
  }

  private static String join(List<ComponentId> ids) {
    return String.join(", ", ids.stream().map(ComponentId::toString).toList());
  }

  /**
   * Starts everything in order. If a component fails, the ones already started are shut down
   * in reverse and a {@link GraphException} names the component and the reason.
   */
  public void start() {
    try {
      startAll(extensions);
      startAll(exporters);
      startAll(processors);
      for (Pipeline<?> p : pipelines) {
        p.start();
      }
      pipelinesStarted = true;
      watchdog = new Watchdog(calls, stuckTimeout);
      watchdog.start();
      startAll(receivers);
      telemetry.health().pipelinesStarted(true);
    } catch (GraphException e) {
      shutdown();
      throw e;
    }
  }

  private void startAll(List<Managed> components) {
    for (Managed m : components) {
      try {
        m.component().start(this);
        started.add(m);
        telemetry.health().started(m.context().componentLabel());
      } catch (Exception e) {
        m.context().reportStatus(ComponentStatus.ERROR, String.valueOf(e.getMessage()));
        // Release what the failed component may have acquired before it threw.
        stopQuietly(m);
        throw new GraphException("failed to start " + m.what() + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Stops receivers, drains pipelines within the shutdown timeout, then stops processors in
   * pipeline order (so a batch processor's flush reaches the exporters), then exporters, then
   * extensions. Safe to call more than once and after a failed start.
   */
  public void shutdown() {
    telemetry.health().pipelinesStarted(false);
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    stopStarted(receivers);
    if (pipelinesStarted) {
      for (Pipeline<?> p : pipelines) {
        try {
          p.stop(deadline);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      pipelinesStarted = false;
    }
    stopStarted(processors.reversed());
    stopStarted(exporters);
    stopStarted(extensions);
    if (watchdog != null) {
      watchdog.stop();
      watchdog = null;
    }
  }

  private void stopStarted(List<Managed> components) {
    for (Managed m : components) {
      if (started.remove(m)) {
        stopQuietly(m);
      }
    }
  }

  private static void stopQuietly(Managed m) {
    m.context().reportStatus(ComponentStatus.STOPPING, "");
    try {
      m.component().shutdown();
      m.context().reportStatus(ComponentStatus.STOPPED, "");
    } catch (Exception e) {
      m.context().reportStatus(ComponentStatus.ERROR, "shutdown failed: " + e.getMessage());
      LOG.log(Level.WARNING, "shutdown of " + m.what() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Component> extension(ComponentId id) {
    return Optional.ofNullable(extensionsById.get(id));
  }

  @Override
  public Map<ComponentId, Component> extensions() {
    return Map.copyOf(extensionsById);
  }

  @Override
  public dev.tapio.component.HealthSnapshot health() {
    return telemetry.health().view(wiring);
  }

  /** Items each pipeline handed to its exporters, for summaries and tests. */
  public Map<PipelineId, Long> processedByPipeline() {
    Map<PipelineId, Long> out = new LinkedHashMap<>();
    for (Pipeline<?> p : pipelines) {
      out.put(p.id(), p.processedCount());
    }
    return out;
  }

  /** Items the receiver's pipelines accepted from it, over all signals. */
  public long acceptedFromReceiver(ComponentId id) {
    long n = 0;
    for (ReceiverEntry<?> e : receiverEntries.getOrDefault(id, List.of())) {
      n += e.acceptedCount();
    }
    return n;
  }

  /** Items a pipeline dropped with a reason ({@code queue_full}, {@code shutdown_timeout}…). */
  public long droppedByPipeline(PipelineId id, String reason) {
    for (Pipeline<?> p : pipelines) {
      if (p.id().equals(id)) {
        return p.droppedCount(reason);
      }
    }
    return 0;
  }
}
