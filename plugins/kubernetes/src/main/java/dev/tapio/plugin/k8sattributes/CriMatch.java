package dev.tapio.plugin.k8sattributes;

import dev.tapio.plugin.k8sattributes.PodInfo.ContainerInfo;

/**
 * A container the runtime (CRI) reported, as the processor uses it when the API server has not
 * reported the container yet: made once per container on the CRI thread, immutable.
 *
 * @param podUid the pod to look up in the API cache first
 * @param pod the pod as the runtime alone knows it, for when the API cache has no such uid
 * @param container the container's attributes (name, image), from the runtime
 */
record CriMatch(String podUid, PodInfo pod, ContainerInfo container) {}
