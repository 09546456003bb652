package dev.tapio.bpf.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;

import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into libbpf.so.1 (libbpf 1.x: functions return NULL or a negative errno, and set
 * errno). One static final handle per function, invoked exactly; calls that report through errno
 * take a capture-state segment first (see {@link dev.tapio.bpf.libc.Libc#errnoState}).
 * Loading this class fails with {@link UnsatisfiedLinkError} when libbpf.so.1 is absent.
 * Thread-safe; the objects the handles operate on are not.
 */
public final class Libbpf {
  private Libbpf() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIB = SymbolLookup.libraryLookup("libbpf.so.1",
      java.lang.foreign.Arena.global());
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

  private static MethodHandle fn(String name, FunctionDescriptor fd, Linker.Option... options) {
    return LINKER.downcallHandle(LIB.find(name).orElseThrow(
        () -> new UnsatisfiedLinkError("libbpf.so.1 has no " + name + "; libbpf 1.x is needed")),
        fd, options);
  }

  public static final MethodHandle OBJECT_OPEN_MEM = fn("bpf_object__open_mem",
      FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), ERRNO);
  public static final MethodHandle OBJECT_LOAD = fn("bpf_object__load",
      FunctionDescriptor.of(JAVA_INT, ADDRESS));
  public static final MethodHandle OBJECT_CLOSE = fn("bpf_object__close",
      FunctionDescriptor.ofVoid(ADDRESS));
  public static final MethodHandle OBJECT_FIND_MAP = fn("bpf_object__find_map_by_name",
      FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  public static final MethodHandle OBJECT_NEXT_PROGRAM = fn("bpf_object__next_program",
      FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  public static final MethodHandle PROGRAM_NAME = fn("bpf_program__name",
      FunctionDescriptor.of(ADDRESS, ADDRESS));
  public static final MethodHandle PROGRAM_SET_AUTOLOAD = fn("bpf_program__set_autoload",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
  public static final MethodHandle PROGRAM_ATTACH = fn("bpf_program__attach",
      FunctionDescriptor.of(ADDRESS, ADDRESS), ERRNO);
  public static final MethodHandle LINK_DESTROY = fn("bpf_link__destroy",
      FunctionDescriptor.of(JAVA_INT, ADDRESS));
  public static final MethodHandle MAP_FD = fn("bpf_map__fd",
      FunctionDescriptor.of(JAVA_INT, ADDRESS));
  public static final MethodHandle MAP_SET_MAX_ENTRIES = fn("bpf_map__set_max_entries",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  public static final MethodHandle MAP_MAX_ENTRIES = fn("bpf_map__max_entries",
      FunctionDescriptor.of(JAVA_INT, ADDRESS));
  public static final MethodHandle MAP_INITIAL_VALUE = fn("bpf_map__initial_value",
      FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  public static final MethodHandle MAP_SET_INITIAL_VALUE = fn("bpf_map__set_initial_value",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
  public static final MethodHandle MAP_LOOKUP_ELEM = fn("bpf_map_lookup_elem",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
  public static final MethodHandle MAP_UPDATE_ELEM = fn("bpf_map_update_elem",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), ERRNO);
  /** {@code int bpf_map_get_next_key(int fd, const void *key, void *next_key)}; key NULL: first. */
  public static final MethodHandle MAP_GET_NEXT_KEY = fn("bpf_map_get_next_key",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
  /** {@code int bpf_map_delete_elem(int fd, const void *key)}. */
  public static final MethodHandle MAP_DELETE_ELEM = fn("bpf_map_delete_elem",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), ERRNO);
  public static final MethodHandle NUM_POSSIBLE_CPUS = fn("libbpf_num_possible_cpus",
      FunctionDescriptor.of(JAVA_INT));
  public static final MethodHandle SET_PRINT = fn("libbpf_set_print",
      FunctionDescriptor.of(ADDRESS, ADDRESS));

}
