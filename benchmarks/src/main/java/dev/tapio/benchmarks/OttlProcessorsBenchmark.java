package dev.tapio.benchmarks;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.config.ComponentConfig;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import dev.tapio.plugin.filter.FilterFactory;
import dev.tapio.plugin.transform.TransformFactory;
import dev.tapio.testkit.TestContext;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The {@code filter} processor with the Collector's OTTL conditions next to the same filter with
 * Tapio's shorthand keys, on the same records, and the {@code transform} processor: a batch of
 * 100 log records (4 attributes, a 40-byte body; one in 10 on {@code /healthz}, one in 5 at
 * DEBUG) is copied from a template and handed to the processor, as a pipeline hands over a batch
 * it owns. One op = one record: scores are records per second and {@code gc.alloc.rate.norm} is
 * bytes per record; {@code copyOnly} is the copy alone, to subtract.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx1g"})
public class OttlProcessorsBenchmark {
  static final int RECORDS = 100;

  private Logs template;
  private Blackhole blackhole;
  private LogsProcessor shorthand;
  private LogsProcessor ottl;
  private LogsProcessor ottlRegex;
  private LogsProcessor transform;

  @Setup
  public void setUp(Blackhole bh) throws Exception {
    blackhole = bh;
    template = new Logs();
    ResourceLogs rl = template.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "checkout")
        .putString("k8s.namespace.name", "shop");
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    for (int i = 0; i < RECORDS; i++) {
      String route = i % 10 == 0 ? "/healthz" : "/api/orders/" + (i % 7);
      LogRecord r = sl.logRecords().appendEmpty()
          .setSeverity(i % 5 == 0 ? Severity.DEBUG : Severity.INFO)
          .setBody("GET " + route + " 200 12ms user=" + (1000 + i));
      r.attributes().putString("http.route", route).putLong("http.status_code", 200)
          .putString("http.method", "GET").putLong("seq", i);
    }
    shorthand = processor(new FilterFactory(), """
        logs:
          min_severity: INFO
          exclude:
            - {attribute: http.route, equals: /healthz}
        """);
    ottl = processor(new FilterFactory(), """
        logs:
          log_record:
            - severity_number < SEVERITY_NUMBER_INFO
            - attributes["http.route"] == "/healthz"
        """);
    ottlRegex = processor(new FilterFactory(), """
        logs:
          log_record:
            - severity_number < SEVERITY_NUMBER_INFO
            - IsMatch(body, "^GET /healthz ")
        """);
    transform = processor(new TransformFactory(), """
        log_statements:
          - context: log
            statements:
              - set(attributes["deployment.environment"], "prod")
              - set(attributes["error"], true) where attributes["http.status_code"] >= 500
              - replace_pattern(body, "user=\\\\d+", "user=***")
              - delete_key(attributes, "seq")
        """);
  }

  private <C extends ComponentConfig> LogsProcessor processor(ProcessorFactory<C> factory,
      String yaml) throws Exception {
    C config = ComponentConfigs.read(factory, yaml);
    return factory.createLogs(new TestContext(factory.type(), Kind.PROCESSOR, Signal.LOGS),
        config, blackhole::consume);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void copyOnly() {
    blackhole.consume(template.copy());
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void filterShorthand() {
    shorthand.consumeLogs(template.copy());
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void filterOttl() {
    ottl.consumeLogs(template.copy());
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void filterOttlIsMatch() {
    ottlRegex.consumeLogs(template.copy());
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void transform() {
    transform.consumeLogs(template.copy());
  }
}
