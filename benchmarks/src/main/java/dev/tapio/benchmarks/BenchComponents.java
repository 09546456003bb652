package dev.tapio.benchmarks;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.pdata.Logs;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.pf4j.Extension;

/**
 * Components for benchmarks, found on the classpath through the same PF4J door as plugins:
 * {@code bench_push} exposes its consumer so a JMH thread can push directly, {@code nop}
 * counts and discards.
 */
public final class BenchComponents {
  static final Map<String, LogsConsumer> PUSH = new ConcurrentHashMap<>();
  static final LongAdder EXPORTED = new LongAdder();

  private BenchComponents() {}

  public record Empty() implements ComponentConfig {}

  @Extension
  public static final class PushFactory implements ReceiverFactory<Empty> {
    @Override
    public String type() {
      return "bench_push";
    }

    @Override
    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    @Override
    public Set<Signal> signals() {
      return Set.of(Signal.LOGS);
    }

    @Override
    public Empty createDefaultConfig() {
      return new Empty();
    }

    @Override
    public Empty readConfig(ConfigReader reader) {
      return new Empty();
    }

    @Override
    public Component createLogs(ComponentContext context, Empty config, LogsConsumer next) {
      PUSH.put(context.id().toString(), next);
      return new Component() {};
    }
  }

  @Extension
  public static final class NopFactory implements ExporterFactory<Empty> {
    @Override
    public String type() {
      return "nop";
    }

    @Override
    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    @Override
    public Set<Signal> signals() {
      return Set.of(Signal.LOGS);
    }

    @Override
    public Empty createDefaultConfig() {
      return new Empty();
    }

    @Override
    public Empty readConfig(ConfigReader reader) {
      return new Empty();
    }

    @Override
    public LogsExporter createLogs(ComponentContext context, Empty config) {
      return new LogsExporter() {
        @Override
        public void consumeLogs(Logs logs) {
          EXPORTED.add(logs.logRecordCount());
        }
      };
    }
  }
}
