package dev.tapio.plugin.k8sattributes;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.Processors;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Association;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Extract;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.FieldRule;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Filter;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.From;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Peer;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.PeerKind;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Source;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.SourceKind;
import dev.tapio.plugin.k8sattributes.cri.CriConfig;
import dev.tapio.plugin.kubernetes.AuthType;
import dev.tapio.plugin.kubernetes.KubeClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.pf4j.Extension;

/** Creates {@code k8sattributes} processors. Stateless and thread-safe. */
@Extension
public final class K8sAttributesFactory implements ProcessorFactory<K8sAttributesConfig> {
  /** The attributes an association may read: the ones the cache is indexed by. */
  static final Set<String> ASSOCIATION_ATTRIBUTES =
      Set.of(Attr.POD_UID, Attr.POD_IP, Attr.CONTAINER_ID);

  /**
   * Without {@code pod_association}: the Collector's default ({@code k8s.pod.ip}, then the
   * connection), with {@code k8s.pod.uid} and {@code container.id} added before the connection,
   * as Tapio's eBPF records carry those.
   */
  static final List<Association> DEFAULT_ASSOCIATIONS = List.of(
      new Association(List.of(new Source(SourceKind.RESOURCE_ATTRIBUTE, Attr.POD_IP))),
      new Association(List.of(new Source(SourceKind.RESOURCE_ATTRIBUTE, Attr.POD_UID))),
      new Association(List.of(new Source(SourceKind.RESOURCE_ATTRIBUTE, Attr.CONTAINER_ID))),
      new Association(List.of(new Source(SourceKind.CONNECTION, ""))));

  private static final String POD_FILTERS = "pods are filtered by node and namespace only";
  private static final Map<String, String> UNSUPPORTED_KEYS = KubeClients.unsupportedKeysAnd(
      Map.of("extract.deployment_name_from_replicaset", "deprecated in the Collector;"
              + " k8s.deployment.name comes from the watched ReplicaSet's owner, and from the"
              + " ReplicaSet's name until it is seen",
          "extract.otel_annotations", "extract those annotations with a rule: annotations:"
              + " [{key_regex: resource.opentelemetry.io/(.*), tag_name: $1}]",
          "filter.fields", POD_FILTERS,
          "filter.labels", POD_FILTERS,
          "watch_sync_period", "the informers never resync; watch events keep the cache"
              + " current (the Collector's 0s)"));

  private final Function<K8sAttributesConfig, KubernetesClient> clients;
  private final Function<String, String> environment;

  public K8sAttributesFactory() {
    this(c -> KubeClients.forAuth(c.authType()), System::getenv);
  }

  /** For tests: the processors use {@code clients}' client and read {@code environment}. */
  K8sAttributesFactory(Function<K8sAttributesConfig, KubernetesClient> clients,
      Function<String, String> environment) {
    this.clients = clients;
    this.environment = environment;
  }

