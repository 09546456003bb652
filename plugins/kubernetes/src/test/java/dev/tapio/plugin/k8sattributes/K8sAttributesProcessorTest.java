package dev.tapio.plugin.k8sattributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.testkit.Await;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import dev.tapio.plugin.kubernetes.ClosingJdkHttpClientFactory;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The processor against fabric8's mock API server in CRUD mode, which speaks the API's REST
 * and watch protocol: objects are created through the client, the processor's informers list
 * and watch them over HTTP.
 */
class K8sAttributesProcessorTest {
  private static final String CART_CONTAINER = "4f1c2b9a77e0d3c5";
  private static final String DB_CONTAINER = "9e8d7c6b5a4f3e2d";

  /** The mock server logs every request at info; held so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = quiet();

  private static java.util.logging.Logger quiet() {
    var l = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    l.setLevel(java.util.logging.Level.WARNING);
    return l;
  }

  private KubernetesMockServer server;
  private KubernetesClient client;

  private final ConsumerSink sink = new ConsumerSink();
  private final TestContext context = new TestContext("k8sattributes", Kind.PROCESSOR,
      Signal.LOGS);
  private final Map<String, String> env = new HashMap<>();
  private LogsProcessor processor;
  private String cartUid;
  private String dbUid;

  private static final String RULES = """
      auth_type: none
      extract:
        metadata: [k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.pod.start_time,
                   k8s.deployment.name, k8s.replicaset.name, k8s.statefulset.name,
                   k8s.node.name, k8s.container.name, container.image.name, container.image.tag]
        labels:
          - tag_name: app
            key: app
          - tag_name: team
            key: team
            from: namespace
        annotations:
          - tag_name: owner.$1
            key_regex: owner/(.*)
      """;

  /** Waiting for metadata, 1 s at most, so a test's intended misses do not take 10 s. */
  private static final String WAIT =
      "wait_for_metadata: true\nwait_for_metadata_timeout: 1s\n";

