package dev.tapio.engine.graph;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.config.ComponentConfig;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;

/**
 * Bridges the typed API (LogsConsumer, ProcessorFactory.createLogs, …) and the engine's
 * {@link DataSink}, one subclass per signal. Stateless and thread-safe.
 */
abstract sealed class SignalAdapter<T extends TelemetryData<?>> {
  static final SignalAdapter<Logs> LOGS = new LogsAdapter();
  static final SignalAdapter<Metrics> METRICS = new MetricsAdapter();
  static final SignalAdapter<Traces> TRACES = new TracesAdapter();

  static SignalAdapter<?> of(Signal signal) {
    return switch (signal) {
      case LOGS -> LOGS;
      case METRICS -> METRICS;
      case TRACES -> TRACES;
    };
  }

  abstract Signal signal();

  abstract T copy(T data);

  abstract Component createReceiver(
      ReceiverFactory<ComponentConfig> f, ComponentContext c, ComponentConfig cfg, DataSink<T> next);

  abstract Stage<T> createProcessor(
      ProcessorFactory<ComponentConfig> f, ComponentContext c, ComponentConfig cfg, DataSink<T> next);

  abstract Stage<T> createExporter(
      ExporterFactory<ComponentConfig> f, ComponentContext c, ComponentConfig cfg);

  static <T extends TelemetryData<?>> DataSink<T> sink(
      java.util.function.Consumer<T> consume, Capabilities capabilities) {
    boolean mutates = capabilities.mutatesData();
    return new DataSink<>() {
      @Override
      public void consume(T data) {
        consume.accept(data);
      }

      @Override
      public boolean mutates() {
        return mutates;
      }
    };
  }

  private static Capabilities caps(DataSink<?> next) {
    return next.mutates() ? Capabilities.MUTATES : Capabilities.READS_ONLY;
  }

  static final class LogsAdapter extends SignalAdapter<Logs> {
    @Override
    Signal signal() {
      return Signal.LOGS;
    }

    @Override
    Logs copy(Logs data) {
      return data.copy();
    }

    @Override
    Component createReceiver(ReceiverFactory<ComponentConfig> f, ComponentContext c,
        ComponentConfig cfg, DataSink<Logs> next) {
      return f.createLogs(c, cfg, toApi(next));
    }

    @Override
    Stage<Logs> createProcessor(ProcessorFactory<ComponentConfig> f, ComponentContext c,
        ComponentConfig cfg, DataSink<Logs> next) {
      var p = f.createLogs(c, cfg, toApi(next));
      return new Stage<>(p, sink(p::consumeLogs, p.capabilities()));
    }

    @Override
    Stage<Logs> createExporter(
        ExporterFactory<ComponentConfig> f, ComponentContext c, ComponentConfig cfg) {
      var e = f.createLogs(c, cfg);
      return new Stage<>(e, sink(e::consumeLogs, e.capabilities()));
    }

    private static LogsConsumer toApi(DataSink<Logs> next) {
      Capabilities caps = caps(next);
      return new LogsConsumer() {
        @Override
        public void consumeLogs(Logs logs) {
          next.consume(logs);
        }

        @Override
        public Capabilities capabilities() {
          return caps;
        }
      };
    }
  }

  static final class MetricsAdapter extends SignalAdapter<Metrics> {
    @Override
    Signal signal() {
      return Signal.METRICS;
    }

    @Override
    Metrics copy(Metrics data) {
      return data.copy();
    }

    @Override
    Component createReceiver(ReceiverFactory<ComponentConfig> f, ComponentContext c,
        ComponentConfig cfg, DataSink<Metrics> next) {
      return f.createMetrics(c, cfg, toApi(next));
    }

    @Override
    Stage<Metrics> createProcessor(ProcessorFactory<ComponentConfig> f, ComponentContext c,
        ComponentConfig cfg, DataSink<Metrics> next) {
      var p = f.createMetrics(c, cfg, toApi(next));
      return new Stage<>(p, sink(p::consumeMetrics, p.capabilities()));
    }

    @Override
    Stage<Metrics> createExporter(
        ExporterFactory<ComponentConfig> f, ComponentContext c, ComponentConfig cfg) {
      var e = f.createMetrics(c, cfg);
      return new Stage<>(e, sink(e::consumeMetrics, e.capabilities()));
    }

    private static MetricsConsumer toApi(DataSink<Metrics> next) {
      Capabilities caps = caps(next);
      return new MetricsConsumer() {
        @Override
        public void consumeMetrics(Metrics metrics) {
          next.consume(metrics);
        }

        @Override
        public Capabilities capabilities() {
          return caps;
        }
      };
    }
  }

  static final class TracesAdapter extends SignalAdapter<Traces> {
    @Override
    Signal signal() {
      return Signal.TRACES;
    }

    @Override
    Traces copy(Traces data) {
      return data.copy();
    }

    @Override
    Component createReceiver(ReceiverFactory<ComponentConfig> f, ComponentContext c,
        ComponentConfig cfg, DataSink<Traces> next) {
      return f.createTraces(c, cfg, toApi(next));
    }

    @Override
    Stage<Traces> createProcessor(ProcessorFactory<ComponentConfig> f, ComponentContext c,
        ComponentConfig cfg, DataSink<Traces> next) {
      var p = f.createTraces(c, cfg, toApi(next));
      return new Stage<>(p, sink(p::consumeTraces, p.capabilities()));
    }

    @Override
    Stage<Traces> createExporter(
        ExporterFactory<ComponentConfig> f, ComponentContext c, ComponentConfig cfg) {
      var e = f.createTraces(c, cfg);
      return new Stage<>(e, sink(e::consumeTraces, e.capabilities()));
    }

    private static TracesConsumer toApi(DataSink<Traces> next) {
      Capabilities caps = caps(next);
      return new TracesConsumer() {
        @Override
        public void consumeTraces(Traces traces) {
          next.consume(traces);
        }

        @Override
        public Capabilities capabilities() {
          return caps;
        }
      };
    }
  }
}
