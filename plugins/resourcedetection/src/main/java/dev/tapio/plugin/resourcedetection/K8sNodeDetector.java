package dev.tapio.plugin.resourcedetection;

import dev.tapio.pdata.AnyValue;
import dev.tapio.plugin.resourcedetection.KnownAttributes.Spec;
import dev.tapio.plugin.resourcedetection.ResourceDetectionConfig.K8sNodeSettings;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;

/**
 * The {@code k8snode} detector: {@code k8s.node.name} from the environment variable that the
 * pod spec fills from the downward API ({@code fieldRef: {fieldPath: spec.nodeName}}).
 *
 * <p>The Collector's detector asks the API server for the node, which gives it
 * {@code k8s.node.uid} too, and fails start when the variable is unset. Tapio's does not query
 * the API server (the node's UID is in no downward API field), so {@code k8s.node.uid} is never
 * set; and an unset variable is logged at info and detects nothing, so that one configuration
 * serves a DaemonSet and a plain host.
 */
final class K8sNodeDetector implements Detector {
  static final String NODE_NAME = "k8s.node.name";
  static final String NODE_UID = "k8s.node.uid";

  /** The Collector's list, both on by default there. */
  static final KnownAttributes ATTRIBUTES = new KnownAttributes("k8snode", List.of(
      Spec.set(NODE_NAME, true),
      Spec.notSet(NODE_UID, true, "it needs the Kubernetes API server, which Tapio does not"
          + " query")));

  private final K8sNodeSettings settings;
  private final HostView host;
  private final System.Logger log;

  K8sNodeDetector(K8sNodeSettings settings, HostView host, System.Logger log) {
    this.settings = settings;
    this.host = host;
    this.log = log;
  }

  @Override
  public Detected detect(long deadlineNanos) {
    String variable = settings.nodeFromEnvVar();
    String node = host.variable(variable);
    if (node == null) {
      log.log(Level.INFO, "k8snode detector: " + variable + " is not set, so no k8s.node.name"
          + " (expected outside Kubernetes; in a pod, set it from the downward API's"
          + " spec.nodeName)");
      return Detected.NOTHING;
    }
    if (!settings.resourceAttributes().contains(NODE_NAME)) {
      return Detected.NOTHING;
    }
    return new Detected(Map.of(NODE_NAME, AnyValue.of(node.strip())), SystemDetector.SCHEMA_URL);
  }
}
