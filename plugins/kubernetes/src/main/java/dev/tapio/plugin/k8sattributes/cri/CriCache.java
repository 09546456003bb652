package dev.tapio.plugin.k8sattributes.cri;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.plugin.k8sattributes.cri.CriMessages.RawContainer;
import dev.tapio.plugin.k8sattributes.cri.CriMessages.Sandbox;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The node's Kubernetes containers as the container runtime reports them (CRI), by container
 * id: what the processor falls back on for a {@code container.id} the API server has not
 * reported yet (the kubelet writes a container's id into the pod status seconds after the
 * container started; a short-lived process is gone by then).
 *
 * <p>Filled by {@code ListContainers} + {@code ListPodSandbox} at {@link #start} and every
 * {@code resync_interval} (learning new containers, forgetting removed ones), and by a
 * {@code ContainerStatus} (verbose) for an id a lookup missed. Each answer is turned into the
 * caller's value {@code V} once, by {@code convert}, so lookups hand out a ready value.
 * An id the runtime does not know (or a failed request) is not asked about again for
 * {@code negative_ttl}. At most {@code cache_size} containers are held.
 *
 * <p>Threading: every request runs on this cache's one CRI thread, with a deadline; the
 * pipeline threads only read ({@link #get}, {@link #peek}: a hash lookup, no lock; a miss
 * queues a request and returns at once). {@code onChange} runs on the CRI thread after each
 * answer, so a pipeline thread waiting for metadata wakes. A runtime that is down is counted,
 * logged once per outage and reported as {@code degraded}; it never fails the pipeline.
 *
 * @param <V> what the processor makes of a container
 */
public final class CriCache<V> implements AutoCloseable {
  /** Lookups queued for the CRI thread at most; more misses wait for a later record. */
  private static final int MAX_PENDING = 1024;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final CriConfig config;
  private final Function<CriContainer, V> convert;
  private final Runnable onChange;
  private final ComponentContext context;
  private final System.Logger log;
  private final Map<String, Entry<V>> containers = new ConcurrentHashMap<>();
  /** Id to the {@link System#nanoTime()} until which it is not asked about again. */
  private final Map<String, Long> absent = new ConcurrentHashMap<>();
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  /** Sandboxes by id, as last listed or asked for; CRI thread only. */
  private final Map<String, Sandbox> sandboxes = new HashMap<>();
  private final ComponentContext.Counter found;
  private final ComponentContext.Counter notFound;
  private final ComponentContext.Counter failed;
  private final ComponentContext.Counter listed;
  private final ComponentContext.Counter listFailed;
  private final CompletableFuture<Void> firstList = new CompletableFuture<>();
  private final long negativeTtlNanos;
  private ScheduledExecutorService thread;
  /** CRI thread only. */
  private CriClient client;
  private volatile boolean up = true;
  private volatile boolean closed;
  private boolean versionLogged;

  public CriCache(CriConfig config, Function<CriContainer, V> convert, Runnable onChange,
      ComponentContext context) {
    this.config = config;
    this.convert = convert;
    this.onChange = onChange;
    this.context = context;
    this.log = context.logger();
    this.negativeTtlNanos = config.negativeTtl().toNanos();
    String lookups = "tapio_k8sattributes_cri_lookups";
    String help = "ContainerStatus requests for a container id neither cache knew, by answer";
    found = context.counter(lookups, help, "result", "found");
    notFound = context.counter(lookups, help, "result", "not_found");
    failed = context.counter(lookups, help, "result", "error");
    String lists = "tapio_k8sattributes_cri_lists";
    String listHelp = "Lists of the runtime's containers and sandboxes, by outcome";
    listed = context.counter(lists, listHelp, "result", "ok");
    listFailed = context.counter(lists, listHelp, "result", "error");
    context.gauge("tapio_k8sattributes_cri_container_table_size",
        "Kubernetes containers the runtime reported, cached", containers::size);
    context.gauge("tapio_k8sattributes_cri_up",
        "1 while the last request to the runtime succeeded, else 0", () -> up ? 1 : 0);
  }

  /**
   * Starts the CRI thread, whose first task lists the runtime's containers; returns at once.
   * Called once, before any {@link #get}, on the thread that then publishes this cache.
   * The future completes when that first list has succeeded (it fails never; while the
   * runtime is down it stays incomplete and the re-lists go on).
   */
  public CompletableFuture<Void> start() {
    String name = "tapio-cri-" + INSTANCES.incrementAndGet();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
    thread = Executors.newSingleThreadScheduledExecutor(threads);
    long interval = config.resyncInterval().toNanos();
    thread.scheduleWithFixedDelay(this::relist, 0, interval, TimeUnit.NANOSECONDS);
    return firstList;
  }

  // ---- pipeline threads ----

  /**
   * The container's value, or null when not (yet) known; a miss asks the runtime in the
   * background, unless that id is remembered as unknown or already asked about.
   */
  public V get(String id) {
    Entry<V> e = containers.get(id);
    if (e != null) {
      return e.value;
    }
    request(id);
    return null;
  }

  /** The container's value, or null; never asks the runtime. */
  public V peek(String id) {
    Entry<V> e = containers.get(id);
    return e == null ? null : e.value;
  }

  /** Slow path: at most once per id per {@code negative_ttl}. */
  private void request(String id) {
    Long until = absent.get(id);
    if (closed || until != null && until - System.nanoTime() > 0) {
      return;
    }
    if (pending.size() >= MAX_PENDING || !pending.add(id)) {
      return;
    }
    try {
      thread.execute(() -> lookup(id));
    } catch (RejectedExecutionException e) {
      pending.remove(id); // closing
    }
  }

  // ---- the CRI thread ----

  private void lookup(String id) {
    try {
      if (containers.containsKey(id)) {
        return; // a re-list learned it meanwhile
      }
      if (!connect()) {
        remember(id);
        failed.add(1);
        return;
      }
      RawContainer raw;
      try {
        raw = client.containerStatus(id);
      } catch (StatusRuntimeException e) {
        remember(id);
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          notFound.add(1);
          up();
        } else {
          failed.add(1);
          down("ContainerStatus", e);
        }
        return;
      }
      up();
      CriContainer c = raw == null ? null : join(raw, sandboxFor(raw.sandboxId()), null);
      V value = c == null ? null : convert.apply(c);
      if (value == null) {
        // Not a Kubernetes container (no pod labels): nothing to resolve to.
        remember(id);
        notFound.add(1);
        return;
      }
      makeRoom();
      containers.put(id, new Entry<>(value, c, System.nanoTime()));
      absent.remove(id);
      found.add(1);
    } catch (RuntimeException e) {
      remember(id);
      failed.add(1);
      down("ContainerStatus", e);
    } finally {
      pending.remove(id);
      onChange.run();
    }
  }

  /** The sandbox from the last list, else asked for; null when neither knows it. */
  private Sandbox sandboxFor(String sandboxId) {
    if (sandboxId == null || sandboxId.isEmpty()) {
      return null;
    }
    Sandbox s = sandboxes.get(sandboxId);
    if (s != null) {
      return s;
    }
    try {
      s = client.podSandboxStatus(sandboxId);
    } catch (StatusRuntimeException e) {
      return null; // the container's own labels name its pod; the sandbox adds pod labels
    }
    if (s != null) {
      sandboxes.put(sandboxId, s);
    }
    return s;
  }

  private void relist() {
    if (closed) {
      return;
    }
    long started = System.nanoTime();
    try {
      if (!connect()) {
        listFailed.add(1);
        return;
      }
      if (!versionLogged) {
        CriMessages.Version v = client.version();
        log.log(System.Logger.Level.INFO, "CRI: " + v.runtimeName() + " "
            + v.runtimeVersion() + " (CRI " + v.runtimeApiVersion() + ")");
        versionLogged = true;
      }
      var listedSandboxes = client.listPodSandbox();
      var listedContainers = client.listContainers();
      sandboxes.clear();
      for (Sandbox s : listedSandboxes) {
        sandboxes.put(s.id(), s);
      }
      Set<String> ids = new HashSet<>();
      for (RawContainer raw : listedContainers) {
        ids.add(raw.id());
        Entry<V> old = containers.get(raw.id());
        CriContainer c = join(raw, sandboxes.get(raw.sandboxId()),
            old == null ? null : old.container);
        if (c == null || old != null && old.container.equals(c)) {
          continue;
        }
        if (old == null && containers.size() >= config.cacheSize()) {
          continue; // full of containers the runtime lists: the newest wait for a slot
        }
        V value = convert.apply(c);
        if (value != null) {
          containers.put(raw.id(), new Entry<>(value, c, old == null ? started
              : old.learnedNanos));
          absent.remove(raw.id());
        }
      }
      // Forget what the runtime no longer has; keep what a lookup learned during the list.
      containers.entrySet().removeIf(e -> !ids.contains(e.getKey())
          && e.getValue().learnedNanos - started < 0);
      long now = System.nanoTime();
      absent.values().removeIf(until -> until - now <= 0);
      listed.add(1);
      up();
      firstList.complete(null);
    } catch (RuntimeException e) {
      listFailed.add(1);
      down("listing containers", e);
    } finally {
      onChange.run();
    }
  }

  /**
   * The container with its pod: the kubelet's labels on the container name the pod; the
   * sandbox's metadata stands in where they are missing, and gives the pod's labels. Null for
   * a container no pod owns. {@code old}: the same container's previous answer, whose
   * verbose-only fields (cgroups path, pid) a list does not carry.
   */
  private static CriContainer join(RawContainer raw, Sandbox sandbox, CriContainer old) {
    Map<String, String> labels = raw.labels();
    String uid = or(labels.get(CriMessages.POD_UID), sandbox == null ? null : sandbox.uid());
    if (uid == null) {
      return null;
    }
    String name = or(labels.get(CriMessages.POD_NAME), sandbox == null ? null : sandbox.name());
    String namespace = or(labels.get(CriMessages.POD_NAMESPACE),
        sandbox == null ? null : sandbox.namespace());
    Map<String, String> podLabels = new HashMap<>();
    if (sandbox != null) {
      podLabels.putAll(sandbox.labels());
      podLabels.remove(CriMessages.POD_UID);
      podLabels.remove(CriMessages.POD_NAME);
      podLabels.remove(CriMessages.POD_NAMESPACE);
    }
    String cgroups = raw.cgroupsPath();
    long pid = raw.pid();
    if (old != null && cgroups == null) {
      cgroups = old.cgroupsPath();
      pid = old.pid();
    }
    return new CriContainer(raw.id(), raw.sandboxId(), uid, name, namespace,
        or(raw.name(), null), raw.image(), cgroups, pid, podLabels);
  }

  private static String or(String a, String b) {
    return a != null && !a.isEmpty() ? a : b != null && !b.isEmpty() ? b : null;
  }

  /** Makes room for one more container: drops the one learned longest ago. */
  private void makeRoom() {
    while (containers.size() >= config.cacheSize()) {
      String oldest = null;
      long oldestAt = 0;
      for (var e : containers.entrySet()) {
        if (oldest == null || e.getValue().learnedNanos - oldestAt < 0) {
          oldest = e.getKey();
          oldestAt = e.getValue().learnedNanos;
        }
      }
      if (oldest == null) {
        return;
      }
      containers.remove(oldest);
    }
  }

  private void remember(String id) {
    if (absent.size() >= config.cacheSize()) {
      long now = System.nanoTime();
      absent.values().removeIf(until -> until - now <= 0);
      if (absent.size() >= config.cacheSize()) {
        absent.clear();
      }
    }
    absent.put(id, System.nanoTime() + negativeTtlNanos);
  }

  /** Connects when not yet connected; false when there is no socket to connect to. */
  private boolean connect() {
    if (client != null) {
      return true;
    }
    String path = config.socket();
    if (path == null) {
      down("finding the runtime's socket", new IllegalStateException("none of "
          + CriConfig.KNOWN_SOCKETS + " exists; set cri.endpoint or mount the socket"));
      return false;
    }
    ThreadFactory io = r -> {
      Thread t = new Thread(r, Thread.currentThread().getName() + "-io");
      t.setDaemon(true);
      return t;
    };
    client = new CriClient(path, config.timeout(), io);
    return true;
  }

  private void up() {
    if (!up) {
      up = true;
      log.log(System.Logger.Level.INFO, "CRI: the runtime answers again");
      context.reportStatus(ComponentStatus.OK, "the container runtime answers again");
    }
  }

  private void down(String what, Throwable cause) {
    if (up) {
      up = false;
      String reason = "CRI: " + what + " failed (records whose container the API server has"
          + " not reported yet stay without pod attributes): " + cause;
      log.log(System.Logger.Level.WARNING, reason);
      context.reportStatus(ComponentStatus.DEGRADED, reason);
    }
  }

  /** Stops the CRI thread (an answer in flight is abandoned) and closes the channel. */
  @Override
  public void close() {
    closed = true;
    if (thread == null) {
      return;
    }
    thread.shutdownNow();
    try {
      thread.awaitTermination(config.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (client != null) {
      client.close();
      client = null;
    }
  }

  /** One cached container; {@code learnedNanos} orders eviction and re-list forgetting. */
  private record Entry<V>(V value, CriContainer container, long learnedNanos) {}
}
