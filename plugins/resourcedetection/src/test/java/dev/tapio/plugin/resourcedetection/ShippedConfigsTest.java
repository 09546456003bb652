package dev.tapio.plugin.resourcedetection;

import static dev.tapio.plugin.resourcedetection.Fixture.detectOnLogs;
import static dev.tapio.plugin.resourcedetection.Fixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.pdata.Attributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code resourcedetection} sections of the embedded default configuration and of
 * {@code examples/agent.yaml} start on this host, with this process's environment and files,
 * and set what their comments promise. (The whole files, with their eBPF receivers, are run by
 * the distribution's CliTest.)
 */
class ShippedConfigsTest {

  @Test
  void theEmbeddedDefaultStartsHere() throws Exception {
    // From the source tree: the engine jar on this module's classpath may be an older build.
    String yaml = Files.readString(
        Path.of("../../core/engine/src/main/resources/tapio-default.yaml"));
    assertDetectsTheHost(section(yaml));
  }

  @Test
  void theAgentExampleStartsHere() throws Exception {
    String yaml = Files.readString(Path.of("../../examples/agent.yaml"));
    assertDetectsTheHost(section(yaml));
  }

  private static void assertDetectsTheHost(String section) throws Exception {
    Attributes a = detectOnLogs(new ResourceDetectionFactory(), section);
    assertEquals(run("hostname", "-f"), a.getString("host.name"));
    assertEquals("linux", a.getString("os.type"));
    assertFalse(a.getString("os.description").isEmpty());
    assertEquals(switch (run("uname", "-m")) {
      case "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      case String other -> other;
    }, a.getString("host.arch"));
    if (Files.exists(Path.of("/etc/machine-id"))) {
      assertEquals(Files.readString(Path.of("/etc/machine-id")).strip(),
          a.getString("host.id"));
    }
    String node = System.getenv("K8S_NODE_NAME");
    assertEquals(node == null || node.isBlank() ? null : node.strip(),
        a.getString("k8s.node.name"));
  }

  /** The body of {@code processors.resourcedetection}, de-indented. */
  private static String section(String yaml) {
    List<String> body = new ArrayList<>();
    boolean in = false;
    for (String line : yaml.split("\n")) {
      if (line.equals("  resourcedetection:")) {
        in = true;
      } else if (in && (line.startsWith("    ") || line.isBlank())) {
        body.add(line.isBlank() ? "" : line.substring(4));
      } else if (in) {
        break;
      }
    }
    assertTrue(!body.isEmpty(), "no processors.resourcedetection section in:\n" + yaml);
    return String.join("\n", body) + "\n";
  }
}
