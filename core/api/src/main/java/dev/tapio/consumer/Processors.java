package dev.tapio.consumer;

import dev.tapio.component.Component;
import dev.tapio.component.Host;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;
import java.util.function.Consumer;

/**
 * Builds the signal-typed processor faces from one signal-independent implementation, so a
 * processor written once for {@code TelemetryData} does not need a class per signal:
 *
 * <pre>{@code
 * return Processors.logs(limiter, logs -> { limiter.admit(logs); next.consumeLogs(logs); },
 *     Capabilities.READS_ONLY);
 * }</pre>
 *
 * The returned processors delegate start and shutdown to {@code lifecycle} and are as
 * thread-safe as the given consume function.
 */
public final class Processors {
  private Processors() {}

  public static LogsProcessor logs(Component lifecycle, Consumer<Logs> consume,
      Capabilities capabilities) {
    return new LogsProcessor() {
      @Override
      public void consumeLogs(Logs logs) {
        consume.accept(logs);
      }

      @Override
      public Capabilities capabilities() {
        return capabilities;
      }

      @Override
      public void start(Host host) throws Exception {
        lifecycle.start(host);
      }

      @Override
      public void shutdown() throws Exception {
        lifecycle.shutdown();
      }
    };
  }

  public static MetricsProcessor metrics(Component lifecycle, Consumer<Metrics> consume,
      Capabilities capabilities) {
    return new MetricsProcessor() {
      @Override
      public void consumeMetrics(Metrics metrics) {
        consume.accept(metrics);
      }

      @Override
      public Capabilities capabilities() {
        return capabilities;
      }

      @Override
      public void start(Host host) throws Exception {
        lifecycle.start(host);
      }

      @Override
      public void shutdown() throws Exception {
        lifecycle.shutdown();
      }
    };
  }

  public static TracesProcessor traces(Component lifecycle, Consumer<Traces> consume,
      Capabilities capabilities) {
    return new TracesProcessor() {
      @Override
      public void consumeTraces(Traces traces) {
        consume.accept(traces);
      }

      @Override
      public Capabilities capabilities() {
        return capabilities;
      }

      @Override
      public void start(Host host) throws Exception {
        lifecycle.start(host);
      }

      @Override
      public void shutdown() throws Exception {
        lifecycle.shutdown();
      }
    };
  }
}
