package dev.tapio.plugin.k8sattributes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.plugin.k8sattributes.cri.FakeRuntime;
import dev.tapio.plugin.kubernetes.ClosingJdkHttpClientFactory;
import dev.tapio.testkit.Await;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor with {@code cri}: fabric8's mock API server in CRUD mode holds a pod whose
 * status does not list its new container yet (as the kubelet reports it seconds late), and a
 * {@link FakeRuntime} over a unix socket knows the container.
 */
class K8sAttributesCriTest {
  /** Started after the runtime's first list: only ContainerStatus knows it. */
  private static final String NEW_CART_CONTAINER = "7a1e".repeat(16);
  private static final String REPORT_CONTAINER = "3b2c".repeat(16);

  private static final java.util.logging.Logger MOCK_LOG = quiet();

  private static java.util.logging.Logger quiet() {
    var l = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    l.setLevel(java.util.logging.Level.WARNING);
    return l;
  }

  @TempDir
  Path dir;

  private KubernetesMockServer server;
  private KubernetesClient client;
  private FakeRuntime runtime;
  private final ConsumerSink sink = new ConsumerSink();
  private final TestContext context = new TestContext("k8sattributes", Kind.PROCESSOR,
      Signal.LOGS);
  private LogsProcessor processor;
  private String cartUid;

  private static final String RULES = """
      auth_type: none
      extract:
        metadata: [k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.deployment.name,
                   k8s.replicaset.name, k8s.node.name, k8s.container.name,
                   container.image.name, container.image.tag]
        labels:
          - tag_name: app
            key: app
      wait_for_metadata: true
      wait_for_metadata_timeout: 5s
      """;

