package dev.tapio.plugin.resourcedetection;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Configuration of the {@code resourcedetection} processor; see the package documentation for
 * the keys. Names (detectors, hostname sources, attributes) are checked when read ({@link
 * ResourceDetectionFactory#readConfig}), where a problem is reported at the name's own position.
 *
 * @param detectors the detectors to run, in order; on a key two detectors both set, the first
 *     one's value is kept
 * @param override whether detected values replace a resource's own values for the same key
 * @param timeout how long detection at start may take; bounds the network lookups of
 *     hostname sources {@code dns} and {@code lookup}
 * @param system the {@code system} detector's settings
 * @param k8snode the {@code k8snode} detector's settings
 */
public record ResourceDetectionConfig(List<DetectorType> detectors, boolean override,
    Duration timeout, SystemSettings system, K8sNodeSettings k8snode) implements ComponentConfig {

  static final List<DetectorType> DEFAULT_DETECTORS = List.of(DetectorType.ENV);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public ResourceDetectionConfig {
    detectors = List.copyOf(detectors);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(k8snode, "k8snode");
  }

  static ResourceDetectionConfig defaults() {
    return new ResourceDetectionConfig(DEFAULT_DETECTORS, true, DEFAULT_TIMEOUT,
        SystemSettings.defaults(), K8sNodeSettings.defaults());
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (detectors.isEmpty()) {
      problems.error("detectors", "names no detector; use one or more of " + DetectorType.names());
    }
    if (!timeout.isPositive()) {
      problems.error("timeout", "must be greater than 0, got " + timeout);
    }
  }

  /** A detector, by its configuration name. */
  public enum DetectorType {
    /** {@code OTEL_RESOURCE_ATTRIBUTES}. */
    ENV("env"),
    /** The host: name, id, architecture, operating system. */
    SYSTEM("system"),
    /** The Kubernetes node, from an environment variable the downward API fills. */
    K8SNODE("k8snode");

    private final String configName;

    DetectorType(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    /** The detector with this configuration name, or null. */
    static DetectorType byName(String name) {
      for (DetectorType t : values()) {
        if (t.configName.equals(name)) {
          return t;
        }
      }
      return null;
    }

    static String names() {
      return Arrays.stream(values()).map(DetectorType::configName)
          .collect(Collectors.joining(", "));
    }
  }

  /** Where the {@code system} detector takes {@code host.name} from. */
  public enum HostnameSource {
    /** The fully qualified name: the hosts file's canonical name, else a reverse lookup. */
    DNS,
    /** The kernel's host name ({@code hostname}). */
    OS,
    /** A reverse DNS lookup of the host name's addresses. */
    LOOKUP;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The source with this configuration name, or null. */
    static HostnameSource byName(String name) {
      for (HostnameSource s : values()) {
        if (s.configName().equals(name)) {
          return s;
        }
      }
      return null;
    }
  }

  /**
   * The {@code system} detector's settings.
   *
   * @param hostnameSources where {@code host.name} comes from, tried in order until one answers
   * @param resourceAttributes the attributes it sets, of {@link SystemDetector#ATTRIBUTES}
   */
  public record SystemSettings(List<HostnameSource> hostnameSources,
      Set<String> resourceAttributes) {
    static final List<HostnameSource> DEFAULT_HOSTNAME_SOURCES =
        List.of(HostnameSource.DNS, HostnameSource.OS);

    public SystemSettings {
      hostnameSources = List.copyOf(hostnameSources);
      resourceAttributes = Set.copyOf(resourceAttributes);
      if (hostnameSources.isEmpty()) {
        throw new IllegalArgumentException("hostnameSources is empty");
      }
    }

    static SystemSettings defaults() {
      return new SystemSettings(DEFAULT_HOSTNAME_SOURCES, SystemDetector.ATTRIBUTES.defaults());
    }
  }

  /**
   * The {@code k8snode} detector's settings.
   *
   * @param nodeFromEnvVar the environment variable holding the node's name
   * @param resourceAttributes the attributes it sets, of {@link K8sNodeDetector#ATTRIBUTES}
   */
  public record K8sNodeSettings(String nodeFromEnvVar, Set<String> resourceAttributes) {
    static final String DEFAULT_NODE_FROM_ENV_VAR = "K8S_NODE_NAME";

    public K8sNodeSettings {
      if (nodeFromEnvVar == null || nodeFromEnvVar.isBlank()) {
        throw new IllegalArgumentException("nodeFromEnvVar is empty");
      }
      resourceAttributes = Set.copyOf(resourceAttributes);
    }

    static K8sNodeSettings defaults() {
      return new K8sNodeSettings(DEFAULT_NODE_FROM_ENV_VAR,
          K8sNodeDetector.ATTRIBUTES.defaults());
    }
  }
}
