package dev.tapio.bpf;

import dev.tapio.bpf.libbpf.Libbpf;
import dev.tapio.bpf.libc.Libc;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One eBPF object (an ELF file of programs and maps) through libbpf: open from bytes, configure
 * (read-only config, ring buffer size, which programs load), load, attach, read maps, close.
 * Every native handle — the object, its links, the memory handed to libbpf — is owned by this
 * object's {@link Arena} and released by {@link #close()}.
 *
 * <p>Not thread-safe: configure, load and attach from one thread; afterwards maps may be read by
 * one other thread (the receiver's poll thread).
 */
public final class BpfObject implements AutoCloseable {
  private static final String PROGRAMS = "/dev/tapio/bpf/programs/";

  private final String name;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment errno;
  private MemorySegment object;
  private final Map<String, MemorySegment> programs = new LinkedHashMap<>();
  private final List<MemorySegment> links = new ArrayList<>();
  private final Map<String, BpfMap> maps = new LinkedHashMap<>();
  private boolean loaded;

  private BpfObject(String name) {
    this.name = name;
    this.errno = Libc.errnoState(arena);
  }

  /** Opens an object compiled into this jar, e.g. {@code process.bpf.o}. */
  public static BpfObject openBundled(String fileName) throws BpfException, IOException {
    try (InputStream in = BpfObject.class.getResourceAsStream(PROGRAMS + fileName)) {
      if (in == null) {
        throw new IOException("no eBPF object " + fileName + " in the tapio-bpf jar; was it built"
            + " with clang (see bpf/build-programs.sh)?");
      }
      return open(fileName, in.readAllBytes());
    }
  }

  /**
   * Opens an object from ELF bytes (nothing is loaded into the kernel yet).
   *
   * @throws UnsatisfiedLinkError when libbpf.so.1 is not installed
   */
  public static BpfObject open(String name, byte[] elf) throws BpfException {
    BpfObject o = new BpfObject(name);
    try {
      MemorySegment buf = o.arena.allocate(elf.length, 8);
      MemorySegment.copy(elf, 0, buf, ValueLayout.JAVA_BYTE, 0, elf.length);
      // struct bpf_object_open_opts { size_t sz; const char *object_name; ... }: libbpf accepts
      // a prefix of the struct when sz says so.
      MemorySegment opts = o.arena.allocate(16, 8);
      opts.set(ValueLayout.JAVA_LONG, 0, 16);
      opts.set(ValueLayout.ADDRESS, 8, o.arena.allocateFrom(name));
      MemorySegment obj = (MemorySegment) Libbpf.OBJECT_OPEN_MEM.invokeExact(o.errno, buf,
          (long) elf.length, opts);
      if (obj.equals(MemorySegment.NULL)) {
        throw new BpfException("opening eBPF object " + name, Libc.errno(o.errno));
      }
      o.object = obj;
      for (MemorySegment p = next(obj, MemorySegment.NULL); !p.equals(MemorySegment.NULL);
          p = next(obj, p)) {
        MemorySegment n = (MemorySegment) Libbpf.PROGRAM_NAME.invokeExact(p);
        o.programs.put(n.reinterpret(256).getString(0), p);
      }
      return o;
    } catch (BpfException | RuntimeException | Error e) {
      o.close();
      throw e;
    } catch (Throwable t) {
      o.close();
      throw new AssertionError(t);
    }
  }

  private static MemorySegment next(MemorySegment obj, MemorySegment prev) throws Throwable {
    return (MemorySegment) Libbpf.OBJECT_NEXT_PROGRAM.invokeExact(obj, prev);
  }

  public String name() {
    return name;
  }

  /** The programs of the object, by name, in ELF order. */
  public List<String> programNames() {
    return List.copyOf(programs.keySet());
  }

  /** Chooses whether a program is loaded (and so attached); before {@link #load()}. */
  public void setAutoload(String program, boolean load) {
    MemorySegment p = program(program);
    int rc;
    try {
      rc = (int) Libbpf.PROGRAM_SET_AUTOLOAD.invokeExact(p, load);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    if (rc != 0) {
      throw new IllegalStateException("cannot change autoload of " + program + " after load");
    }
  }

  /**
   * Writes {@code config} at offset 0 of the object's {@code .rodata} (the programs keep their
   * read-only configuration in one struct there), before {@link #load()}.
   */
  public void setReadOnlyConfig(byte[] config) {
    MemorySegment map = findMap(".rodata");
    if (map.equals(MemorySegment.NULL)) {
      throw new IllegalStateException(name + " has no .rodata section");
    }
    MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
    MemorySegment data;
    try {
      data = (MemorySegment) Libbpf.MAP_INITIAL_VALUE.invokeExact(map, size);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    long n = size.get(ValueLayout.JAVA_LONG, 0);
    if (data.equals(MemorySegment.NULL) || n < config.length) {
      throw new IllegalStateException(name + ": .rodata is " + n + " bytes, config is "
          + config.length);
    }
    MemorySegment.copy(config, 0, data.reinterpret(n), ValueLayout.JAVA_BYTE, 0, config.length);
  }

  /**
   * Sets the size of a ring buffer map in bytes, before {@link #load()}. It must be a power of
   * two and a multiple of the page size (the kernel's rule).
   */
  public void setRingBufferSize(String map, int bytes) {
    long page = Libc.pageSize();
    if (bytes <= 0 || Integer.bitCount(bytes) != 1 || bytes % page != 0) {
      throw new IllegalArgumentException("ring buffer size " + bytes
          + " must be a power of two and a multiple of the page size (" + page + ")");
    }
    resize(map, bytes);
  }

  private void resize(String map, int entries) {
    MemorySegment m = findMap(map);
    if (m.equals(MemorySegment.NULL)) {
      throw new IllegalArgumentException(name + " has no map " + map);
    }
    int rc;
    try {
      rc = (int) Libbpf.MAP_SET_MAX_ENTRIES.invokeExact(m, entries);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    if (rc != 0) {
      throw new IllegalStateException("cannot resize " + map + " (errno " + -rc + ")");
    }
  }

  /** Sets a (non-ring) map's capacity, e.g. an LRU table's, before {@link #load()}. */
  public void setMaxEntries(String map, int entries) {
    if (entries <= 0) {
      throw new IllegalArgumentException("max entries of " + map + " must be positive, got "
          + entries);
    }
    resize(map, entries);
  }

  /** Creates the maps and loads the programs into the kernel (the verifier runs here). */
  public void load() throws BpfException {
    int rc;
    try {
      rc = (int) Libbpf.OBJECT_LOAD.invokeExact(object);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    if (rc != 0) {
      throw new BpfException("loading eBPF object " + name + " (programs "
          + String.join(", ", programs.keySet()) + ")", -rc);
    }
    loaded = true;
  }

  /** Attaches one loaded program to its hook (from its ELF section name). */
  public void attach(String program) throws BpfException {
    if (!loaded) {
      throw new IllegalStateException("load() first");
    }
    MemorySegment link;
    try {
      link = (MemorySegment) Libbpf.PROGRAM_ATTACH.invokeExact(errno, program(program));
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    if (link.equals(MemorySegment.NULL)) {
      throw new BpfException("attaching program " + program + " of " + name,
          Libc.errno(errno));
    }
    links.add(link);
  }

  /** A map of the loaded object. */
  public BpfMap map(String mapName) {
    return maps.computeIfAbsent(mapName, n -> {
      MemorySegment m = findMap(n);
      if (m.equals(MemorySegment.NULL)) {
        throw new IllegalArgumentException(name + " has no map " + n);
      }
      return new BpfMap(n, m, arena);
    });
  }

  private MemorySegment findMap(String mapName) {
    try {
      return (MemorySegment) Libbpf.OBJECT_FIND_MAP.invokeExact(object,
          arena.allocateFrom(mapName));
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  private MemorySegment program(String program) {
    MemorySegment p = programs.get(program);
    if (p == null) {
      throw new IllegalArgumentException(name + " has no program " + program + "; it has "
          + programs.keySet());
    }
    return p;
  }

  static int possibleCpus() {
    try {
      return (int) Libbpf.NUM_POSSIBLE_CPUS.invokeExact();
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /** Detaches every program, unloads the object and frees its memory. Idempotent. */
  @Override
  public void close() {
    try {
      for (MemorySegment link : links.reversed()) {
        int ignored = (int) Libbpf.LINK_DESTROY.invokeExact(link);
      }
      links.clear();
      if (object != null) {
        Libbpf.OBJECT_CLOSE.invokeExact(object);
        object = null;
      }
    } catch (Throwable t) {
      throw new AssertionError(t);
    } finally {
      if (arena.scope().isAlive()) {
        arena.close();
      }
    }
  }
}
