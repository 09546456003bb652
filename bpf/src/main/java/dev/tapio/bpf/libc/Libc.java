package dev.tapio.bpf.libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the runtime needs (mmap, epoll, close, strerror), as static final method
 * handles invoked exactly. Calls that set errno capture it: their first argument is a
 * segment of {@link #ERRNO_STATE} size, read with {@link #errno(MemorySegment)}. Thread-safe.
 */
public final class Libc {
  private Libc() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  private static final StructLayout STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO_HANDLE =
      STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int MAP_SHARED = 1;
  public static final int EPOLL_CLOEXEC = 0x80000;
  public static final int EPOLL_CTL_ADD = 1;
  public static final int EPOLLIN = 1;
  public static final int EINTR = 4;
  /** struct epoll_event is packed on x86-64: u32 events, u64 data. */
  public static final long EPOLL_EVENT_SIZE = 12;

  private static MethodHandle errnoCall(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, ERRNO);
  }

  private static final MethodHandle MMAP = errnoCall("mmap",
      FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
  private static final MethodHandle MUNMAP = errnoCall("munmap",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle EPOLL_CREATE1 = errnoCall("epoll_create1",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle EPOLL_CTL = errnoCall("epoll_ctl",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle EPOLL_WAIT = errnoCall("epoll_wait",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle CLOSE = LINKER.downcallHandle(
      LINKER.defaultLookup().find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle STRERROR = LINKER.downcallHandle(
      LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));
  private static final MethodHandle SYSCONF = LINKER.downcallHandle(
      LINKER.defaultLookup().find("sysconf").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
  private static final int SC_PAGESIZE = 30;
  private static final MethodHandle CLOCK_GETTIME = LINKER.downcallHandle(
      LINKER.defaultLookup().find("clock_gettime").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  private static final int CLOCK_BOOTTIME = 7;

  /**
   * CLOCK_BOOTTIME in nanoseconds: the clock of {@code bpf_ktime_get_boot_ns()} and of task start
   * times. Uses {@code scratch} (16 bytes) to avoid allocating.
   */
  public static long bootTimeNanos(MemorySegment scratch) {
    try {
      int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_BOOTTIME, scratch);
      if (rc != 0) {
        throw new IllegalStateException("clock_gettime(CLOCK_BOOTTIME) failed");
      }
      return scratch.get(JAVA_LONG, 0) * 1_000_000_000L + scratch.get(JAVA_LONG, 8);
    } catch (Throwable t) {
      if (t instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError(t);
    }
  }

  /** A segment to receive errno, allocated once per calling thread's use. */
  public static MemorySegment errnoState(Arena arena) {
    return arena.allocate(STATE);
  }

  public static int errno(MemorySegment state) {
    return (int) ERRNO_HANDLE.get(state, 0L);
  }

  public static String strerror(int errno) {
    try {
      MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
      return s.reinterpret(256).getString(0);
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }

  public static long pageSize() {
    try {
      return (long) SYSCONF.invokeExact(SC_PAGESIZE);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /** mmap; returns the address, or MAP_FAILED (-1) with errno in {@code state}. */
  public static MemorySegment mmap(MemorySegment state, long length, int prot, int flags, int fd,
      long offset) {
    try {
      return (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd,
          offset);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int munmap(MemorySegment state, MemorySegment addr, long length) {
    try {
      return (int) MUNMAP.invokeExact(state, addr, length);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int epollCreate1(MemorySegment state, int flags) {
    try {
      return (int) EPOLL_CREATE1.invokeExact(state, flags);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int epollCtl(MemorySegment state, int epfd, int op, int fd, MemorySegment event) {
    try {
      return (int) EPOLL_CTL.invokeExact(state, epfd, op, fd, event);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int epollWait(MemorySegment state, int epfd, MemorySegment events, int max,
      int timeoutMillis) {
    try {
      return (int) EPOLL_WAIT.invokeExact(state, epfd, events, max, timeoutMillis);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int close(int fd) {
    try {
      return (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }
}
