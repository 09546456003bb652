package dev.tapio.plugin.k8sattributes;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceEntry;
import dev.tapio.pdata.ScopeEntry;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Association;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.SourceKind;
import dev.tapio.plugin.k8sattributes.PodInfo.ContainerInfo;
import dev.tapio.plugin.k8sattributes.cri.CriCache;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One pipeline's {@code k8sattributes}: watches pods from {@link #start} and puts the
 * attributes of the pod each resource (or record) came from on it, for whichever signal
 * {@code T} is.
 *
 * <p>Where attributes go: a resource whose own attributes identify a pod (by the
 * {@code pod_association} rules) gets that pod's attributes. A resource that identifies none is
 * looked at record by record (log records, spans; not metric points), with the same rules over
 * each record's attributes, as Tapio's eBPF receivers put {@code container.id} and
 * {@code k8s.pod.uid} on the record: when every record resolves to the same pod and container,
 * the attributes go on the resource, once, as the Collector would put them for an
 * application's own telemetry; otherwise each record that resolves gets its pod's attributes
 * on the record. An attribute already present with a non-empty value is left as it is.
 *
 * <p>With {@code cri}, a {@code container.id} the pod cache does not know (the API server
 * reports a container's id seconds after it started) is asked of the node's container runtime:
 * its answer names the pod's uid, which the pod cache usually has already (the pod exists
 * from scheduling), and the container's name and image; a pod the API server does not have
 * either gets what the runtime knows. See {@link CriCache}.
 *
 * <p>With {@code extract.peer}, each log record and span carrying {@code network.peer.address}
 * also gets the {@code k8s.dst.*} attributes of the pod (by pod IP) or Service (by cluster IP)
 * at that address, whatever its own pod resolved to.
 *
 * <p>Threading: {@link #start} and {@link #shutdown} on the engine's lifecycle thread,
 * {@link #consume} on the pipeline's one thread, after start. Ownership: changes the data it
 * is given (it declares that it mutates); read-only data is copied first. Lookups are hash
 * lookups by the attribute's string, no allocation in the steady state.
 *
 * @param <T> the signal's data
 */
final class K8sAttributesProcessor<T extends TelemetryData<?>> implements Component {
  /** Identifiers given up on while waiting for metadata, at most this many remembered. */
  private static final int MAX_GIVEN_UP = 4096;

  private final K8sAttributesConfig config;
  private final Function<K8sAttributesConfig, KubernetesClient> clients;
  private final Function<String, String> environment;
  private final ComponentContext context;
  private final System.Logger log;
  private final Signals signal;
  private final Function<T, PList<? extends ResourceEntry<?>>> resources;
  private final UnaryOperator<T> copy;
  private final Consumer<T> next;
  /** Per association, the attribute it reads; null for {@code connection} (the batch's client). */
  private final String[] sources;
  private final boolean deployment;
  private final boolean namespaceRules;
  private final long waitNanos;
  private final ComponentContext.Counter missUid;
  private final ComponentContext.Counter missIp;
  private final ComponentContext.Counter missContainer;
  /** Whether a record's {@code network.peer.address} is looked up among pods, Services. */
  private final boolean peerPods;
  private final boolean peerServices;
  private final ComponentContext.Counter peerResolved;
  private final ComponentContext.Counter peerMissed;
  /** Records whose container the pod cache missed and the CRI's answer resolved. */
  private final ComponentContext.Counter criViaApi;
  private final ComponentContext.Counter criOnly;
  /** How the last {@link #lookup} resolved through the CRI (one of the two above), or null. */
  private ComponentContext.Counter criVia;
  private final Set<String> givenUp = new HashSet<>();
  private KubeWatch watch;
  /** Services by cluster IP when peers resolve to Services, else null; set before cache. */
  private ServiceCache services;
  /** The runtime's containers with {@code cri}, else null; set before cache. */
  private CriCache<CriMatch> cri;
  // Written by start() before the engine lets data in; volatile so the pipeline thread sees it
  // however the engine hands over.
  private volatile PodCache cache;
  /** Set by shutdown: failures the informers report while stopping are not news. */
  private volatile boolean stopped;
  /** While a batch waits for metadata: when its waiting ends; 0 before its first wait. */
  private long batchDeadline;
  /** The batch's {@code clientAddress()}, for the {@code connection} association; or null. */
  private String batchClient;
  /** Whether the last {@link #find} used the {@code connection} association. */
  private boolean foundByConnection;

  K8sAttributesProcessor(K8sAttributesConfig config,
      Function<K8sAttributesConfig, KubernetesClient> clients,
      Function<String, String> environment, ComponentContext context, Signals signal,
      Function<T, PList<? extends ResourceEntry<?>>> resources, UnaryOperator<T> copy,
      Consumer<T> next) {
    this.config = config;
    this.clients = clients;
    this.environment = environment;
    this.context = context;
    this.log = context.logger();
    this.signal = signal;
    this.resources = resources;
    this.copy = copy;
    this.next = next;
    List<Association> associations = config.podAssociation().isEmpty()
        ? K8sAttributesFactory.DEFAULT_ASSOCIATIONS : config.podAssociation();
    sources = new String[associations.size()];
    for (int i = 0; i < sources.length; i++) {
      var s = associations.get(i).sources().getFirst();
      sources[i] = s.kind() == SourceKind.CONNECTION ? null : s.name();
    }
    deployment = config.extract().metadata().contains(Attr.DEPLOYMENT);
    namespaceRules = config.needsNamespaces();
    waitNanos = config.waitForMetadataTimeout().toNanos();
    String miss = "tapio_k8sattributes_lookup_miss";
    String help = "Resources and records carrying a pod identifier that matched no cached pod";
    missUid = context.counter(miss, help, "source", Attr.POD_UID);
    missIp = context.counter(miss, help, "source", Attr.POD_IP);
    missContainer = context.counter(miss, help, "source", Attr.CONTAINER_ID);
    peerPods = config.extract().peer().pods() && signal != Signals.METRICS;
    peerServices = config.extract().peer().services() && signal != Signals.METRICS;
    if (peerPods || peerServices) {
      String lookups = "tapio_k8sattributes_peer_lookups";
      String peerHelp = "Records carrying network.peer.address, by whether it matched a cached"
          + " pod or Service";
      peerResolved = context.counter(lookups, peerHelp, "result", "resolved");
      peerMissed = context.counter(lookups, peerHelp, "result", "missed");
    } else {
      peerResolved = null;
      peerMissed = null;
    }
    if (config.cri().enabled()) {
      String resolved = "tapio_k8sattributes_cri_resolved";
      String criHelp = "Resources and records whose container.id the pod cache did not know and"
          + " the container runtime resolved, by where the pod's attributes came from";
      criViaApi = context.counter(resolved, criHelp, "pod", "api");
      criOnly = context.counter(resolved, criHelp, "pod", "cri");
    } else {
      criViaApi = null;
      criOnly = null;
    }
  }

  /**
   * Starts the watches. With {@code wait_for_metadata}, waits for their first lists, at most
   * {@code wait_for_metadata_timeout}, and fails the start when they do not finish by then, as
   * the Collector does; without it, returns at once and the cache fills in the background.
   */
  @Override
  public void start(Host host) throws Exception {
    if (config.passthrough()) {
      // An agent in front of a gateway: only the sender's address, no API server.
      context.reportStatus(ComponentStatus.OK, "passthrough: k8s.pod.ip from the connection");
      return;
    }
    String node = config.filter().node();
    String variable = config.filter().nodeFromEnvVar();
    if (!variable.isEmpty()) {
      node = environment.apply(variable);
      if (node == null || node.isBlank()) {
        throw new IllegalStateException("filter.node_from_env_var names " + variable
            + ", which is not set or empty; set it from the downward API (spec.nodeName)");
      }
      node = node.strip();
    }
    PodCache c = new PodCache(config.podDeleteGracePeriod().toNanos(), context);
    // Per pipeline: a metrics pipeline never resolves peers, so it does not watch Services.
    services = peerServices ? new ServiceCache(context) : null;
    KubernetesClient client = clients.apply(config);
    Extraction extraction = new Extraction(config.extract(), config.excludePods());
    CompletableFuture<Void> criListed = null;
    if (config.cri().enabled()) {
      // filter.namespace holds for the runtime's pods too; the node is the runtime's own.
      String namespace = config.filter().namespace();
      cri = new CriCache<>(config.cri(), container -> namespace.isEmpty()
          || namespace.equals(container.podNamespace()) ? extraction.cri(container) : null,
          c::signalChange, context);
      criListed = cri.start();
    }
    watch = new KubeWatch(client, c, extraction,
        config.filter().namespace(), node, deployment || peerPods, namespaceRules, services,
        this::watchFailed);
    var synced = watch.start();
    synced.whenComplete((ok, failure) -> {
      if (failure == null) {
        context.reportStatus(ComponentStatus.OK, "pods listed and watched");
      } else if (!stopped) {
        watchFailed("the first", failure);
      }
    });
    cache = c;
    if (!config.waitForMetadata()) {
      return;
    }
    long deadline = System.nanoTime() + waitNanos;
    boolean listed;
    try {
      listed = KubeWatch.await(synced, waitNanos);
    } catch (Exception e) {
      shutdown();
      throw new IllegalStateException("the first list of pods failed: " + e.getMessage(), e);
    }
    if (!listed) {
      shutdown();
      throw new IllegalStateException("the first list of pods did not finish within"
          + " wait_for_metadata_timeout (" + config.waitForMetadataTimeout() + ")");
    }
    if (criListed != null) {
      // The runtime's first list, within the same timeout; a runtime that does not answer
      // only degrades (it is counted and reported), so the start goes on without it.
      try {
        KubeWatch.await(criListed, Math.max(0, deadline - System.nanoTime()));
      } catch (Exception e) {
        log.log(System.Logger.Level.DEBUG, "CRI first list: " + e);
      }
    }
  }

  /** A list or watch failed; the informer retries. Called on the informer's thread. */
  private void watchFailed(String resource, Throwable cause) {
    if (stopped) {
      return;
    }
    String reason = resource + " list/watch failed, retrying: " + cause;
    log.log(System.Logger.Level.WARNING, reason);
    context.reportStatus(ComponentStatus.DEGRADED, reason);
  }

  @Override
  public void shutdown() {
    stopped = true;
    if (watch != null) {
      watch.close();
      watch = null;
    }
    if (cri != null) {
      cri.close();
    }
  }

  void consume(T data) {
    if (config.passthrough()) {
      passthrough(data);
      return;
    }
    PodCache c = cache;
    if (c == null) {
      next.accept(data);
      return;
    }
    T own = data.isReadOnly() ? copy.apply(data) : data;
    batchDeadline = 0;
    batchClient = own.clientAddress();
    PList<? extends ResourceEntry<?>> rs = resources.apply(own);
    boolean peers = peerPods || peerServices;
    for (int i = 0; i < rs.size(); i++) {
      process(c, rs.get(i));
      if (peers) {
        peers(c, rs.get(i));
      }
    }
    next.accept(own);
  }

  /**
   * The Collector's {@code passthrough}: each resource without {@code k8s.pod.ip} gets the
   * batch's client address under that name, for a gateway's k8sattributes to resolve.
   */
  private void passthrough(T data) {
    String client = data.clientAddress();
    if (client == null) {
      next.accept(data);
      return;
    }
    T own = data.isReadOnly() ? copy.apply(data) : data;
    PList<? extends ResourceEntry<?>> rs = resources.apply(own);
    for (int i = 0; i < rs.size(); i++) {
      Attributes resource = rs.get(i).resource().attributes();
      if (!resource.contains(Attr.POD_IP)) {
        resource.putString(Attr.POD_IP, client);
      }
    }
    next.accept(own);
  }

  private void process(PodCache c, ResourceEntry<?> entry) {
    Attributes resource = entry.resource().attributes();
    foundByConnection = false;
    PodInfo pod = find(c, resource, true, true);
    if (pod != null) {
      if (foundByConnection && !resource.contains(Attr.POD_IP)) {
        // As the Collector does: the connection's address names the pod on the resource.
        resource.putString(Attr.POD_IP, batchClient);
      }
      apply(c, resource, pod, container(pod, resource));
      return;
    }
    // Record level: on the resource if all agree, else on each record that resolves.
    PList<? extends ScopeEntry<?>> scopes = entry.scopes();
    PodInfo agreed = null;
    ContainerInfo agreedContainer = null;
    boolean uniform = true;
    int resolved = 0;
    for (int s = 0; s < scopes.size(); s++) {
      ScopeEntry<?> scope = scopes.get(s);
      for (int r = 0, n = signal.records(scope); r < n; r++) {
        Attributes attrs = signal.attributes(scope, r);
        PodInfo p = find(c, attrs, true, false);
        if (p == null) {
          uniform = false;
          continue;
        }
        ContainerInfo ci = container(p, attrs);
        if (resolved++ == 0) {
          agreed = p;
          agreedContainer = ci;
        } else if (p != agreed || ci != agreedContainer) {
          uniform = false;
        }
      }
    }
    if (resolved == 0) {
      return;
    }
    if (uniform) {
      apply(c, resource, agreed, agreedContainer);
      return;
    }
    for (int s = 0; s < scopes.size(); s++) {
      ScopeEntry<?> scope = scopes.get(s);
      for (int r = 0, n = signal.records(scope); r < n; r++) {
        Attributes attrs = signal.attributes(scope, r);
        PodInfo p = find(c, attrs, false, false);
        if (p != null) {
          apply(c, attrs, p, container(p, attrs));
        }
      }
    }
  }

  /**
   * Puts on each record that carries {@code network.peer.address} the {@code k8s.dst.*}
   * attributes of the pod with that IP, else of the Service with that cluster IP. A pod IP and
   * a cluster IP come from disjoint ranges, so the order only saves a lookup.
   */
  private void peers(PodCache c, ResourceEntry<?> entry) {
    PList<? extends ScopeEntry<?>> scopes = entry.scopes();
    for (int s = 0; s < scopes.size(); s++) {
      ScopeEntry<?> scope = scopes.get(s);
      for (int r = 0, n = signal.records(scope); r < n; r++) {
        Attributes attrs = signal.attributes(scope, r);
        String address = attrs.getString(Attr.PEER_ADDRESS);
        if (address == null || address.isEmpty()) {
          continue;
        }
        if (peer(c, attrs, address)) {
          peerResolved.add(1);
        } else {
          peerMissed.add(1);
        }
      }
    }
  }

  private boolean peer(PodCache c, Attributes attrs, String address) {
    if (peerPods) {
      PodInfo pod = c.byIp(address);
      if (pod != null) {
        // The Deployment before the ReplicaSet the pod's own entry names as its owner.
        String d = pod.replicaSetKey() == null ? null : c.deploymentOf(pod);
        if (d != null) {
          putIfAbsent(attrs, Attr.DST_OWNER_NAME, d);
          putIfAbsent(attrs, Attr.DST_OWNER_TYPE, "Deployment");
        }
        putAll(attrs, pod.peerAttributes());
        return true;
      }
    }
    if (peerServices) {
      ServiceInfo service = services.byIp(address);
      if (service != null) {
        putAll(attrs, service.attributes());
        return true;
      }
    }
    return false;
  }

  /**
   * The pod of the first association whose attribute is present, as the Collector picks one
   * identifier and does not fall through to the next on a miss; null when none is present or
   * nothing matches. {@code count}: whether a miss is counted (and waited on); {@code
   * resource}: whether {@code attrs} are a resource's, the only level the {@code connection}
   * association applies to (the whole batch came over the connection).
   */
  private PodInfo find(PodCache c, Attributes attrs, boolean count, boolean resource) {
    for (String association : sources) {
      if (association == null && !resource) {
        continue;
      }
      // connection: the address the batch's receiver saw it come from, looked up as a pod IP.
      String source = association == null ? Attr.POD_IP : association;
      String value = association == null ? batchClient : attrs.getString(source);
      if (value == null || value.isEmpty()) {
        continue;
      }
      foundByConnection = association == null;
      PodInfo p = lookup(c, source, value);
      if (p == null && count) {
        p = waitFor(c, source, value);
        if (p == null) {
          miss(source).add(1);
        }
      }
      if (p != null && count && criVia != null) {
        criVia.add(1);
      }
      return p;
    }
    return null;
  }

  private PodInfo lookup(PodCache c, String source, String value) {
    criVia = null;
    return switch (source) {
      case Attr.POD_UID -> c.byUid(value);
      case Attr.POD_IP -> c.byIp(value);
      default -> byContainer(c, value.indexOf(':') < 0 ? value : Extraction.containerId(value));
    };
  }

  /**
   * The pod cache's entry for the container, else (with {@code cri}) the runtime's answer:
   * the pod cache's entry for the pod uid the runtime names, else the runtime's own. A miss
   * of both asks the runtime in the background; {@link #waitFor} then wakes on its answer.
   */
  private PodInfo byContainer(PodCache c, String id) {
    if (id == null) {
      return null;
    }
    PodInfo p = c.byContainerId(id);
    if (p != null || cri == null) {
      return p;
    }
    CriMatch m = cri.get(id);
    if (m == null) {
      return null;
    }
    p = c.byUid(m.podUid());
    criVia = p != null ? criViaApi : criOnly;
    return p != null ? p : m.pod();
  }

  private ComponentContext.Counter miss(String source) {
    return switch (source) {
      case Attr.POD_UID -> missUid;
      case Attr.POD_IP -> missIp;
      default -> missContainer;
    };
  }

  /**
   * With {@code wait_for_metadata}: waits for the pod of an identifier not yet cached, as
   * Kubernetes reports a container's id seconds after it started. One batch waits at most
   * {@code wait_for_metadata_timeout} in all; an identifier still unknown then is remembered
   * and not waited for again (up to {@link #MAX_GIVEN_UP} of them), so a container Kubernetes
   * does not run stalls the pipeline once, not on every batch. Slow path, out of line.
   */
  private PodInfo waitFor(PodCache c, String source, String value) {
    if (!config.waitForMetadata() || givenUp.contains(value)) {
      return null;
    }
    if (batchDeadline == 0) {
      batchDeadline = System.nanoTime() + waitNanos;
    }
    try {
      while (c.awaitChange(batchDeadline)) {
        PodInfo p = lookup(c, source, value);
        if (p != null) {
          return p;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (givenUp.size() >= MAX_GIVEN_UP) {
      givenUp.clear();
    }
    givenUp.add(value);
    return null;
  }

  /**
   * The container named by {@code container.id} or {@code k8s.container.name}, or null. A
   * container the pod's status does not list yet is the runtime's answer, with {@code cri}.
   */
  private ContainerInfo container(PodInfo pod, Attributes attrs) {
    String id = attrs.getString(Attr.CONTAINER_ID);
    if (id != null && !id.isEmpty()) {
      String bare = id.indexOf(':') < 0 ? id : Extraction.containerId(id);
      if (bare == null) {
        return null;
      }
      ContainerInfo ci = pod.container(bare);
      if (ci == null && cri != null) {
        CriMatch m = cri.peek(bare);
        if (m != null && m.podUid().equals(pod.uid())) {
          ci = m.container();
        }
      }
      return ci;
    }
    String name = attrs.getString(Attr.CONTAINER_NAME);
    return name == null || name.isEmpty() ? null : pod.containerNamed(name);
  }

  private void apply(PodCache c, Attributes to, PodInfo pod, ContainerInfo container) {
    putAll(to, pod.attributes());
    if (deployment) {
      String d = c.deploymentOf(pod);
      if (d != null) {
        putIfAbsent(to, Attr.DEPLOYMENT, d);
      }
    }
    if (namespaceRules) {
      String[] ns = c.namespaceAttributes(pod.namespace());
      if (ns != null) {
        putAll(to, ns);
      }
    }
    if (container != null) {
      putAll(to, container.attributes());
    }
  }

  private static void putAll(Attributes to, String[] pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      putIfAbsent(to, pairs[i], pairs[i + 1]);
    }
  }

  private static void putIfAbsent(Attributes to, String key, String value) {
    int i = to.indexOf(key);
    if (i < 0 || to.getAsText(key).isEmpty()) {
      to.putString(key, value);
    }
  }
}
