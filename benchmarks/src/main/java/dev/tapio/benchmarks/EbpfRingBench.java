package dev.tapio.benchmarks;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfObject;
import dev.tapio.bpf.RingBuffer;
import dev.tapio.bpf.receiver.WakeupPolicy;
import dev.tapio.bpf.libc.Libc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The eBPF ring buffer benchmarks, side by side in one run (see benchmarks/README.md, section
 * "eBPF ring buffer", and ebpf-bench.sh, which builds and runs this as root).
 *
 * <p>Source: bpf/src/main/bpf/bench.bpf.c, one 64-byte record per getppid(2) of this process.
 * The producer is always this JVM's main thread calling libc getppid through FFM, so the Java
 * consumer and the C libbpf consumer (a subprocess, benchmarks/src/main/c/ringbuf_consumer.c)
 * are fed by the identical producer; each run loads its own copy of the object.
 *
 * <ol>
 *   <li>throughput: an unpaced producer of {@code --count} calls; the consumer's rate is
 *       records consumed / (producer start → consumer has every record consumed or counted as
 *       dropped). Java and C rounds alternate; the first Java round warms the JIT and is not
 *       counted.
 *   <li>latency: a paced producer at 10k, 100k and 1M calls/s (or {@code --rates}); kernel
 *       {@code ktime} (boot clock) → the moment the Java consumer hands the decoded batch on
 *       (CLOCK_BOOTTIME after the drain), into an HdrHistogram.
 * </ol>
 *
 * <p>Not thread-safe; a command-line harness.
 */
public final class EbpfRingBench {
  private EbpfRingBench() {}

