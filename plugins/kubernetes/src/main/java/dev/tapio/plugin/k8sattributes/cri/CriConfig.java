package dev.tapio.plugin.k8sattributes.cri;

import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code k8sattributes.cri} (Tapio's key; the Collector has none): where and how the node's
 * container runtime is asked which pod a container belongs to.
 *
 * <p>Off unless the section is present: the runtime's socket controls every container on the
 * node, so talking to it is a privilege a configuration should state, not one the processor
 * takes because a socket happens to be mounted; and a gateway, or a Collector user's YAML,
 * must not change behaviour on a host that runs containerd.
 *
 * @param enabled whether the CRI is asked at all
 * @param endpoint {@code unix:///path} (or an absolute path); empty: the first of
 *     {@link #KNOWN_SOCKETS} that exists, looked for at every re-list until one does
 * @param timeout the deadline of each request
 * @param resyncInterval how often containers and sandboxes are listed again
 * @param cacheSize how many containers are remembered at most
 * @param negativeTtl how long an id the runtime does not know (or a failed request) is not
 *     asked about again
 */
public record CriConfig(boolean enabled, String endpoint, Duration timeout,
    Duration resyncInterval, int cacheSize, Duration negativeTtl) {

  /** containerd's and CRI-O's default sockets, in the order looked for. */
  public static final List<String> KNOWN_SOCKETS =
      List.of("/run/containerd/containerd.sock", "/run/crio/crio.sock");
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration DEFAULT_RESYNC_INTERVAL = Duration.ofSeconds(30);
  static final int DEFAULT_CACHE_SIZE = 10_000;
  static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(5);

  public static final CriConfig OFF = new CriConfig(false, "", DEFAULT_TIMEOUT,
      DEFAULT_RESYNC_INTERVAL, DEFAULT_CACHE_SIZE, DEFAULT_NEGATIVE_TTL);

  public CriConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(resyncInterval, "resyncInterval");
    Objects.requireNonNull(negativeTtl, "negativeTtl");
  }

  /**
   * Reads {@code cri} of the processor's section (every key, present or not, so that unknown
   * keys are reported); a malformed endpoint is an error at its own position.
   */
  public static CriConfig read(ConfigReader processor) {
    boolean present = processor.has("cri");
    ConfigReader cri = processor.section("cri");
    boolean enabled = cri.bool("enabled", present);
    String endpoint = cri.string("endpoint", "").strip();
    if (!endpoint.isEmpty() && socketPath(endpoint) == null) {
      cri.error("endpoint", "'" + endpoint + "' is not a unix socket; the CRI is served on"
          + " one: unix:///run/containerd/containerd.sock, unix:///run/crio/crio.sock");
    }
    return new CriConfig(enabled, endpoint,
        cri.duration("timeout", DEFAULT_TIMEOUT),
        cri.duration("resync_interval", DEFAULT_RESYNC_INTERVAL),
        cri.integer("cache_size", DEFAULT_CACHE_SIZE),
        cri.duration("negative_ttl", DEFAULT_NEGATIVE_TTL));
  }

  public void validate(ConfigProblems problems) {
    if (!enabled) {
      return;
    }
    if (!timeout.isPositive()) {
      problems.error("cri.timeout", "must be greater than 0, got " + timeout);
    }
    if (!resyncInterval.isPositive()) {
      problems.error("cri.resync_interval", "must be greater than 0, got " + resyncInterval);
    }
    if (cacheSize < 1) {
      problems.error("cri.cache_size", "must be 1 or more, got " + cacheSize);
    }
    if (negativeTtl.isNegative()) {
      problems.error("cri.negative_ttl", "must be 0 or more, got " + negativeTtl);
    }
  }

  /**
   * The socket to use now: the endpoint's path, or the first known socket that exists; null
   * when the endpoint is empty and none exists (yet).
   */
  String socket() {
    if (!endpoint.isEmpty()) {
      return socketPath(endpoint);
    }
    for (String s : KNOWN_SOCKETS) {
      if (Files.exists(Path.of(s))) {
        return s;
      }
    }
    return null;
  }

  /** {@code unix:///p} or {@code /p} to {@code /p}; null for anything else. */
  static String socketPath(String endpoint) {
    String path = endpoint.startsWith("unix://") ? endpoint.substring("unix://".length())
        : endpoint;
    return path.startsWith("/") && path.length() > 1 ? path : null;
  }
}
