package dev.tapio.plugin.resourcedetection;

import dev.tapio.pdata.AnyValue;
import dev.tapio.plugin.resourcedetection.KnownAttributes.Spec;
import dev.tapio.plugin.resourcedetection.ResourceDetectionConfig.SystemSettings;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code system} detector: the host's name, id and architecture and its operating system,
 * with the Collector's values (its system detector and the OpenTelemetry Go SDK it calls):
 *
 * <ul>
 *   <li>{@code host.name}: see {@link HostnameSources}; no source answering fails detection.
 *   <li>{@code host.id}: {@code /etc/machine-id}, else {@code /var/lib/dbus/machine-id}; neither
 *       is logged as a warning and the attribute left out, as the Collector does.
 *   <li>{@code host.arch}: the kernel's machine ({@code uname -m}) as the semantic conventions
 *       name it: {@code amd64}, {@code arm64}, {@code x86}, {@code arm32}, {@code ppc64}, …
 *   <li>{@code os.type}: {@code linux} (from the JDK's {@code os.name} elsewhere).
 *   <li>{@code os.description}: {@code NAME VERSION} of {@code /etc/os-release} (else
 *       {@code /usr/lib/os-release}; {@code PRETTY_NAME} when either is missing) followed by
 *       {@code (uname -snrvm)}, e.g. {@code Debian GNU/Linux 12 (bookworm) (Linux vm 6.18.44
 *       #1 SMP PREEMPT_DYNAMIC @0 x86_64)}.
 *   <li>{@code host.ip}, {@code host.mac}: see {@link NetworkAddresses}.
 * </ul>
 *
 * Only enabled attributes are looked up. Kernel facts come from {@code /proc/sys/kernel}; off
 * Linux the JDK's system properties stand in.
 */
final class SystemDetector implements Detector {
  /** The schema the Collector's system detector declares. */
  static final String SCHEMA_URL = "https://opentelemetry.io/schemas/1.6.1";

  static final String HOST_NAME = "host.name";
  static final String HOST_ID = "host.id";
  static final String HOST_ARCH = "host.arch";
  static final String HOST_IP = "host.ip";
  static final String HOST_MAC = "host.mac";
  static final String OS_TYPE = "os.type";
  static final String OS_DESCRIPTION = "os.description";

  private static final String NOT_READ = "not read by Tapio";

  /** The Collector's list; on by default there: host.name and os.type. */
  static final KnownAttributes ATTRIBUTES = new KnownAttributes("system", List.of(
      Spec.set(HOST_NAME, true),
      Spec.set(HOST_ID, false),
      Spec.set(HOST_ARCH, false),
      Spec.set(HOST_IP, false),
      Spec.set(HOST_MAC, false),
      Spec.set(OS_TYPE, true),
      Spec.set(OS_DESCRIPTION, false),
      Spec.notSet("host.cpu.cache.l2.size", false, NOT_READ),
      Spec.notSet("host.cpu.family", false, NOT_READ),
      Spec.notSet("host.cpu.model.id", false, NOT_READ),
      Spec.notSet("host.cpu.model.name", false, NOT_READ),
      Spec.notSet("host.cpu.stepping", false, NOT_READ),
      Spec.notSet("host.cpu.vendor.id", false, NOT_READ),
      Spec.notSet("host.interface", false, NOT_READ),
      Spec.notSet("os.build.id", false, NOT_READ),
      Spec.notSet("os.name", false, NOT_READ),
      Spec.notSet("os.version", false, NOT_READ)));

  private static final List<String> MACHINE_ID_FILES =
      List.of("/etc/machine-id", "/var/lib/dbus/machine-id");
  private static final List<String> OS_RELEASE_FILES =
      List.of("/etc/os-release", "/usr/lib/os-release");

  private final SystemSettings settings;
  private final HostView host;
  private final HostnameSources hostnames;
  private final System.Logger log;

  SystemDetector(SystemSettings settings, HostView host, System.Logger log) {
    this.settings = settings;
    this.host = host;
    this.hostnames = new HostnameSources(host);
    this.log = log;
  }

  @Override
  public Detected detect(long deadlineNanos) throws DetectionException {
    Map<String, AnyValue> out = new LinkedHashMap<>();
    try {
      if (enabled(HOST_NAME)) {
        out.put(HOST_NAME, AnyValue.of(
            hostnames.hostName(settings.hostnameSources(), deadlineNanos)));
      }
      if (enabled(HOST_ID)) {
        String id = machineId();
        if (id != null) {
          out.put(HOST_ID, AnyValue.of(id));
        }
      }
      if (enabled(HOST_ARCH)) {
        out.put(HOST_ARCH, AnyValue.of(hostArch(machine())));
      }
      if (enabled(HOST_IP)) {
        out.put(HOST_IP, strings(NetworkAddresses.ips()));
      }
      if (enabled(HOST_MAC)) {
        out.put(HOST_MAC, strings(NetworkAddresses.macs()));
      }
      if (enabled(OS_TYPE)) {
        out.put(OS_TYPE, AnyValue.of(osType(System.getProperty("os.name"))));
      }
      if (enabled(OS_DESCRIPTION)) {
        out.put(OS_DESCRIPTION, AnyValue.of(osDescription()));
      }
    } catch (IOException e) {
      throw new DetectionException("cannot read the host: " + e, e);
    }
    return new Detected(out, SCHEMA_URL);
  }

  private boolean enabled(String attribute) {
    return settings.resourceAttributes().contains(attribute);
  }

  private static AnyValue strings(List<String> values) {
    return AnyValue.ofArray(values.stream().map(AnyValue::of).toList());
  }

  /**
   * The machine id, or null after a warning saying why there is none: as in the Collector, a
   * host without one (a container image, a first boot) still gets its other attributes.
   */
  private String machineId() {
    List<String> unreadable = new ArrayList<>();
    for (String file : MACHINE_ID_FILES) {
      try {
        String id = host.read(file);
        if (id != null) {
          return id;
        }
      } catch (IOException e) {
        unreadable.add(e.toString());
      }
    }
    log.log(Level.WARNING, "system detector: neither " + String.join(" nor ", MACHINE_ID_FILES)
        + " holds a machine id" + (unreadable.isEmpty() ? "" : " (" + String.join("; ",
        unreadable) + ")") + "; host.id is left out");
    return null;
  }

  /** The kernel's machine name ({@code uname -m}). */
  String machine() throws IOException {
    // /proc/sys/kernel/arch appeared in Linux 6.1; before it the JVM's architecture is the best
    // guess (a 32-bit JVM on a 64-bit kernel reports its own).
    String arch = host.read("/proc/sys/kernel/arch");
    if (arch != null) {
      return arch;
    }
    String jvm = System.getProperty("os.arch");
    return switch (jvm) {
      case "amd64" -> "x86_64";
      case "x86" -> "i686";
      case "arm" -> "armv7l";
      default -> jvm;
    };
  }

  /** The semantic conventions' {@code host.arch} for a kernel machine name. */
  static String hostArch(String machine) {
    String m = machine.toLowerCase(Locale.ROOT);
    if (m.equals("x86_64") || m.equals("amd64")) {
      return "amd64";
    }
    if (m.equals("aarch64") || m.equals("arm64") || m.startsWith("armv8")) {
      return "arm64";
    }
    if (m.matches("i[3-6]86") || m.equals("x86")) {
      return "x86";
    }
    if (m.startsWith("arm")) {
      return "arm32";
    }
    if (m.startsWith("ppc64")) {
      return "ppc64";
    }
    if (m.equals("ppc") || m.equals("powerpc")) {
      return "ppc32";
    }
    // s390x and ia64 are the conventions' names already; others (riscv64) have none.
    return m;
  }

  /** The semantic conventions' {@code os.type} for the JDK's {@code os.name}. */
  static String osType(String osName) {
    String n = osName.toLowerCase(Locale.ROOT);
    if (n.startsWith("windows")) {
      return "windows";
    }
    if (n.startsWith("mac") || n.startsWith("darwin")) {
      return "darwin";
    }
    return switch (n) {
      case "sunos" -> "solaris";
      case "z/os" -> "z_os";
      case "dragonfly" -> "dragonflybsd";
      case "os/400" -> "aix";
      default -> n.replace(" ", "");
    };
  }

  /** {@code NAME VERSION (uname -snrvm)}, as the OpenTelemetry Go SDK writes it. */
  String osDescription() throws IOException {
    String sysname = host.read("/proc/sys/kernel/ostype");
    String uname = sysname == null
        ? System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch")
        : String.join(" ", sysname, hostnames.kernelHostName(),
            host.read("/proc/sys/kernel/osrelease"), host.read("/proc/sys/kernel/version"),
            machine());
    String release = osRelease();
    return release.isEmpty() ? uname : release + " (" + uname + ")";
  }

  /** {@code NAME VERSION} (or {@code VERSION_ID}), else {@code PRETTY_NAME}, else empty. */
  String osRelease() throws IOException {
    for (String file : OS_RELEASE_FILES) {
      String text = host.read(file);
      if (text == null) {
        continue;
      }
      Map<String, String> values = osReleaseValues(text);
      String name = values.getOrDefault("NAME", "");
      String version = values.getOrDefault("VERSION", "");
      if (version.isEmpty()) {
        version = values.getOrDefault("VERSION_ID", "");
      }
      return !name.isEmpty() && !version.isEmpty()
          ? name + " " + version : values.getOrDefault("PRETTY_NAME", "");
    }
    return "";
  }

  /** os-release(5) assignments, quotes and shell escapes removed as the Go SDK does. */
  static Map<String, String> osReleaseValues(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      int eq = line.indexOf('=');
      if (line.isEmpty() || line.startsWith("#") || eq <= 0) {
        continue;
      }
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
          && value.charAt(value.length() - 1) == value.charAt(0)) {
        value = value.substring(1, value.length() - 1);
      }
      value = value.replace("\\$", "$").replace("\\\"", "\"").replace("\\'", "'")
          .replace("\\\\", "\\").replace("\\`", "`");
      values.put(line.substring(0, eq).strip(), value);
    }
    return values;
  }
}
