package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 end to end: {@code ebpf_process} → {@code k8sattributes} → {@code file} in a real
 * {@code bin/tapio}, against an API server that speaks the real REST + watch protocol (fabric8's
 * mock in CRUD mode; no kube-apiserver runs here). A process is started in a cgroup named as
 * containerd names a Kubernetes container's ({@code cri-containerd-<id>.scope}); the API server
 * knows a pod of Deployment {@code web} with that container. The exec record must leave tapio
 * with the container id the kernel's cgroup gave it and the pod's names. Needs root and a cgroup v2
 * hierarchy; skipped, saying why, without them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubernetesIdentityTest {
  private static final String CONTAINER =
      "4f2a9c0e1b7d3a5c6e8f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d";

  /** The cgroup v2 mount (unified, or hybrid beside v1), or null. */
  private static Path cgroup2Root() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
      String[] f = line.split(" ");
      if (f.length > 2 && f[2].equals("cgroup2")) {
        return Path.of(f[1]);
      }
    }
    return null;
  }

  /** fabric8's API server mock in CRUD mode: it keeps what is created and serves list+watch. */
  private static KubernetesMockServer apiServer() {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
        new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init();
    return server;
  }

  /** bin/tapio with {@code config}, its Kubernetes client pointed at {@code server}. */
  private static TapioProcess startAgainst(KubernetesMockServer server, Path config)
      throws Exception {
    String master = "http://" + server.getHostName() + ":" + server.getPort() + "/";
    // Plain HTTP to the mock: no HTTP/2 upgrade (a real API server speaks HTTP/2 over TLS).
    return TapioProcess.start(config, "env", "KUBERNETES_MASTER=" + master,
        "KUBERNETES_HTTP2_DISABLE=true");
  }

  private static void destroy(KubernetesMockServer server) {
    try {
      server.destroy();
    } catch (RuntimeException e) {
      System.err.println("mock server close: " + e.getMessage());
    }
  }

  @Test
  void anExecInAPodsContainerLeavesWithThePodsNames(@TempDir Path dir) throws Exception {
    Path cgroupRoot = cgroup2Root();
    Assumptions.assumeTrue(cgroupRoot != null, "no cgroup v2 hierarchy is mounted");
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: loads eBPF programs and makes a cgroup");
    Path slice = cgroupRoot.resolve("tapio-e2e.slice");
    Path scope = slice.resolve("cri-containerd-" + CONTAINER + ".scope");
    KubernetesMockServer server = apiServer();
    TapioProcess tapio = null;
    try (KubernetesClient client = server.createClient()) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
          .endMetadata().build()).create();
      client.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder()
          .withNewMetadata().withName("web-5f6d7").withNamespace("shop")
          .addNewOwnerReference().withKind("Deployment").withName("web")
          .withApiVersion("apps/v1").withUid("uid-web").endOwnerReference().endMetadata()
          .build()).create();
      client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata()
          .withName("web-5f6d7-x1").withNamespace("shop")
          .addNewOwnerReference().withKind("ReplicaSet").withName("web-5f6d7")
          .withApiVersion("apps/v1").withUid("uid-rs").endOwnerReference().endMetadata()
          .withNewSpec().withNodeName("node-1").addNewContainer().withName("app")
          .withImage("registry.example:5000/shop/web:2.1").endContainer().endSpec()
          .withNewStatus().withPodIP("10.1.0.7")
          .withContainerStatuses(new ContainerStatusBuilder().withName("app")
              .withContainerID("containerd://" + CONTAINER)
              .withImage("registry.example:5000/shop/web:2.1").build())
          .endStatus().build()).create();

      Path out = dir.resolve("out.json");
      Path config = dir.resolve("agent.yaml");
      Files.writeString(config, """
          receivers: {ebpf_process: {}}
          processors:
            k8sattributes:
              auth_type: none
              wait_for_metadata: true
              extract:
                metadata: [k8s.namespace.name, k8s.pod.name, k8s.deployment.name,
                           k8s.container.name, container.image.name, container.image.tag]
          exporters: {file: {path: "%s", flush_interval: 0s}}
          service:
            telemetry: {metrics: {level: none}}
            pipelines:
              logs: {receivers: [ebpf_process], processors: [k8sattributes], exporters: [file]}
          """.formatted(out));
      tapio = startAgainst(server, config);

      Files.createDirectories(scope);
      // The shell moves itself into the container's cgroup, then execs a marked command that
      // lives a second, as a container's processes do.
      String marker = "tapio-e2e-" + System.nanoTime();
      Process p = new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + scope.resolve(
          "cgroup.procs") + "; exec /usr/bin/env TAPIO_MARK=" + marker + " /bin/sleep 1").start();
      assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes()));

      // The file exporter writes a batch a line; the exec of env is one record in it.
      String record = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (record == null && System.nanoTime() < deadline) {
        if (Files.exists(out)) {
          for (String l : Files.readAllLines(out)) {
            int at = l.indexOf("\"exec /usr/bin/env /usr/bin/env TAPIO_MARK=" + marker);
            if (at >= 0) {
              int start = l.lastIndexOf("{\"timeUnixNano\"", at);
              int end = l.indexOf("{\"timeUnixNano\"", at);
              record = l.substring(start, end < 0 ? l.length() : end);
              // The pod's names go on the record, or on its resource when every record there
              // resolves to the same pod (k8sattributes' rule): both count.
              int resource = l.lastIndexOf("\"resource\":", at);
              int scopes = l.indexOf("\"scopeLogs\"", resource);
              record = l.substring(resource, scopes) + record;
            }
          }
        }
        if (record == null) {
          Thread.sleep(100);
        }
      }
      String line = record;
      for (String expected : new String[] {
          "\"container.id\"", CONTAINER,
          "\"k8s.pod.name\"", "\"web-5f6d7-x1\"",
          "\"k8s.namespace.name\"", "\"shop\"",
          "\"k8s.deployment.name\"", "\"web\"",
          "\"k8s.container.name\"", "\"app\"",
          "\"container.image.name\"", "registry.example:5000/shop/web",
          "\"container.image.tag\"", "\"2.1\""}) {
        assertTrue(line.contains(expected), expected + " missing from " + line + "\n"
            + tapio.output());
      }
      assertTrue(tapio.terminate(30), "tapio did not stop on SIGTERM");
    } finally {
      if (tapio != null) {
        tapio.destroy();
      }
      if (Files.exists(scope)) {
        Files.delete(scope);
      }
      if (Files.exists(slice)) {
        Files.delete(slice);
      }
      destroy(server);
    }
  }

  /**
   * A gateway's k8sattributes with the {@code connection} association: an OTLP client (here on
   * 127.0.0.1) whose address is a pod's IP gets that pod's names, and {@code k8s.pod.ip}, on
   * data that carried no identifier at all.
   */
  @Test
  void otlpFromAPodsAddressLeavesTheGatewayWithThatPodsNames(@TempDir Path dir)
      throws Exception {
    KubernetesMockServer server = apiServer();
    TapioProcess tapio = null;
    try (KubernetesClient client = server.createClient()) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
          .endMetadata().build()).create();
      client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata()
          .withName("checkout-0").withNamespace("shop").endMetadata()
          .withNewSpec().withNodeName("node-1").endSpec()
          .withNewStatus().withPodIP("127.0.0.1").endStatus().build()).create();
      int port = Dist.freePort();
      Path out = dir.resolve("out.json");
      Path config = dir.resolve("gateway.yaml");
      Files.writeString(config, """
          receivers:
            otlp: {protocols: {http: {endpoint: "127.0.0.1:%d"}}}
          processors:
            k8sattributes:
              auth_type: none
              wait_for_metadata: true
              pod_association:
                - sources: [{from: connection}]
          exporters: {file: {path: "%s", flush_interval: 0s}}
          service:
            telemetry: {metrics: {level: none}}
            pipelines:
              logs: {receivers: [otlp], processors: [k8sattributes], exporters: [file]}
          """.formatted(port, out));
      tapio = startAgainst(server, config);
      assertEquals(200, OtlpRequests.post(java.net.http.HttpClient.newHttpClient(), port,
          OtlpRequests.logs(0, 3, 0)));
      String line = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!line.contains("synthetic.seq") && System.nanoTime() < deadline) {
        line = Files.exists(out) ? Files.readString(out) : "";
        Thread.sleep(50);
      }
      for (String expected : new String[] {"\"k8s.pod.name\",\"value\":{\"stringValue\":"
          + "\"checkout-0\"", "\"k8s.namespace.name\",\"value\":{\"stringValue\":\"shop\"",
          "\"k8s.pod.ip\",\"value\":{\"stringValue\":\"127.0.0.1\""}) {
        assertTrue(line.contains(expected), expected + " missing from " + line + "\n"
            + tapio.output());
      }
      assertTrue(tapio.terminate(30), "tapio did not stop on SIGTERM");
    } finally {
      if (tapio != null) {
        tapio.destroy();
      }
      destroy(server);
    }
  }
}
