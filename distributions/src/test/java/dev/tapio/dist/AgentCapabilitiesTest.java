package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent DaemonSet's security context, for real: bin/tapio run as root (uid 0, as the
 * DaemonSet runs it) holding exactly the capabilities the chart adds (read from the committed
 * render, so the test follows the chart), every eBPF receiver reports ok; without CAP_BPF, or
 * without CAP_PERFMON, every eBPF receiver is degraded, so neither can go. (CAP_SYS_PTRACE and
 * CAP_DAC_READ_SEARCH are for /proc entries of processes of other users; uid 0 loads and
 * reports ok without them, which this test records too.)
 */
class AgentCapabilitiesTest {
  private static final Pattern ADDED = Pattern.compile(
      "kind: DaemonSet.*?capabilities:\\s*drop: \\[ALL\\]\\s*add:\\s*((?:\\s*(?:#[^\\n]*|- [A-Z_]+))+)",
      Pattern.DOTALL);

  static List<String> chartCapabilities() throws Exception {
    String golden = Files.readString(KubernetesTools.TEST.resolve("golden/both.yaml"));
    Matcher m = ADDED.matcher(golden);
    assertTrue(m.find(), "no DaemonSet capabilities in golden/both.yaml");
    List<String> caps = new ArrayList<>();
    Matcher item = Pattern.compile("(?m)^\\s*- ([A-Z_]+)\\s*$").matcher(m.group(1));
    while (item.find()) {
      caps.add(item.group(1));
    }
    return caps;
  }

  @Test
  void everyEbpfReceiverIsOkWithExactlyTheChartsCapabilities(@TempDir Path dir) throws Exception {
    List<String> caps = chartCapabilities();
    assertEquals(List.of("BPF", "PERFMON", "SYS_PTRACE", "DAC_READ_SEARCH"), caps);
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "running as uid 0 with a reduced capability set needs root: skipped");
    Assumptions.assumeTrue(KubernetesTools.onPath("capsh"),
        "capsh is not installed (Debian package libcap2-bin): skipped");

    Map<String, String> withChartSet = run(dir, caps);
    assertEquals(Map.of("receiver/ebpf_process", "ok", "receiver/ebpf_network", "ok",
        "receiver/ebpf_dns", "ok", "receiver/ebpf_security", "ok"), withChartSet);

    for (String necessary : List.of("BPF", "PERFMON")) {
      List<String> fewer = new ArrayList<>(caps);
      fewer.remove(necessary);
      Map<String, String> states = run(dir, fewer);
      assertEquals(Map.of("receiver/ebpf_process", "degraded", "receiver/ebpf_network",
          "degraded", "receiver/ebpf_dns", "degraded", "receiver/ebpf_security", "degraded"),
          states, "without " + necessary);
    }
    for (String forOtherUsers : List.of("SYS_PTRACE", "DAC_READ_SEARCH")) {
      List<String> fewer = new ArrayList<>(caps);
      fewer.remove(forOtherUsers);
      System.out.println("uid 0 without CAP_" + forOtherUsers + ": " + run(dir, fewer));
    }
  }

  /** The eBPF receivers' states on /readyz, bin/tapio running as root with only {@code caps}. */
  private static Map<String, String> run(Path dir, List<String> caps) throws Exception {
    int port = Dist.freePort();
    Path config = dir.resolve("agent-" + port + ".yaml");
    Files.writeString(config, """
        receivers: {ebpf_process: {}, ebpf_network: {}, ebpf_dns: {}, ebpf_security: {}}
        exporters: {debug: {verbosity: basic}}
        service:
          telemetry: {metrics: {address: 127.0.0.1:%d}}
          pipelines:
            logs:
              receivers: [ebpf_process, ebpf_network, ebpf_dns, ebpf_security]
              exporters: [debug]
        """.formatted(port));
    // Every capability of the bounding set but these is dropped; root's exec then holds only
    // these (permitted = effective = bounding), as a container with drop ALL + add does.
    List<String> drop = new ArrayList<>();
    String bounding = KubernetesTools.run(dir, 30, "capsh", "--print").out().lines()
        .filter(l -> l.startsWith("Bounding set =")).findFirst().orElseThrow()
        .substring("Bounding set =".length());
    for (String cap : bounding.split(",")) {
      if (!caps.contains(cap.strip().substring("cap_".length()).toUpperCase())) {
        drop.add(cap.strip());
      }
    }
    TapioProcess agent = TapioProcess.start(config, "capsh", "--drop=" + String.join(",", drop),
        "--", "-c", "exec \"$0\" \"$@\"");
    try {
      long effective = Long.parseLong(Files.readAllLines(
          Path.of("/proc/" + agent.process().pid() + "/status")).stream()
          .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow()
          .substring("CapEff:".length()).strip(), 16);
      assertEquals(mask(caps), effective, "the agent's effective capabilities");
      HttpClient client = HttpClient.newHttpClient();
      String body = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Map<String, String> states = new LinkedHashMap<>();
      Matcher m = Pattern.compile("\"(receiver/ebpf_\\w+)\":\\{\"status\":\"(\\w+)\"")
          .matcher(body);
      while (m.find()) {
        states.put(m.group(1), m.group(2));
      }
      return states;
    } finally {
      agent.destroy();
    }
  }

  private static long mask(List<String> caps) {
    Map<String, Integer> bits = Map.of("DAC_READ_SEARCH", 2, "SYS_PTRACE", 19, "PERFMON", 38,
        "BPF", 39);
    long mask = 0;
    for (String cap : caps) {
      mask |= 1L << bits.get(cap);
    }
    return mask;
  }
}
