package dev.tapio.plugin.ebpf.dns;

import dev.tapio.component.ComponentContext;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reassembles DNS messages from the slices of TCP streams the kernel captured (each read, write
 * or send: up to 512 bytes of it, and how many bytes the call moved). DNS over TCP prefixes each
 * message with its length in 2 bytes (RFC 1035 4.2.2); clients write the prefix and message
 * together or apart and read them together or apart, so the state per stream is: the first
 * prefix byte when only one came, the current message's length, how much of it went by, and its
 * first 512 bytes. A message is handed on when its last byte went by, whole or cut to 512 bytes
 * (the parser then keeps the answers that fit).
 *
 * <p>A stream is (pid, fd, local port, direction): the local port tells a new connection on a
 * reused fd apart. Streams live in an LRU map bounded by {@code maxStreams}; an evicted stream
 * is counted ({@code tapio_dns_tcp_streams_evicted_total}) and, if it held part of a message,
 * that message is a counted drop ({@code evicted}). When a length prefix falls in bytes that were
 * not captured (a slice over 512 bytes that ends a message and starts another) the stream cannot
 * be followed: its state is reset and the loss counted ({@code tcp_desync}); the next slice that
 * starts with a prefix resynchronises it. A partial message idle longer than the timeout is
 * dropped the same way ({@code tcp_stale}) so that one lost slice does not wedge a stream.
 *
 * <p>Single thread: the receiver's poll thread.
 */
final class TcpStreams {
  /** Receives whole messages: {@code buf[0..captured)} of a {@code length}-byte message. */
  interface Messages {
    void message(byte[] buf, int captured, int length);
  }

  private record Key(int pid, int fd, int localPort, boolean recv) {}

  private static final class Stream {
    final byte[] buf = new byte[DnsRecordDecoder.PAYLOAD_MAX];
    int prefix = -1; // the prefix's first byte when the second has not come yet
    int length = -1; // of the current message; -1 while reading a prefix
    int seen;        // bytes of the current message gone by
    int captured;    // bytes of it in buf: a prefix of the message, no gaps
    long lastNanos;

    boolean partial() {
      return prefix >= 0 || length >= 0;
    }

    void reset() {
      prefix = -1;
      length = -1;
      seen = 0;
      captured = 0;
    }
  }

  private final ComponentContext context;
  private final ComponentContext.Counter evictions;
  private final int maxStreams;
  private final long staleNanos;
  private final LinkedHashMap<Key, Stream> streams = new LinkedHashMap<>(16, 0.75f, true);

  TcpStreams(ComponentContext context, int maxStreams, long staleNanos) {
    this.context = context;
    context.dropped(0, "tcp_stale"); // the series exists from the start
    context.dropped(0, "tcp_desync");
    context.dropped(0, "evicted");
    this.maxStreams = maxStreams;
    this.staleNanos = staleNanos;
    this.evictions = context.counter("tapio_dns_tcp_streams_evicted",
        "TCP streams whose reassembly state was evicted by tcp_streams.");
  }

  /**
   * Feeds one slice: {@code total} bytes the call moved, of which the first {@code captured}
   * are at {@code d[at..]}. Complete messages go to {@code out} before this returns.
   */
  void feed(int pid, int fd, int localPort, boolean recv, long nanos, MemorySegment d, long at,
      int captured, long total, Messages out) {
    Key key = new Key(pid, fd, localPort, recv);
    Stream s = streams.get(key);
    if (s == null) {
      s = new Stream();
      streams.put(key, s);
      if (streams.size() > maxStreams) {
        evictEldest();
      }
    } else if (s.partial() && nanos - s.lastNanos > staleNanos) {
      s.reset();
      context.dropped(1, "tcp_stale");
    }
    s.lastNanos = nanos;
    long i = 0;
    // Each turn takes a captured prefix byte or the rest of a message body (which is followed
    // by a prefix byte or the end), so the loop runs at most 2 * captured + 2 times.
    while (i < total) {
      if (s.length < 0) {
        if (i >= captured) {
          s.reset();
          context.dropped(1, "tcp_desync");
          return;
        }
        int b = d.get(ValueLayout.JAVA_BYTE, at + i) & 0xff;
        i++;
        if (s.prefix < 0) {
          s.prefix = b;
        } else {
          s.length = (s.prefix << 8) | b;
          s.prefix = -1;
          s.seen = 0;
          s.captured = 0;
          if (s.length == 0) {
            s.length = -1; // an empty message: nothing to hand on
          }
        }
        continue;
      }
      long take = Math.min(total - i, s.length - s.seen);
      if (s.captured == s.seen && i < captured) {
        int copy = (int) Math.min(Math.min(take, captured - i), s.buf.length - s.captured);
        MemorySegment.copy(d, ValueLayout.JAVA_BYTE, at + i, s.buf, s.captured, copy);
        s.captured += copy;
      }
      s.seen += (int) take;
      i += take;
      if (s.seen == s.length) {
        int length = s.length;
        s.length = -1;
        out.message(s.buf, s.captured, length);
      }
    }
  }

  private void evictEldest() {
    Iterator<Map.Entry<Key, Stream>> it = streams.entrySet().iterator();
    Stream eldest = it.next().getValue();
    it.remove();
    evictions.add(1);
    if (eldest.partial()) {
      context.dropped(1, "evicted");
    }
  }

  int size() {
    return streams.size();
  }
}
