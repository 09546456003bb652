package dev.tapio.plugin.k8sattributes.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.testkit.Await;
import dev.tapio.testkit.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRI cache against {@link FakeRuntime}, a gRPC RuntimeService over a unix socket. */
class CriCacheTest {
  @TempDir
  Path dir;

  private final TestContext context = new TestContext("k8sattributes", Kind.PROCESSOR,
      Signal.LOGS);
  private final AtomicInteger changes = new AtomicInteger();
  private FakeRuntime runtime;
  private CriCache<CriContainer> cache;

  @AfterEach
  void stop() throws Exception {
    if (cache != null) {
      cache.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  private CriCache<CriContainer> start(String endpoint, Duration resync) throws Exception {
    var config = new CriConfig(true, endpoint, Duration.ofSeconds(2), resync, 100,
        Duration.ofMinutes(1));
    cache = new CriCache<>(config, c -> c, changes::incrementAndGet, context);
    return cache;
  }

  private long counter(String name, String... labels) {
    return context.counterValue(name, labels);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Await.until(condition);
  }

  @Test
  void listsAtStartAndAsksForAContainerStartedSince() throws Exception {
    runtime = new FakeRuntime(dir.resolve("cri.sock"));
    runtime.addSandbox("sb-cart", "cart-7d4b9c-x1", "uid-cart", "shop", Map.of("app", "cart"));
    runtime.addContainer("c-listed", "sb-cart", "app", "registry.example/shop/cart:1.4.2", true);
    start("unix://" + runtime.socket(), Duration.ofHours(1)).start().get(10, TimeUnit.SECONDS);

    CriContainer listed = cache.peek("c-listed");
    assertNotNull(listed);
    assertEquals(new CriContainer("c-listed", "sb-cart", "uid-cart", "cart-7d4b9c-x1", "shop",
        "app", "registry.example/shop/cart:1.4.2", null, 0, Map.of("app", "cart")), listed);
    assertEquals(1.0, context.gaugeValue("tapio_k8sattributes_cri_container_table_size"));

    // Started after the list, in a sandbox the list did not have either.
    runtime.addSandbox("sb-job", "report-1", "uid-job", "batch", Map.of("team", "data"));
    runtime.addContainer("c-new", "sb-job", "main", "busybox:1.36", false);
    assertNull(cache.get("c-new"), "a miss answers at once, the runtime is asked behind");
    await(() -> cache.peek("c-new") != null);
    assertEquals(new CriContainer("c-new", "sb-job", "uid-job", "report-1", "batch", "main",
        "busybox:1.36", "kubepods-besteffort-pod.slice:cri-containerd:c-new", 4242,
        Map.of("team", "data")), cache.peek("c-new"));
    assertEquals(1, counter("tapio_k8sattributes_cri_lookups", "result", "found"));
    assertEquals(1, runtime.calls("PodSandboxStatus"));
    assertEquals(1.0, context.gaugeValue("tapio_k8sattributes_cri_up"));
  }

  @Test
  void anUnknownIdIsAskedAboutOnceWhileRemembered() throws Exception {
    runtime = new FakeRuntime(dir.resolve("cri.sock"));
    start(runtime.socket().toString(), Duration.ofHours(1)).start().get(10, TimeUnit.SECONDS);
    int before = changes.get();
    assertNull(cache.get("nope"));
    await(() -> counter("tapio_k8sattributes_cri_lookups", "result", "not_found") == 1);
    await(() -> changes.get() > before); // a waiting pipeline thread would have woken
    for (int i = 0; i < 100; i++) {
      assertNull(cache.get("nope"));
    }
    // The runtime learns of it, but the negative answer holds for negative_ttl (1 minute).
    runtime.addSandbox("sb", "p", "uid-p", "ns", Map.of());
    runtime.addContainer("nope", "sb", "c", "img:1", false);
    assertNull(cache.get("nope"));
    assertEquals(1, runtime.calls("ContainerStatus"));
    assertEquals(0, counter("tapio_k8sattributes_cri_lookups", "result", "error"));
  }

  @Test
  void relistLearnsNewContainersAndForgetsRemovedOnes() throws Exception {
    runtime = new FakeRuntime(dir.resolve("cri.sock"));
    runtime.addSandbox("sb", "web-1", "uid-web", "shop", Map.of());
    runtime.addContainer("c1", "sb", "web", "nginx:1.27", true);
    start("unix://" + runtime.socket(), Duration.ofMillis(50)).start().get(10, TimeUnit.SECONDS);
    assertNotNull(cache.peek("c1"));
    runtime.addContainer("c2", "sb", "sidecar", "envoy:1.31", true);
    runtime.removeContainer("c1");
    await(() -> cache.peek("c2") != null && cache.peek("c1") == null);
    assertEquals(0, runtime.calls("ContainerStatus"), "learned from the lists alone");
  }

  @Test
  void aRuntimeThatIsDownIsCountedAndReportedNotThrown() throws Exception {
    Path missing = dir.resolve("absent.sock");
    var started = start("unix://" + missing, Duration.ofMillis(50)).start();
    await(() -> counter("tapio_k8sattributes_cri_lists", "result", "error") >= 2);
    assertEquals(ComponentStatus.DEGRADED, context.status());
    assertEquals(0.0, context.gaugeValue("tapio_k8sattributes_cri_up"));
    assertEquals(false, started.isDone());
    assertNull(cache.get("c1"));
    await(() -> counter("tapio_k8sattributes_cri_lookups", "result", "error") == 1);

    // The runtime comes up: the next re-list connects and the status recovers.
    runtime = new FakeRuntime(missing);
    runtime.addSandbox("sb", "web-1", "uid-web", "shop", Map.of());
    runtime.addContainer("c1", "sb", "web", "nginx:1.27", true);
    started.get(10, TimeUnit.SECONDS);
    assertEquals("uid-web", cache.peek("c1").podUid());
    assertEquals(ComponentStatus.OK, context.status());
    assertEquals(1.0, context.gaugeValue("tapio_k8sattributes_cri_up"));
    assertEquals(true, Files.exists(missing));
  }
}
