package dev.tapio.plugin.k8sattributes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The list+watch of pods (and of ReplicaSets when the Deployment name is extracted or peers
 * resolve to pods, of namespaces when a rule reads from them) feeding a {@link PodCache}, and
 * of Services feeding a {@link ServiceCache} when peers resolve to Services, through fabric8's
 * informers: they list, then watch from the list's resource version, and list again after a
 * watch expires ({@code 410 Gone}), delivering the differences as events.
 *
 * <p>Pods: every namespace, or {@code filter.namespace}; with a node, the field selector
 * {@code spec.nodeName=<node>} on both the list and the watch requests, so the API server
 * sends only that node's pods.
 *
 * <p>The informers' own stores keep only each object's key, uid and resource version
 * ({@link ReducedStateItemStore}): what they need to tell updates and deletes apart after a
 * re-list.
 *
 * <p>Threading: {@link #start} and {@link #close} on the lifecycle thread; events arrive on the
 * client's informer thread.
 */
final class KubeWatch implements AutoCloseable {
  private final KubernetesClient client;
  private final PodCache cache;
  private final Extraction extraction;
  private final String namespace;
  private final String node;
  private final boolean replicaSets;
  private final boolean namespaces;
  private final ServiceCache services;
  private final BiConsumer<String, Throwable> onError;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  /**
   * @param namespace the only namespace watched, or empty for all
   * @param node the only node whose pods are watched, or empty for all
   * @param services where watched Services go, or null to watch none (peers not resolved to
   *     Services)
   * @param onError told of each failed list or watch (resource kind, cause), on the
   *     informer's thread
   */
  KubeWatch(KubernetesClient client, PodCache cache, Extraction extraction, String namespace,
      String node, boolean replicaSets, boolean namespaces, ServiceCache services,
      BiConsumer<String, Throwable> onError) {
    this.onError = onError;
    this.client = client;
    this.cache = cache;
    this.extraction = extraction;
    this.namespace = namespace;
    this.node = node;
    this.replicaSets = replicaSets;
    this.namespaces = namespaces;
    this.services = services;
  }

  /**
   * Starts the informers; the future completes when every first list has been delivered to
   * the cache.
   */
  CompletableFuture<Void> start() {
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    if (namespaces) {
      var ns = namespace.isEmpty() ? client.namespaces()
          : client.namespaces().withField("metadata.name", namespace);
      synced.add(start(ns.runnableInformer(0), new Handler<Namespace>() {
        @Override
        void upsert(Namespace n) {
          cache.onNamespace(n.getMetadata().getName(), extraction.namespace(n));
        }

        @Override
        void delete(Namespace n) {
          cache.onNamespaceDeleted(n.getMetadata().getName());
        }
      }));
    }
    if (replicaSets) {
      var rs = namespace.isEmpty() ? client.apps().replicaSets().inAnyNamespace()
          : client.apps().replicaSets().inNamespace(namespace);
      synced.add(start(reduced(rs.runnableInformer(0), ReplicaSet.class), new Handler<>() {
        @Override
        void upsert(ReplicaSet r) {
          cache.onReplicaSet(Extraction.replicaSetKey(r), Extraction.deploymentOf(r));
        }

        @Override
        void delete(ReplicaSet r) {
          cache.onReplicaSetDeleted(Extraction.replicaSetKey(r));
        }
      }));
    }
    if (services != null) {
      var svc = namespace.isEmpty() ? client.services().inAnyNamespace()
          : client.services().inNamespace(namespace);
      synced.add(start(reduced(svc.runnableInformer(0), Service.class), new Handler<>() {
        @Override
        void upsert(Service s) {
          services.onService(Extraction.service(s));
        }

        @Override
        void delete(Service s) {
          services.onServiceDeleted(s.getMetadata().getUid());
        }
      }));
    }
    var pods = namespace.isEmpty() ? client.pods().inAnyNamespace()
        : client.pods().inNamespace(namespace);
    var selected = node.isEmpty() ? pods : pods.withField("spec.nodeName", node);
    // A full Pod object is tens of kilobytes: the informer keeps only its key and uid.
    synced.add(start(reduced(selected.runnableInformer(0), Pod.class), new Handler<>() {
      @Override
      void upsert(Pod p) {
        if (!extraction.excluded(p)) {
          cache.onPod(extraction.pod(p));
        }
      }

      @Override
      void delete(Pod p) {
        cache.onPodDeleted(p.getMetadata().getUid());
      }
    }));
    return CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new));
  }

  /**
   * The informer, its own store keeping of each object only what a delete needs (key, uid,
   * resource version); the caches hold the stripped entries.
   */
  private <T extends HasMetadata> SharedIndexInformer<T> reduced(SharedIndexInformer<T> informer,
      Class<T> type) {
    informer.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, type,
        client.getKubernetesSerialization(), "metadata.uid"));
    return informer;
  }

  private <T> CompletableFuture<Void> start(SharedIndexInformer<T> informer,
      Handler<T> handler) {
    informer.addEventHandler(handler);
    String resource = informer.getApiTypeClass().getSimpleName();
    // Unreachable server, expired credentials, missing RBAC: reported, and retried with the
    // informer's backoff for as long as the processor runs, as the Collector keeps trying.
    informer.exceptionHandler((started, t) -> {
      onError.accept(resource, t);
      return true;
    });
    informers.add(informer);
    // The informer's future completes when its store holds the first list; its handlers are
    // told on another thread, later. The caches are filled once the handler has seen as many
    // objects as the store held then (wait_for_metadata means the cache, not the store).
    return informer.start().toCompletableFuture()
        .thenCompose(listed -> handler.delivered(informer.getStore().list().size()));
  }

  /** Waits for {@link #start}'s future; false on timeout. */
  static boolean await(CompletableFuture<Void> synced, long timeoutNanos) throws Exception {
    try {
      synced.get(timeoutNanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() {
    for (SharedIndexInformer<?> i : informers) {
      i.stop();
    }
    // A watch the informer was opening when stopped would otherwise outlive the client.
    for (SharedIndexInformer<?> i : informers) {
      try {
        i.stopped().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Stopping failed or is slow: closing the client below ends its requests anyway.
      }
    }
    informers.clear();
    client.close();
  }

  /**
   * Adds and updates are the same to the cache: the newest state replaces the entry. Counts the
   * adds, so that the first list's delivery can be awaited.
   */
  private abstract static class Handler<T> implements ResourceEventHandler<T> {
    private final java.util.concurrent.atomic.AtomicLong added =
        new java.util.concurrent.atomic.AtomicLong();
    private volatile long expected = Long.MAX_VALUE;
    private final CompletableFuture<Void> delivered = new CompletableFuture<>();

    abstract void upsert(T object);

    abstract void delete(T object);

    /** Completes once {@code count} objects have been added through this handler. */
    final CompletableFuture<Void> delivered(long count) {
      expected = count;
      check();
      return delivered;
    }

    private void check() {
      if (added.get() >= expected) {
        delivered.complete(null);
      }
    }

    @Override
    public final void onAdd(T object) {
      upsert(object);
      added.incrementAndGet();
      check();
    }

    @Override
    public final void onUpdate(T before, T after) {
      upsert(after);
    }

    @Override
    public final void onDelete(T object, boolean finalStateUnknown) {
      delete(object);
    }
  }
}
