package dev.tapio.plugin.k8sattributes;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The k8sattributes processor with {@code pods} pods cached from a real list+watch (fabric8's
 * API server mock, {@link PodFleet}), on batches of 100 eBPF-style records: {@code
 * byContainerId} (each record's {@code container.id} from a different pod, so every record is
 * looked up and gets its own pod's attributes) and {@code byPeerAddress} (network records whose
 * {@code network.peer.address} is a pod IP, named with {@code k8s.dst.*}). Scores are records per
 * second; run with {@code -prof gc} for bytes allocated per record ({@code gc.alloc.rate.norm}).
 * The processor rewrites the same attributes on each pass, as it would on fresh records.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class K8sAttributesBenchmark {
  static final int BATCH = 100;
  static final String CONFIG = """
      auth_type: none
      extract:
        metadata: [k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.pod.start_time,
                   k8s.deployment.name, k8s.replicaset.name, k8s.node.name,
                   k8s.container.name, container.image.name, container.image.tag]
        labels:
          - tag_name: app.label.component
            key: app.kubernetes.io/name
        annotations:
          - tag_name: owner
            key: owner/email
        peer:
          enabled: true
      """;

  @Param({"1000", "10000"})
  public int pods;

  private PodFleet fleet;
  private LogsProcessor processor;
  private Logs byContainer;
  private Logs byPeer;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    fleet = new PodFleet(pods);
    TestContext context = new TestContext("k8sattributes", Kind.PROCESSOR, Signal.LOGS);
    K8sAttributesFactory f = new K8sAttributesFactory(c -> fleet.client, Map.<String, String>of()::get);
    processor = f.createLogs(context, ComponentConfigs.read(f, CONFIG), logs -> { });
    processor.start(new TestHost());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (context.gaugeValue("otelcol_otelsvc_k8s_pod_table_size") < pods) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cache holds "
            + context.gaugeValue("otelcol_otelsvc_k8s_pod_table_size") + " of " + pods);
      }
      Thread.sleep(20);
    }
    SplittableRandom random = new SplittableRandom(7);
    byContainer = new Logs();
    ScopeLogs a = byContainer.resourceLogs().appendEmpty().scopeLogs().appendEmpty();
    byPeer = new Logs();
    ScopeLogs b = byPeer.resourceLogs().appendEmpty().scopeLogs().appendEmpty();
    for (int i = 0; i < BATCH; i++) {
      int pod = random.nextInt(pods);
      LogRecord r = a.logRecords().appendEmpty();
      r.setEventName("process.exec");
      r.attributes().putString("container.id", fleet.containerIds[pod]);
      r.attributes().putLong("process.pid", 1000 + i);
      LogRecord n = b.logRecords().appendEmpty();
      n.setEventName("network.connection.close");
      n.attributes().putString("network.peer.address", fleet.ips[random.nextInt(pods)]);
      n.attributes().putLong("network.peer.port", 8080);
    }
    // The first pass must have named every record: otherwise the score measures misses.
    processor.consumeLogs(byContainer);
    processor.consumeLogs(byPeer);
    for (int i = 0; i < BATCH; i++) {
      LogRecord r = a.logRecords().get(i);
      LogRecord n = b.logRecords().get(i);
      if (r.attributes().getString("k8s.pod.name") == null
          || n.attributes().getString("k8s.dst.name") == null) {
        throw new IllegalStateException("record " + i + " was not named: " + r + " / " + n);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    processor.shutdown();
    fleet.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Logs byContainerId() {
    processor.consumeLogs(byContainer);
    return byContainer;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Logs byPeerAddress() {
    processor.consumeLogs(byPeer);
    return byPeer;
  }
}
