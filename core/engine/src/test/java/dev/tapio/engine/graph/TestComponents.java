package dev.tapio.engine.graph;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentFactory;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.Host;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.Admission;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.engine.config.ComponentCatalog;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.testkit.ConsumerSink;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * Real components for engine tests: a receiver the test pushes through, a sink exporter, a
 * mutating processor, each keyed by name so a test can reach the instance the engine created.
 */
final class TestComponents {
  static final Map<String, LogsConsumer> RECEIVERS = new ConcurrentHashMap<>();
  static final Map<String, ConsumerSink> SINKS = new ConcurrentHashMap<>();
  static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();
  /**
   * By component id: what the next consume of that {@code fault} processor or {@code sink}
   * exporter throws; a supplier returning null lets the call through.
   */
  static final Map<String, Supplier<Throwable>> FAULTS = new ConcurrentHashMap<>();
  static volatile String failStartOf = "";
  /** Whether {@code fault} processors refuse data at admission (before the pipeline queue). */
  static volatile boolean REFUSE_ADMISSION;

  private TestComponents() {}

  static void reset() {
    RECEIVERS.clear();
    SINKS.clear();
    GATES.clear();
    EVENTS.clear();
    FAULTS.clear();
    REFUSE_ADMISSION = false;
    failStartOf = "";
  }

  static ComponentCatalog catalog() {
    return ComponentCatalog.of(List.of(new PushReceiverFactory(), new SinkExporterFactory(),
        new TagProcessorFactory(), new FaultProcessorFactory(), new HoldProcessorFactory()));
  }

  record Empty() implements ComponentConfig {}

  /** What every test type shares: in development, and no settings. */
  interface TestType extends ComponentFactory<Empty> {
    @Override
    default Stability stability() {
      return Stability.DEVELOPMENT;
    }

    @Override
    default Empty createDefaultConfig() {
      return new Empty();
    }

    @Override
    default Empty readConfig(ConfigReader reader) {
      return new Empty();
    }
  }

  /** Throws what FAULTS holds for {@code id}, if anything; unchecked so Errors pass as-is. */
  static void fault(String id) {
    Supplier<Throwable> f = FAULTS.get(id);
    Throwable t = f == null ? null : f.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error e) {
      throw e;
    }
  }

  record Named(String name) implements ComponentConfig {}

  abstract static class Lifecycle implements Component {
    final String label;

    Lifecycle(String label) {
      this.label = label;
    }

    @Override
    public void start(Host host) {
      if (failStartOf.equals(label)) {
        throw new IllegalStateException("port 4317 already in use");
      }
      EVENTS.add("start " + label);
    }

    @Override
    public void shutdown() {
      EVENTS.add("stop " + label);
    }
  }

  /** Receiver {@code push}: exposes its consumer in RECEIVERS under the component id. */
  static final class PushReceiverFactory implements ReceiverFactory<Empty>, TestType {
    @Override
    public String type() {
      return "push";
    }

    @Override
    public Set<Signal> signals() {
      return Set.of(Signal.LOGS);
    }

    @Override
    public Component createLogs(ComponentContext context, Empty config, LogsConsumer next) {
      RECEIVERS.put(context.id().toString(), next);
      return new Lifecycle("receiver " + context.id()) {};
    }
  }

  /**
   * Exporter {@code sink}: keeps what it gets in SINKS under its id; when GATES holds a latch
   * for its id, each consume waits for it (a slow backend).
   */
  static final class SinkExporterFactory implements ExporterFactory<Empty>, TestType {
    @Override
    public String type() {
      return "sink";
    }

    @Override
    public Set<Signal> signals() {
      return Set.of(Signal.LOGS);
    }

    @Override
    public LogsExporter createLogs(ComponentContext context, Empty config) {
      String id = context.id().toString();
      ConsumerSink sink = SINKS.computeIfAbsent(id, k -> new ConsumerSink());
      class Exporter extends Lifecycle implements LogsExporter {
        Exporter() {
          super("exporter " + id);
        }

        @Override
        public void consumeLogs(Logs logs) {
          CountDownLatch gate = GATES.get(id);
          if (gate != null) {
            try {
              gate.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          fault(id);
          sink.consumeLogs(logs);
        }
      }
      return new Exporter();
    }
  }

  /** Processor {@code tag}: sets attribute {@code tagged.by} = its id on every record. */
  static final class TagProcessorFactory implements ProcessorFactory<Empty>, TestType {
    @Override
    public String type() {
      return "tag";
    }

    @Override
    public Set<Signal> signals() {
      return Set.of(Signal.LOGS);
    }

    @Override
    public LogsProcessor createLogs(ComponentContext context, Empty config, LogsConsumer next) {
      String id = context.id().toString();
      class Tag extends Lifecycle implements LogsProcessor {
        Tag() {
          super("processor " + id);
        }

        @Override
        public void consumeLogs(Logs logs) {
          for (ResourceLogs rl : logs.resourceLogs()) {
            for (ScopeLogs sl : rl.scopeLogs()) {
              for (LogRecord r : sl.logRecords()) {
                r.attributes().putString("tagged.by", id);
              }
            }
          }
          next.consumeLogs(logs);
        }

        @Override
        public Capabilities capabilities() {
          return Capabilities.MUTATES;
        }
      }
      return new Tag();
    }
  }

  /**
   * Processor {@code hold}: merges what it is given into one batch and hands that on from its
   * own thread 300 ms after the first arrived, as {@code batch} does on its timeout.
   */
  static final class HoldProcessorFactory implements ProcessorFactory<Empty>, TestType {
    static final long HOLD_MILLIS = 300;

    @Override
    public String type() {
      return "hold";
    }

    @Override
    public Set<Signal> signals() {
      return Set.of(Signal.LOGS);
    }

    @Override
    public LogsProcessor createLogs(ComponentContext context, Empty config, LogsConsumer next) {
      class Hold extends Lifecycle implements LogsProcessor {
        private Logs pending;

        Hold() {
          super("processor " + context.id());
        }

        @Override
        public synchronized void consumeLogs(Logs logs) {
          if (pending == null) {
            pending = new Logs();
            Thread.ofPlatform().daemon().start(this::flushLater);
          }
          logs.moveTo(pending);
        }

        private void flushLater() {
          try {
            Thread.sleep(HOLD_MILLIS);
          } catch (InterruptedException e) {
            return;
          }
          Logs out;
          synchronized (this) {
            out = pending;
            pending = null;
          }
          next.consumeLogs(out);
        }
      }
      return new Hold();
    }
  }

  /** Processor {@code fault}: throws what FAULTS says for its id, else passes data on as is. */
  static final class FaultProcessorFactory implements ProcessorFactory<Empty>, TestType {
    @Override
    public String type() {
      return "fault";
    }

    @Override
    public Set<Signal> signals() {
      return Set.of(Signal.LOGS);
    }

    @Override
    public LogsProcessor createLogs(ComponentContext context, Empty config, LogsConsumer next) {
      String id = context.id().toString();
      class Fault extends Lifecycle implements LogsProcessor, Admission {
        @Override
        public void admit(TelemetryData<?> data) {
          if (REFUSE_ADMISSION) {
            throw ConsumerException.retryable(id + " refuses: memory is short");
          }
        }

        Fault() {
          super("processor " + id);
        }

        @Override
        public void consumeLogs(Logs logs) {
          fault(id);
          next.consumeLogs(logs);
        }

        @Override
        public Capabilities capabilities() {
          return Capabilities.READS_ONLY;
        }
      }
      return new Fault();
    }
  }
}
