package dev.tapio.plugin.resourcedetection;

import static dev.tapio.plugin.resourcedetection.Fixture.detectOnLogs;
import static dev.tapio.plugin.resourcedetection.Fixture.factory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tapio.pdata.Attributes;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class K8sNodeDetectorTest {

  @Test
  void nodeNameComesFromTheDownwardApiVariable() throws Exception {
    Attributes a = detectOnLogs(factory(Map.of("K8S_NODE_NAME", "worker-3")),
        "detectors: [k8snode]");
    assertEquals("worker-3", a.getString("k8s.node.name"));
    assertNull(a.get("k8s.node.uid"), "the UID needs the API server");
    assertEquals(1, a.size());
  }

  @Test
  void nodeFromEnvVarNamesAnotherVariable() throws Exception {
    Attributes a = detectOnLogs(factory(Map.of("K8S_NODE_NAME", "wrong", "MY_NODE", "worker-9")),
        "detectors: [k8snode]\nk8snode: {node_from_env_var: MY_NODE}\n");
    assertEquals("worker-9", a.getString("k8s.node.name"));
  }

  @Test
  void withoutTheVariableNothingIsSetAndStartSucceedsWithAnInfoLine() throws Exception {
    try (Fixture.CapturedLog log = new Fixture.CapturedLog()) {
      Attributes a = detectOnLogs(factory(Map.of()), "detectors: [k8snode]");
      assertEquals(0, a.size());
      assertEquals(List.of("k8snode detector: K8S_NODE_NAME is not set, so no k8s.node.name"
          + " (expected outside Kubernetes; in a pod, set it from the downward API's"
          + " spec.nodeName)"), log.messages(Level.INFO, "K8S_NODE_NAME"));
    }
  }

  @Test
  void disablingTheNodeNameSetsNothing() throws Exception {
    Attributes a = detectOnLogs(factory(Map.of("K8S_NODE_NAME", "worker-3")), """
        detectors: [k8snode]
        k8snode:
          resource_attributes:
            k8s.node.name: {enabled: false}
        """);
    assertEquals(0, a.size());
  }
}
