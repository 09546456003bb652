package dev.tapio.plugin.k8sattributes;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Heap per cached pod: for each pod count given (default 1,000, a full node, and 10,000, a
 * gateway watching a large namespace), fills fabric8's API server mock, measures the live heap
 * after full collections, starts the k8sattributes processor with {@link
 * K8sAttributesBenchmark#CONFIG}, waits for its cache to hold every pod, and measures again.
 * The difference is what the processor keeps: its indexes and stripped pods, the informers'
 * reduced stores, the client. Run:
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.tapio.plugin.k8sattributes.K8sAttributesMemoryBench 1000 10000</pre>
 */
public final class K8sAttributesMemoryBench {
  private K8sAttributesMemoryBench() {}

  public static void main(String[] args) throws Exception {
    int[] counts = args.length == 0 ? new int[] {1000, 10000}
        : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.println("pods  heap before  heap after  per pod");
    for (int pods : counts) {
      try (PodFleet fleet = new PodFleet(pods)) {
        long before = liveHeap();
        TestContext context = new TestContext("k8sattributes", Kind.PROCESSOR, Signal.LOGS);
        K8sAttributesFactory f = new K8sAttributesFactory(c -> fleet.client,
            Map.<String, String>of()::get);
        LogsProcessor p = f.createLogs(context,
            ComponentConfigs.read(f, K8sAttributesBenchmark.CONFIG), logs -> { });
        p.start(new TestHost());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (context.gaugeValue("otelcol_otelsvc_k8s_pod_table_size") < pods) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("cache did not fill");
          }
          Thread.sleep(20);
        }
        long after = liveHeap();
        System.out.printf(Locale.ROOT, "%5d  %8.1f MB  %8.1f MB  %6d B%n", pods, before / 1e6,
            after / 1e6, (after - before) / pods);
        p.shutdown();
      }
    }
  }

  /** Heap in use after collections settle (three in a row within 1%). */
  private static long liveHeap() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(200);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(last - used) < used / 100) {
        return used;
      }
      last = used;
    }
    return last;
  }
}
