package dev.tapio.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Skips, with the reason printed, tests that need root, BTF and libbpf. */
final class Privileges {
  private Privileges() {}

  static void assumeBpf() {
    String why = missing();
    if (why != null) {
      System.out.println("SKIPPED eBPF test: " + why);
      Assumptions.abort(why);
    }
  }

  static String missing() {
    try {
      String status = Files.readString(Path.of("/proc/self/status"));
      boolean root = status.lines().anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2]
          .equals("0"));
      if (!root) {
        return "not running as root (effective uid is not 0)";
      }
    } catch (IOException e) {
      return "cannot read /proc/self/status: " + e.getMessage();
    }
    if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
      return "the kernel has no BTF (/sys/kernel/btf/vmlinux)";
    }
    if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libbpf.so.1"))
        && !Files.exists(Path.of("/usr/lib64/libbpf.so.1"))
        && !Files.exists(Path.of("/lib/x86_64-linux-gnu/libbpf.so.1"))) {
      return "libbpf.so.1 is not installed (Debian package libbpf1)";
    }
    return null;
  }
}
