package dev.tapio.plugin.k8sattributes;

import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Extract;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.FieldRule;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.From;
import dev.tapio.plugin.k8sattributes.PodInfo.ContainerInfo;
import dev.tapio.plugin.k8sattributes.cri.CriContainer;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns API objects into the stripped, immutable entries of the {@link PodCache}, extracting
 * what {@code extract} asks for. Stateless and thread-safe.
 *
 * <p>Owner chain: a pod owned by a ReplicaSet gets {@code k8s.replicaset.name}, and the
 * Deployment's name from the watched ReplicaSet's own owner reference; until that ReplicaSet
 * is seen, the name is derived as the Collector did before it watched ReplicaSets: the
 * ReplicaSet's name without its {@code -<pod-template-hash>} suffix, when the pod's
 * {@code pod-template-hash} label confirms the suffix. A pod owned by a Job gets
 * {@code k8s.job.name}, and {@code k8s.cronjob.name} from the Job's name without its
 * {@code -<digits>} suffix (the Collector's rule; Jobs are not watched). StatefulSet and
 * DaemonSet names are the owner references' names.
 */
final class Extraction {
  private static final Pattern CRONJOB_JOB = Pattern.compile("^(.*)-[0-9]+$");
  private static final String[] NONE = {};
  private final Extract extract;
  private final List<Pattern> excludePods;
  /** Whether pods carry their {@code k8s.dst.*} attributes and their ReplicaSet's key. */
  private final boolean peers;

  Extraction(Extract extract, List<Pattern> excludePods) {
    this.extract = extract;
    this.excludePods = List.copyOf(excludePods);
    this.peers = extract.peer().pods();
  }

  /** Whether {@code exclude.pods} keeps the pod out of the cache. */
  boolean excluded(Pod pod) {
    return excluded(pod.getMetadata().getName());
  }

  private boolean excluded(String name) {
    for (Pattern p : excludePods) {
      if (name != null && p.matcher(name).find()) {
        return true;
      }
    }
    return false;
  }

  private boolean wants(String attribute) {
    return extract.metadata().contains(attribute);
  }

  PodInfo pod(Pod pod) {
    ObjectMeta meta = pod.getMetadata();
    List<String> attrs = new ArrayList<>();
    put(attrs, Attr.NAMESPACE, meta.getNamespace());
    put(attrs, Attr.POD_NAME, meta.getName());
    put(attrs, Attr.POD_UID, meta.getUid());
    if (pod.getStatus() != null) {
      put(attrs, Attr.POD_START_TIME, pod.getStatus().getStartTime());
    }
    if (pod.getSpec() != null) {
      put(attrs, Attr.NODE, pod.getSpec().getNodeName());
    }
    String replicaSetKey = null;
    String deploymentFallback = null;
    String ownerKind = null;
    String ownerName = null;
    for (OwnerReference owner : meta.getOwnerReferences()) {
      String name = owner.getName();
      if (ownerKind == null || Boolean.TRUE.equals(owner.getController())) {
        ownerKind = owner.getKind();
        ownerName = name;
      }
      switch (owner.getKind()) {
        case "ReplicaSet" -> {
          put(attrs, Attr.REPLICASET, name);
          if (wants(Attr.DEPLOYMENT) || peers) {
            replicaSetKey = meta.getNamespace() + "/" + name;
            String hash = meta.getLabels().get("pod-template-hash");
            if (hash != null && name.endsWith("-" + hash)) {
              deploymentFallback = name.substring(0, name.length() - hash.length() - 1);
            }
          }
        }
        case "StatefulSet" -> put(attrs, Attr.STATEFULSET, name);
        case "DaemonSet" -> put(attrs, Attr.DAEMONSET, name);
        case "Job" -> {
          put(attrs, Attr.JOB, name);
          Matcher m = CRONJOB_JOB.matcher(name);
          if (m.matches()) {
            put(attrs, Attr.CRONJOB, m.group(1));
          }
        }
        default -> { }
      }
    }
    rules(attrs, extract.labels(), From.POD, "labels", meta.getLabels());
    rules(attrs, extract.annotations(), From.POD, "annotations", meta.getAnnotations());

    List<String> ips = new ArrayList<>(2);
    boolean hostNetwork = pod.getSpec() != null
        && Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    if (pod.getStatus() != null && !hostNetwork) {
      String primary = emptyToNull(pod.getStatus().getPodIP());
      if (primary != null) {
        ips.add(primary);
      }
      // Dual-stack: the other family's address is only in podIPs.
      if (pod.getStatus().getPodIPs() != null) {
        for (var podIp : pod.getStatus().getPodIPs()) {
          String ip = podIp == null ? null : emptyToNull(podIp.getIp());
          if (ip != null && !ips.contains(ip)) {
            ips.add(ip);
          }
        }
      }
    }
    List<ContainerInfo> containers = new ArrayList<>();
    if (pod.getStatus() != null) {
      addContainers(containers, pod.getStatus().getInitContainerStatuses());
      addContainers(containers, pod.getStatus().getContainerStatuses());
      addContainers(containers, pod.getStatus().getEphemeralContainerStatuses());
    }
    String[] peer = NONE;
    if (peers) {
      String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
      peer = peerAttributes(meta, ownerKind, ownerName, node);
    }
    return new PodInfo(meta.getUid(), meta.getNamespace(), ips, attrs.toArray(NONE),
        replicaSetKey, deploymentFallback, containers, peer, 0);
  }

  /**
   * A peer pod's {@code k8s.dst.*} attributes. The owner is the controlling owner reference
   * (a pod without one owns itself, as Beyla reports it); a Job's CronJob and a ReplicaSet's
   * Deployment take its place, the latter at lookup time from the ReplicaSet cache.
   */
  private static String[] peerAttributes(ObjectMeta meta, String ownerKind, String ownerName,
      String node) {
    if (ownerKind == null) {
      ownerKind = "Pod";
      ownerName = meta.getName();
    } else if ("Job".equals(ownerKind)) {
      Matcher m = CRONJOB_JOB.matcher(ownerName);
      if (m.matches()) {
        ownerKind = "CronJob";
        ownerName = m.group(1);
      }
    }
    List<String> attrs = new ArrayList<>(12);
    add(attrs, Attr.DST_NAME, meta.getName());
    add(attrs, Attr.DST_NAMESPACE, meta.getNamespace());
    add(attrs, Attr.DST_TYPE, "Pod");
    add(attrs, Attr.DST_OWNER_NAME, ownerName);
    add(attrs, Attr.DST_OWNER_TYPE, ownerKind);
    add(attrs, Attr.DST_NODE_NAME, node);
    return attrs.toArray(NONE);
  }

  /**
   * The Service as the {@link ServiceCache} holds it: its cluster IPs ({@code spec.clusterIPs},
   * else {@code spec.clusterIP}; {@code None} of a headless Service is no address) and its
   * {@code k8s.dst.*} attributes. A Service owns itself, as Beyla reports it.
   */
  static ServiceInfo service(Service service) {
    ObjectMeta meta = service.getMetadata();
    List<String> ips = new ArrayList<>(2);
    String type = null;
    if (service.getSpec() != null) {
      type = service.getSpec().getType();
      List<String> listed = service.getSpec().getClusterIPs();
      if (listed == null || listed.isEmpty()) {
        listed = service.getSpec().getClusterIP() == null ? List.of()
            : List.of(service.getSpec().getClusterIP());
      }
      for (String ip : listed) {
        if (ip != null && !ip.isEmpty() && !"None".equals(ip)) {
          ips.add(ip);
        }
      }
    }
    List<String> attrs = new ArrayList<>(10);
    add(attrs, Attr.DST_NAME, meta.getName());
    add(attrs, Attr.DST_NAMESPACE, meta.getNamespace());
    add(attrs, Attr.DST_TYPE, "Service");
    add(attrs, Attr.DST_OWNER_NAME, meta.getName());
    add(attrs, Attr.DST_OWNER_TYPE, "Service");
    return new ServiceInfo(meta.getUid(), type, List.copyOf(ips), attrs.toArray(NONE));
  }

  private static void add(List<String> attrs, String key, String value) {
    if (value != null && !value.isEmpty()) {
      attrs.add(key);
      attrs.add(value);
    }
  }

  private void addContainers(List<ContainerInfo> into, List<ContainerStatus> statuses) {
    if (statuses == null) {
      return;
    }
    for (ContainerStatus s : statuses) {
      into.add(new ContainerInfo(containerId(s.getContainerID()), s.getName(),
          containerAttributes(s.getName(), s.getImage())));
    }
  }

  private String[] containerAttributes(String name, String image) {
    List<String> attrs = new ArrayList<>(6);
    put(attrs, Attr.CONTAINER_NAME, name);
    if (image != null && !image.isEmpty()) {
      ImageRef ref = ImageRef.parse(image);
      put(attrs, Attr.IMAGE_NAME, ref.name());
      put(attrs, Attr.IMAGE_TAG, ref.tag());
    }
    return attrs.toArray(NONE);
  }

  /**
   * What the container runtime says about a container the API server has not reported yet:
   * its container's attributes, and a pod entry made of what the runtime knows (namespace,
   * name, uid, the pod's labels through {@code extract.labels}; no owners, node or IP) for
   * when the API server has no pod with that uid either. Null for an excluded pod.
   */
  CriMatch cri(CriContainer c) {
    if (c.podName() != null && excluded(c.podName())) {
      return null;
    }
    List<String> attrs = new ArrayList<>();
    put(attrs, Attr.NAMESPACE, c.podNamespace());
    put(attrs, Attr.POD_NAME, c.podName());
    put(attrs, Attr.POD_UID, c.podUid());
    rules(attrs, extract.labels(), From.POD, "labels", c.podLabels());
    ContainerInfo container = new ContainerInfo(c.id(), c.containerName(),
        containerAttributes(c.containerName(), c.image()));
    PodInfo pod = new PodInfo(c.podUid(), c.podNamespace(), List.of(), attrs.toArray(NONE), null,
        null, List.of(container), NONE, 0);
    return new CriMatch(c.podUid(), pod, container);
  }

  /** The Deployment owning the ReplicaSet, or null when no Deployment owns it. */
  static String deploymentOf(ReplicaSet rs) {
    for (OwnerReference owner : rs.getMetadata().getOwnerReferences()) {
      if ("Deployment".equals(owner.getKind())) {
        return owner.getName();
      }
    }
    return null;
  }

  static String replicaSetKey(ReplicaSet rs) {
    return rs.getMetadata().getNamespace() + "/" + rs.getMetadata().getName();
  }

  /** The namespace's attributes per the {@code from: namespace} rules (key, value…). */
  String[] namespace(Namespace ns) {
    List<String> attrs = new ArrayList<>();
    rules(attrs, extract.labels(), From.NAMESPACE, "labels", ns.getMetadata().getLabels());
    rules(attrs, extract.annotations(), From.NAMESPACE, "annotations",
        ns.getMetadata().getAnnotations());
    return attrs.toArray(NONE);
  }

  /**
   * The id without the runtime's {@code <type>://} prefix ({@code containerd://},
   * {@code cri-o://}, {@code docker://}), as eBPF receivers and runtimes report it; null for
   * null or empty.
   */
  static String containerId(String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    int i = raw.indexOf("://");
    return i >= 0 ? emptyToNull(raw.substring(i + 3)) : raw;
  }

  private void put(List<String> attrs, String key, String value) {
    if (value != null && !value.isEmpty() && wants(key)) {
      attrs.add(key);
      attrs.add(value);
    }
  }

  /**
   * Applies the rules of origin {@code from} to {@code values}: a {@code key} rule tags that
   * key's value as {@code tag_name}, default {@code k8s.<pod|namespace>.<kind>.<key>}; a
   * {@code key_regex} rule tags every key the pattern matches in full, expanding {@code $1}…
   * in {@code tag_name} (default as for {@code key}, with the matched key).
   */
  private static void rules(List<String> attrs, List<FieldRule> rules, From from, String kind,
      Map<String, String> values) {
    if (values == null || values.isEmpty()) {
      return;
    }
    for (FieldRule rule : rules) {
      if (rule.from() != from) {
        continue;
      }
      if (rule.key() != null) {
        String v = values.get(rule.key());
        if (v != null) {
          attrs.add(rule.tagName().isEmpty() ? defaultTag(from, kind, rule.key())
              : rule.tagName());
          attrs.add(v);
        }
        continue;
      }
      for (Map.Entry<String, String> e : values.entrySet()) {
        Matcher m = rule.keyRegex().matcher(e.getKey());
        if (m.matches()) {
          String tag = rule.tagName().isEmpty() ? defaultTag(from, kind, e.getKey())
              : expand(m, rule.tagName());
          attrs.add(tag);
          attrs.add(e.getValue());
        }
      }
    }
  }

  private static String defaultTag(From from, String kind, String key) {
    return "k8s." + from.configName() + "." + kind + "." + key;
  }

  /** {@code template} with {@code $1}… replaced by the groups, as Go's Regexp.Expand. */
  private static String expand(Matcher m, String template) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '$' && i + 1 < template.length() && Character.isDigit(template.charAt(i + 1))) {
        int j = i + 1;
        while (j < template.length() && Character.isDigit(template.charAt(j))) {
          j++;
        }
        int group = Integer.parseInt(template, i + 1, j, 10);
        if (group <= m.groupCount() && m.group(group) != null) {
          sb.append(m.group(group));
        }
        i = j - 1;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * An image reference split as the Collector splits it: the name is everything before the
   * tag (registry and path included); the tag is what follows the last {@code :} after the
   * last {@code /}; with a digest and no tag there is no tag; with neither, {@code latest}.
   */
  record ImageRef(String name, String tag) {
    static ImageRef parse(String image) {
      String rest = image;
      boolean digest = false;
      int at = rest.indexOf('@');
      if (at >= 0) {
        rest = rest.substring(0, at);
        digest = true;
      }
      int slash = rest.lastIndexOf('/');
      int colon = rest.lastIndexOf(':');
      if (colon > slash) {
        return new ImageRef(rest.substring(0, colon), rest.substring(colon + 1));
      }
      return new ImageRef(rest, digest ? null : "latest");
    }
  }
}
