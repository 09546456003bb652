package dev.tapio.bpf;

import dev.tapio.bpf.libbpf.Libbpf;
import dev.tapio.bpf.libc.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A map of a loaded {@link BpfObject}: its file descriptor and element access. The handle is
 * owned by the object; do not use it after the object is closed. Not thread-safe (each reader
 * keeps its own scratch buffers).
 */
public final class BpfMap {
  private final String name;
  private final MemorySegment handle;
  private final Arena arena;
  private final MemorySegment errno;
  private final MemorySegment key;

  BpfMap(String name, MemorySegment handle, Arena arena) {
    this.name = name;
    this.handle = handle;
    this.arena = arena;
    this.errno = Libc.errnoState(arena);
    this.key = arena.allocate(ValueLayout.JAVA_INT);
  }

  public String name() {
    return name;
  }

  public int fd() {
    try {
      return (int) Libbpf.MAP_FD.invokeExact(handle);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public int maxEntries() {
    try {
      return (int) Libbpf.MAP_MAX_ENTRIES.invokeExact(handle);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /**
   * Sums the u64 values of every CPU at {@code index} of a per-CPU array map into {@code out}
   * (one slot per index, {@code out.length} indexes read from 0). Allocation-free after the first
   * call.
   */
  public void sumPerCpuU64(long[] out) throws BpfException {
    int cpus = BpfObject.possibleCpus();
    MemorySegment values = perCpuScratch(cpus);
    for (int i = 0; i < out.length; i++) {
      key.set(ValueLayout.JAVA_INT, 0, i);
      int rc;
      try {
        rc = (int) Libbpf.MAP_LOOKUP_ELEM.invokeExact(errno, fd(), key, values);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      if (rc != 0) {
        throw new BpfException("reading map '" + name + "' index " + i, Libc.errno(errno));
      }
      long sum = 0;
      for (int c = 0; c < cpus; c++) {
        sum += values.get(ValueLayout.JAVA_LONG, c * 8L);
      }
      out[i] = sum;
    }
  }

  /**
   * Writes a u32 at {@code index} of an array map whose values are u32 (e.g. a switch the
   * program reads).
   */
  public void putU32(int index, int value) throws BpfException {
    MemorySegment v = u32Scratch();
    v.set(ValueLayout.JAVA_INT, 0, value);
    putAt(index, v);
  }

  /** Writes a u64 at {@code index} of an array map whose values are u64. */
  public void putU64(int index, long value) throws BpfException {
    if (u64 == null) {
      u64 = arena.allocate(ValueLayout.JAVA_LONG);
    }
    u64.set(ValueLayout.JAVA_LONG, 0, value);
    putAt(index, u64);
  }

  private void putAt(int index, MemorySegment value) throws BpfException {
    key.set(ValueLayout.JAVA_INT, 0, index);
    int rc;
    try {
      rc = (int) Libbpf.MAP_UPDATE_ELEM.invokeExact(errno, fd(), key, value, 0L);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    if (rc != 0) {
      throw new BpfException("writing map '" + name + "' index " + index, Libc.errno(errno));
    }
  }

  /**
   * Writes {@code value} at {@code key} (BPF_ANY: creates or replaces); both this map's key and
   * value sizes. For maps a loader fills before events flow, e.g. an LPM trie of path prefixes.
   */
  public void update(MemorySegment key, MemorySegment value) throws BpfException {
    int rc;
    try {
      rc = (int) Libbpf.MAP_UPDATE_ELEM.invokeExact(errno, fd(), key, value, 0L);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    if (rc != 0) {
      throw new BpfException("writing map '" + name + "'", Libc.errno(errno));
    }
  }

  /**
   * Copies the key after {@code key} (the first key when {@code key} is {@link
   * MemorySegment#NULL}) into {@code next}; false when there is none. Keys are this map's key
   * size; a hash map iterated while others insert may skip or repeat keys, so iterate only
   * entries no one writes any more.
   */
  public boolean nextKey(MemorySegment key, MemorySegment next) throws BpfException {
    int rc;
    try {
      rc = (int) Libbpf.MAP_GET_NEXT_KEY.invokeExact(errno, fd(), key, next);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    if (rc == 0) {
      return true;
    }
    int e = Libc.errno(errno);
    if (e == 2) { // ENOENT: the end
      return false;
    }
    throw new BpfException("iterating map '" + name + "'", e);
  }

  /** Copies the value of {@code key} into {@code value}; false when the key is absent. */
  public boolean lookup(MemorySegment key, MemorySegment value) throws BpfException {
    int rc;
    try {
      rc = (int) Libbpf.MAP_LOOKUP_ELEM.invokeExact(errno, fd(), key, value);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    if (rc == 0) {
      return true;
    }
    int e = Libc.errno(errno);
    if (e == 2) {
      return false;
    }
    throw new BpfException("reading map '" + name + "'", e);
  }

  /** Deletes {@code key}; false when it was absent. */
  public boolean delete(MemorySegment key) throws BpfException {
    int rc;
    try {
      rc = (int) Libbpf.MAP_DELETE_ELEM.invokeExact(errno, fd(), key);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    if (rc == 0) {
      return true;
    }
    int e = Libc.errno(errno);
    if (e == 2) {
      return false;
    }
    throw new BpfException("deleting from map '" + name + "'", e);
  }

  private MemorySegment u32;
  private MemorySegment u64;

  private MemorySegment u32Scratch() {
    if (u32 == null) {
      u32 = arena.allocate(ValueLayout.JAVA_INT);
    }
    return u32;
  }

  private MemorySegment scratch;

  private MemorySegment perCpuScratch(int cpus) {
    if (scratch == null) {
      scratch = arena.allocate(8L * cpus, 8);
    }
    return scratch;
  }
}
