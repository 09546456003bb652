package dev.tapio.plugin.k8sattributes;

import java.util.List;

/**
 * One pod as the processor needs it, stripped from the API's Pod object when it arrives:
 * immutable and shared by every reader. Attribute values that depend only on the pod are
 * computed once, here, so that applying them copies references and allocates nothing.
 *
 * @param uid {@code metadata.uid}
 * @param namespace {@code metadata.namespace}
 * @param ips {@code status.podIPs} (both families on a dual-stack cluster, {@code status.podIP}
 *     first), empty when the pod has none yet or shares its node's network
 * @param attributes the pod-level attributes the configuration extracts, as key, value, key,
 *     value… (metadata, owner names, pod labels and annotations); the deployment name is not
 *     among them when it comes from the ReplicaSet cache (see {@code replicaSetKey})
 * @param replicaSetKey {@code namespace/name} of the owning ReplicaSet whose Deployment is
 *     looked up in the ReplicaSet cache, or null
 * @param deploymentFallback the Deployment name derived from the ReplicaSet name while the
 *     ReplicaSet is not (yet) cached, or null
 * @param containers the pod's containers that have a status
 * @param peerAttributes what a record whose peer is this pod gets ({@code k8s.dst.*}, key,
 *     value…), empty unless peers are resolved; for a pod of a ReplicaSet the owner here is the
 *     ReplicaSet, which the Deployment found through {@code replicaSetKey} goes before
 * @param deletedAtNanos {@link System#nanoTime()} of the deletion, or 0 while the pod exists
 */
record PodInfo(String uid, String namespace, List<String> ips, String[] attributes,
    String replicaSetKey, String deploymentFallback, List<ContainerInfo> containers,
    String[] peerAttributes, long deletedAtNanos) {

  PodInfo {
    ips = List.copyOf(ips);
    containers = List.copyOf(containers);
  }

  /** This pod, marked deleted at {@code nanos}. */
  PodInfo deletedAt(long nanos) {
    return new PodInfo(uid, namespace, ips, attributes, replicaSetKey, deploymentFallback,
        containers, peerAttributes, nanos);
  }

  /** The container whose id is {@code id} (without runtime prefix), or null. */
  ContainerInfo container(String id) {
    for (int i = 0; i < containers.size(); i++) {
      ContainerInfo c = containers.get(i);
      if (id.equals(c.id())) {
        return c;
      }
    }
    return null;
  }

  /** The container named {@code name}, or null. */
  ContainerInfo containerNamed(String name) {
    for (int i = 0; i < containers.size(); i++) {
      ContainerInfo c = containers.get(i);
      if (name.equals(c.name())) {
        return c;
      }
    }
    return null;
  }

  /**
   * One container of a pod.
   *
   * @param id the runtime's id without its {@code containerd://}-style prefix, or null before
   *     the container started
   * @param attributes the container-level attributes the configuration extracts, as key, value…
   */
  record ContainerInfo(String id, String name, String[] attributes) {}
}
