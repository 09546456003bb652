package dev.tapio.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.bpf.receiver.WakeupPolicy;
import org.junit.jupiter.api.Test;

/**
 * {@link WakeupPolicy}'s idle mode against the kernel, with the benchmarks' program (one 64-byte
 * record per getppid(2) of this process) and a configured threshold of 4 KiB: idle, a single
 * record wakes the reader; once records arrive again, it does not.
 */
class IdleWakeupTest {
  private static final int POLL_MILLIS = 50;

  @Test
  void anIdleReaderIsWokenByTheFirstRecordAndABusyOneByTheConfiguredBytes() throws Throwable {
    Privileges.assumeBpf();
    long pid = ProcessHandle.current().pid();
    ProcessHandle.current().parent(); // the JDK's first call may itself call getppid
    try (BpfObject obj = BpfObject.openBundled("bench.bpf.o")) {
      obj.setReadOnlyConfig(BenchProgramTest.config(pid, 4096));
      obj.setRingBufferSize("events", 1 << 18);
      obj.load();
      obj.attach("tapio_bench");
      try (RingBuffer ring = new RingBuffer(obj.map("events"))) {
        long start = System.nanoTime();
        WakeupPolicy policy = new WakeupPolicy(obj.map("wakeup"), 4096,
            POLL_MILLIS * 1_000_000L, 1 << 18, start, ring.consumedBytes());
        assertEquals(POLL_MILLIS, policy.pollTimeoutMillis(POLL_MILLIS), "not idle at first");

        // A window of 100 ms without records: idle.
        assertEquals(1, policy.update(start + 100_000_000L, ring.consumedBytes()));
        assertEquals(500, policy.pollTimeoutMillis(POLL_MILLIS), "idle: polls twice a second");
        int parent = (int) BenchProgramTest.GETPPID.invokeExact();
        assertTrue(parent > 0);
        assertTrue(ring.await(5_000), "one 64-byte record woke the idle reader");
        int n = ring.drain((d, at, length) -> { }, 4096);
        assertEquals(1, n);
        policy.drained(n);

        // Records arrived: back to the configured 4 KiB until a window measures the rate.
        long now = System.nanoTime();
        assertEquals(4096, policy.update(now, ring.consumedBytes()));
        assertEquals(POLL_MILLIS, policy.pollTimeoutMillis(POLL_MILLIS));
        // epoll is level-triggered: one poll of the empty ring takes it off the ready list.
        assertFalse(ring.await(10), "nothing pending");
        int ppid = (int) BenchProgramTest.GETPPID.invokeExact();
        assertTrue(ppid > 0);
        assertFalse(ring.await(300), "one record below 4 KiB does not wake a busy reader");
        assertEquals(1, ring.drain((d, at, length) -> { }, 4096), "it waited in the ring");
      }
    }
  }
}
