package dev.tapio.plugin.otlp;

import dev.tapio.component.MemoryBudget;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The heap one request holds while it is read and decoded, reserved from the process-wide
 * {@link MemoryBudget} so that a request that does not fit is refused (503, {@code UNAVAILABLE})
 * before its body is read, while the client still has the data. It is given back as the decoded
 * data goes to the pipeline, which charges the data's estimate ({@link #decodedBytes}) itself.
 *
 * <p>The estimate: a body of n bytes holds n bytes as read and n × the decode factor once decoded
 * into pdata. The factors were measured ({@code benchmarks/.../DecodeHeapBench}: one request of
 * 1,000 items decoded into many copies kept alive, the heap in use after a full GC divided by
 * copies and body size; SerialGC and compressed oops, as {@code bin/tapio} runs), heap bytes of
 * pdata per body byte, protobuf: 4.0 (log records with a short body and 3 attributes), 4.5
 * (spans with 5 attributes), 7.0 (sum points with 3 attributes), 8.2 (log records with 6
 * attributes of every type), 8.8 (10 integer attributes), 10.3 (records holding only a
 * 1-character body); JSON, the same data: 1.7 to 2.6. {@link #PROTOBUF_FACTOR} and
 * {@link #JSON_FACTOR} sit at or above the usual shapes; the tiny-record extreme is left to
 * {@code memory_limiter}, which measures the heap itself.
 *
 * <p>Not thread-safe: one request's thread (for gRPC, one call's callbacks, which grpc-java runs
 * one at a time).
 */
final class RequestMemory {
  /** Heap bytes of decoded pdata per byte of a protobuf body (measured: 4.0–10.3). */
  static final int PROTOBUF_FACTOR = 8;
  /** Heap bytes of decoded pdata per byte of a JSON body (measured: 1.7–2.6). */
  static final int JSON_FACTOR = 3;
  /** The first buffer for a body of unknown length; each growth is reserved before it is made. */
  private static final int FIRST_CHUNK = 64 << 10;

  private final MemoryBudget budget;
  private final int factor;
  private long reserved;

  RequestMemory(MemoryBudget budget, boolean json) {
    this.budget = budget;
    this.factor = json ? JSON_FACTOR : PROTOBUF_FACTOR;
  }

  /** The heap a decoded body of {@code bodyBytes} is estimated to hold; the pipeline charges it. */
  long decodedBytes(long bodyBytes) {
    return bodyBytes * factor;
  }

  /** Reserves what a body of {@code bodyBytes} holds once read and decoded, releasing a surplus. */
  boolean holdBody(long bodyBytes) {
    return hold(bodyBytes + decodedBytes(bodyBytes));
  }

  /**
   * Sets the reservation to {@code total} bytes: reserves a shortfall, releases a surplus. False
   * when the budget refuses; the reservation is then unchanged or, if this request alone exceeds
   * the budget and was refused, nothing.
   */
  boolean hold(long total) {
    long more = total - reserved;
    if (more <= 0) {
      budget.release(-more);
      reserved = total;
      return true;
    }
    if (budget.tryReserve(more)) {
      reserved = total;
      return true;
    }
    // A budget admits one reservation larger than itself when nothing else is reserved, so that
    // an oversized request is slowed, never refused forever; growing in steps would lose that, as
    // this request's own earlier steps count as something else. Ask again for the whole.
    budget.release(reserved);
    reserved = 0;
    if (budget.tryReserve(total)) {
      reserved = total;
      return true;
    }
    return false;
  }

  long reserved() {
    return reserved;
  }

  MemoryBudget budget() {
    return budget;
  }

  /** Returns the whole reservation. Idempotent. */
  void release() {
    budget.release(reserved);
    reserved = 0;
  }

  /**
   * Reads {@code in} to its end, at most {@code limit + 1} bytes (so that the caller tells an
   * oversized body by its length), into one array grown by doubling; each buffer is reserved,
   * on top of {@code held} bytes the request holds besides, before it is allocated. Null when the
   * budget refused: {@code in} is then left part-read. {@code expected}, when not negative, is
   * the length announced (Content-Length, or gRPC's known message length): the first buffer has
   * exactly that size, so a body that keeps its promise is never copied.
   */
  byte[] read(InputStream in, int limit, long held, long expected) throws IOException {
    int capacity = expected >= 0 ? (int) Math.min(expected, limit + 1L)
        : Math.min(FIRST_CHUNK, limit + 1);
    if (!hold(Math.max(reserved, held + capacity))) {
      return null;
    }
    byte[] buffer = new byte[capacity];
    int n = 0;
    while (true) {
      if (n == buffer.length) {
        if (n > limit) {
          return buffer; // too large: the caller answers so
        }
        int next = in.read(); // the end, or one byte more than announced
        if (next < 0) {
          return buffer;
        }
        int grown = (int) Math.min(limit + 1L, Math.max(FIRST_CHUNK, 2L * buffer.length));
        if (!hold(Math.max(reserved, held + grown))) {
          return null;
        }
        buffer = Arrays.copyOf(buffer, grown);
        buffer[n++] = (byte) next;
        continue;
      }
      int r = in.read(buffer, n, buffer.length - n);
      if (r < 0) {
        return n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
      }
      n += r;
    }
  }
}