  @Override
  public String type() {
    return "k8sattributes";
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return UNSUPPORTED_KEYS;
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Adds the pod, namespace, workload, node and container a resource or record came"
        + " from, from a watched pod cache and, optionally, the node's container runtime";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES);
  }

  @Override
  public K8sAttributesConfig createDefaultConfig() {
    return K8sAttributesConfig.defaults();
  }

  @Override
  public K8sAttributesConfig readConfig(ConfigReader reader) {
    AuthType auth = AuthType.read(reader);
    boolean passthrough = reader.bool("passthrough", false);
    ConfigReader filter = reader.section("filter");
    Filter f = new Filter(filter.string("node", "").strip(),
        filter.string("node_from_env_var", "").strip(),
        filter.string("namespace", "").strip());
    ConfigReader extract = reader.section("extract");
    Extract e = new Extract(metadata(extract),
        rules(extract, "labels"), rules(extract, "annotations"), peer(extract));
    if (e.peer().pods() && (!f.node().isEmpty() || !f.nodeFromEnvVar().isEmpty())) {
      extract.section("peer").warning("enabled", "with a node filter only this node's pods"
          + " are watched, so a peer pod on another node does not resolve (Services do)");
    }
    List<Association> associations = associations(reader);
    List<Pattern> exclude = excludePods(reader);
    boolean wait = reader.bool("wait_for_metadata", false);
    Duration waitTimeout = reader.duration("wait_for_metadata_timeout",
        K8sAttributesConfig.DEFAULT_WAIT_FOR_METADATA_TIMEOUT);
    Duration grace = reader.duration("pod_delete_grace_period",
        K8sAttributesConfig.DEFAULT_POD_DELETE_GRACE_PERIOD);
    CriConfig cri = CriConfig.read(reader);
    return new K8sAttributesConfig(auth, f, e, associations, exclude, wait, waitTimeout, grace,
        cri, passthrough);
  }

  private static Set<String> metadata(ConfigReader extract) {
    if (!extract.has("metadata")) {
      return Set.copyOf(K8sAttributesConfig.DEFAULT_METADATA);
    }
    List<String> names = extract.stringList("metadata", List.of());
    Set<String> metadata = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).strip();
      if (!K8sAttributesConfig.METADATA.contains(name)) {
        extract.error("metadata." + i, "unknown metadata '" + name + "'; valid: "
            + new TreeSet<>(K8sAttributesConfig.METADATA));
      } else if (!metadata.add(name)) {
        extract.error("metadata." + i, "'" + name + "' is listed twice");
      }
    }
    return metadata;
  }

  /** {@code extract.peer: {enabled, from: [pod, service]}}; absent: off. */
  private static Peer peer(ConfigReader extract) {
    ConfigReader peer = extract.section("peer");
    boolean enabled = peer.bool("enabled", false);
    if (!peer.has("from")) {
      return new Peer(enabled, Peer.OFF.from());
    }
    List<String> names = peer.stringList("from", List.of());
    Set<PeerKind> from = EnumSet.noneOf(PeerKind.class);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).strip();
      PeerKind kind = switch (name) {
        case "pod" -> PeerKind.POD;
        case "service" -> PeerKind.SERVICE;
        default -> null;
      };
      if (kind == null) {
        peer.error("from." + i, "unknown peer kind '" + name + "'; valid: pod, service");
      } else if (!from.add(kind)) {
        peer.error("from." + i, "'" + name + "' is listed twice");
      }
    }
    if (enabled && names.isEmpty()) {
      peer.error("from", "is empty: list pod, service or both, or set enabled: false");
    }
    return new Peer(enabled, from);
  }

  private static List<FieldRule> rules(ConfigReader extract, String key) {
    List<ConfigReader> sections = extract.sectionList(key);
    List<FieldRule> rules = new ArrayList<>(sections.size());
    for (int i = 0; i < sections.size(); i++) {
      ConfigReader r = sections.get(i);
      String at = key + "." + i;
      String tag = r.string("tag_name", "").strip();
      String k = r.string("key", "");
      String regex = r.string("key_regex", "");
      String fromName = r.string("from", "pod").strip();
      From from = switch (fromName) {
        case "pod" -> From.POD;
        case "namespace" -> From.NAMESPACE;
        default -> null;
      };
      if (from == null) {
        extract.error(at + ".from", "unknown from '" + fromName + "'; valid: pod, namespace");
        continue;
      }
      if (k.isEmpty() == regex.isEmpty()) {
        extract.error(at, "set exactly one of key and key_regex");
        continue;
      }
      Pattern pattern = null;
      if (!regex.isEmpty()) {
        try {
          pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException ex) {
          extract.error(at + ".key_regex", "not a valid regular expression: "
              + ex.getDescription());
          continue;
        }
      }
      rules.add(new FieldRule(tag, k.isEmpty() ? null : k, pattern, from));
    }
    return rules;
  }

  /** {@code exclude.pods}: {@code [{name: <regex>}]}; absent: the Collector's default. */
  private static List<Pattern> excludePods(ConfigReader reader) {
    ConfigReader exclude = reader.section("exclude");
    if (!exclude.has("pods")) {
      return K8sAttributesConfig.DEFAULT_EXCLUDE_PODS;
    }
    List<ConfigReader> pods = exclude.sectionList("pods");
    List<Pattern> patterns = new ArrayList<>(pods.size());
    for (int i = 0; i < pods.size(); i++) {
      String name = pods.get(i).string("name", "");
      if (name.isEmpty()) {
        exclude.error("pods." + i + ".name", "is required: a regular expression of pod names");
        continue;
      }
      try {
        patterns.add(Pattern.compile(name));
      } catch (PatternSyntaxException ex) {
        exclude.error("pods." + i + ".name", "not a valid regular expression: "
            + ex.getDescription());
      }
    }
    return patterns;
  }

  private static List<Association> associations(ConfigReader reader) {
    List<ConfigReader> entries = reader.sectionList("pod_association");
    List<Association> associations = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      List<ConfigReader> sources = entries.get(i).sectionList("sources");
      String at = "pod_association." + i + ".sources";
      if (sources.size() != 1) {
        reader.error(at, "Tapio identifies a pod by one source per association; list "
            + (sources.isEmpty() ? "one" : "each as its own association"));
      }
      List<Source> read = new ArrayList<>(1);
      for (int j = 0; j < sources.size(); j++) {
        ConfigReader s = sources.get(j);
        String from = s.string("from", "").strip();
        String name = s.string("name", "").strip();
        switch (from) {
          case "resource_attribute" -> {
            if (!ASSOCIATION_ATTRIBUTES.contains(name)) {
              s.error("name", "'" + name + "' does not identify a cached pod; valid: "
                  + new TreeSet<>(ASSOCIATION_ATTRIBUTES));
            } else {
              read.add(new Source(SourceKind.RESOURCE_ATTRIBUTE, name));
            }
          }
          case "connection" -> read.add(new Source(SourceKind.CONNECTION, ""));
          default -> s.error("from", "unknown source '" + from
              + "'; valid: resource_attribute, connection");
        }
      }
      if (read.size() == 1 && sources.size() == 1) {
        associations.add(new Association(read));
      }
    }
    return associations;
  }

  @Override
  public LogsProcessor createLogs(ComponentContext context, K8sAttributesConfig config,
      LogsConsumer next) {
    var p = new K8sAttributesProcessor<Logs>(config, clients, environment, context,
        Signals.LOGS, Logs::resourceLogs, Logs::copy, next::consumeLogs);
    return Processors.logs(p, p::consume, Capabilities.MUTATES);
  }

  @Override
  public MetricsProcessor createMetrics(ComponentContext context, K8sAttributesConfig config,
      MetricsConsumer next) {
    var p = new K8sAttributesProcessor<Metrics>(config, clients, environment, context,
        Signals.METRICS, Metrics::resourceMetrics, Metrics::copy, next::consumeMetrics);
    return Processors.metrics(p, p::consume, Capabilities.MUTATES);
  }

  @Override
  public TracesProcessor createTraces(ComponentContext context, K8sAttributesConfig config,
      TracesConsumer next) {
    var p = new K8sAttributesProcessor<Traces>(config, clients, environment, context,
        Signals.TRACES, Traces::resourceSpans, Traces::copy, next::consumeTraces);
    return Processors.traces(p, p::consume, Capabilities.MUTATES);
  }
}
