package dev.tapio.plugin.k8sattributes;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import dev.tapio.plugin.k8sattributes.cri.CriConfig;
import dev.tapio.plugin.kubernetes.AuthType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Configuration of the {@code k8sattributes} processor; see the package documentation for the
 * keys. Names (metadata, association sources, rule origins) are checked when read ({@link
 * K8sAttributesFactory#readConfig}), where a problem is reported at the name's own position.
 *
 * @param authType how the client authenticates to the API server
 * @param filter which pods are watched
 * @param extract what is taken from a pod and its owners
 * @param podAssociation how a resource or record is matched to a pod, tried in order; empty
 *     means the Collector's default ({@code k8s.pod.ip} attribute, then the connection)
 * @param excludePods pods whose name one of these patterns finds (anywhere in the name, as
 *     Go's {@code MatchString}) are not cached
 * @param waitForMetadata whether {@code start()} waits for the first list of pods to finish
 * @param waitForMetadataTimeout how long {@code start()} and an unresolved record wait
 * @param podDeleteGracePeriod how long a deleted pod stays findable (Tapio's key)
 * @param cri whether and how the node's container runtime is asked about containers the API
 *     server has not reported yet (Tapio's key; off unless configured)
 */
public record K8sAttributesConfig(AuthType authType, Filter filter, Extract extract,
    List<Association> podAssociation, List<Pattern> excludePods, boolean waitForMetadata,
    Duration waitForMetadataTimeout, Duration podDeleteGracePeriod, CriConfig cri,
    boolean passthrough) implements ComponentConfig {

  static final Duration DEFAULT_WAIT_FOR_METADATA_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_POD_DELETE_GRACE_PERIOD = Duration.ofMinutes(2);
  /** The Collector's default {@code exclude.pods}. */
  static final List<Pattern> DEFAULT_EXCLUDE_PODS =
      List.of(Pattern.compile("jaeger-agent"), Pattern.compile("jaeger-collector"));

  /** The attributes {@code extract.metadata} may name. */
  static final Set<String> METADATA = Set.of(
      Attr.NAMESPACE, Attr.POD_NAME, Attr.POD_UID, Attr.POD_START_TIME, Attr.DEPLOYMENT,
      Attr.REPLICASET, Attr.STATEFULSET, Attr.DAEMONSET, Attr.JOB, Attr.CRONJOB, Attr.NODE,
      Attr.CONTAINER_NAME, Attr.IMAGE_NAME, Attr.IMAGE_TAG);

  /** The Collector's defaults: those its metadata.yaml enables. */
  static final List<String> DEFAULT_METADATA = List.of(
      Attr.NAMESPACE, Attr.POD_NAME, Attr.POD_UID, Attr.POD_START_TIME, Attr.DEPLOYMENT,
      Attr.NODE, Attr.IMAGE_NAME, Attr.IMAGE_TAG);

  public K8sAttributesConfig {
    Objects.requireNonNull(authType, "authType");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(extract, "extract");
    podAssociation = List.copyOf(podAssociation);
    excludePods = List.copyOf(excludePods);
    Objects.requireNonNull(waitForMetadataTimeout, "waitForMetadataTimeout");
    Objects.requireNonNull(podDeleteGracePeriod, "podDeleteGracePeriod");
    Objects.requireNonNull(cri, "cri");
  }

  static K8sAttributesConfig defaults() {
    return new K8sAttributesConfig(AuthType.SERVICE_ACCOUNT, new Filter("", "", ""),
        new Extract(Set.copyOf(DEFAULT_METADATA), List.of(), List.of(), Peer.OFF), List.of(),
        DEFAULT_EXCLUDE_PODS, false,
        DEFAULT_WAIT_FOR_METADATA_TIMEOUT, DEFAULT_POD_DELETE_GRACE_PERIOD, CriConfig.OFF,
        false);
  }

  /** Patterns compare by identity: these compare by their text. */
  @Override
  public boolean equals(Object o) {
    return o instanceof K8sAttributesConfig c && authType == c.authType
        && filter.equals(c.filter) && extract.equals(c.extract)
        && podAssociation.equals(c.podAssociation)
        && patterns(excludePods).equals(patterns(c.excludePods))
        && waitForMetadata == c.waitForMetadata
        && waitForMetadataTimeout.equals(c.waitForMetadataTimeout)
        && podDeleteGracePeriod.equals(c.podDeleteGracePeriod) && cri.equals(c.cri)
        && passthrough == c.passthrough;
  }

  @Override
  public int hashCode() {
    return Objects.hash(authType, filter, extract, podAssociation, patterns(excludePods),
        waitForMetadata, waitForMetadataTimeout, podDeleteGracePeriod, cri, passthrough);
  }

  private static List<String> patterns(List<Pattern> patterns) {
    return patterns.stream().map(Pattern::pattern).toList();
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (!waitForMetadataTimeout.isPositive()) {
      problems.error("wait_for_metadata_timeout", "must be greater than 0, got "
          + waitForMetadataTimeout);
    }
    if (podDeleteGracePeriod.isNegative()) {
      problems.error("pod_delete_grace_period", "must be 0 or more, got "
          + podDeleteGracePeriod);
    }
    cri.validate(problems);
  }

  /** Whether any label or annotation rule reads the pod's namespace object. */
  boolean needsNamespaces() {
    return extract.labels.stream().anyMatch(r -> r.from == From.NAMESPACE)
        || extract.annotations.stream().anyMatch(r -> r.from == From.NAMESPACE);
  }

  /**
   * Which pods are watched.
   *
   * @param node the one node whose pods are watched (a field selector
   *     {@code spec.nodeName=<node>}); empty: every node, unless {@code nodeFromEnvVar}
   * @param nodeFromEnvVar the variable holding that node's name, which wins over {@code node}
   *     as in the Collector; empty: none
   * @param namespace the one namespace watched; empty: every namespace
   */
  public record Filter(String node, String nodeFromEnvVar, String namespace) {
    public Filter {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(nodeFromEnvVar, "nodeFromEnvVar");
      Objects.requireNonNull(namespace, "namespace");
    }
  }

  /**
   * What is extracted.
   *
   * @param metadata attribute names of {@link #METADATA}
   * @param labels label rules
   * @param annotations annotation rules
   * @param peer whether and from what the peer of a network record is resolved
   */
  public record Extract(Set<String> metadata, List<FieldRule> labels,
      List<FieldRule> annotations, Peer peer) {
    public Extract {
      metadata = Set.copyOf(metadata);
      labels = List.copyOf(labels);
      annotations = List.copyOf(annotations);
      Objects.requireNonNull(peer, "peer");
    }
  }

  /** What a peer address may resolve to. */
  public enum PeerKind {
    /** A pod, by its IP (not a {@code hostNetwork} pod). */
    POD,
    /** A Service, by one of its cluster IPs ({@code spec.clusterIPs}). */
    SERVICE
  }

  /**
   * {@code extract.peer} (Tapio's key): the pod or Service at the other end of a record's
   * {@code network.peer.address}.
   *
   * @param enabled whether peers are resolved; off by default, as Services need their own
   *     list/watch permission
   * @param from what an address may resolve to, tried pod first
   */
  public record Peer(boolean enabled, Set<PeerKind> from) {
    /** The default: off; when turned on, both pods and Services. */
    static final Peer OFF = new Peer(false, Set.of(PeerKind.POD, PeerKind.SERVICE));

    public Peer {
      from = Set.copyOf(from);
    }

    /** Whether Services are watched. */
    boolean services() {
      return enabled && from.contains(PeerKind.SERVICE);
    }

    boolean pods() {
      return enabled && from.contains(PeerKind.POD);
    }
  }

  /** Where a label or annotation rule reads from. */
  public enum From {
    POD, NAMESPACE;

    String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One {@code extract.labels} or {@code extract.annotations} rule: exactly one of {@code key}
   * and {@code keyRegex} is set.
   *
   * @param tagName the attribute name; with {@code keyRegex} it may hold {@code $1}… for groups;
   *     empty: the Collector's default, {@code k8s.<from>.labels.<key>} (or annotations)
   * @param key the label or annotation key, or null
   * @param keyRegex a pattern that must match the whole key, or null
   * @param from the pod or its namespace
   */
  public record FieldRule(String tagName, String key, Pattern keyRegex, From from) {
    public FieldRule {
      Objects.requireNonNull(tagName, "tagName");
      Objects.requireNonNull(from, "from");
      if ((key == null) == (keyRegex == null)) {
        throw new IllegalArgumentException("exactly one of key and keyRegex");
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FieldRule r && tagName.equals(r.tagName) && Objects.equals(key, r.key)
          && Objects.equals(pattern(), r.pattern()) && from == r.from;
    }

    @Override
    public int hashCode() {
      return Objects.hash(tagName, key, pattern(), from);
    }

    private String pattern() {
      return keyRegex == null ? null : keyRegex.pattern();
    }
  }

  /** Where an association source takes its identifier from. */
  public enum SourceKind {
    /** A resource (or record) attribute: {@code k8s.pod.uid}, {@code k8s.pod.ip} or {@code container.id}. */
    RESOURCE_ATTRIBUTE,
    /** The peer address of the connection the data arrived on. */
    CONNECTION
  }

  /**
   * One association source.
   *
   * @param kind where the identifier comes from
   * @param name the attribute, for {@link SourceKind#RESOURCE_ATTRIBUTE}; else empty
   */
  public record Source(SourceKind kind, String name) {
    public Source {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * One {@code pod_association} entry. Tapio, like the Collector, identifies a pod by one
   * source; an entry with several sources uses the first that is present.
   */
  public record Association(List<Source> sources) {
    public Association {
      sources = List.copyOf(sources);
    }
  }
}
