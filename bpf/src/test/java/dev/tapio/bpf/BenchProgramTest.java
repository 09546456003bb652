package dev.tapio.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmarks' synthetic generator: one record per getppid(2) of this process, for real. */
class BenchProgramTest {
  // Java has no getppid: ProcessHandle.parent() reads /proc instead of making the syscall.
  static final MethodHandle GETPPID = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().find("getppid").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT));

  static byte[] config(long pid, long wakeupBytes) {
    return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) pid).putInt(0).putLong(wakeupBytes).array();
  }

  @Test
  void everyGetppidOfThisProcessBecomesOneRecordInOrder() throws Throwable {
    Privileges.assumeBpf();
    long pid = ProcessHandle.current().pid();
    // Before the attach: the JDK's ProcessHandle.parent() of this process calls getppid itself.
    int expectedPpid = (int) ProcessHandle.current().parent().orElseThrow().pid();
    try (BpfObject obj = BpfObject.openBundled("bench.bpf.o")) {
      assertEquals(List.of("tapio_bench", "tapio_floor_enter_openat", "tapio_floor_exit_openat"),
          obj.programNames());
      obj.setReadOnlyConfig(config(pid, 1));
      obj.setRingBufferSize("events", 1 << 18);
      obj.load();
      obj.attach("tapio_bench");
      try (RingBuffer ring = new RingBuffer(obj.map("events"))) {
        for (int i = 0; i < 1000; i++) {
          assertEquals(expectedPpid, (int) GETPPID.invokeExact());
        }
        long[] seen = new long[1];
        long[] firstSeq = {-1};
        long[] badSeq = new long[1];
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen[0] < 1000 && System.nanoTime() < deadline) {
          ring.await(10);
          ring.drain((MemorySegment d, long at, int length) -> {
            assertEquals(64, length);
            assertEquals(100, d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 8)); // TAPIO_EVENT_BENCH
            assertEquals(64, d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 12));
            assertEquals(pid, d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 16));
            long seq = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 48);
            if (firstSeq[0] < 0) {
              firstSeq[0] = seq;
            }
            if (seq != firstSeq[0] + seen[0]) {
              badSeq[0]++;
            }
            seen[0]++;
          }, 4096);
        }
        assertEquals(1000, seen[0], "records for 1000 getppid calls");
        assertEquals(0, firstSeq[0], "the first record's sequence number");
        assertEquals(0, badSeq[0], "records out of sequence");
        long[] drops = new long[4];
        obj.map("drops").sumPerCpuU64(drops);
        assertEquals(0, drops[0], "ring-buffer-full drops");
      }
    }
  }
}
