package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent with the least privilege the DaemonSet and the systemd unit give it, for real: the
 * distribution's {@code bin/tapio} run as user {@code nobody} (65534) by {@code setpriv}, with
 * exactly {@code CAP_BPF}, {@code CAP_PERFMON}, {@code CAP_DAC_READ_SEARCH} and {@code
 * CAP_SYS_PTRACE} as its ambient, inheritable and bounding sets, then with each one taken away,
 * and /readyz read for the four eBPF receivers; {@code CAP_AUDIT_READ} added for the security
 * receiver's kernel audit stream. What each capability is for (the README's
 * table comes from this test's output):
 *
 * <ul>
 *   <li>{@code BPF}: {@code bpf()} itself: maps, program loads, BTF.
 *   <li>{@code PERFMON}: tracing programs (tracepoints, raw tracepoints) and their pointer reads.
 *   <li>{@code DAC_READ_SEARCH}: the tracepoint ids under {@code /sys/kernel/tracing}, readable
 *       by root only: the network and DNS receivers attach to syscall tracepoints through them;
 *       the process receiver's BTF tracepoints need no tracefs.
 *   <li>{@code SYS_PTRACE}: none of the eBPF programs; the process receiver's /proc fallback
 *       reads {@code /proc/<pid>/exe} of other users' processes with it.
 * </ul>
 */
class LeastPrivilegeTest {
  private static final String[] AGENT_CAPS = {"bpf", "perfmon", "dac_read_search", "sys_ptrace"};
  private static final String[] RECEIVERS =
      {"ebpf_process", "ebpf_network", "ebpf_dns", "ebpf_security"};
  private static Path dir;