  @BeforeEach
  void cluster() {
    // A server per test, in CRUD mode (it keeps what is created and serves list and watch).
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    // The processor's own HTTP client factory, which closes its connections on shutdown.
    client = server.createClient(new ClosingJdkHttpClientFactory());
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
        .addToLabels("team", "checkout").endMetadata().build()).create();
    client.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder()
        .withNewMetadata().withName("cart-7d4b9c").withNamespace("shop")
        .addNewOwnerReference().withKind("Deployment").withName("cart").withApiVersion("apps/v1")
        .withUid("uid-deploy-cart").endOwnerReference().endMetadata().build()).create();
    cartUid = create(cartPod());
    dbUid = create(pod("db-0", dbUid, "10.1.0.6", "StatefulSet", "db", "postgres",
        "cri-o://" + DB_CONTAINER, "postgres@sha256:0123abcd", "node-2"));
  }

  @AfterEach
  void stop(org.junit.jupiter.api.TestInfo info) throws Exception {
    if (processor != null) {
      processor.shutdown();
    }
    client.close();
    if (server != null) {
      try {
        server.destroy();
      } catch (IllegalStateException e) {
        // Known, not understood yet: now and then (seen in about one run in three, on a test
        // that shuts down right after its watches opened) Vert.x's graceful close still sees
        // a connection 10 s after the processor closed its client. The test's assertions
        // have passed by then; the open question is in the k8sattributes report.
        System.err.println("mock server close: " + info.getDisplayName() + ": " + e.getMessage());
      }
    }
  }

  private static Pod cartPod() {
    Pod p = pod("cart-7d4b9c-x1", "uid-cart-1", "10.1.0.5", "ReplicaSet", "cart-7d4b9c", "app",
        "containerd://" + CART_CONTAINER, "registry.example:5000/shop/cart:1.4.2", "node-1");
    p.getMetadata().getLabels().put("app", "cart");
    p.getMetadata().getLabels().put("pod-template-hash", "7d4b9c");
    p.getMetadata().getAnnotations().put("owner/email", "cart@example.com");
    p.getMetadata().getAnnotations().put("unrelated", "x");
    return p;
  }

  private static Pod pod(String name, String uid, String ip, String ownerKind, String owner,
      String container, String containerId, String image, String node) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").withUid(uid)
        .withLabels(new HashMap<>()).withAnnotations(new HashMap<>())
        .addNewOwnerReference().withKind(ownerKind).withName(owner).withApiVersion("apps/v1")
        .withUid("uid-" + owner).endOwnerReference().endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName(container).withImage(image)
        .endContainer().endSpec()
        .withNewStatus().withPodIP(ip).withStartTime("2026-12-07T01:00:00Z")
        .withContainerStatuses(new ContainerStatusBuilder().withName(container)
            .withContainerID(containerId).withImage(image).build())
        .endStatus().build();
  }

  /** Creates the pod; returns the uid the API server gave it (it ignores the one sent). */
  private String create(Pod pod) {
    return client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create()
        .getMetadata().getUid();
  }

  private void start(String yaml) throws Exception {
    K8sAttributesFactory f = new K8sAttributesFactory(c -> client, env::get);
    processor = f.createLogs(context, ComponentConfigs.read(f, yaml), sink);
    processor.start(new TestHost());
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Await.until(condition);
  }

  private long counter(String name) {
    return context.counterValue(name);
  }

  /** One batch of one resource per identifier (key, value), one record each. */
  private Logs resources(String... keyValues) {
    Logs logs = new Logs();
    for (int i = 0; i < keyValues.length; i += 2) {
      ResourceLogs rl = logs.resourceLogs().appendEmpty();
      rl.resource().attributes().putString(keyValues[i], keyValues[i + 1]);
      rl.scopeLogs().appendEmpty().logRecords().appendEmpty().setBody("r" + i);
    }
    return logs;
  }

  private Attributes resourceOut(int batch, int i) {
    return sink.logs().get(batch).resourceLogs().get(i).resource().attributes();
  }

  private static Map<String, String> map(Attributes a) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < a.size(); i++) {
      m.put(a.key(i), a.getAsText(a.key(i)));
    }
    return m;
  }

  /** What the cart pod's resources get (without container attributes). */
  private Map<String, String> cart() {
    return Map.ofEntries(
      Map.entry("k8s.namespace.name", "shop"),
      Map.entry("k8s.pod.name", "cart-7d4b9c-x1"),
      Map.entry("k8s.pod.uid", cartUid),
      Map.entry("k8s.pod.start_time", "2026-12-07T01:00:00Z"),
      Map.entry("k8s.replicaset.name", "cart-7d4b9c"),
      Map.entry("k8s.deployment.name", "cart"),
      Map.entry("k8s.node.name", "node-1"),
      Map.entry("app", "cart"),
      Map.entry("team", "checkout"),
      Map.entry("owner.email", "cart@example.com"));
  }

  private static Map<String, String> with(Map<String, String> base, String... keyValues) {
    Map<String, String> m = new HashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static final String[] CART_CONTAINER_ATTRS = {"k8s.container.name", "app",
      "container.image.name", "registry.example:5000/shop/cart", "container.image.tag",
      "1.4.2"};

  @Test
  void aDualStackPodIsFoundByEitherFamilysAddress() throws Exception {
    Pod dual = pod("dual-0", "uid-dual", "10.1.0.7", "StatefulSet", "dual", "app",
        "containerd://" + "d".repeat(64), "app:1", "node-1");
    dual.getStatus().setPodIPs(List.of(new io.fabric8.kubernetes.api.model.PodIP("10.1.0.7"),
        new io.fabric8.kubernetes.api.model.PodIP("fd00:10:1::7")));
    create(dual);
    start(RULES + WAIT);
    processor.consumeLogs(resources("k8s.pod.ip", "fd00:10:1::7", "k8s.pod.ip", "10.1.0.7"));
    assertEquals("dual-0", resourceOut(0, 0).getString("k8s.pod.name"), "by its IPv6 address");
    assertEquals("dual-0", resourceOut(0, 1).getString("k8s.pod.name"), "by its IPv4 address");
  }

  @Test
  void theConnectionAssociationNamesTheSendingPodByTheBatchsClientAddress() throws Exception {
    start(RULES + WAIT + """
        pod_association:
          - sources: [{from: connection}]
        """);
    Logs fromCart = resources("service.name", "cart");
    fromCart.setClientAddress("10.1.0.5");
    processor.consumeLogs(fromCart);
    assertEquals(with(with(cart(), "service.name", "cart"), "k8s.pod.ip", "10.1.0.5"),
        map(resourceOut(0, 0)), "named, and k8s.pod.ip set from the connection");
    Logs unknown = resources("service.name", "x");
    unknown.setClientAddress("10.9.9.9");
    processor.consumeLogs(unknown);
    assertEquals(Map.of("service.name", "x"), map(resourceOut(1, 0)));
    assertEquals(1, counter("tapio_k8sattributes_lookup_miss", "source", "k8s.pod.ip"));
    processor.consumeLogs(resources("service.name", "y")); // no client: nothing to look up
    assertEquals(Map.of("service.name", "y"), map(resourceOut(2, 0)));
    assertEquals(1, counter("tapio_k8sattributes_lookup_miss", "source", "k8s.pod.ip"));
  }

  @Test
  void passthroughOnlyTagsTheSendersAddressAndAsksTheApiServerNothing() throws Exception {
    int before = server.getRequestCount();
    start("auth_type: none\npassthrough: true\n");
    Logs batch = resources("service.name", "cart", "k8s.pod.ip", "10.7.7.7");
    batch.setClientAddress("10.1.0.5");
    processor.consumeLogs(batch);
    assertEquals(Map.of("service.name", "cart", "k8s.pod.ip", "10.1.0.5"),
        map(resourceOut(0, 0)), "only the address: no metadata");
    assertEquals(Map.of("k8s.pod.ip", "10.7.7.7"), map(resourceOut(0, 1)),
        "a resource naming its pod IP keeps it");
    assertEquals(before, server.getRequestCount(), "passthrough watches nothing");
  }

  @Test
  void resourcesResolveByContainerIdPodUidAndPodIp() throws Exception {
    start(RULES + WAIT);
    processor.consumeLogs(resources(
        "container.id", CART_CONTAINER,
        "k8s.pod.uid", cartUid,
        "k8s.pod.ip", "10.1.0.5",
        "container.id", "containerd://" + CART_CONTAINER,
        "container.id", DB_CONTAINER,
        "k8s.pod.ip", "10.9.9.9"));
    assertEquals(with(with(cart(), CART_CONTAINER_ATTRS), "container.id", CART_CONTAINER),
        map(resourceOut(0, 0)));
    assertEquals(cart(), map(resourceOut(0, 1)));
    assertEquals(with(cart(), "k8s.pod.ip", "10.1.0.5"), map(resourceOut(0, 2)));
    assertEquals("cart-7d4b9c-x1", resourceOut(0, 3).getString("k8s.pod.name"));
    assertEquals(Map.of("container.id", DB_CONTAINER,
        "k8s.namespace.name", "shop", "k8s.pod.name", "db-0", "k8s.pod.uid", dbUid,
        "k8s.pod.start_time", "2026-12-07T01:00:00Z", "k8s.statefulset.name", "db",
        "k8s.node.name", "node-2", "team", "checkout", "k8s.container.name", "postgres",
        "container.image.name", "postgres"), map(resourceOut(0, 4)));
    assertEquals(Map.of("k8s.pod.ip", "10.9.9.9"), map(resourceOut(0, 5)));
    assertEquals(1, counter("tapio_k8sattributes_lookup_miss", "source", "k8s.pod.ip"));
    assertEquals(2, counter("otelcol_otelsvc_k8s_pod_added"));
    assertEquals(2.0, context.gaugeValue("otelcol_otelsvc_k8s_pod_table_size"));
  }

  private long counter(String name, String... labels) {
    return context.counterValue(name, labels);
  }

  @Test
  void recordAttributesResolveWhenTheResourceHasNone() throws Exception {
    start(RULES + WAIT);
    Logs logs = new Logs();
    // All records from the cart container: the attributes go on the resource.
    ResourceLogs same = logs.resourceLogs().appendEmpty();
    var records = same.scopeLogs().appendEmpty().logRecords();
    records.appendEmpty().attributes().putString("container.id", CART_CONTAINER);
    records.appendEmpty().attributes().putString("container.id", CART_CONTAINER)
        .putLong("process.pid", 42);
    // Records of two pods and one of the host: each record gets its own pod's.
    ResourceLogs mixed = logs.resourceLogs().appendEmpty();
    var mixedRecords = mixed.scopeLogs().appendEmpty().logRecords();
    mixedRecords.appendEmpty().attributes().putString("container.id", CART_CONTAINER);
    mixedRecords.appendEmpty().attributes().putString("k8s.pod.uid", dbUid);
    mixedRecords.appendEmpty().attributes().putLong("process.pid", 1);
    processor.consumeLogs(logs);

    assertEquals(with(cart(), CART_CONTAINER_ATTRS), map(resourceOut(0, 0)));
    List<LogRecord> sameOut = new ArrayList<>();
    sink.logs().get(0).resourceLogs().get(0).scopeLogs().get(0).logRecords()
        .forEach(sameOut::add);
    assertEquals(Map.of("container.id", CART_CONTAINER), map(sameOut.get(0).attributes()));

    assertTrue(resourceOut(0, 1).isEmpty());
    var out = sink.logs().get(0).resourceLogs().get(1).scopeLogs().get(0).logRecords();
    assertEquals(with(with(cart(), CART_CONTAINER_ATTRS), "container.id", CART_CONTAINER),
        map(out.get(0).attributes()));
    assertEquals("db-0", out.get(1).attributes().getString("k8s.pod.name"));
    assertNull(out.get(1).attributes().getString("k8s.container.name"));
    assertEquals(Map.of("process.pid", "1"), map(out.get(2).attributes()));
  }

  @Test
  void aDeletedPodResolvesWithinTheGracePeriodAndNotAfter() throws Exception {
    start(RULES + WAIT + "pod_delete_grace_period: 1s\n");
    client.pods().inNamespace("shop").withName("cart-7d4b9c-x1").delete();
    await(() -> counter("otelcol_otelsvc_k8s_pod_deleted") == 1);
    long deletedSeen = System.nanoTime();
    processor.consumeLogs(resources("container.id", CART_CONTAINER, "k8s.pod.ip", "10.1.0.5"));
    long elapsed = System.nanoTime() - deletedSeen;
    if (elapsed < TimeUnit.MILLISECONDS.toNanos(900)) {
      assertEquals("cart-7d4b9c-x1", resourceOut(0, 0).getString("k8s.pod.name"));
      assertEquals("cart-7d4b9c-x1", resourceOut(0, 1).getString("k8s.pod.name"));
    }
    Thread.sleep(1200);
    processor.consumeLogs(resources("container.id", CART_CONTAINER, "k8s.pod.uid",
        cartUid));
    assertNull(resourceOut(1, 0).getString("k8s.pod.name"));
    assertNull(resourceOut(1, 1).getString("k8s.pod.name"));
    assertEquals(1, counter("tapio_k8sattributes_lookup_miss", "source", "container.id"));
  }

  @Test
  void anIpTakenOverByANewPodPointsAtTheNewPodAfterTheOldOneIsDeleted() throws Exception {
    start(RULES + WAIT);
    client.pods().inNamespace("shop").withName("db-0").delete();
    create(pod("db-1", "uid-db-1", "10.1.0.6", "StatefulSet", "db", "postgres",
        "cri-o://aa11", "postgres:16", "node-2"));
    await(() -> counter("otelcol_otelsvc_k8s_pod_added") == 3);
    processor.consumeLogs(resources("k8s.pod.ip", "10.1.0.6"));
    assertEquals("db-1", resourceOut(0, 0).getString("k8s.pod.name"));
  }

  @Test
  void aPodCreatedAfterTheRecordArrivedResolvesWithWaitForMetadata() throws Exception {
    start(RULES + "wait_for_metadata: true\nwait_for_metadata_timeout: 5s\n");
    Thread creator = Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        return;
      }
      create(pod("late-1", "uid-late-1", "10.1.0.7", "DaemonSet", "agent", "agent",
          "containerd://feed01", "agent:2", "node-1"));
    });
    long t0 = System.nanoTime();
    processor.consumeLogs(resources("container.id", "feed01"));
    creator.join();
    assertEquals("late-1", resourceOut(0, 0).getString("k8s.pod.name"));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void withoutWaitForMetadataAnUnknownPodPassesUnresolved() throws Exception {
    start(RULES);
    await(() -> counter("otelcol_otelsvc_k8s_pod_added") == 2);
    processor.consumeLogs(resources("container.id", "feed02"));
    assertNull(resourceOut(0, 0).getString("k8s.pod.name"));
    assertEquals(1, counter("tapio_k8sattributes_lookup_miss", "source", "container.id"));
  }

  @Test
  void waitingForMetadataGivesUpOnAnIdentifierOnce() throws Exception {
    start(RULES + "wait_for_metadata: true\nwait_for_metadata_timeout: 2s\n");
    long t0 = System.nanoTime();
    processor.consumeLogs(resources("container.id", "nowhere", "container.id", "nowhere2"));
    long first = System.nanoTime() - t0;
    assertTrue(first >= TimeUnit.MILLISECONDS.toNanos(2000), "waited " + first);
    assertTrue(first < TimeUnit.MILLISECONDS.toNanos(3500), "one wait per batch: " + first);
    t0 = System.nanoTime();
    processor.consumeLogs(resources("container.id", "nowhere"));
    assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(200));
  }

  @Test
  void theNodeFilterIsAFieldSelectorOnTheListAndWatchRequests() throws Exception {
    env.put("K8S_NODE_NAME", "node-1");
    int before = server.getRequestCount();
    start(RULES + WAIT + "filter:\n  node_from_env_var: K8S_NODE_NAME\n");
    await(() -> server.getRequestCount() >= before + 4);
    List<String> podRequests = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
      if (r.getPath().startsWith("/api/v1/pods")) {
        podRequests.add(r.getPath());
      }
    }
    assertTrue(podRequests.stream().anyMatch(p -> !p.contains("watch=true")), podRequests
        .toString());
    assertTrue(podRequests.stream().anyMatch(p -> p.contains("watch=true")),
        podRequests.toString());
    for (String p : podRequests) {
      assertTrue(p.contains("fieldSelector=spec.nodeName%3Dnode-1"), p);
    }
  }

  @Test
  void anUnsetNodeVariableFailsTheStart() throws Exception {
    K8sAttributesFactory f = new K8sAttributesFactory(c -> client, env::get);
    processor = f.createLogs(context, ComponentConfigs.read(f,
        RULES + "filter:\n  node_from_env_var: NOT_SET\n"), sink);
    var e = assertThrows(IllegalStateException.class, () -> processor.start(new TestHost()));
    assertTrue(e.getMessage().contains("NOT_SET"), e.getMessage());
  }

  @Test
  void theNamespaceFilterWatchesOneNamespace() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("other")
        .endMetadata().build()).create();
    String elsewhere = create(new PodBuilder(cartPod()).editMetadata()
        .withNamespace("other").withName("elsewhere").endMetadata()
        .editStatus().withPodIP("10.2.0.1").endStatus().build());
    start(RULES + WAIT + "filter:\n  namespace: other\n");
    processor.consumeLogs(resources("k8s.pod.uid", elsewhere, "k8s.pod.uid", dbUid));
    assertEquals("elsewhere", resourceOut(0, 0).getString("k8s.pod.name"));
    assertNull(resourceOut(0, 1).getString("k8s.pod.name"));
  }

  @Test
  void theDeploymentNameComesFromTheReplicaSetNameUntilTheReplicaSetIsSeen()
      throws Exception {
    Pod api = pod("api-5f6g7h-a", "uid-api", "10.1.0.9", "ReplicaSet", "api-5f6g7h", "api",
        "containerd://ab12", "api:1", "node-1");
    api.getMetadata().getLabels().put("pod-template-hash", "5f6g7h");
    String uid = create(api);
    start(RULES + WAIT);
    processor.consumeLogs(resources("k8s.pod.uid", uid));
    assertEquals("api", resourceOut(0, 0).getString("k8s.deployment.name"));
  }

  @Test
  void anUnreachableServerDegradesTheStatusAndIsRetried() throws Exception {
    String url = "http://127.0.0.1:" + server.getPort();
    server.destroy();
    server = null;
    client.close();
    // fabric8 retries a refused request itself 10 times with backoff; not here, to be quick.
    client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
        .withMasterUrl(url).withRequestRetryBackoffLimit(0).build())
        .withHttpClientFactory(new ClosingJdkHttpClientFactory()).build();
    K8sAttributesFactory f = new K8sAttributesFactory(c -> client, env::get);
    processor = f.createLogs(context, ComponentConfigs.read(f, RULES), sink);
    processor.start(new TestHost());
    await(() -> context.status() == ComponentStatus.DEGRADED);
    assertTrue(context.statusReason().contains("list/watch failed, retrying"),
        context.statusReason());
    processor.consumeLogs(resources("container.id", CART_CONTAINER));
    assertNull(resourceOut(0, 0).getString("k8s.pod.name"));
  }

  @Test
  void anUpdatedPodIsSeenWithItsNewLabels() throws Exception {
    start(RULES + WAIT);
    Pod p = client.pods().inNamespace("shop").withName("cart-7d4b9c-x1").get();
    p.getMetadata().getLabels().put("app", "cart-v2");
    client.pods().inNamespace("shop").resource(p).update();
    await(() -> counter("otelcol_otelsvc_k8s_pod_updated") >= 1);
    processor.consumeLogs(resources("k8s.pod.uid", cartUid));
    assertEquals("cart-v2", resourceOut(0, 0).getString("app"));
  }

  @Test
  void jobsNameTheirCronJobAndHostNetworkPodsAreNotFoundByIp() throws Exception {
    Pod job = pod("backup-28912345-abcde", "u", "10.1.0.20", "Job", "backup-28912345", "run",
        "containerd://b4c4", "backup:1", "node-1");
    job.getSpec().setHostNetwork(true);
    String uid = create(job);
    start(RULES.replace("k8s.node.name,", "k8s.node.name, k8s.job.name, k8s.cronjob.name,")
        + WAIT);
    processor.consumeLogs(resources("k8s.pod.uid", uid, "k8s.pod.ip", "10.1.0.20"));
    assertEquals("backup-28912345", resourceOut(0, 0).getString("k8s.job.name"));
    assertEquals("backup", resourceOut(0, 0).getString("k8s.cronjob.name"));
    assertNull(resourceOut(0, 1).getString("k8s.pod.name"));
  }

  @Test
  void spansResolveByRecordAndMetricsByResource() throws Exception {
    K8sAttributesFactory f = new K8sAttributesFactory(c -> client, env::get);
    K8sAttributesConfig config = ComponentConfigs.read(f, RULES + WAIT);
    TracesProcessor traces = f.createTraces(new TestContext("k8sattributes", Kind.PROCESSOR,
        Signal.TRACES), config, sink);
    MetricsProcessor metrics = f.createMetrics(new TestContext("k8sattributes",
        Kind.PROCESSOR, Signal.METRICS), config, sink);
    traces.start(new TestHost());
    metrics.start(new TestHost());
    try {
      Traces t = new Traces();
      var spans = t.resourceSpans().appendEmpty().scopeSpans().appendEmpty().spans();
      spans.appendEmpty().attributes().putString("container.id", CART_CONTAINER);
      spans.appendEmpty().attributes().putString("k8s.pod.uid", dbUid);
      t.markReadOnly();
      traces.consumeTraces(t);
      var out = sink.traces().getFirst().resourceSpans().get(0).scopeSpans().get(0).spans();
      assertEquals("cart-7d4b9c-x1", out.get(0).attributes().getString("k8s.pod.name"));
      assertEquals("db-0", out.get(1).attributes().getString("k8s.pod.name"));
      assertNull(spans.get(0).attributes().getString("k8s.pod.name"), "read-only input kept");

      Metrics m = new Metrics();
      m.resourceMetrics().appendEmpty().resource().attributes().putString("k8s.pod.ip",
          "10.1.0.6");
      metrics.consumeMetrics(m);
      assertEquals("db-0", sink.metrics().getFirst().resourceMetrics().get(0).resource()
          .attributes().getString("k8s.pod.name"));
    } finally {
      traces.shutdown();
      metrics.shutdown();
    }
  }

  @Test
  void steadyStateLookupsDoNotAllocate() throws Exception {
    K8sAttributesFactory f = new K8sAttributesFactory(c -> client, env::get);
    LogsProcessor p = f.createLogs(context, ComponentConfigs.read(f, RULES + WAIT), logs -> { });
    processor = p;
    p.start(new TestHost());
    // Records of two pods in one resource: looked up twice per record (agree? then apply).
    Logs logs = new Logs();
    var records = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords();
    for (int i = 0; i < 100; i++) {
      records.appendEmpty().attributes().putString("container.id",
          i % 2 == 0 ? CART_CONTAINER : DB_CONTAINER);
    }
    assertEquals(0, bytesPerRecord(p, logs, 100), "bytes allocated per record");
  }

  @Test
  void excludedPodsAreNotCachedAndALiteralNodeFilters() throws Exception {
    int before = server.getRequestCount();
    start(RULES + WAIT + "exclude:\n  pods: [{name: ^db-}]\nfilter:\n  node: node-2\n");
    processor.consumeLogs(resources("k8s.pod.uid", dbUid));
    assertNull(resourceOut(0, 0).getString("k8s.pod.name"));
    assertEquals(0, counter("otelcol_otelsvc_k8s_pod_added"));
    List<String> podRequests = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
      if (r.getPath().startsWith("/api/v1/pods")) {
        podRequests.add(r.getPath());
      }
    }
    assertTrue(server.getRequestCount() > before);
    assertTrue(!podRequests.isEmpty() && podRequests.stream()
        .allMatch(p -> p.contains("fieldSelector=spec.nodeName%3Dnode-2")), podRequests
        .toString());
  }

  /** {@code extract.peer} on, under RULES' {@code extract}. */
  private static final String PEER = "  peer:\n    enabled: true\n";

  /**
   * A pod of Deployment web (through ReplicaSet web-5f6d7) at 10.0.0.5 on node-3, and the
   * Service kube-dns at 10.96.0.10.
   */
  private void peers() {
    client.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder()
        .withNewMetadata().withName("web-5f6d7").withNamespace("shop")
        .addNewOwnerReference().withKind("Deployment").withName("web").withApiVersion("apps/v1")
        .withUid("uid-deploy-web").withController(true).endOwnerReference().endMetadata()
        .build()).create();
    create(pod("web-5f6d7-abc", "uid-web", "10.0.0.5", "ReplicaSet", "web-5f6d7",
        "web", "containerd://0a0b0c", "web:2", "node-3"));
    client.services().inNamespace("kube-system").resource(new ServiceBuilder()
        .withNewMetadata().withName("kube-dns").withNamespace("kube-system").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.10")
        .withClusterIPs("10.96.0.10", "fd00:10:96::a").addNewPort().withPort(53).endPort()
        .endSpec().build()).create();
  }

  /** One resource without attributes, one record per peer address. */
  private static Logs records(String... addresses) {
    Logs logs = new Logs();
    var records = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords();
    for (String a : addresses) {
      LogRecord r = records.appendEmpty();
      r.attributes().putString("event.name", "network.connection.established");
      r.attributes().putString("network.peer.address", a);
      r.attributes().putString("network.peer.port", "53");
    }
    return logs;
  }

  private Map<String, String> recordOut(int i) {
    return dst(map(sink.logs().getFirst().resourceLogs().get(0).scopeLogs().get(0)
        .logRecords().get(i).attributes()));
  }

  /** The k8s.dst.* attributes only. */
  private static Map<String, String> dst(Map<String, String> all) {
    Map<String, String> m = new HashMap<>();
    all.forEach((k, v) -> {
      if (k.startsWith("k8s.dst.")) {
        m.put(k, v);
      }
    });
    return m;
  }

  /** The list and watch requests (GET) the server received; the test's own creates left out. */
  private List<String> requestPaths() throws InterruptedException {
    List<String> paths = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
      if ("GET".equals(r.getMethod())) {
        paths.add(r.getPath());
      }
    }
    return paths;
  }

  @Test
  void thePeerAddressResolvesToAPodOrAService() throws Exception {
    peers();
    start(RULES + PEER + WAIT);
    Logs in = records("10.0.0.5", "10.96.0.10", "192.0.2.1", "10.96.0.10", "fd00:10:96::a");
    var kept = in.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(3).attributes();
    kept.putString("k8s.dst.name", "from-the-receiver");
    processor.consumeLogs(in);
    assertEquals(Map.of("k8s.dst.name", "web-5f6d7-abc", "k8s.dst.namespace", "shop",
        "k8s.dst.type", "Pod", "k8s.dst.owner.name", "web", "k8s.dst.owner.type", "Deployment",
        "k8s.dst.node.name", "node-3"), recordOut(0));
    assertEquals(Map.of("k8s.dst.name", "kube-dns", "k8s.dst.namespace", "kube-system",
        "k8s.dst.type", "Service", "k8s.dst.owner.name", "kube-dns",
        "k8s.dst.owner.type", "Service"), recordOut(1));
    assertEquals(Map.of(), recordOut(2));
    assertEquals("from-the-receiver", recordOut(3).get("k8s.dst.name"), "present: kept");
    assertEquals("kube-system", recordOut(3).get("k8s.dst.namespace"));
    assertEquals("kube-dns", recordOut(4).get("k8s.dst.name"), "the IPv6 cluster IP");
    // The records' own pod (none here) is not touched: no k8s.pod.* on record or resource.
    assertNull(sink.logs().getFirst().resourceLogs().get(0).resource().attributes()
        .getString("k8s.pod.name"));
    assertEquals(4, counter("tapio_k8sattributes_peer_lookups", "result", "resolved"));
    assertEquals(1, counter("tapio_k8sattributes_peer_lookups", "result", "missed"));
    assertEquals(1.0, context.gaugeValue("tapio_k8sattributes_service_table_size"));
    List<String> paths = requestPaths();
    assertTrue(paths.stream().anyMatch(p -> p.startsWith("/api/v1/services?")
        && !p.contains("watch=true")), paths.toString());
    assertTrue(paths.stream().anyMatch(p -> p.startsWith("/api/v1/services?")
        && p.contains("watch=true")), paths.toString());
  }

  @Test
  void withoutPeerNothingIsAddedAndServicesAreNotWatched() throws Exception {
    peers();
    start(RULES + WAIT);
    processor.consumeLogs(records("10.0.0.5", "10.96.0.10"));
    assertEquals(Map.of(), recordOut(0));
    assertEquals(Map.of(), recordOut(1));
    assertEquals(0, counter("tapio_k8sattributes_peer_lookups", "result", "missed"));
    List<String> paths = requestPaths();
    assertTrue(paths.stream().anyMatch(p -> p.startsWith("/api/v1/pods")), paths.toString());
    assertTrue(paths.stream().noneMatch(p -> p.contains("services")), paths.toString());
  }

  @Test
  void peersFromPodsOnlyWatchNoServices() throws Exception {
    peers();
    start(RULES + "  peer: {enabled: true, from: [pod]}\n" + WAIT);
    processor.consumeLogs(records("10.0.0.5", "10.96.0.10", "10.1.0.6"));
    assertEquals("web-5f6d7-abc", recordOut(0).get("k8s.dst.name"));
    assertEquals(Map.of(), recordOut(1));
    assertEquals(Map.of("k8s.dst.name", "db-0", "k8s.dst.namespace", "shop",
        "k8s.dst.type", "Pod", "k8s.dst.owner.name", "db", "k8s.dst.owner.type", "StatefulSet",
        "k8s.dst.node.name", "node-2"), recordOut(2));
    assertEquals(1, counter("tapio_k8sattributes_peer_lookups", "result", "missed"));
    List<String> paths = requestPaths();
    assertTrue(paths.stream().noneMatch(p -> p.contains("services")), paths.toString());
  }

  @Test
  void peersResolveOnSpans() throws Exception {
    peers();
    K8sAttributesFactory f = new K8sAttributesFactory(c -> client, env::get);
    K8sAttributesConfig config = ComponentConfigs.read(f, RULES + PEER + WAIT);
    TracesProcessor traces = f.createTraces(new TestContext("k8sattributes", Kind.PROCESSOR,
        Signal.TRACES), config, sink);
    traces.start(new TestHost());
    try {
      Traces t = new Traces();
      var spans = t.resourceSpans().appendEmpty().scopeSpans().appendEmpty().spans();
      spans.appendEmpty().attributes().putString("network.peer.address", "10.96.0.10");
      traces.consumeTraces(t);
      assertEquals("kube-dns", sink.traces().getFirst().resourceSpans().get(0).scopeSpans()
          .get(0).spans().get(0).attributes().getString("k8s.dst.name"));
    } finally {
      traces.shutdown();
    }
  }

  @Test
  void peerLookupsDoNotAllocate() throws Exception {
    peers();
    K8sAttributesFactory f = new K8sAttributesFactory(c -> client, env::get);
    LogsProcessor p = f.createLogs(context, ComponentConfigs.read(f, RULES + PEER + WAIT),
        logs -> { });
    processor = p;
    p.start(new TestHost());
    String[] addresses = new String[100];
    for (int i = 0; i < addresses.length; i++) {
      addresses[i] = switch (i % 3) {
        case 0 -> "10.0.0.5";
        case 1 -> "10.96.0.10";
        default -> "192.0.2.1";
      };
    }
    Logs logs = records(addresses);
    assertEquals(0, bytesPerRecord(p, logs, 100), "bytes allocated per record");
  }

  /**
   * What consuming {@code logs} (of {@code records} records) allocates per record, once the
   * first round has filled the records' attributes (later rounds find them present) and after
   * a warm-up.
   */
  private static long bytesPerRecord(LogsProcessor p, Logs logs, int records) {
    p.consumeLogs(logs);
    var threads = (com.sun.management.ThreadMXBean)
        java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 1000; i++) {
      p.consumeLogs(logs);
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 1000; i++) {
      p.consumeLogs(logs);
    }
    return (threads.getCurrentThreadAllocatedBytes() - before) / (1000L * records);
  }
}
