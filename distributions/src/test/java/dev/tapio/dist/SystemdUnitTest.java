package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's systemd unit: systemd's own {@code systemd-analyze verify} accepts it, and
 * it grants exactly the capabilities {@link LeastPrivilegeTest} proves the agent needs, to a
 * user that is not root, with the host read-only around it.
 */
class SystemdUnitTest {
  private static final Set<String> AGENT_CAPS =
      Set.of("CAP_BPF", "CAP_PERFMON", "CAP_DAC_READ_SEARCH", "CAP_SYS_PTRACE",
          "CAP_AUDIT_READ");

  private static List<String> unit() throws Exception {
    return Files.readAllLines(Dist.home().resolve("systemd/tapio.service"));
  }

  private static String value(List<String> unit, String key) {
    return unit.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(
        key.length() + 1)).findFirst().orElseThrow(() -> new AssertionError("no " + key));
  }

  @Test
  void systemdVerifiesTheUnit(@TempDir Path dir) throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (!Files.isExecutable(analyze)) {
      System.out.println("SKIPPED systemd-analyze verify: no " + analyze);
      Assumptions.abort("no systemd-analyze");
    }
    // verify checks that ExecStart's program exists: point it at this distribution.
    Path unit = dir.resolve("tapio.service");
    Files.writeString(unit, String.join("\n", unit()).replace("/opt/tapio",
        Dist.home().toString()) + "\n");
    Process p = new ProcessBuilder(analyze.toString(), "verify", unit.toString())
        .redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), said);
    assertEquals("", said.strip(), "systemd-analyze verify had something to say");
  }

  @Test
  void theUnitGrantsExactlyTheAgentsCapabilitiesToANonRootUser() throws Exception {
    List<String> unit = unit();
    assertEquals(AGENT_CAPS, new TreeSet<>(Arrays.asList(
        value(unit, "AmbientCapabilities").split(" "))));
    assertEquals(AGENT_CAPS, new TreeSet<>(Arrays.asList(
        value(unit, "CapabilityBoundingSet").split(" "))));
    assertEquals("yes", value(unit, "DynamicUser"));
    assertEquals("yes", value(unit, "NoNewPrivileges"));
    assertEquals("strict", value(unit, "ProtectSystem"));
    assertEquals("yes", value(unit, "ProtectHome"));
    assertEquals("yes", value(unit, "PrivateTmp"));
    assertEquals("tapio", value(unit, "StateDirectory"));
    assertTrue(unit.stream().noneMatch(l -> l.startsWith("User=root")));
  }
}
