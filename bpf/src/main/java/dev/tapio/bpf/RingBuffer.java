package dev.tapio.bpf;

import dev.tapio.bpf.libc.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Reads a BPF ring buffer map straight from its shared memory, as libbpf's own consumer does
 * but without a per-record upcall: records are handed to a {@link RecordHandler} as an offset into
 * the mapped data, decoded in place, and nothing is allocated per record.
 *
 * <p>Layout (kernel/bpf/ringbuf.c): one read-write page holding {@code consumer_pos}, then a
 * read-only page holding {@code producer_pos}, then the data area mapped twice back to back so
 * that a record crossing the end is contiguous. Each record has an 8-byte header: a u32 length
 * whose bit 31 means "still being written" (busy) and bit 30 "discarded", and a u32 page offset.
 * Records are 8-byte aligned. Positions are read with acquire and {@code consumer_pos} written
 * with release semantics, matching the kernel's smp_load_acquire / smp_store_release.
 *
 * <p>Single consumer thread only: {@link #drain} and {@link #await} must be called from one
 * thread; {@link #usagePercent()} may be read from any thread.
 */
public final class RingBuffer implements AutoCloseable {
  private static final int BUSY = 1 << 31;
  private static final int DISCARD = 1 << 30;
  private static final int HEADER = 8;
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  private final String name;
  private final long size;
  private final long mask;
  private final long page;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment errno;
  private final MemorySegment consumer;
  private final MemorySegment producer;
  private final MemorySegment data;
  private final int epoll;
  private final MemorySegment events;

  /** A consumer of records; {@code length} excludes the header. */
  @FunctionalInterface
  public interface RecordHandler {
    void onRecord(MemorySegment data, long offset, int length);
  }

  /** Maps the ring buffer {@code map} of a loaded object. */
  public RingBuffer(BpfMap map) throws BpfException {
    this.name = map.name();
    this.size = map.maxEntries();
    this.mask = size - 1;
    this.page = Libc.pageSize();
    this.errno = Libc.errnoState(arena);
    int fd = map.fd();
    MemorySegment c = Libc.mmap(errno, page, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED,
        fd, 0);
    if (c.address() == -1L) {
      throw new BpfException("mapping the consumer page of ring buffer " + name,
          Libc.errno(errno));
    }
    // Scoped to the arena: a thread still reading after close gets IllegalStateException, not
    // a read of unmapped memory (a crash).
    this.consumer = c.reinterpret(page, arena, null);
    long producerLength = page + 2 * size;
    MemorySegment p = Libc.mmap(errno, producerLength, Libc.PROT_READ, Libc.MAP_SHARED, fd, page);
    if (p.address() == -1L) {
      Libc.munmap(errno, consumer, page);
      throw new BpfException("mapping the data of ring buffer " + name, Libc.errno(errno));
    }
    this.producer = p.reinterpret(producerLength, arena, null);
    this.data = producer.asSlice(page, 2 * size);
    this.epoll = Libc.epollCreate1(errno, Libc.EPOLL_CLOEXEC);
    if (epoll < 0) {
      close();
      throw new BpfException("epoll_create1 for ring buffer " + name, Libc.errno(errno));
    }
    MemorySegment ev = arena.allocate(Libc.EPOLL_EVENT_SIZE, 8);
    ev.set(ValueLayout.JAVA_INT, 0, Libc.EPOLLIN);
    if (Libc.epollCtl(errno, epoll, Libc.EPOLL_CTL_ADD, fd, ev) != 0) {
      int e = Libc.errno(errno);
      close();
      throw new BpfException("epoll_ctl for ring buffer " + name, e);
    }
    this.events = arena.allocate(Libc.EPOLL_EVENT_SIZE * 4, 8);
  }

  public String name() {
    return name;
  }

  /** The data area's size in bytes. */
  public long size() {
    return size;
  }

  /**
   * Waits until the kernel signals data or {@code timeoutMillis} passes. Producers that submit
   * without a wake-up are found by the next {@link #drain} after the timeout, which therefore
   * bounds latency. Returns true when woken by data.
   */
  public boolean await(int timeoutMillis) {
    int n = Libc.epollWait(errno, epoll, events, 4, timeoutMillis);
    return n > 0;
  }

  /**
   * Consumes up to {@code limit} records, handing each committed, non-discarded one to the
   * handler, and releases their space to the kernel. Stops early at a record still being
   * written. Returns the number of records consumed (discarded ones included).
   */
  public int drain(RecordHandler handler, int limit) {
    long cons = (long) LONG.getAcquire(consumer, 0L);
    int n = 0;
    while (n < limit) {
      long prod = (long) LONG.getAcquire(producer, 0L);
      if (cons >= prod) {
        break;
      }
      while (cons < prod && n < limit) {
        long at = cons & mask;
        int len = (int) INT.getAcquire(data, at);
        if ((len & BUSY) != 0) {
          LONG.setRelease(consumer, 0L, cons);
          return n;
        }
        int length = len & ~(BUSY | DISCARD);
        cons += (length + HEADER + 7) & ~7L;
        if ((len & DISCARD) == 0) {
          try {
            handler.onRecord(data, at + HEADER, length);
          } catch (Throwable t) {
            // The record is consumed even so: re-reading it would fail the same way forever.
            LONG.setRelease(consumer, 0L, cons);
            throw t;
          }
        }
        n++;
        // Release each record's space at once so a slow handler does not starve the kernel.
        LONG.setRelease(consumer, 0L, cons);
      }
    }
    return n;
  }

  /** The consumer position: bytes consumed since the ring was created (headers included). */
  public long consumedBytes() {
    return (long) LONG.getAcquire(consumer, 0L);
  }

  /** Bytes written by the kernel and not yet consumed. */
  public long pending() {
    return (long) LONG.getAcquire(producer, 0L) - (long) LONG.getAcquire(consumer, 0L);
  }

  /** Fill level in percent, for {@code tapio_ring_buffer_usage_percent}. */
  public double usagePercent() {
    return 100.0 * pending() / size;
  }

  /**
   * Unmaps the ring and closes its epoll. The arena is closed first, so that a poll thread still
   * running (its stop timed out) fails its next read with {@link IllegalStateException} instead
   * of reading unmapped memory. While that thread is inside a native call holding the arena
   * (epoll_wait, at most its timeout), the arena cannot close: this waits up to 5 s for it, then
   * leaves the mapping in place rather than pull it from under the thread.
   */
  @Override
  public void close() {
    if (!arena.scope().isAlive()) {
      return;
    }
    long consumerAt = consumer == null ? 0 : consumer.address();
    long producerAt = producer == null ? 0 : producer.address();
    long producerLength = producer == null ? 0 : producer.byteSize();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try {
        arena.close();
        break;
      } catch (IllegalStateException inUse) {
        if (System.nanoTime() > deadline) {
          System.getLogger(RingBuffer.class.getName()).log(System.Logger.Level.WARNING,
              "ring buffer " + name + " is still in use by a poll thread; left mapped");
          return;
        }
        Thread.onSpinWait();
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    try (Arena closing = Arena.ofConfined()) {
      MemorySegment state = Libc.errnoState(closing);
      if (epoll >= 0) {
        Libc.close(epoll);
      }
      if (consumerAt != 0) {
        Libc.munmap(state, MemorySegment.ofAddress(consumerAt), page);
      }
      if (producerAt != 0) {
        Libc.munmap(state, MemorySegment.ofAddress(producerAt), producerLength);
      }
    }
  }
}
