package dev.tapio.bpf.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidAttributionCacheTest {

  @Test
  void rereadsOnlyAfterTheTtlOrForAnotherCgroup(@TempDir Path proc) throws Exception {
    Path file = proc.resolve("42").resolve("cgroup");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "0::/system.slice/a.service\n");
    PidAttributionCache cache = new PidAttributionCache(new CgroupAttribution(proc, 16));
    long t = 1_000;
    assertEquals("a.service", cache.forPid(42, 7, t).systemdUnit());
    Files.writeString(file, "0::/system.slice/b.service\n");
    assertEquals("a.service", cache.forPid(42, 7, t + 1).systemdUnit());
    // the cgroup id names the v2 cgroup, which CgroupAttribution caches by itself
    assertEquals("b.service", cache.forPid(42, 8, t + 2).systemdUnit());
    assertEquals("a.service", cache.forPid(42, 7, t + PidAttributionCache.TTL_NANOS - 1)
        .systemdUnit());
    Files.writeString(file, "1:name=systemd:/system.slice/c.service\n0::/\n");
    // v1 results are not cached by cgroup id: after the TTL the file is read again
    assertEquals("c.service", cache.forPid(42, 9, t + 3).systemdUnit());
    Files.writeString(file, "1:name=systemd:/system.slice/d.service\n0::/\n");
    assertEquals("c.service", cache.forPid(42, 9, t + 4).systemdUnit());
    assertEquals("d.service", cache.forPid(42, 9, t + 4 + PidAttributionCache.TTL_NANOS)
        .systemdUnit());
  }
}
