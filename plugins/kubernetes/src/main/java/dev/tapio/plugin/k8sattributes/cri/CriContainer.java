package dev.tapio.plugin.k8sattributes.cri;

import java.util.Map;

/**
 * What the container runtime says about one Kubernetes container: immutable, built on the CRI
 * thread from its answers and handed to the processor's converter once.
 *
 * @param id the runtime's container id (no {@code containerd://}-style prefix)
 * @param sandboxId the id of the pod sandbox it runs in
 * @param podUid {@code io.kubernetes.pod.uid}: the pod's {@code metadata.uid}
 * @param podName the pod's name
 * @param podNamespace the pod's namespace
 * @param containerName {@code io.kubernetes.container.name}: the name in the pod spec
 * @param image the image as the pod spec or the runtime names it ({@code repo:tag},
 *     {@code repo@sha256:…}), or null when the runtime gave only an image id
 * @param cgroupsPath the OCI spec's {@code linux.cgroupsPath}, or null when not asked (the
 *     re-list does not carry it; a single container's verbose status does)
 * @param pid the container's init process as the runtime saw it, or 0 when unknown
 * @param podLabels the sandbox's labels: the pod's labels, as the kubelet copies them
 */
public record CriContainer(String id, String sandboxId, String podUid, String podName,
    String podNamespace, String containerName, String image, String cgroupsPath, long pid,
    Map<String, String> podLabels) {

  public CriContainer {
    podLabels = Map.copyOf(podLabels);
  }
}
