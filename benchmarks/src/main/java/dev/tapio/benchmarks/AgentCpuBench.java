package dev.tapio.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
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
 *
 * <p>{@code -Dworkload=} picks the receiver and what makes its events: {@code network} (the
 * default: connection churn, 4 records per connection), {@code process} ({@code ebpf_process}:
 * this process starts {@code /bin/true}, 2 records per process, exec and exit; a JVM starts at
 * most a few thousand processes a second) or {@code dns} ({@code ebpf_dns}: UDP queries to a
 * responder this process runs on 127.0.0.1:53, one record per query and answer).
 * {@code -Dexporter=otlp} exports with the gRPC exporter to a second Tapio (an {@code otlp} gRPC
 * receiver into {@code debug}) instead of otlphttp to this process (the request columns then
 * stay 0).
 *
 * <p>{@code -Dconfig=default} runs {@code tapio run} without a configuration, the embedded
 * default (every eBPF receiver, resourcedetection, batch, debug to stdout), under the same load;
 * nothing is exported to this process then.
 *
 * <p>{@code -Dconsumer=c} (default {@code tapio}) measures, instead of the agent, the C reference
 * consumer {@code src/main/c/agent_reference.c} (compiled here with gcc into {@code
 * benchmarks/target/agent_reference}): the same program with the receiver's default config and
 * wake-up policy, reading and formatting each record into a line for /dev/null and nothing more,
 * so that the agent's CPU per event can be given as a ratio to it. The last column then shows
 * the records it consumed in the window against those the workload made (4 per connection, 3
 * per process: exec of jspawnhelper, exec of the program, exit; 2 per DNS query: query and
 * answer, which the agent pairs into one record; other processes on the host add their own).
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
    boolean reference = System.getProperty("consumer", "tapio").equals("c");
    if (!reference && !Files.isExecutable(tapio)) {
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
    String workload = System.getProperty("workload", "network");
    String receiver = switch (workload) {
      case "network" -> "ebpf_network";
      case "process" -> "ebpf_process";
      case "dns" -> "ebpf_dns";
      default -> throw new IllegalArgumentException("workload: network, process or dns, not "
          + workload);
    };
    // -Dexporter=otlp: the gRPC exporter, to a second Tapio (otlp gRPC receiver -> debug).
    String exporter = System.getProperty("exporter", "otlphttp");
    Process gateway = null;
    String exporterYaml;
    if (exporter.equals("otlp") && !reference) {
      int port;
      try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        port = free.getLocalPort();
      }
      Path gw = Files.createTempFile("tapio-agent-bench-gateway", ".yaml");
      Files.writeString(gw, """
          receivers: {otlp: {protocols: {grpc: {endpoint: "127.0.0.1:%d"}}}}
          exporters: {debug: {verbosity: basic}}
          service:
            telemetry: {metrics: {address: "127.0.0.1:0"}}
            pipelines: {logs: {receivers: [otlp], exporters: [debug]}}
          """.formatted(port));
      gateway = new ProcessBuilder(tapio.toString(), "run", "--config", gw.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      exporterYaml = "otlp: {endpoint: \"127.0.0.1:%d\", tls: {insecure: true}%s}"
          .formatted(port, exporterKeys);
    } else {
      exporterYaml = "otlphttp: {endpoint: \"http://127.0.0.1:%d\"%s}"
          .formatted(sink.getAddress().getPort(), exporterKeys);
    }
    Path config = Files.createTempFile("tapio-agent-bench", ".yaml");
    Files.writeString(config, """
        receivers:
          %s: {%s}
        processors:
          batch: {%s}
        exporters:
          %s
        service:
          telemetry: {metrics: {address: "127.0.0.1:0"}}
          pipelines:
            logs: {receivers: [%s], processors: [batch], exporters: [%s]%s}
        """.formatted(receiver, receiverKeys, batchKeys, exporterYaml, receiver,
        exporter.equals("otlp") ? "otlp" : "otlphttp", pipelineKeys));
    Reference ref = reference ? Reference.start(workload) : null;
    if (!reference) {
      System.out.println(Files.readString(config));
    }
    // -Dconfig=default: `tapio run` with its embedded default configuration (every eBPF
    // receiver → resourcedetection → batch → debug on stdout, discarded here) under the load.
    boolean embeddedDefault = System.getProperty("config", "bench").equals("default");
    Process agent = reference ? ref.process
        : new ProcessBuilder(embeddedDefault ? List.of(tapio.toString(), "run")
            : List.of(tapio.toString(), "run", "--config", config.toString()))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    try (ServerSocket server = new ServerSocket(0, 512, lo);
        DnsResponder dns = workload.equals("dns") ? new DnsResponder(lo) : null) {
      Load load = switch (workload) {
        case "process" -> new Load(2, AgentCpuBench::execs);
        case "dns" -> new Load(1, dns::queries);
        default -> new Load(4, (perSecond, s) -> churn(server, lo, perSecond, s));
      };
      Thread.sleep(10_000); // JVM start, program load
      load.run(10_000 / load.eventsPer(), 30); // JIT of the hot paths before any window
      System.out.printf(Locale.ROOT, "%s pid %d, %d s per window%n",
          reference ? "agent_reference" : "agent", agent.pid(), seconds);
      System.out.printf(Locale.ROOT, "%-12s %-12s %-10s %-9s %-10s %s%n", "events/s",
          workload.equals("network") ? "connections" : workload.equals("dns") ? "queries"
              : "processes", "cpu ticks", "% core", "RSS MiB", reference
              ? "records consumed / made" : "exported requests / KiB");
      // Ring records per unit: the JVM starts a process by exec'ing jspawnhelper, then the
      // program (2 execs, 1 exit); a DNS query is 2 records (query, answer), 1 log record.
      int recordsPer = switch (workload) {
        case "process" -> 3;
        case "dns" -> 2;
        default -> load.eventsPer();
      };
      for (String rate : rates.split(",")) {
        int eventsPerSecond = Integer.parseInt(rate.trim());
        int connectionsPerSecond = eventsPerSecond / load.eventsPer();
        if (connectionsPerSecond > 0) {
          load.run(connectionsPerSecond, 10); // warm-up at this rate
        }
        long r0 = requests.sum();
        long b0 = bytes.sum();
        long e0 = reference ? ref.records() : 0;
        long t0 = ticks(agent.pid());
        long s0 = ticks(agent.pid(), 12);
        Map<String, Long> threads0 = threadTicks(agent.pid());
        Map<String, Long> systems0 = threadTicks(agent.pid(), true);
        Map<String, Long> switches0 = threadSwitches(agent.pid());
        long made = connectionsPerSecond > 0 ? load.run(connectionsPerSecond, seconds)
            : sleep(seconds);
        long t1 = ticks(agent.pid());
        System.out.printf(Locale.ROOT, "%-12d %-12d %-10d %-9.2f %-10.1f %s%n",
            eventsPerSecond, made, t1 - t0,
            100.0 * (t1 - t0) / TICKS_PER_SECOND / seconds, rssMib(agent.pid()), reference
                ? (ref.records() - e0) + " / " + made * recordsPer
                : (requests.sum() - r0) + " / " + ((bytes.sum() - b0) >> 10));
        Map<String, Long> threads1 = threadTicks(agent.pid());
        Map<String, Long> systems1 = threadTicks(agent.pid(), true);
        long system = ticks(agent.pid(), 12) - s0;
        StringBuilder breakdown = new StringBuilder("    by thread, total/system (system "
            + system + " of the ticks):");
        threads1.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
            .filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .forEach(e -> breakdown.append(' ').append(e.getKey()).append('=')
                .append(e.getValue()).append('/').append(systems1.getOrDefault(e.getKey(), 0L)
                    - systems0.getOrDefault(e.getKey(), 0L)));
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
      if (reference) {
        agent.toHandle().destroy(); // SIGTERM; Process.destroy would also close its output
        System.out.println("agent_reference at exit: " + ref.out.readLine());
      } else {
        agent.destroy();
      }
      agent.waitFor();
      if (gateway != null) {
        gateway.destroy();
        gateway.waitFor();
      }
      sink.stop(0);
      Files.deleteIfExists(config);
    }
  }

  /**
   * {@code -Dconsumer=c}: the C reference consumer, compiled and started on the workload's
   * program. It prints {@code ready} once attached, and {@code events=N cpu_ns=T ...} (records
   * consumed so far, after draining its ring) on SIGUSR1 and at exit (SIGTERM).
   */
  private record Reference(Process process, BufferedReader out) {
    static Reference start(String workload) throws Exception {
      String binary = "benchmarks/target/agent_reference";
      Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", binary,
          "benchmarks/src/main/c/agent_reference.c", "-lbpf").inheritIO().start();
      if (gcc.waitFor() != 0) {
        throw new IllegalStateException("gcc failed on agent_reference.c");
      }
      Process p = new ProcessBuilder(binary, workload,
          "bpf/target/classes/dev/tapio/bpf/programs/" + workload + ".bpf.o")
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Reference ref = new Reference(p, p.inputReader());
      String line = ref.out.readLine();
      if (!"ready".equals(line)) {
        p.destroy();
        throw new IllegalStateException("agent_reference did not start (see above): " + line);
      }
      return ref;
    }

    /** Records consumed so far. */
    long records() throws Exception {
      new ProcessBuilder("kill", "-USR1", Long.toString(process.pid())).start().waitFor();
      String line = out.readLine();
      if (line == null || !line.startsWith("events=")) {
        throw new IllegalStateException("agent_reference: " + line);
      }
      return Long.parseLong(line.substring("events=".length(), line.indexOf(' ')));
    }
  }

  /** What makes the events: {@code eventsPer} records for each unit {@code run} makes. */
  private record Load(int eventsPer, Paced body) {
    long run(int perSecond, int seconds) throws Exception {
      return body.run(perSecond, seconds);
    }
  }

  private interface Paced {
    long run(int perSecond, int seconds) throws Exception;
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Runs {@code step} at {@code perSecond} for {@code seconds}; returns how many times. */
  private static long paced(int perSecond, int seconds, Step step) throws Exception {
    long interval = 1_000_000_000L / perSecond;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long n = 0;
    // Behind schedule it catches up in a burst, but never past the end: a rate the harness
    // cannot reach (process starts) runs flat out for the time given.
    for (long next = System.nanoTime(); next < end && System.nanoTime() < end;
        next += interval) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      step.run();
      n++;
    }
    return n;
  }

  /** Starts /bin/true at {@code perSecond} (as far as this JVM can), reaping each. */
  private static long execs(int perSecond, int seconds) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/bin/true");
    return paced(perSecond, seconds, () -> pb.start().waitFor());
  }

  /**
   * A DNS server on 127.0.0.1:53 answering every query with its own bytes and the response bit
   * set (what ebpf_dns needs to pair them), and a client sending A queries to it.
   */
  private static final class DnsResponder implements AutoCloseable {
    private final java.net.DatagramSocket server;
    private final java.net.DatagramSocket client;

    DnsResponder(InetAddress lo) throws IOException {
      server = new java.net.DatagramSocket(new InetSocketAddress(lo, 53));
      client = new java.net.DatagramSocket();
      client.connect(new InetSocketAddress(lo, 53));
      client.setSoTimeout(1000);
      Thread.ofPlatform().daemon(true).start(() -> {
        byte[] buf = new byte[512];
        java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
        while (!server.isClosed()) {
          try {
            p.setLength(buf.length);
            server.receive(p);
            buf[2] |= (byte) 0x80; // QR: a response
            server.send(p);
          } catch (IOException e) {
            return; // closed
          }
        }
      });
    }

    long queries(int perSecond, int seconds) throws Exception {
      byte[] query = {0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 't', 'a', 'p', 'i', 'o', 4, 't', 'e',
          's', 't', 0, 0, 1, 0, 1};
      byte[] answer = new byte[512];
      int[] id = {0};
      return paced(perSecond, seconds, () -> {
        id[0]++;
        query[0] = (byte) (id[0] >> 8);
        query[1] = (byte) id[0];
        client.send(new java.net.DatagramPacket(query, query.length));
        client.receive(new java.net.DatagramPacket(answer, answer.length));
      });
    }

    @Override
    public void close() {
      server.close();
      client.close();
    }
  }

  private static long sleep(int seconds) throws InterruptedException {
    Thread.sleep(seconds * 1000L);
    return 0;
  }

  /** Opens and closes connections at {@code perSecond} for {@code seconds}; returns how many. */
  private static long churn(ServerSocket server, InetAddress lo, int perSecond, int seconds)
      throws Exception {
    return paced(perSecond, seconds, () -> {
      try (Socket client = new Socket(lo, server.getLocalPort());
          Socket accepted = server.accept()) {
        client.shutdownOutput();
        accepted.shutdownOutput();
      }
    });
  }

  /** utime + stime of a process, in clock ticks. */
  private static long ticks(long pid) throws IOException {
    return ticks(pid, 11) + ticks(pid, 12);
  }

  /** One field of a process's stat after its command name: 11 utime, 12 stime (ticks). */
  private static long ticks(long pid, int field) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // Fields after the command name, which is in parentheses and may hold spaces.
    List<String> f = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
    return Long.parseLong(f.get(field));
  }

  /**
   * utime + stime per thread name (as the kernel keeps it: 15 characters), numbered threads of
   * one pool summed under the name without its number.
   */
  private static Map<String, Long> threadTicks(long pid) throws IOException {
    return threadTicks(pid, false);
  }

  /** As {@link #threadTicks(long)}, stime only when {@code system}. */
  private static Map<String, Long> threadTicks(long pid, boolean system) throws IOException {
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
        out.merge(name, (system ? 0 : Long.parseLong(f.get(11))) + Long.parseLong(f.get(12)),
            Long::sum);
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
