package dev.tapio.benchmarks;

import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.varhandle.MpscVarHandleArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * Why the pipeline queue is JCTools' MPSC array queue: one producer and one consumer thread
 * on the JDK's ArrayBlockingQueue and on jctools-core-jdk11's VarHandle MPSC queue, same
 * capacity, side by side. Score: offers (producer) and polls (consumer) per second.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class QueueChoiceBenchmark {
  private static final Object ITEM = new Object();

  @Param({"jctools-mpsc", "array-blocking"})
  public String queue;

  private Queue<Object> q;

  @Setup(Level.Iteration)
  public void setUp() {
    q = queue.equals("jctools-mpsc") ? new MpscVarHandleArrayQueue<>(4096)
        : new ArrayBlockingQueue<>(4096);
  }

  @Benchmark
  @Group("handoff")
  @GroupThreads(1)
  public boolean offer(Control control) {
    while (!q.offer(ITEM)) {
      if (control.stopMeasurement) {
        return false;
      }
      Thread.onSpinWait();
    }
    return true;
  }

  @Benchmark
  @Group("handoff")
  @GroupThreads(1)
  public Object poll(Control control) {
    Object o;
    while ((o = q.poll()) == null) {
      if (control.stopMeasurement) {
        return null;
      }
      Thread.onSpinWait();
    }
    return o;
  }
}