  @BeforeEach
  void cluster() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient(new ClosingJdkHttpClientFactory());
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
        .endMetadata().build()).create();
    client.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder()
        .withNewMetadata().withName("cart-7d4b9c").withNamespace("shop")
        .addNewOwnerReference().withKind("Deployment").withName("cart").withApiVersion("apps/v1")
        .withUid("uid-deploy-cart").endOwnerReference().endMetadata().build()).create();
    // Scheduled and running, but its status lists no container id yet.
    cartUid = client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata()
        .withName("cart-7d4b9c-x1").withNamespace("shop")
        .addToLabels("app", "cart").addToLabels("pod-template-hash", "7d4b9c")
        .addNewOwnerReference().withKind("ReplicaSet").withName("cart-7d4b9c")
        .withApiVersion("apps/v1").withUid("uid-rs").endOwnerReference().endMetadata()
        .withNewSpec().withNodeName("node-1").addNewContainer().withName("app")
        .withImage("registry.example:5000/shop/cart:1.5.0").endContainer().endSpec()
        .withNewStatus().withPodIP("10.1.0.5").endStatus().build())
        .create().getMetadata().getUid();
  }

  @AfterEach
  void stop() throws Exception {
    if (processor != null) {
      processor.shutdown();
    }
    client.close();
    if (runtime != null) {
      runtime.close();
    }
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // As in K8sAttributesProcessorTest: the mock server's close now and then sees a
      // connection the processor's client already closed.
      System.err.println("mock server close: " + e.getMessage());
    }
  }

  private void start(String yaml) throws Exception {
    K8sAttributesFactory f = new K8sAttributesFactory(c -> client, k -> null);
    processor = f.createLogs(context, ComponentConfigs.read(f, yaml), sink);
    processor.start(new TestHost());
  }

  private String cri(Path socket) {
    return "cri:\n  endpoint: unix://" + socket + "\n  resync_interval: 1h\n";
  }

  /** One batch of one resource carrying each container id (as a record would). */
  private Attributes resolve(String containerId) {
    Logs logs = new Logs();
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("container.id", containerId);
    rl.scopeLogs().appendEmpty().logRecords().appendEmpty().setBody("exec");
    processor.consumeLogs(logs);
    return sink.logs().getLast().resourceLogs().get(0).resource().attributes();
  }

  private static Map<String, String> map(Attributes a) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < a.size(); i++) {
      m.put(a.key(i), a.getAsText(a.key(i)));
    }
    return m;
  }

  private static Map<String, String> attrs(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private long counter(String name, String... labels) {
    return context.counterValue(name, labels);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Await.until(condition);
  }

  @Test
  void aContainerTheApiHasNotReportedResolvesToItsPodThroughTheRuntime() throws Exception {
    runtime = new FakeRuntime(dir.resolve("cri.sock"));
    runtime.addSandbox("sb-cart", "cart-7d4b9c-x1", cartUid, "shop", Map.of("app", "cart"));
    start(RULES + cri(runtime.socket()));
    runtime.addContainer(NEW_CART_CONTAINER, "sb-cart", "app",
        "registry.example:5000/shop/cart:1.5.0", false);

    // The pipeline thread waits (wait_for_metadata) and wakes on the runtime's answer.
    Attributes out = resolve("containerd://" + NEW_CART_CONTAINER);
    assertEquals(attrs("container.id", "containerd://" + NEW_CART_CONTAINER,
        "k8s.namespace.name", "shop", "k8s.pod.name", "cart-7d4b9c-x1", "k8s.pod.uid", cartUid,
        "k8s.replicaset.name", "cart-7d4b9c", "k8s.deployment.name", "cart",
        "k8s.node.name", "node-1", "app", "cart", "k8s.container.name", "app",
        "container.image.name", "registry.example:5000/shop/cart",
        "container.image.tag", "1.5.0"), map(out));
    assertEquals(1, counter("tapio_k8sattributes_cri_resolved", "pod", "api"));
    assertEquals(0, counter("tapio_k8sattributes_cri_resolved", "pod", "cri"));
    assertEquals(0, counter("tapio_k8sattributes_lookup_miss", "source", "container.id"));
    assertEquals(1, runtime.calls("ContainerStatus"));

    // Cached: the next record resolves without asking again.
    assertEquals("cart", resolve(NEW_CART_CONTAINER).getString("k8s.deployment.name"));
    assertEquals(1, runtime.calls("ContainerStatus"));
  }

  @Test
  void aContainerOfAPodTheApiDoesNotHaveGetsWhatTheRuntimeKnows() throws Exception {
    runtime = new FakeRuntime(dir.resolve("cri.sock"));
    runtime.addSandbox("sb-report", "report-28391", "uid-report", "batch",
        Map.of("app", "report"));
    runtime.addContainer(REPORT_CONTAINER, "sb-report", "main", "busybox:1.36", true);
    start(RULES + cri(runtime.socket()));

    assertEquals(Map.of("container.id", REPORT_CONTAINER, "k8s.namespace.name", "batch",
        "k8s.pod.name", "report-28391", "k8s.pod.uid", "uid-report", "app", "report",
        "k8s.container.name", "main", "container.image.name", "busybox",
        "container.image.tag", "1.36"), map(resolve(REPORT_CONTAINER)));
    assertEquals(1, counter("tapio_k8sattributes_cri_resolved", "pod", "cri"));
    assertEquals(0, runtime.calls("ContainerStatus"), "known from the first list");
  }

  @Test
  void theNamespaceFilterHoldsForTheRuntimesPods() throws Exception {
    runtime = new FakeRuntime(dir.resolve("cri.sock"));
    runtime.addSandbox("sb-report", "report-28391", "uid-report", "batch", Map.of());
    runtime.addContainer(REPORT_CONTAINER, "sb-report", "main", "busybox:1.36", true);
    runtime.addSandbox("sb-cart", "cart-7d4b9c-x1", cartUid, "shop", Map.of());
    runtime.addContainer(NEW_CART_CONTAINER, "sb-cart", "app", "cart:1.5.0", true);
    start(RULES.replace("5s", "1s") + cri(runtime.socket()) + "filter:\n  namespace: shop\n");
    assertEquals("cart", resolve(NEW_CART_CONTAINER).getString("k8s.deployment.name"));
    assertEquals(Map.of("container.id", REPORT_CONTAINER), map(resolve(REPORT_CONTAINER)));
    assertEquals(1, counter("tapio_k8sattributes_cri_resolved", "pod", "api"));
    assertEquals(0, counter("tapio_k8sattributes_cri_resolved", "pod", "cri"));
  }

  @Test
  void aContainerUnknownToBothPassesUnchanged() throws Exception {
    runtime = new FakeRuntime(dir.resolve("cri.sock"));
    start(RULES.replace("5s", "1s") + cri(runtime.socket()));
    assertEquals(Map.of("container.id", REPORT_CONTAINER), map(resolve(REPORT_CONTAINER)));
    assertEquals(1, counter("tapio_k8sattributes_lookup_miss", "source", "container.id"));
    assertEquals(1, counter("tapio_k8sattributes_cri_lookups", "result", "not_found"));
  }

  @Test
  void aRuntimeThatIsDownIsCountedAndRecordsPassUnchanged() throws Exception {
    start(RULES.replace("5s", "1s") + cri(dir.resolve("absent.sock")));
    assertEquals(Map.of("container.id", NEW_CART_CONTAINER), map(resolve(NEW_CART_CONTAINER)));
    await(() -> counter("tapio_k8sattributes_cri_lookups", "result", "error") == 1);
    assertEquals(1, counter("tapio_k8sattributes_cri_lists", "result", "error"));
    assertEquals(0.0, context.gaugeValue("tapio_k8sattributes_cri_up"));
    assertEquals(1, counter("tapio_k8sattributes_lookup_miss", "source", "container.id"));
    // The API's own answers still flow.
    Logs logs = new Logs();
    logs.resourceLogs().appendEmpty().resource().attributes().putString("k8s.pod.uid", cartUid);
    processor.consumeLogs(logs);
    assertEquals("cart", sink.logs().getLast().resourceLogs().get(0).resource().attributes()
        .getString("k8s.deployment.name"));
  }
}
