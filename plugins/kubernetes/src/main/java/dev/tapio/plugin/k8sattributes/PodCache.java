package dev.tapio.plugin.k8sattributes;

import dev.tapio.component.ComponentContext;
import dev.tapio.plugin.k8sattributes.PodInfo.ContainerInfo;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pods, ReplicaSets and namespaces the watches delivered, indexed for lookup by pod uid, pod
 * IP and container id.
 *
 * <p>Threading: the {@code on*} methods are called by one writer at a time (the informers'
 * event thread; they are synchronized so that the pod, ReplicaSet and namespace informers may
 * use different threads); the lookups ({@link #byUid}, {@link #byIp}, {@link #byContainerId},
 * {@link #deploymentOf}, {@link #namespaceAttributes}) by any number of pipeline threads at
 * once, without locking or allocating. Published entries are immutable.
 *
 * <p>A deleted pod stays in the indexes, marked with the time of its deletion, and is found
 * until {@code gracePeriodNanos} after it; then a lookup misses, and the next event or
 * {@link #sweep} removes it. An index entry is removed only while it still points at the pod
 * that is going, so an IP a new pod took over keeps pointing at the new pod.
 */
final class PodCache {
  private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private final Map<String, PodInfo> byUid = new ConcurrentHashMap<>();
  private final Map<String, PodInfo> byIp = new ConcurrentHashMap<>();
  private final Map<String, PodInfo> byContainerId = new ConcurrentHashMap<>();
  /** {@code namespace/name} of a ReplicaSet to the name of the Deployment that owns it. */
  private final Map<String, String> deployments = new ConcurrentHashMap<>();
  /** Namespace name to its extracted label and annotation attributes (key, value…). */
  private final Map<String, String[]> namespaces = new ConcurrentHashMap<>();
  /** Deleted pods in deletion order; written under the monitor. */
  private final ArrayDeque<PodInfo> deleted = new ArrayDeque<>();
  private final long gracePeriodNanos;
  private final ComponentContext.Counter added;
  private final ComponentContext.Counter updated;
  private final ComponentContext.Counter removed;
  private final ReentrantLock changeLock = new ReentrantLock();
  private final Condition changed = changeLock.newCondition();

  PodCache(long gracePeriodNanos, ComponentContext context) {
    this.gracePeriodNanos = gracePeriodNanos;
    // The Collector's names (otelsvc_k8s_*), so its dashboards work.
    added = context.counter("otelcol_otelsvc_k8s_pod_added", "Pods added to the cache");
    updated = context.counter("otelcol_otelsvc_k8s_pod_updated", "Pod updates applied");
    removed = context.counter("otelcol_otelsvc_k8s_pod_deleted", "Pods deleted");
    context.gauge("otelcol_otelsvc_k8s_pod_table_size", "Pods in the cache, deleted ones"
        + " within their grace period included", byUid::size);
  }

  // ---- lookups: any thread, no locks, no allocation ----

  /** The pod with this uid, or null when unknown or deleted more than the grace period ago. */
  PodInfo byUid(String uid) {
    return live(byUid.get(uid));
  }

  PodInfo byIp(String ip) {
    return live(byIp.get(ip));
  }

  /** By the runtime's container id, without its {@code containerd://}-style prefix. */
  PodInfo byContainerId(String id) {
    return live(byContainerId.get(id));
  }

  private PodInfo live(PodInfo p) {
    if (p == null || p.deletedAtNanos() == 0
        || System.nanoTime() - p.deletedAtNanos() <= gracePeriodNanos) {
      return p;
    }
    return null;
  }

  /** The Deployment owning the pod's ReplicaSet, or null. */
  String deploymentOf(PodInfo pod) {
    if (pod.replicaSetKey() == null) {
      return null;
    }
    String d = deployments.get(pod.replicaSetKey());
    return d != null ? d : pod.deploymentFallback();
  }

  /** The extracted attributes of the namespace (key, value…), or null. */
  String[] namespaceAttributes(String namespace) {
    return namespaces.get(namespace);
  }

  int size() {
    return byUid.size();
  }

  /**
   * Waits until the cache changes, at most until {@code deadlineNanos} (of
   * {@link System#nanoTime()}) and at most 50 ms, so that a change signalled between the
   * caller's lookup and this wait costs at most one slice; returns false once the deadline has
   * passed. Pipeline threads call it while waiting for metadata.
   */
  boolean awaitChange(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    changeLock.lock();
    try {
      changed.awaitNanos(Math.min(left, MAX_WAIT_SLICE_NANOS));
    } finally {
      changeLock.unlock();
    }
    return true;
  }

  /** Wakes the threads in {@link #awaitChange}; also called when the CRI answers. */
  void signalChange() {
    changeLock.lock();
    try {
      changed.signalAll();
    } finally {
      changeLock.unlock();
    }
  }

  // ---- writers: the informers' threads ----

  synchronized void onPod(PodInfo pod) {
    PodInfo old = byUid.put(pod.uid(), pod);
    if (old != null) {
      unindex(old, pod);
      updated.add(1);
    } else {
      added.add(1);
    }
    for (String ip : pod.ips()) {
      byIp.put(ip, pod);
    }
    for (ContainerInfo c : pod.containers()) {
      if (c.id() != null) {
        byContainerId.put(c.id(), pod);
      }
    }
    sweep(System.nanoTime());
    signalChange();
  }

  synchronized void onPodDeleted(String uid) {
    PodInfo old = byUid.get(uid);
    if (old == null || old.deletedAtNanos() != 0) {
      return;
    }
    removed.add(1);
    long now = System.nanoTime();
    PodInfo gone = old.deletedAt(now == 0 ? 1 : now);
    byUid.put(uid, gone);
    for (String ip : old.ips()) {
      replace(byIp, ip, old, gone);
    }
    for (ContainerInfo c : old.containers()) {
      replace(byContainerId, c.id(), old, gone);
    }
    deleted.addLast(gone);
    sweep(now);
  }

  synchronized void onReplicaSet(String key, String deployment) {
    if (deployment == null) {
      deployments.remove(key);
    } else {
      deployments.put(key, deployment);
    }
    signalChange();
  }

  synchronized void onReplicaSetDeleted(String key) {
    // Kept when pods of it may still be in their grace period: they still name it. The
    // fallback from the name gives the same answer for a Deployment's ReplicaSet anyway.
  }

  synchronized void onNamespace(String name, String[] attributes) {
    if (attributes.length == 0) {
      namespaces.remove(name);
    } else {
      namespaces.put(name, attributes);
    }
    signalChange();
  }

  synchronized void onNamespaceDeleted(String name) {
    namespaces.remove(name);
  }

  /** Removes the pods whose grace period has passed. */
  synchronized void sweep(long nowNanos) {
    PodInfo p;
    while ((p = deleted.peekFirst()) != null
        && nowNanos - p.deletedAtNanos() > gracePeriodNanos) {
      deleted.removeFirst();
      byUid.remove(p.uid(), p);
      for (String ip : p.ips()) {
        byIp.remove(ip, p);
      }
      for (ContainerInfo c : p.containers()) {
        if (c.id() != null) {
          byContainerId.remove(c.id(), p);
        }
      }
    }
  }

  /** Removes the index entries of {@code old} that {@code now} no longer has. */
  private void unindex(PodInfo old, PodInfo now) {
    for (String ip : old.ips()) {
      if (!now.ips().contains(ip)) {
        byIp.remove(ip, old);
      }
    }
    for (ContainerInfo c : old.containers()) {
      if (c.id() != null && now.container(c.id()) == null) {
        byContainerId.remove(c.id(), old);
      }
    }
  }

  private static void replace(Map<String, PodInfo> index, String key, PodInfo old,
      PodInfo gone) {
    if (key != null) {
      index.replace(key, old, gone);
    }
  }
}
