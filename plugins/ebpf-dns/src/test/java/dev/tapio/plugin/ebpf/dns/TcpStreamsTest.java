package dev.tapio.plugin.ebpf.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.testkit.TestContext;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reassembly of length-prefixed DNS messages from stream slices, as the kernel captures them. */
class TcpStreamsTest {
  private final TestContext ctx = new TestContext("ebpf_dns", Kind.RECEIVER, Signal.LOGS);
  private final TcpStreams streams = new TcpStreams(ctx, 2, 1_000_000_000L);
  /** Each message as {captured bytes..., then its length as the last int}. */
  private final List<byte[]> messages = new ArrayList<>();
  private final List<Integer> lengths = new ArrayList<>();

  private void feed(int fd, long nanos, byte[] slice, long total) {
    int captured = (int) Math.min(slice.length, DnsRecordDecoder.PAYLOAD_MAX);
    streams.feed(7, fd, 40000, false, nanos, MemorySegment.ofArray(slice), 0, captured, total,
        (buf, n, length) -> {
          messages.add(Arrays.copyOf(buf, n));
          lengths.add(length);
        });
  }

  private void feed(int fd, byte[] slice) {
    feed(fd, 0, slice, slice.length);
  }

  private static byte[] framed(byte[] m) {
    byte[] f = new byte[m.length + 2];
    f[0] = (byte) (m.length >> 8);
    f[1] = (byte) m.length;
    System.arraycopy(m, 0, f, 2, m.length);
    return f;
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void prefixAndBodyInOneSliceOrSplitAnywhereGiveTheSameMessage() {
    byte[] m = bytes(40, 1);
    byte[] f = framed(m);
    for (int cut1 = 1; cut1 < f.length; cut1++) {
      for (int cut2 = cut1; cut2 <= f.length; cut2++) {
        messages.clear();
        feed(3, Arrays.copyOfRange(f, 0, cut1));
        feed(3, Arrays.copyOfRange(f, cut1, cut2));
        feed(3, Arrays.copyOfRange(f, cut2, f.length));
        assertEquals(1, messages.size(), cut1 + "/" + cut2);
        assertArrayEquals(m, messages.get(0));
      }
    }
  }

  @Test
  void twoMessagesInOneSliceAndStreamsApartByFd() {
    byte[] a = bytes(20, 2);
    byte[] b = bytes(30, 3);
    byte[] both = new byte[a.length + b.length + 4];
    System.arraycopy(framed(a), 0, both, 0, a.length + 2);
    System.arraycopy(framed(b), 0, both, a.length + 2, b.length + 2);
    feed(4, Arrays.copyOf(both, 5)); // a's prefix and 3 bytes on fd 4
    feed(5, framed(b));              // all of b on fd 5 does not disturb fd 4
    feed(4, Arrays.copyOfRange(both, 5, both.length));
    assertEquals(3, messages.size());
    assertArrayEquals(b, messages.get(0));
    assertArrayEquals(a, messages.get(1));
    assertArrayEquals(b, messages.get(2));
  }

  @Test
  void aMessageOverTheCaptureKeepsItsFirst512BytesAndItsLength() {
    byte[] m = bytes(1000, 4);
    byte[] f = framed(m);
    // The kernel captured 512 of the 1002 bytes the call read.
    feed(3, 0, Arrays.copyOf(f, 512), f.length);
    assertEquals(1, messages.size());
    assertArrayEquals(Arrays.copyOf(m, 510), messages.get(0));
    assertEquals(1000, lengths.get(0));
    // The stream is still in step: the next message comes through whole.
    byte[] next = bytes(30, 5);
    feed(3, framed(next));
    assertArrayEquals(next, messages.get(1));
    assertEquals(0, ctx.droppedCount("tcp_desync"));
  }

  @Test
  void aPrefixInUncapturedBytesIsACountedDesyncAndTheStreamRecovers() {
    byte[] big = framed(bytes(600, 6));
    byte[] small = framed(bytes(20, 7));
    byte[] slice = Arrays.copyOf(big, big.length + small.length);
    System.arraycopy(small, 0, slice, big.length, small.length);
    feed(3, 0, Arrays.copyOf(slice, 512), slice.length);
    assertEquals(1, messages.size()); // the big one, cut; the small one's prefix was not seen
    assertEquals(1, ctx.droppedCount("tcp_desync"));
    feed(3, small);
    assertEquals(2, messages.size());
    assertArrayEquals(Arrays.copyOfRange(small, 2, small.length), messages.get(1));
  }

  @Test
  void evictionsAndStalePartialsAreCounted() {
    byte[] f = framed(bytes(20, 8));
    feed(1, Arrays.copyOf(f, 5)); // partial on fd 1
    feed(2, f);                   // whole on fd 2: nothing partial
    feed(3, f);                   // evicts fd 1, the eldest, mid-message
    assertEquals(2, streams.size());
    assertEquals(1, ctx.droppedCount("evicted"));
    assertEquals(1, ctx.counterValue("tapio_dns_tcp_streams_evicted"));
    feed(4, f);                   // evicts fd 2, which held nothing: not a drop
    assertEquals(1, ctx.droppedCount("evicted"));
    assertEquals(2, ctx.counterValue("tapio_dns_tcp_streams_evicted"));
    // A partial older than the timeout is given up when the stream moves again.
    feed(4, 0, Arrays.copyOf(f, 3), 3);
    feed(4, 2_000_000_000L, f, f.length);
    assertEquals(1, ctx.droppedCount("tcp_stale"));
    assertArrayEquals(Arrays.copyOfRange(f, 2, f.length), messages.get(messages.size() - 1));
  }

  @Test
  void randomSlicesNeverThrowAndStayBounded() {
    Random r = new Random(9);
    for (int i = 0; i < 200_000; i++) {
      byte[] s = bytes(1 + r.nextInt(600), r.nextInt());
      long total = s.length + (r.nextBoolean() ? 0 : r.nextInt(100_000));
      feed(r.nextInt(8), i, s, total);
    }
    assertTrue(streams.size() <= 2);
    for (byte[] m : messages) {
      assertTrue(m.length <= DnsRecordDecoder.PAYLOAD_MAX);
    }
  }
}
