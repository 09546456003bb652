package dev.tapio.plugin.k8sattributes;

/** The semantic-convention attribute names this processor reads and writes. */
final class Attr {
  private Attr() {}

  static final String NAMESPACE = "k8s.namespace.name";
  static final String POD_NAME = "k8s.pod.name";
  static final String POD_UID = "k8s.pod.uid";
  static final String POD_IP = "k8s.pod.ip";
  static final String POD_START_TIME = "k8s.pod.start_time";
  static final String DEPLOYMENT = "k8s.deployment.name";
  static final String REPLICASET = "k8s.replicaset.name";
  static final String STATEFULSET = "k8s.statefulset.name";
  static final String DAEMONSET = "k8s.daemonset.name";
  static final String JOB = "k8s.job.name";
  static final String CRONJOB = "k8s.cronjob.name";
  static final String NODE = "k8s.node.name";
  static final String CONTAINER_NAME = "k8s.container.name";
  static final String CONTAINER_ID = "container.id";
  static final String IMAGE_NAME = "container.image.name";
  static final String IMAGE_TAG = "container.image.tag";

  static final String PEER_ADDRESS = "network.peer.address";

  // The peer's identity, named as Beyla/OBI name the destination of a network flow.
  static final String DST_NAME = "k8s.dst.name";
  static final String DST_NAMESPACE = "k8s.dst.namespace";
  static final String DST_TYPE = "k8s.dst.type";
  static final String DST_OWNER_NAME = "k8s.dst.owner.name";
  static final String DST_OWNER_TYPE = "k8s.dst.owner.type";
  static final String DST_NODE_NAME = "k8s.dst.node.name";
}
