package dev.tapio.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.bpf.receiver.BatchDecoder;
import dev.tapio.bpf.receiver.KernelDrops;
import dev.tapio.bpf.receiver.RingPoller;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A decoder that throws — a bug, or a linkage error in a receiver plugin — costs the one record
 * it failed on, counted, and never the poll thread: real records from the kernel, exact counts.
 */
class RingPollerFailureTest {
  private static final MethodHandle GETPPID = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().find("getppid").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT));

  /** Makes a log record per ring record, and throws on every record whose sequence ends in 7. */
  private static final class FlakyDecoder implements BatchDecoder {
    private Logs batch;

    @Override
    public void onRecord(MemorySegment data, long at, int length) {
      long seq = data.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 48);
      if (seq % 10 == 7) {
        throw new NoSuchMethodError("'void dev.tapio.pdata.LogRecord.gone()' (record " + seq + ")");
      }
      if (batch == null) {
        batch = new Logs();
      }
      batch.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords().appendEmpty()
          .setBody("seq " + seq);
    }

    @Override
    public Logs take() {
      Logs b = batch;
      batch = null;
      return b;
    }
  }

  @Test
  void aThrowingDecoderLosesOnlyItsRecordAndPollingGoesOn() throws Throwable {
    Privileges.assumeBpf();
    long pid = ProcessHandle.current().pid();
    TestContext context = new TestContext("bench", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    try (BpfObject obj = BpfObject.openBundled("bench.bpf.o")) {
      obj.setReadOnlyConfig(BenchProgramTest.config(pid, 1));
      obj.setRingBufferSize("events", 1 << 18);
      obj.load();
      obj.attach("tapio_bench");
      try (RingBuffer ring = new RingBuffer(obj.map("events"))) {
        KernelDrops drops = new KernelDrops(obj.map("drops"), context, new String[] {"bench"});
        RingPoller poller = new RingPoller(context, "bench", ring, new FlakyDecoder(), drops,
            sink, Duration.ofMillis(5));
        poller.start();
        try {
          exercise(poller, context, sink, drops);
        } finally {
          poller.stop(); // before the ring is unmapped, whatever failed
        }
      }
    }
  }

  private static void exercise(RingPoller poller, TestContext context, ConsumerSink sink,
      KernelDrops drops) throws Throwable {
    for (int i = 0; i < 1000; i++) {
      int ignored = (int) GETPPID.invokeExact();
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (sink.itemCount() + context.droppedCount("decode_error") < 1000
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    // Degraded while records fail; a later drain without failures may have reported ok again
    // already (drains split under load), so the history is what tells.
    assertTrue(context.statusHistory().contains(ComponentStatus.DEGRADED),
        context.statusHistory().toString());
    for (int i = 0; i < 6; i++) { // sequences 1000..1005: no 7, so a clean drain
      int ignored = (int) GETPPID.invokeExact();
    }
    deadline = System.nanoTime() + 20_000_000_000L;
    while (sink.itemCount() < 906 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    poller.stop();
    assertEquals(100, context.droppedCount("decode_error"), "one per throwing record");
    assertEquals(906, sink.itemCount(), "every other record, after the failures too");
    assertEquals(ComponentStatus.OK, context.status(), "ok again after a clean drain");
    assertEquals(0, drops.dropped(0, 0), "no ring-buffer-full drops");
  }
}
