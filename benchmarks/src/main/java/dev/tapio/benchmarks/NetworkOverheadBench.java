package dev.tapio.benchmarks;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentId;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.Logs;
import dev.tapio.plugin.ebpf.network.EbpfNetworkConfig;
import dev.tapio.plugin.ebpf.network.EbpfNetworkReceiverFactory;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Overhead of the {@code ebpf_network} receiver on TCP connection churn: loopback connections per
 * second (connect, accept, orderly close on both sides, one thread) with and without the
 * receiver attached, alternating rounds in one run, and the CPU its poll thread spends per 10k
 * connections. The kernel-side cost (the programs run in the connecting thread and in softirq)
 * shows in the rate; the poll thread's CPU is the agent's own.
 *
 * <p>Run as root: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tapio.benchmarks.NetworkOverheadBench [seconds-per-round] [rounds] [config-yaml]}.
 */
public final class NetworkOverheadBench {

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    EbpfNetworkReceiverFactory factory = new EbpfNetworkReceiverFactory();
    // Optional third argument: the receiver's config as YAML (flow style), e.g. "{wakeup_bytes:
    // 64KiB}"; the defaults otherwise.
    EbpfNetworkConfig config = ComponentConfigs.read(factory, args.length > 2 ? args[2] : "");
    LongAdder records = new LongAdder();
    LogsConsumer sink = (Logs logs) -> records.add(logs.logRecordCount());
    try (ServerSocket server = new ServerSocket(0, 128, lo)) {
      churn(server, lo, 1.0); // warm-up
      double[] without = new double[rounds];
      double[] with = new double[rounds];
      long attachedConnections = 0;
      long cpuTotal = 0;
      for (int r = 0; r < rounds; r++) {
        without[r] = churn(server, lo, seconds);
        Ctx ctx = new Ctx();
        Component receiver = factory.createLogs(ctx, config, sink);
        receiver.start(new Host() {
          @Override
          public java.util.Optional<Component> extension(ComponentId id) {
            return java.util.Optional.empty();
          }

          @Override
          public Map<ComponentId, Component> extensions() {
            return Map.of();
          }
        });
        if (ctx.status != ComponentStatus.OK) {
          throw new IllegalStateException("receiver did not load: " + ctx.reason);
        }
        long cpu0 = pollThreadCpu();
        with[r] = churn(server, lo, seconds);
        receiver.shutdown();
        cpuTotal += pollThreadCpuAtStop(cpu0);
        attachedConnections += (long) (with[r] * seconds);
        System.out.printf("round %d: without %.0f conn/s, with %.0f conn/s, ratio %.3f%n", r + 1,
            without[r], with[r], with[r] / without[r]);
      }
      double cpuPer10k = attachedConnections == 0 ? 0 : cpuTotal / 1e6 * 10_000 / attachedConnections;
      double a = median(without);
      double b = median(with);
      System.out.printf("median: without %.0f conn/s, with %.0f conn/s, ratio %.3f; poll thread"
          + " CPU %.1f ms per 10k connections; %d records%n", a, b, b / a, cpuPer10k,
          records.sum());
    }
  }

  private static volatile long lastPollCpu;

  /** CPU ns of the receiver's poll thread so far (sampled while it runs). */
  private static long pollThreadCpu() {
    var mx = ManagementFactory.getThreadMXBean();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("tapio-ebpf-network")) {
        long ns = mx.getThreadCpuTime(t.threadId());
        lastPollCpu = ns;
        return ns;
      }
    }
    return 0;
  }

  private static long pollThreadCpuAtStop(long start) {
    // The thread has ended by now; its last sample was taken by the churn loop's sampler.
    return Math.max(0, lastPollCpu - start);
  }

  /** Connections per second over {@code seconds}, sampling the poll thread's CPU meanwhile. */
  private static double churn(ServerSocket server, InetAddress lo, double seconds)
      throws Exception {
    long n = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long nextSample = start;
    long now;
    while ((now = System.nanoTime()) < end) {
      for (int i = 0; i < 64; i++) {
        try (Socket client = new Socket(lo, server.getLocalPort());
            Socket accepted = server.accept()) {
          client.shutdownOutput();
          accepted.getInputStream().read();
        }
        n++;
      }
      if (now >= nextSample) {
        pollThreadCpu();
        nextSample = now + 100_000_000L;
      }
    }
    pollThreadCpu();
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** The least a receiver needs from the engine: counters, gauges, status, a logger. */
  private static final class Ctx implements ComponentContext {
    final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    volatile ComponentStatus status;
    volatile String reason;

    @Override
    public ComponentId id() {
      return ComponentId.of("ebpf_network");
    }

    @Override
    public Kind kind() {
      return Kind.RECEIVER;
    }

    @Override
    public Signal signal() {
      return Signal.LOGS;
    }

    @Override
    public System.Logger logger() {
      return System.getLogger("ebpf_network");
    }

    @Override
    public void dropped(long count, String reason) {
      counters.computeIfAbsent("dropped_" + reason, k -> new LongAdder()).add(count);
    }

    @Override
    public Counter counter(String name, String description, String... labelPairs) {
      LongAdder a = counters.computeIfAbsent(name + String.join(",", labelPairs),
          k -> new LongAdder());
      return new Counter() {
        @Override
        public void add(long delta) {
          a.add(delta);
        }

        @Override
        public long value() {
          return a.sum();
        }
      };
    }

    @Override
    public void gauge(String name, String description, DoubleSupplier value,
        String... labelPairs) {}

    @Override
    public void reportStatus(ComponentStatus status, String reason) {
      this.status = status;
      this.reason = reason;
    }
  }
}
