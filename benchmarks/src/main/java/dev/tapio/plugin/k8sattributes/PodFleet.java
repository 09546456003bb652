package dev.tapio.plugin.k8sattributes;

import dev.tapio.plugin.kubernetes.ClosingJdkHttpClientFactory;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A cluster for the k8sattributes benchmarks: fabric8's API server mock in CRUD mode (it speaks
 * the API's REST and watch protocol) holding {@code pods} pods shaped like a real workload's:
 * 10 namespaces, one ReplicaSet (of a Deployment) per 10 pods in one namespace, 6 labels and 3 annotations per
 * pod (kubectl's last-applied configuration among them), two containers with their statuses and
 * an IP each.
 *
 * <p>Not thread-safe; close it when done.
 */
final class PodFleet implements AutoCloseable {
  private static final Logger QUIET = Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  final KubernetesClient client;
  /** Each pod's first container id, without runtime prefix, in creation order. */
  final String[] containerIds;
  /** Each pod's IP, in creation order. */
  final String[] ips;

  PodFleet(int pods) {
    QUIET.setLevel(Level.WARNING);
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient(new ClosingJdkHttpClientFactory());
    containerIds = new String[pods];
    ips = new String[pods];
    for (int ns = 0; ns < 10; ns++) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
          .withName("team-" + ns).addToLabels("team", "t" + ns).endMetadata().build()).create();
    }
    long started = System.nanoTime();
    for (int i = 0; i < pods; i++) {
      // An app's 10 pods in one namespace, under one ReplicaSet of its Deployment.
      String ns = "team-" + (i / 10 % 10);
      String app = "app-" + (i / 10);
      String rs = app + "-5f6d7c9b8";
      if (i % 10 == 0) {
        client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder()
            .withNewMetadata().withName(rs).withNamespace(ns)
            .addNewOwnerReference().withKind("Deployment").withName(app)
            .withApiVersion("apps/v1").withUid("uid-deploy-" + app).withController(true)
            .endOwnerReference().endMetadata().build()).create();
      }
      containerIds[i] = String.format(Locale.ROOT, "%064x", 0x1000000L + i);
      ips[i] = "10." + (1 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
      client.pods().inNamespace(ns).resource(pod(i, ns, app, rs)).create();
      if ((i + 1) % 1000 == 0) {
        System.err.printf(Locale.ROOT, "fleet: %d pods in %.1f s%n", i + 1,
            (System.nanoTime() - started) / 1e9);
      }
    }
  }

  private Pod pod(int i, String ns, String app, String rs) {
    Map<String, String> labels = new HashMap<>();
    labels.put("app", app);
    labels.put("app.kubernetes.io/name", app);
    labels.put("app.kubernetes.io/version", "1.4." + (i % 7));
    labels.put("app.kubernetes.io/part-of", "shop");
    labels.put("pod-template-hash", "5f6d7c9b8");
    labels.put("tier", i % 2 == 0 ? "web" : "worker");
    Map<String, String> annotations = new HashMap<>();
    annotations.put("owner/email", app + "@example.com");
    annotations.put("prometheus.io/scrape", "true");
    annotations.put("kubectl.kubernetes.io/last-applied-configuration",
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + app
            + "\",\"namespace\":\"" + ns + "\"},\"spec\":{\"replicas\":10}}");
    String image = "registry.example:5000/shop/" + app + ":1.4." + (i % 7);
    String sidecarId = String.format(Locale.ROOT, "%064x", 0x9000000L + i);
    return new PodBuilder().withNewMetadata().withName(rs + "-" + Integer.toString(i, 36))
        .withNamespace(ns).withLabels(labels).withAnnotations(annotations)
        .addNewOwnerReference().withKind("ReplicaSet").withName(rs).withApiVersion("apps/v1")
        .withUid("uid-rs-" + rs).withController(true).endOwnerReference().endMetadata()
        .withNewSpec().withNodeName("node-" + (i % 50))
        .addNewContainer().withName("main").withImage(image).endContainer()
        .addNewContainer().withName("envoy").withImage("envoyproxy/envoy:v1.31.2").endContainer()
        .endSpec()
        .withNewStatus().withPodIP(ips[i]).withStartTime("2026-12-07T01:00:00Z")
        .withContainerStatuses(
            new ContainerStatusBuilder().withName("main").withImage(image)
                .withContainerID("containerd://" + containerIds[i]).build(),
            new ContainerStatusBuilder().withName("envoy").withImage("envoyproxy/envoy:v1.31.2")
                .withContainerID("containerd://" + sidecarId).build())
        .endStatus().build();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
