package dev.tapio.plugin.resourcedetection;

import static dev.tapio.plugin.resourcedetection.Fixture.detectOnLogs;
import static dev.tapio.plugin.resourcedetection.Fixture.factory;
import static dev.tapio.plugin.resourcedetection.Fixture.fakeRoot;
import static dev.tapio.plugin.resourcedetection.Fixture.run;
import static dev.tapio.plugin.resourcedetection.Fixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestHost;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system detector against what this host's own tools and files say ({@code hostname},
 * {@code uname}, {@code /etc/machine-id}, {@code ip}, {@code /sys/class/net}), and against fake
 * roots of real files for what this host does not have.
 */
class SystemDetectorTest {
  private static final String ALL = """
      detectors: [system]
      system:
        resource_attributes:
          host.name: {enabled: true}
          host.id: {enabled: true}
          host.arch: {enabled: true}
          host.ip: {enabled: true}
          host.mac: {enabled: true}
          os.type: {enabled: true}
          os.description: {enabled: true}
      """;
  /** {@link #ALL} with the kernel's host name only: fake roots need no DNS. */
  private static final String ALL_OS = ALL + "  hostname_sources: [os]\n";

  private static String sources(String list) {
    return "detectors: [system]\nsystem: {hostname_sources: " + list + "}\n";
  }

  @Test
  void osHostnameIsWhatHostnamePrints() throws Exception {
    Attributes a = detectOnLogs(factory(Map.of()), sources("[os]"));
    assertEquals(run("hostname"), a.getString("host.name"));
  }

  @Test
  void defaultHostnameIsTheFullyQualifiedNameAsHostnameDashFPrintsIt() throws Exception {
    Attributes a = detectOnLogs(factory(Map.of()), "detectors: [system]");
    assertEquals(run("hostname", "-f"), a.getString("host.name"));
  }

  @Test
  void defaultsAreTheCollectorsHostNameAndOsTypeOnly() throws Exception {
    Attributes a = detectOnLogs(factory(Map.of()), "detectors: [system]");
    assertEquals(List.of("host.name", "os.type"), keys(a));
    assertEquals("linux", a.getString("os.type"));
  }

  @Test
  void everyAttributeEqualsWhatThisHostSays() throws Exception {
    Attributes a = detectOnLogs(factory(Map.of()), ALL);

    assertEquals(run("hostname", "-f"), a.getString("host.name"));
    String machineId = Files.exists(Path.of("/etc/machine-id"))
        ? Files.readString(Path.of("/etc/machine-id")).strip()
        : Files.readString(Path.of("/var/lib/dbus/machine-id")).strip();
    assertEquals(machineId, a.getString("host.id"));
    String expectedArch = switch (run("uname", "-m")) {
      case "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      case String other -> throw new AssertionError("add the expectation for " + other);
    };
    assertEquals(expectedArch, a.getString("host.arch"));
    assertEquals("linux", a.getString("os.type"));
    // The Go SDK's form: os-release NAME VERSION (or VERSION_ID), then (uname -snrvm).
    String release = run("sh", "-c", ". /etc/os-release && echo \"$NAME ${VERSION:-$VERSION_ID}\"");
    assertEquals(release + " (" + run("uname", "-snrvm") + ")", a.getString("os.description"));
    assertTrue(a.getString("os.description").contains(run("uname", "-r")));

    assertEquals(ipAddresses(), new HashSet<>(strings(a.get("host.ip"))));
    assertEquals(macAddresses(), strings(a.get("host.mac")));
    assertEquals(List.of("host.name", "host.id", "host.arch", "host.ip", "host.mac", "os.type",
        "os.description"), keys(a));
  }

  /** The addresses {@code ip} lists on interfaces that are up, but not loopback ones. */
  private static Set<String> ipAddresses() throws Exception {
    Set<String> out = new HashSet<>();
    for (String line : run("ip", "-o", "addr", "show", "up").split("\n")) {
      String[] f = line.trim().split("\\s+");
      String address = f[3].substring(0, f[3].indexOf('/'));
      if (!f[1].equals("lo") && !InetAddress.getByName(address).isLoopbackAddress()) {
        out.add(address);
      }
    }
    assertFalse(out.isEmpty(), "this host has no non-loopback address to compare");
    return out;
  }