  private static final Linker LINKER = Linker.nativeLinker();
  // critical: no thread-state transition around a syscall that never blocks, so the producer
  // is as cheap as FFM allows (the C and Java consumers get the same producer either way).
  private static final MethodHandle GETPPID = LINKER.downcallHandle(
      LINKER.defaultLookup().find("getppid").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT), Linker.Option.critical(false));
  private static final MethodHandle SCHED_SETAFFINITY = LINKER.downcallHandle(
      LINKER.defaultLookup().find("sched_setaffinity").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
          ValueLayout.ADDRESS));
  private static final int DRAIN_LIMIT = 8192;

  record Options(long count, int rounds, int ringBytes, long wakeupBytes, int pollMillis,
      Path cConsumer, int latencySeconds, boolean pin, String only, String policies,
      int[] rates) {
    static Options parse(String[] args) {
      Map<String, String> m = new HashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        if (!args[i].startsWith("--")) {
          throw new IllegalArgumentException("expected --option value, got " + args[i]);
        }
        m.put(args[i].substring(2), args[i + 1]);
      }
      return new Options(Long.parseLong(m.getOrDefault("count", "20000000")),
          Integer.parseInt(m.getOrDefault("rounds", "3")),
          Integer.parseInt(m.getOrDefault("ring", String.valueOf(1 << 20))),
          Long.parseLong(m.getOrDefault("wakeup", String.valueOf(256 * 1024))),
          Integer.parseInt(m.getOrDefault("poll-ms", "1")),
          m.containsKey("c-consumer") ? Path.of(m.get("c-consumer")) : null,
          Integer.parseInt(m.getOrDefault("latency-seconds", "5")),
          Boolean.parseBoolean(m.getOrDefault("pin", "true")),
          m.getOrDefault("only", "all"),
          // Latency policies as poll-ms:wakeup-bytes, "adaptive" for the adaptive policy.
          m.getOrDefault("policies", "10:65536,50:4096,50:adaptive,5:4096,1:4096"),
          // Latency runs' rates, records per second.
          java.util.Arrays.stream(m.getOrDefault("rates", "10000,100000,1000000").split(","))
              .mapToInt(Integer::parseInt).toArray());
    }
  }

  /** One consumer's result over one run. */
  record Result(String consumer, long offered, long consumed, long dropped, double seconds,
      double producerSeconds, double cpuNanosPerEvent, double bytesPerEvent, long badSeq) {
    double rate() {
      return consumed / seconds;
    }
  }

  public static void main(String[] args) throws Throwable {
    Options o = Options.parse(args);
    if (!"0".equals(uid())) {
      System.out.println("SKIPPED: the eBPF benchmarks need root (effective uid is " + uid()
          + ")");
      System.exit(2);
    }
    System.out.printf(Locale.ROOT, "eBPF ring buffer benchmark: %s, %d CPUs, %s %s; JDK %s%n",
        Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
        cpuModel(), Runtime.version());
    System.out.printf(Locale.ROOT, "ring %d bytes, wakeup_bytes %d, poll timeout %d ms, "
        + "64-byte records (72 in the ring), pinned %s%n", o.ringBytes(), o.wakeupBytes(),
        o.pollMillis(), o.pin() ? "producer cpu0, consumer cpu1" : "no");
    if (o.only().equals("all") || o.only().equals("throughput")) {
      throughput(o);
    }
    if (o.only().equals("all") || o.only().equals("latency")) {
      latency(o);
    }
  }

  // ---- throughput ------------------------------------------------------------------------

  private static void throughput(Options o) throws Throwable {
    Path object = extractObject();
    System.out.printf(Locale.ROOT, "%n== throughput: unpaced producer, %,d getppid calls per"
        + " round ==%n", o.count());
    // JIT warm-up of the Java consumer, drain loop and producer; not counted.
    Result warm = javaRun(o, Math.min(o.count(), 5_000_000L), o.wakeupBytes());
    System.out.printf(Locale.ROOT, "(warm-up java round: %.2f M/s)%n", warm.rate() / 1e6);
    List<Result> java = new ArrayList<>();
    List<Result> c = new ArrayList<>();
    header();
    for (int i = 0; i < o.rounds(); i++) {
      Result j = javaRun(o, o.count(), o.wakeupBytes());
      java.add(j);
      row(j);
      if (o.cConsumer() != null) {
        Result r = cRun(o, object, o.count(), o.wakeupBytes());
        c.add(r);
        row(r);
      }
    }
    double jm = median(java);
    System.out.printf(Locale.ROOT, "median Tapio RingBuffer: %.3f M events/s%n", jm / 1e6);
    if (!c.isEmpty()) {
      double cm = median(c);
      System.out.printf(Locale.ROOT, "median C libbpf:         %.3f M events/s%n", cm / 1e6);
      System.out.printf(Locale.ROOT, "Tapio / C = %.2f (median of %d alternating rounds;"
          + " per round:", jm / cm, o.rounds());
      for (int i = 0; i < java.size(); i++) {
        System.out.printf(Locale.ROOT, " %.2f", java.get(i).rate() / c.get(i).rate());
      }
      System.out.println(")");
    }
    // The other wake-up policy: every submit wakes the consumer (wakeup_bytes = 1), which
    // DESIGN.md measured at a third of the rate; one round each, a fifth of the count.
    long n = Math.max(1, o.count() / 5);
    System.out.printf(Locale.ROOT, "%n-- every submit wakes the consumer (wakeup_bytes 1),"
        + " %,d calls --%n", n);
    header();
    Result jw = javaRun(o, n, 1);
    row(jw);
    if (o.cConsumer() != null) {
      Result cw = cRun(o, object, n, 1);
      row(cw);
      System.out.printf(Locale.ROOT, "Tapio / C = %.2f%n", jw.rate() / cw.rate());
    }
  }

  private static double median(List<Result> rs) {
    double[] v = rs.stream().mapToDouble(Result::rate).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void header() {
    System.out.printf(Locale.ROOT, "%-22s %10s %10s %10s %8s %9s %9s %11s %9s %7s%n",
        "consumer", "offered", "consumed", "dropped", "drop %", "M ev/s", "prod M/s",
        "cons ns/ev", "B/event", "badseq");
  }

  private static void row(Result r) {
    System.out.printf(Locale.ROOT, "%-22s %10d %10d %10d %8.3f %9.3f %9.3f %11.1f %9s %7d%n",
        r.consumer(), r.offered(), r.consumed(), r.dropped(),
        100.0 * r.dropped() / r.offered(), r.rate() / 1e6, r.offered() / r.producerSeconds() / 1e6,
        r.cpuNanosPerEvent(), Double.isNaN(r.bytesPerEvent()) ? "n/a"
            : String.format(Locale.ROOT, "%.3f", r.bytesPerEvent()), r.badSeq());
  }

  /** The fields the receiver's decoder reads, copied into a reused buffer; counts seq gaps. */
  static final class Decoder implements RingBuffer.RecordHandler {
    final long[] fields = new long[10];
    final long[] ktimes = new long[DRAIN_LIMIT];
    int batch;
    long consumed;
    long expectSeq;
    long badSeq;
    long malformed;

    @Override
    public void onRecord(MemorySegment d, long at, int length) {
      if (length < 64) {
        malformed++;
        return;
      }
      long ktime = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
      fields[0] = ktime;
      fields[1] = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 8);
      fields[2] = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 12);
      fields[3] = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 16);
      fields[4] = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 20);
      fields[5] = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 28);
      fields[6] = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 32);
      fields[7] = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 40);
      long seq = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 48);
      fields[8] = seq;
      // A gap is a kernel drop (counted there); going backwards would be a reader bug.
      if (seq < expectSeq) {
        badSeq++;
      }
      expectSeq = seq + 1;
      if (batch < ktimes.length) {
        ktimes[batch++] = ktime;
      }
      consumed++;
    }
  }

  private static BpfObject loadBench(long pid, int ringBytes, long wakeupBytes)
      throws BpfException, IOException {
    BpfObject obj = BpfObject.openBundled("bench.bpf.o");
    try {
      obj.setReadOnlyConfig(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
          .putInt((int) pid).putInt(0).putLong(wakeupBytes).array());
      obj.setRingBufferSize("events", ringBytes);
      obj.load();
      obj.attach("tapio_bench");
      return obj;
    } catch (BpfException | RuntimeException e) {
      obj.close();
      throw e;
    }
  }

  private static Result javaRun(Options o, long count, long wakeupBytes) throws Throwable {
    long pid = ProcessHandle.current().pid();
    try (BpfObject obj = loadBench(pid, o.ringBytes(), wakeupBytes);
        RingBuffer ring = new RingBuffer(obj.map("events"))) {
      Decoder decoder = new Decoder();
      long[] drops = new long[4];
      AtomicLong done = new AtomicLong();
      double[] perEvent = new double[2];
      Thread consumer = Thread.ofPlatform().name("tapio-bench-consumer").unstarted(() -> {
        if (o.pin()) {
          pin(1);
        }
        com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long alloc0 = mx.getCurrentThreadAllocatedBytes();
        try {
          while (true) {
            ring.await(o.pollMillis());
            int n;
            int total = 0;
            do {
              decoder.batch = 0;
              n = ring.drain(decoder, DRAIN_LIMIT);
              total += n;
            } while (n == DRAIN_LIMIT);
            if (decoder.consumed >= count) {
              break;
            }
            if (total == 0) {
              obj.map("drops").sumPerCpuU64(drops);
              if (decoder.consumed + drops[0] >= count) {
                break;
              }
            }
          }
        } catch (BpfException e) {
          throw new IllegalStateException(e);
        }
        done.set(System.nanoTime());
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long alloc = mx.getCurrentThreadAllocatedBytes() - alloc0;
        perEvent[0] = (double) cpu / decoder.consumed;
        perEvent[1] = (double) alloc / decoder.consumed;
      });
      consumer.start();
      if (o.pin()) {
        pin(0);
      }
      long t0 = System.nanoTime();
      for (long i = 0; i < count; i++) {
        int ignored = (int) GETPPID.invokeExact();
      }
      long t1 = System.nanoTime();
      consumer.join();
      obj.map("drops").sumPerCpuU64(drops);
      return new Result("tapio RingBuffer (java)", count, decoder.consumed, drops[0],
          (done.get() - t0) / 1e9, (t1 - t0) / 1e9, perEvent[0], perEvent[1], decoder.badSeq);
    }
  }

  private static Result cRun(Options o, Path object, long count, long wakeupBytes)
      throws Throwable {
    List<String> cmd = new ArrayList<>();
    if (o.pin()) {
      cmd.addAll(List.of("taskset", "-c", "1"));
    }
    cmd.addAll(List.of(o.cConsumer().toString(), object.toString(),
        String.valueOf(ProcessHandle.current().pid()), String.valueOf(count),
        String.valueOf(o.ringBytes()), String.valueOf(wakeupBytes),
        String.valueOf(o.pollMillis())));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
    String ready = out.readLine();
    if (!"ready".equals(ready)) {
      p.waitFor();
      throw new IllegalStateException("C consumer failed to start: " + ready + " (exit "
          + p.exitValue() + ")");
    }
    if (o.pin()) {
      pin(0);
    }
    long t0 = System.nanoTime();
    for (long i = 0; i < count; i++) {
      int ignored = (int) GETPPID.invokeExact();
    }
    long t1 = System.nanoTime();
    String line = out.readLine();
    p.waitFor();
    if (line == null) {
      throw new IllegalStateException("C consumer printed no result (exit " + p.exitValue()
          + ")");
    }
    Map<String, Long> v = new HashMap<>();
    for (String kv : line.split(" ")) {
      String[] parts = kv.split("=");
      v.put(parts[0], Long.parseUnsignedLong(parts[1]));
    }
    long consumed = v.get("consumed");
    return new Result("C libbpf ring_buffer", count, consumed, v.get("dropped"),
        (v.get("done_ns") - t0) / 1e9, (t1 - t0) / 1e9, (double) v.get("cpu_ns") / consumed,
        Double.NaN, v.get("bad_seq"));
  }

  // ---- latency ---------------------------------------------------------------------------

  private static void latency(Options o) throws Throwable {
    System.out.printf(Locale.ROOT, "%n== latency: paced producer, %d s per rate; kernel ktime"
        + " -> decoded batch handed on (java) ==%n", o.latencySeconds());
    // Warm the drain and decode paths if the throughput part did not run.
    if (!o.only().equals("all")) {
      javaRun(o, 2_000_000L, o.wakeupBytes());
    }
    // --policies, by default: the first defaults, the fixed 4 KiB of before (50 ms), the
    // adaptive policy (the receivers' default now, 4 KiB while idle), an earlier 5 ms, and a
    // tight setting.
    long[][] policies = java.util.Arrays.stream(o.policies().split(",")).map(p -> p.split(":"))
        .map(p -> new long[] {Long.parseLong(p[0]),
            p[1].equals("adaptive") ? -1 : Long.parseLong(p[1])})
        .toArray(long[][]::new);
    System.out.printf(Locale.ROOT, "%-28s %9s %9s %9s %8s %9s %9s %9s %9s %9s%n", "policy",
        "target/s", "offered/s", "events", "drop %", "p50 us", "p99 us", "p999 us", "max us",
        "wakeups/s");
    for (long[] policy : policies) {
      for (int rate : o.rates()) {
        latencyRun(o, (int) policy[0], policy[1], rate);
      }
    }
  }

  private static void latencyRun(Options o, int pollMillis, long wakeupBytes, int rate)
      throws Throwable {
    long pid = ProcessHandle.current().pid();
    Histogram hist = new Histogram(60_000_000_000L, 3);
    boolean adaptive = wakeupBytes < 0;
    try (BpfObject obj = loadBench(pid, o.ringBytes(), adaptive ? 4096 : wakeupBytes);
        RingBuffer ring = new RingBuffer(obj.map("events"));
        Arena arena = Arena.ofShared()) {
      Decoder decoder = new Decoder();
      long[] woken = new long[1];
      WakeupPolicy policy = adaptive ? new WakeupPolicy(obj.map("wakeup"), 4096,
          pollMillis * 1_000_000L, o.ringBytes(), System.nanoTime(), ring.consumedBytes())
          : null;
      MemorySegment scratch = arena.allocate(16, 8);
      long[] offered = {Long.MAX_VALUE};
      long[] drops = new long[4];
      Thread consumer = Thread.ofPlatform().name("tapio-bench-latency").unstarted(() -> {
        if (o.pin()) {
          pin(1);
        }
        try {
          while (true) {
            // As RingPoller: the policy waits longer while idle.
            if (ring.await(policy != null ? policy.pollTimeoutMillis(pollMillis) : pollMillis)) {
              woken[0]++;
            }
            int n;
            int total = 0;
            do {
              decoder.batch = 0;
              n = ring.drain(decoder, DRAIN_LIMIT);
              total += n;
              if (policy != null) {
                policy.drained(n);
              }
              // The batch is handed on here, as KernelSource does after each drain.
              long now = Libc.bootTimeNanos(scratch);
              for (int i = 0; i < decoder.batch; i++) {
                hist.recordValue(Math.min(now - decoder.ktimes[i], hist.getHighestTrackableValue()));
              }
            } while (n == DRAIN_LIMIT);
            if (policy != null) {
              policy.update(System.nanoTime(), ring.consumedBytes());
            }
            if (total == 0) {
              long want;
              synchronized (offered) {
                want = offered[0];
              }
              if (want != Long.MAX_VALUE) {
                obj.map("drops").sumPerCpuU64(drops);
                if (decoder.consumed + drops[0] >= want) {
                  break;
                }
              }
            }
          }
        } catch (BpfException e) {
          throw new IllegalStateException(e);
        }
      });
      consumer.start();
      if (o.pin()) {
        pin(0);
      }
      long interval = 1_000_000_000L / rate;
      long t0 = System.nanoTime();
      long end = t0 + o.latencySeconds() * 1_000_000_000L;
      long next = t0;
      long sent = 0;
      // Busy-wait pacing: a sleep's granularity is far coarser than 1 µs. Behind schedule, it
      // catches up in a burst, as a real source would.
      while (next < end) {
        while (System.nanoTime() < next) {
          Thread.onSpinWait();
        }
        int ignored = (int) GETPPID.invokeExact();
        sent++;
        next += interval;
      }
      long t1 = System.nanoTime();
      synchronized (offered) {
        offered[0] = sent;
      }
      consumer.join();
      obj.map("drops").sumPerCpuU64(drops);
      System.out.printf(Locale.ROOT,
          "%-28s %9d %9.0f %9d %8.3f %9.1f %9.1f %9.1f %9.1f %9.0f%n",
          "poll " + pollMillis + " ms, wakeup " + (adaptive ? "adaptive" : wakeupBytes + " B"),
          rate, sent / ((t1 - t0) / 1e9), sent, 100.0 * drops[0] / sent,
          hist.getValueAtPercentile(50) / 1e3, hist.getValueAtPercentile(99) / 1e3,
          hist.getValueAtPercentile(99.9) / 1e3, hist.getMaxValue() / 1e3,
          woken[0] / ((t1 - t0) / 1e9));
      if (decoder.badSeq != 0 || decoder.consumed + drops[0] != sent) {
        System.out.printf(Locale.ROOT, "  !! consumed %d + dropped %d != offered %d, or %d"
            + " out of sequence%n", decoder.consumed, drops[0], sent, decoder.badSeq);
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  private static void pin(int cpu) {
    if (cpu >= Runtime.getRuntime().availableProcessors()) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment mask = a.allocate(128, 8);
      mask.set(ValueLayout.JAVA_LONG, 0, 1L << cpu);
      int rc = (int) SCHED_SETAFFINITY.invokeExact(0, 128L, mask);
      if (rc != 0) {
        System.out.println("(could not pin a thread to cpu " + cpu + ")");
      }
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  private static Path extractObject() throws IOException {
    Path out = Files.createTempFile("tapio-bench", ".bpf.o");
    out.toFile().deleteOnExit();
    try (InputStream in = RingBuffer.class.getResourceAsStream(
        "/dev/tapio/bpf/programs/bench.bpf.o")) {
      if (in == null) {
        throw new IOException("bench.bpf.o is not in the tapio-bpf jar");
      }
      Files.write(out, in.readAllBytes());
    }
    return out;
  }

  private static String uid() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("Uid:")).findFirst().map(l -> l.split("\\s+")[2])
          .orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("");
    } catch (IOException e) {
      return "";
    }
  }
}
