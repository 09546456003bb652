package dev.tapio.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The whole agent's cost at a given event rate, as an operator would measure it: the real
 * {@code bin/tapio} of the distribution runs {@code ebpf_network} → batch → {@code otlphttp}
 * (gzip, sending queue) to a sink in this process, while this process opens and closes loopback
 * TCP connections at a fixed rate (each connection is four records: open and close, outbound
 * and inbound). The agent's CPU is utime + stime of its process from {@code /proc/<pid>/stat}
 * over the measured window, its memory the RSS at the end; first with no load (idle), then at
 * each rate.
 *
 * <p>Run as root, after {@code mvn package} built the distribution: {@code java -cp
 * benchmarks/target/benchmarks.jar dev.tapio.benchmarks.AgentCpuBench [seconds]
 * [events-per-second,...] [otlphttp keys] [batch keys] [ebpf_network keys] [pipeline keys]}
 * (defaults 30 s, 0,10000, none, {@code send_batch_size: 512, timeout: 1s}, none, none); keys
 * in YAML flow style, e.g. {@code "compression: none"}.
 */
public final class AgentCpuBench {
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private AgentCpuBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    String rates = args.length > 1 ? args[1] : "0,10000";
    // Optional: more otlphttp keys in flow style, e.g. "compression: none".
    String exporterKeys = args.length > 2 ? ", " + args[2] : "";
    // Optional: batch processor keys, e.g. "send_batch_size: 8192".
    String batchKeys = args.length > 3 ? args[3] : "send_batch_size: 512, timeout: 1s";
    // Optional: ebpf_network keys, e.g. "wakeup_bytes: 64KiB".
    String receiverKeys = args.length > 4 ? args[4] : "";
    // Optional: pipeline keys, e.g. "queue: {size: 0}" (run the pipeline on the poll thread).
    String pipelineKeys = args.length > 5 ? ", " + args[5] : "";
    Path tapio = Path.of("distributions/target/tapio/bin/tapio");
    if (!Files.isExecutable(tapio)) {
      throw new IllegalStateException(tapio + " missing: build the distribution first");
    }
    LongAdder requests = new LongAdder();
    LongAdder bytes = new LongAdder();
    HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sink.createContext("/", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        bytes.add(in.readAllBytes().length);
        requests.increment();
        exchange.sendResponseHeaders(200, -1);
      }
    });
    sink.start();
    Path config = Files.createTempFile("tapio-agent-bench", ".yaml");
    Files.writeString(config, """
        receivers:
          ebpf_network: {%s}
        processors:
          batch: {%s}
        exporters:
          otlphttp: {endpoint: "http://127.0.0.1:%d"%s}
        service:
          telemetry: {metrics: {address: "127.0.0.1:0"}}
          pipelines:
            logs: {receivers: [ebpf_network], processors: [batch], exporters: [otlphttp]%s}
        """.formatted(receiverKeys, batchKeys, sink.getAddress().getPort(), exporterKeys,
        pipelineKeys));
    System.out.println(Files.readString(config));
    Process agent = new ProcessBuilder(tapio.toString(), "run", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    try (ServerSocket server = new ServerSocket(0, 512, lo)) {
      Thread.sleep(10_000); // JVM start, program load
      churn(server, lo, 2_500, 30); // JIT of the hot paths before any window
      System.out.printf(Locale.ROOT, "agent pid %d, %d s per window%n", agent.pid(), seconds);
      System.out.printf(Locale.ROOT, "%-12s %-12s %-10s %-9s %-10s %s%n", "events/s",
          "connections", "cpu ticks", "% core", "RSS MiB", "exported requests / KiB");
      for (String rate : rates.split(",")) {
        int eventsPerSecond = Integer.parseInt(rate.trim());
        int connectionsPerSecond = eventsPerSecond / 4;
        if (connectionsPerSecond > 0) {
          churn(server, lo, connectionsPerSecond, 10); // warm-up at this rate
        }
        long r0 = requests.sum();
        long b0 = bytes.sum();
        long t0 = ticks(agent.pid());
        Map<String, Long> threads0 = threadTicks(agent.pid());
        Map<String, Long> switches0 = threadSwitches(agent.pid());
        long made = connectionsPerSecond > 0 ? churn(server, lo, connectionsPerSecond, seconds)
            : sleep(seconds);
        long t1 = ticks(agent.pid());
        System.out.printf(Locale.ROOT, "%-12d %-12d %-10d %-9.2f %-10.1f %d / %d%n",
            eventsPerSecond, made, t1 - t0,
            100.0 * (t1 - t0) / TICKS_PER_SECOND / seconds, rssMib(agent.pid()),
            requests.sum() - r0, (bytes.sum() - b0) >> 10);
        Map<String, Long> threads1 = threadTicks(agent.pid());
        StringBuilder breakdown = new StringBuilder("    by thread:");
        threads1.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
            .filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .forEach(e -> breakdown.append(' ').append(e.getKey()).append('=')
                .append(e.getValue()));
        System.out.println(breakdown);
        Map<String, Long> switches1 = threadSwitches(agent.pid());
        StringBuilder wakeups = new StringBuilder("    wake-ups per second (voluntary context"
            + " switches):");
        switches1.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - switches0.getOrDefault(e.getKey(), 0L)))
            .filter(e -> e.getValue() >= seconds)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .forEach(e -> wakeups.append(' ').append(e.getKey()).append('=')
                .append(e.getValue() / seconds));
        System.out.println(wakeups);
      }
    } finally {
      agent.destroy();
      agent.waitFor();
      sink.stop(0);
      Files.deleteIfExists(config);
    }
  }

  private static long sleep(int seconds) throws InterruptedException {
    Thread.sleep(seconds * 1000L);
    return 0;
  }

  /** Opens and closes connections at {@code perSecond} for {@code seconds}; returns how many. */
  private static long churn(ServerSocket server, InetAddress lo, int perSecond, int seconds)
      throws IOException {
    long interval = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    long n = 0;
    for (long next = start; next < end; next += interval) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      try (Socket client = new Socket(lo, server.getLocalPort());
          Socket accepted = server.accept()) {
        client.shutdownOutput();
        accepted.shutdownOutput();
      }
      n++;
    }
    return n;
  }

  /** utime + stime of a process, in clock ticks. */
  private static long ticks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // Fields after the command name, which is in parentheses and may hold spaces.
    List<String> f = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
    return Long.parseLong(f.get(11)) + Long.parseLong(f.get(12));
  }

  /**
   * utime + stime per thread name (as the kernel keeps it: 15 characters), numbered threads of
   * one pool summed under the name without its number.
   */
  private static Map<String, Long> threadTicks(long pid) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
            .replaceAll("[-#]?\\d+$", "");
        List<String> f = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        out.merge(name, Long.parseLong(f.get(11)) + Long.parseLong(f.get(12)), Long::sum);
      }
    }
    return out;
  }

  /**
   * Voluntary context switches per thread name (summed as in {@link #threadTicks}): each is a
   * thread going to sleep, so between two reads, how often it was woken.
   */
  private static Map<String, Long> threadSwitches(long pid) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        String name = null;
        long switches = -1;
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("Name:")) {
              name = line.substring(5).strip().replaceAll("[-#]?\\d+$", "");
            } else if (line.startsWith("voluntary_ctxt_switches:")) {
              switches = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
          }
        } catch (IOException e) {
          continue; // the thread ended
        }
        if (name != null && switches >= 0) {
          out.merge(name, switches, Long::sum);
        }
      }
    }
    return out;
  }

  private static double rssMib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return -1;
  }
}
