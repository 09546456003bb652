package dev.tapio.plugin.k8sattributes;

import java.util.List;

/**
 * One Service as a peer lookup needs it, stripped from the API's Service object: immutable and
 * shared by every reader.
 *
 * @param uid {@code metadata.uid}
 * @param type {@code spec.type} ({@code ClusterIP}, {@code NodePort}, {@code LoadBalancer},
 *     {@code ExternalName}), or null
 * @param clusterIps {@code spec.clusterIPs} (one per IP family), without the {@code None} of a
 *     headless Service
 * @param attributes what a record whose peer is this Service gets ({@code k8s.dst.*}, key,
 *     value…)
 */
record ServiceInfo(String uid, String type, List<String> clusterIps, String[] attributes) {
  ServiceInfo {
    clusterIps = List.copyOf(clusterIps);
  }
}
