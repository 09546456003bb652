package dev.tapio.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The bundled process program, loaded and attached for real, read through the ring buffer. */
class ProcessProgramTest {
  static byte[] config(int execEvery, int exitEvery, int forkEvery, int argsMax, long wakeup) {
    ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(execEvery).putInt(exitEvery).putInt(forkEvery).putInt(0) // filter_pid
        .putLong(0) // filter_cgroup_id
        .putInt(argsMax).putInt(0).putLong(wakeup);
    return b.array();
  }

  record Event(int type, int pid, int ppid, String filename, String args, int exitCode) {}

  static Event decode(MemorySegment d, long at, int length) {
    int type = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 8);
    int pid = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 16);
    int ppid = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 24);
    if (type == 1) {
      int flen = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 56));
      int alen = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 58));
      byte[] f = d.asSlice(at + 80, flen).toArray(ValueLayout.JAVA_BYTE);
      byte[] a = d.asSlice(at + 80 + flen, alen).toArray(ValueLayout.JAVA_BYTE);
      return new Event(type, pid, ppid, new String(f, StandardCharsets.UTF_8),
          new String(a, StandardCharsets.UTF_8).replace('\0', ' ').trim(), 0);
    }
    int code = type == 2 ? d.get(ValueLayout.JAVA_INT_UNALIGNED, at + 56) : 0;
    return new Event(type, pid, ppid, "", "", code);
  }

  @Test
  void execAndExitOfARealProcessArriveThroughTheRing() throws Exception {
    Privileges.assumeBpf();
    try (BpfObject obj = BpfObject.openBundled("process.bpf.o")) {
      assertEquals(List.of("tapio_exec", "tapio_exit", "tapio_fork"), obj.programNames());
      obj.setReadOnlyConfig(config(1, 1, 0, 1024, 1));
      obj.setRingBufferSize("events", 1 << 18);
      obj.setAutoload("tapio_fork", false);
      obj.load();
      obj.attach("tapio_exec");
      obj.attach("tapio_exit");
      try (RingBuffer ring = new RingBuffer(obj.map("events"))) {
        assertEquals(1 << 18, ring.size());
        String marker = "tapio-marker-" + UUID.randomUUID();
        Process p = new ProcessBuilder("/bin/sh", "-c", "exit 7", marker).start();
        long pid = p.pid();
        assertEquals(7, p.waitFor());
        List<Event> mine = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        // The JDK execs jspawnhelper first, then /bin/sh in the same process: wait for the exit.
        while (mine.stream().noneMatch(e -> e.type() == 2) && System.nanoTime() < deadline) {
          ring.await(50);
          ring.drain((d, at, len) -> {
            Event e = decode(d, at, len);
            if (e.pid() == pid) {
              mine.add(e);
            }
          }, 1024);
        }
        assertTrue(mine.stream().anyMatch(e -> e.type() == 2), "no exit for " + pid + ": " + mine);
        Event exec = mine.stream().filter(e -> e.type() == 1 && e.filename().equals("/bin/sh"))
            .findFirst().orElseThrow(() -> new AssertionError("no exec of /bin/sh: " + mine));
        assertEquals("/bin/sh", exec.filename());
        assertEquals("/bin/sh -c exit 7 " + marker, exec.args());
        assertEquals(ProcessHandle.current().pid(), exec.ppid());
        Event exit = mine.getLast();
        assertEquals(2, exit.type());
        assertEquals(7, (exit.exitCode() >> 8) & 0xff, "wait status " + exit.exitCode());
        long[] drops = new long[32];
        obj.map("drops").sumPerCpuU64(drops);
        assertEquals(0, drops[4], "exec ring-buffer-full drops");
      }
    }
  }

  @Test
  void ringBufferSizeMustBeAPowerOfTwoPageMultiple() throws Exception {
    Privileges.assumeBpf();
    try (BpfObject obj = BpfObject.openBundled("process.bpf.o")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> obj.setRingBufferSize("events", 100_000));
      assertTrue(e.getMessage().contains("power of two"), e.getMessage());
    }
  }

  @Test
  void aCorruptObjectFailsWithAClearError() {
    Privileges.assumeBpf();
    BpfException e = assertThrows(BpfException.class,
        () -> BpfObject.open("garbage.o", "not an ELF file".getBytes()));
    assertTrue(e.getMessage().contains("opening eBPF object garbage.o"), e.getMessage());
  }
}