  /** MACs of interfaces up (IFF_UP) and not loopback, by index, from /sys, in IEEE RA form. */
  private static List<String> macAddresses() throws Exception {
    record Iface(int index, String mac) {}
    List<Iface> up = new ArrayList<>();
    try (var dirs = Files.list(Path.of("/sys/class/net"))) {
      for (Path dir : dirs.toList()) {
        int flags = Integer.decode(Files.readString(dir.resolve("flags")).strip());
        String mac = Files.readString(dir.resolve("address")).strip();
        if ((flags & 0x1) != 0 && (flags & 0x8) == 0 && !mac.isEmpty()) {
          up.add(new Iface(Integer.parseInt(Files.readString(dir.resolve("ifindex")).strip()),
              mac.toUpperCase(Locale.ROOT).replace(':', '-')));
        }
      }
    }
    return up.stream().sorted(java.util.Comparator.comparingInt(Iface::index))
        .map(Iface::mac).toList();
  }

  @Test
  void hostsFileGivesTheCanonicalNameForDns(@TempDir Path dir) throws Exception {
    Path root = fakeRoot(dir, "node-7");
    write(root, "/etc/hosts", """
        127.0.0.1   localhost
        # 10.0.0.5 commented.example.com node-7
        10.0.0.4 bad_name! node-7
        10.0.0.5\tnode-7.example.com node-7   # the node
        10.0.0.6 other.example.com node-7
        """);
    Attributes a = detectOnLogs(factory(Map.of(), root), sources("[dns, os]"));
    assertEquals("node-7.example.com", a.getString("host.name"));
    Attributes os = detectOnLogs(factory(Map.of(), root), sources("[os, dns]"));
    assertEquals("node-7", os.getString("host.name"));
  }

  @Test
  void dnsFailingFallsBackToTheNextSource(@TempDir Path dir) throws Exception {
    // Neither the hosts file nor DNS knows this name; whether DNS answers "no such host" or
    // does not answer within the timeout, the os source follows.
    Path root = fakeRoot(dir, "rd-test-no-such-host-7f3a");
    Attributes a = detectOnLogs(factory(Map.of(), root),
        "detectors: [system]\ntimeout: 2s\n");
    assertEquals("rd-test-no-such-host-7f3a", a.getString("host.name"));
  }

  @Test
  void noHostnameSourceAnsweringFailsStartNamingEachSource(@TempDir Path dir)
      throws Exception {
    Path root = fakeRoot(dir, "rd-test-no-such-host-7f3a");
    var f = factory(Map.of(), root);
    LogsProcessor p = f.createLogs(Fixture.context(Signal.LOGS), ComponentConfigs.read(f,
        "detectors: [system]\ntimeout: 2s\nsystem: {hostname_sources: [dns, lookup]}\n"),
        new ConsumerSink());
    DetectionException e = assertThrows(DetectionException.class,
        () -> p.start(new TestHost()));
    assertTrue(e.getMessage().startsWith("detector system: no hostname source gave a host name"
        + " (dns: "), e.getMessage());
    assertTrue(e.getMessage().contains("; lookup: "), e.getMessage());
    assertTrue(e.getMessage().endsWith("); add os to system.hostname_sources or raise timeout"),
        e.getMessage());
    p.shutdown();
  }

  @Test
  void machineIdFallsBackToDbus(@TempDir Path dir) throws Exception {
    Path root = fakeRoot(dir, "h");
    write(root, "/var/lib/dbus/machine-id", "0123456789abcdef0123456789abcdef\n");
    Attributes a = detectOnLogs(factory(Map.of(), root), ALL_OS);
    assertEquals("0123456789abcdef0123456789abcdef", a.getString("host.id"));

    write(root, "/etc/machine-id", "fedcba9876543210fedcba9876543210\n");
    assertEquals("fedcba9876543210fedcba9876543210",
        detectOnLogs(factory(Map.of(), root), ALL_OS).getString("host.id"));
  }

  @Test
  void noMachineIdLeavesHostIdOutWithOneWarning(@TempDir Path dir) throws Exception {
    Path root = fakeRoot(dir, "h");
    write(root, "/etc/machine-id", "\n"); // systemd's "uninitialized" state: empty
    try (Fixture.CapturedLog log = new Fixture.CapturedLog()) {
      Attributes a = detectOnLogs(factory(Map.of(), root), ALL_OS);
      assertNull(a.get("host.id"));
      assertEquals("h", a.getString("host.name"));
      assertEquals(List.of("system detector: neither /etc/machine-id nor"
          + " /var/lib/dbus/machine-id holds a machine id; host.id is left out"),
          log.messages(Level.WARNING, "machine id"));
    }
  }

