package dev.tapio.bpf;

import dev.tapio.bpf.libc.Libc;

/**
 * A libbpf or kernel call failed. The message names the object or program, the operation, the
 * errno and what to check; {@link #errno()} is the raw errno for callers that fall back.
 */
public final class BpfException extends Exception {
  private final int errno;

  BpfException(String what, int errno) {
    super(what + ": " + Libc.strerror(errno) + " (errno " + errno + ")" + hint(errno));
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }

  /** True when the failure means "not allowed here" rather than "broken program". */
  public boolean isPermissionProblem() {
    return errno == 1 || errno == 13; // EPERM, EACCES
  }

  private static String hint(int errno) {
    return switch (errno) {
      case 1, 13 -> "; loading eBPF needs root or CAP_BPF + CAP_PERFMON (and"
          + " kernel.unprivileged_bpf_disabled does not apply to those)";
      case 2 -> "; the kernel lacks what the program attaches to (tracepoint or BTF type)";
      case 7, 22 -> "; the verifier rejected the program or the object is malformed (see the"
          + " libbpf log above)";
      case 95 -> "; this program type is not supported by this kernel";
      case 12 -> "; not enough locked memory or kernel memory for the maps (ring buffer size?)";
      default -> "";
    };
  }
}