  @BeforeAll
  static void readableByNobody() throws Exception {
    String why = null;
    if (!Files.readString(Path.of("/proc/self/status")).lines()
        .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"))) {
      why = "not running as root, cannot switch to nobody";
    } else if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      why = "no /usr/bin/setpriv (util-linux)";
    } else if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
      why = "the kernel has no BTF: the eBPF receivers cannot load at all";
    } else if (!traversableByOthers(Dist.home())) {
      why = "the distribution at " + Dist.home() + " is not readable by other users";
    }
    if (why != null) {
      System.out.println("SKIPPED LeastPrivilegeTest: " + why);
      Assumptions.abort(why);
    }
    dir = Files.createDirectory(Path.of("/tmp", "tapio-lp-" + UUID.randomUUID()));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  @AfterAll
  static void clean() throws IOException {
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static boolean traversableByOthers(Path p) {
    for (Path at = p.toAbsolutePath(); at != null; at = at.getParent()) {
      try {
        if (!Files.getPosixFilePermissions(at).contains(
            java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  @Test
  void everyEbpfReceiverLoadsAsNobodyWithTheAgentsFourCapabilitiesAndWhatEachIsFor()
      throws Exception {
    Map<String, Map<String, String>> table = new LinkedHashMap<>();
    table.put("all four", statuses(AGENT_CAPS));
    for (String drop : AGENT_CAPS) {
      List<String> caps = new ArrayList<>(List.of(AGENT_CAPS));
      caps.remove(drop);
      table.put("without " + drop.toUpperCase(), statuses(caps.toArray(String[]::new)));
    }
    table.put("none", statuses());
    System.out.println("| capabilities (user nobody) | ebpf_process | ebpf_network | ebpf_dns"
        + " | ebpf_security |");
    System.out.println("| --- | --- | --- | --- | --- |");
    table.forEach((k, v) -> System.out.println("| " + k + " | " + String.join(" | ",
        v.values().stream().map(s -> s.split(":")[0]).toList()) + " |"));
    table.forEach((k, v) -> v.forEach((r, s) -> System.out.println(k + " / " + r + ": " + s)));

    for (String r : RECEIVERS) {
      assertEquals("ok", state(table, "all four", r), r + " as nobody with the four");
      assertEquals("ok", state(table, "without SYS_PTRACE", r), r + " needs no SYS_PTRACE");
      assertEquals("degraded", state(table, "without BPF", r), r);
      assertEquals("degraded", state(table, "without PERFMON", r), r);
      assertEquals("degraded", state(table, "none", r), r);
    }
    assertEquals("ok", state(table, "without DAC_READ_SEARCH", "ebpf_process"),
        "BTF tracepoints need no tracefs");
    assertEquals("degraded", state(table, "without DAC_READ_SEARCH", "ebpf_network"));
    assertEquals("degraded", state(table, "without DAC_READ_SEARCH", "ebpf_dns"));
    assertEquals("degraded", state(table, "without DAC_READ_SEARCH", "ebpf_security"),
        "syscall tracepoints are attached through tracefs ids");
    assertTrue(table.get("without BPF").get("ebpf_process").contains("Operation not permitted"),
        "the reason names the kernel's refusal: " + table.get("without BPF"));
  }

  @Test
  void sysPtraceLetsTheProcFallbackNameOtherUsersExecutables() throws Exception {
    // Without BPF the process receiver reads /proc; a root process's exe link needs SYS_PTRACE.
    assertTrue(fallbackSeesExecutable("perfmon", "dac_read_search", "sys_ptrace"),
        "with SYS_PTRACE the fallback names a root process's executable");
    assertTrue(!fallbackSeesExecutable("perfmon", "dac_read_search"),
        "without SYS_PTRACE a root process's executable is unreadable");
  }

  @Test
  void theSecurityReceiverReportsAsNobodyAndReadsTheAuditStreamWithAuditRead() throws Exception {
    String[] withAudit = {"bpf", "perfmon", "dac_read_search", "sys_ptrace", "audit_read"};
    Security seen = security(withAudit);
    assertTrue(seen.output().contains("reading the kernel audit stream"), seen.output());
    // A root process reading /etc/shadow: reported, its executable named (read in the kernel).
    assertTrue(seen.record().contains("\"security.file.sensitive_open\""), seen.record());
    assertTrue(seen.record().contains("\"stringValue\":\"/usr/bin/head\""), seen.record());

    Security without = security("bpf", "perfmon", "dac_read_search", "sys_ptrace");
    assertTrue(without.output().contains("no kernel audit stream: cannot join the audit"
        + " multicast group (needs CAP_AUDIT_READ)"), without.output());
    assertTrue(without.record().contains("\"security.file.sensitive_open\""),
        "the eBPF rules report without the audit stream: " + without.record());
  }

  /** What the security receiver, run as nobody with {@code caps}, logged and reported. */
  private record Security(String output, String record) {}

  private static Security security(String... caps) throws Exception {
    String marker = "tapio-lp-sec-" + UUID.randomUUID();
    int port = Dist.freePort();
    FileRun run = intoFile(marker, "ebpf_security", "{}", port, caps);
    TapioProcess tapio = run.tapio();
    try {
      HttpClient client = HttpClient.newHttpClient();
      String ready = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(ready.contains("\"receiver/ebpf_security\":{\"status\":\"ok\""), ready);
      Path records = run.records();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (System.nanoTime() < deadline) {
        new ProcessBuilder("/usr/bin/head", "-c", "1", "/etc/shadow", "/dev/null", "--", marker)
            .redirectErrorStream(true).start().waitFor();
        if (Files.exists(records)) {
          for (String line : Files.readAllLines(records)) {
            int at = line.indexOf("/etc/shadow");
            if (at >= 0) {
              return new Security(tapio.output().toString(), recordAround(line, at));
            }
          }
        }
        Thread.sleep(200);
      }
      throw new AssertionError("no sensitive_open record of /etc/shadow; tapio said:\n"
          + tapio.output());
    } finally {
      tapio.destroy();
    }
  }

  private static String state(Map<String, Map<String, String>> table, String row, String r) {
    return table.get(row).get(r).split(":")[0];
  }

  /** Each eBPF receiver's "status: reason" on /readyz when run as nobody with {@code caps}. */
  private static Map<String, String> statuses(String... caps) throws Exception {
    int port = Dist.freePort();
    Path config = write("readyz-" + port + ".yaml", """
        receivers:
          ebpf_process: {}
          ebpf_network: {}
          ebpf_dns: {}
          ebpf_security: {audit: {enabled: false}}
        exporters:
          debug: {verbosity: basic}
        service:
          telemetry:
            metrics: {address: "127.0.0.1:%d"}
          pipelines:
            logs:
              receivers: [ebpf_process, ebpf_network, ebpf_dns, ebpf_security]
              exporters: [debug]
        """.formatted(port));
    TapioProcess tapio = TapioProcess.start(config, asNobody(caps));
    try {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Map<String, String> out = new LinkedHashMap<>();
      for (String r : RECEIVERS) {
        Matcher m = Pattern.compile("\"receiver/" + r
            + "\":\\{\"status\":\"(\\w+)\",\"reason\":\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"")
            .matcher(body);
        assertTrue(m.find(), r + " on /readyz: " + body);
        out.put(r, m.group(1) + ": " + m.group(2));
      }
      return out;
    } finally {
      tapio.destroy();
    }
  }

  /** Whether the /proc fallback, run with {@code caps}, names the executable of a root process. */
  private static boolean fallbackSeesExecutable(String... caps) throws Exception {
    String marker = "tapio-lp-" + UUID.randomUUID();
    FileRun run = intoFile(marker, "ebpf_process", "{procfs_interval: 50ms}", Dist.freePort(),
        caps);
    TapioProcess tapio = run.tapio();
    try {
      Process root = new ProcessBuilder("/bin/sh", "-c", "sleep 1", marker).start();
      root.waitFor();
      Path records = run.records();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (System.nanoTime() < deadline) {
        if (Files.exists(records)) {
          for (String line : Files.readAllLines(records)) {
            int at = line.indexOf(marker);
            if (at >= 0) {
              // The record holding the marker in its arguments: its executable, if named.
              String record = recordAround(line, at);
              Matcher exe = Pattern.compile("\"process\\.executable\\.path\",\"value\":"
                  + "\\{\"stringValue\":\"([^\"]*)\"").matcher(record);
              return exe.find() && !exe.group(1).isEmpty();
            }
          }
        }
        Thread.sleep(100);
      }
      throw new AssertionError("no exec record of the marked process; tapio said:\n"
          + tapio.output());
    } finally {
      tapio.destroy();
    }
  }

  /** Tapio started as nobody with {@code caps}: one receiver into the file exporter. */
  private record FileRun(TapioProcess tapio, Path records) {}

  private static FileRun intoFile(String marker, String receiver, String receiverConfig,
      int metricsPort, String... caps) throws Exception {
    Path out = Files.createDirectory(dir.resolve("out-" + marker));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path config = write(marker + ".yaml", """
        receivers:
          %s: %s
        exporters:
          file: {path: %s/records.json}
        service:
          telemetry:
            metrics: {address: "127.0.0.1:%d"}
          pipelines:
            logs: {receivers: [%s], exporters: [file]}
        """.formatted(receiver, receiverConfig, out, metricsPort, receiver));
    return new FileRun(TapioProcess.start(config, asNobody(caps)), out.resolve("records.json"));
  }

  /** The one record of a file-exporter line (OTLP/JSON) that holds index {@code at}. */
  private static String recordAround(String line, int at) {
    int start = line.lastIndexOf("{\"timeUnixNano\"", at);
    int end = line.indexOf("{\"timeUnixNano\"", at);
    return line.substring(Math.max(start, 0), end < 0 ? line.length() : end);
  }

  private static Path write(String name, String text) throws IOException {
    Path p = Files.writeString(dir.resolve(name), text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    return p;
  }

  /** setpriv: user and group nobody, no groups, exactly {@code caps} in every set but effective. */
  private static String[] asNobody(String... caps) {
    StringBuilder set = new StringBuilder("-all");
    for (String c : caps) {
      set.append(",+").append(c);
    }
    return new String[] {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "--inh-caps=" + set, "--ambient-caps=" + set, "--bounding-set=" + set, "env",
        "JAVA_HOME=" + System.getProperty("java.home"), "HOME=" + dir};
  }
}