  @Test
  void anUnreadableMachineIdIsAWarningNamingTheFile(@TempDir Path dir) throws Exception {
    Path root = fakeRoot(dir, "h");
    Files.createDirectories(root.resolve("etc/machine-id")); // reading it fails
    try (Fixture.CapturedLog log = new Fixture.CapturedLog()) {
      Attributes a = detectOnLogs(factory(Map.of(), root), ALL_OS);
      assertNull(a.get("host.id"));
      List<String> warnings = log.messages(Level.WARNING, "machine id");
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.getFirst().contains("etc/machine-id"), warnings.getFirst());
      assertTrue(warnings.getFirst().endsWith("; host.id is left out"), warnings.getFirst());
    }
  }

  @Test
  void osDescriptionFromFakeRoot(@TempDir Path dir) throws Exception {
    Path root = fakeRoot(dir, "h");
    assertEquals("Debian GNU/Linux 12 (bookworm) (Linux h 6.1.0-test #1 SMP PREEMPT_DYNAMIC"
        + " Debian 6.1.0 x86_64)",
        detectOnLogs(factory(Map.of(), root), ALL_OS).getString("os.description"));

    // /usr/lib/os-release when /etc has none; PRETTY_NAME when NAME or a version is missing.
    Files.delete(root.resolve("etc/os-release"));
    write(root, "/usr/lib/os-release", "PRETTY_NAME='Alpine Linux v3.20'\nNAME=\"Alpine\"\n");
    assertEquals("Alpine Linux v3.20 (Linux h 6.1.0-test #1 SMP PREEMPT_DYNAMIC Debian 6.1.0"
        + " x86_64)", detectOnLogs(factory(Map.of(), root), ALL_OS).getString("os.description"));

    // Neither file: uname alone.
    Files.delete(root.resolve("usr/lib/os-release"));
    assertEquals("Linux h 6.1.0-test #1 SMP PREEMPT_DYNAMIC Debian 6.1.0 x86_64",
        detectOnLogs(factory(Map.of(), root), ALL_OS).getString("os.description"));
  }

  @Test
  void osReleaseValuesAreUnquotedAndUnescaped() {
    Map<String, String> v = SystemDetector.osReleaseValues("""
        # comment
        NAME="Fancy \\"OS\\""
        VERSION='1 \\$beta'
        ID=fancy
        BROKEN
        """);
    assertEquals(Map.of("NAME", "Fancy \"OS\"", "VERSION", "1 $beta", "ID", "fancy"), v);
  }

  @Test
  void hostArchUsesTheSemanticConventionsNames() {
    assertEquals("amd64", SystemDetector.hostArch("x86_64"));
    assertEquals("arm64", SystemDetector.hostArch("aarch64"));
    assertEquals("x86", SystemDetector.hostArch("i686"));
    assertEquals("arm32", SystemDetector.hostArch("armv7l"));
    assertEquals("ppc64", SystemDetector.hostArch("ppc64le"));
    assertEquals("ppc32", SystemDetector.hostArch("ppc"));
    assertEquals("s390x", SystemDetector.hostArch("s390x"));
    assertEquals("riscv64", SystemDetector.hostArch("riscv64"));
  }

  @Test
  void osTypeUsesTheSemanticConventionsNames() {
    assertEquals("linux", SystemDetector.osType("Linux"));
    assertEquals("darwin", SystemDetector.osType("Mac OS X"));
    assertEquals("windows", SystemDetector.osType("Windows 11"));
    assertEquals("freebsd", SystemDetector.osType("FreeBSD"));
    assertEquals("solaris", SystemDetector.osType("SunOS"));
  }

  @Test
  void ipv6AddressesAreWrittenCompressed() throws Exception {
    assertEquals("fe80::fc:ff:fe00:1",
        NetworkAddresses.text(InetAddress.getByName("fe80:0:0:0:fc:ff:fe00:1")));
    assertEquals("fd00::2", NetworkAddresses.text(InetAddress.getByName("fd00:0:0:0:0:0:0:2")));
    assertEquals("::", NetworkAddresses.text(InetAddress.getByName("0:0:0:0:0:0:0:0")));
    assertEquals("1:0:2::3", NetworkAddresses.text(InetAddress.getByName("1:0:2:0:0:0:0:3")));
    assertEquals("1:0:0:2::3", NetworkAddresses.text(InetAddress.getByName("1:0:0:2:0:0:0:3")));
    // Of equal runs, the first.
    assertEquals("1::2:0:0:3:4",
        NetworkAddresses.text(InetAddress.getByName("1:0:0:2:0:0:3:4")));
    assertEquals("192.0.2.2", NetworkAddresses.text(InetAddress.getByName("192.0.2.2")));
  }

  private static List<String> keys(Attributes a) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      keys.add(a.key(i));
    }
    return keys;
  }

  private static List<String> strings(AnyValue array) {
    return array.asArray().stream().map(AnyValue::asString).toList();
  }
}
