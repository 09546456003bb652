package dev.tapio.plugin.k8sattributes.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.testkit.TestContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRI client against a real containerd (Debian's package), started here with its own
 * root, state and socket under a temporary directory. Containers cannot start in this sandbox,
 * so what is tested is what containerd's CRI service answers without them: its version, empty
 * lists, NOT_FOUND for an unknown container and sandbox. Needs root and the containerd binary;
 * skipped, with the reason, without them.
 */
class ContainerdCriTest {
  @TempDir
  static Path dir;

  private static Process containerd;
  private static Path socket;

  @BeforeAll
  static void startContainerd() throws Exception {
    String binary = onPath("containerd");
    boolean root = isRoot();
    String reason = binary == null ? "containerd is not installed (apt-get install containerd)"
        : !root ? "containerd needs root" : null;
    if (reason != null) {
      System.err.println("ContainerdCriTest skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
    socket = dir.resolve("containerd.sock");
    // Everything of this containerd under the temp dir; the native snapshotter and no cgroups,
    // as nothing here mounts overlays or creates containers.
    String config = """
        version = 2
        root = "%1$s/root"
        state = "%1$s/state"
        [grpc]
          address = "%2$s"
        [ttrpc]
          address = "%2$s.ttrpc"
        [plugins."io.containerd.internal.v1.opt"]
          path = "%1$s/opt"
        [plugins."io.containerd.grpc.v1.cri"]
          disable_cgroup = true
        [plugins."io.containerd.grpc.v1.cri".containerd]
          snapshotter = "native"
        """.formatted(dir, socket);
    Path file = dir.resolve("config.toml");
    Files.writeString(file, config);
    containerd = new ProcessBuilder(binary, "--config", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket)) {
      if (!containerd.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("containerd did not serve " + socket + " (alive: "
            + containerd.isAlive() + "):\n" + Files.readString(dir.resolve("containerd.log")));
      }
      Thread.sleep(20);
    }
  }

  @AfterAll
  static void stopContainerd() throws Exception {
    if (containerd != null) {
      containerd.destroy();
      if (!containerd.waitFor(10, TimeUnit.SECONDS)) {
        containerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String onPath(String name) {
    String path = System.getenv("PATH");
    for (String d : (path == null ? "" : path).split(File.pathSeparator)) {
      Path p = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    for (String d : new String[] {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
      if (Files.isExecutable(Path.of(d, name))) {
        return d + "/" + name;
      }
    }
    return null;
  }

  private static boolean isRoot() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[2].equals("0"); // the effective uid
      }
    }
    return false;
  }

  private static CriClient client() {
    return new CriClient(socket.toString(), Duration.ofSeconds(5), Thread.ofPlatform()
        .daemon().name("containerd-test-io").factory());
  }

  @Test
  void versionNamesContainerdAndCriV1() {
    try (CriClient client = client()) {
      CriMessages.Version v = client.version();
      assertEquals("containerd", v.runtimeName());
      assertEquals("v1", v.runtimeApiVersion());
      assertFalse(v.runtimeVersion().isEmpty(), v.toString());
    }
  }

  @Test
  void listsAreEmptyAndUnknownIdsAreNotFound() {
    try (CriClient client = client()) {
      assertEquals(0, client.listContainers().size());
      assertEquals(0, client.listPodSandbox().size());
      var e = assertThrows(StatusRuntimeException.class,
          () -> client.containerStatus("0123456789abcdef".repeat(4)));
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
      var s = assertThrows(StatusRuntimeException.class,
          () -> client.podSandboxStatus("fedcba9876543210".repeat(4)));
      assertEquals(Status.Code.NOT_FOUND, s.getStatus().getCode(), s.toString());
    }
  }

  @Test
  void theCacheListsAndRemembersAnUnknownContainer() throws Exception {
    TestContext context = new TestContext("k8sattributes", Kind.PROCESSOR, Signal.LOGS);
    AtomicInteger changes = new AtomicInteger();
    var config = new CriConfig(true, "unix://" + socket, Duration.ofSeconds(5),
        Duration.ofHours(1), 100, Duration.ofMinutes(1));
    try (var cache = new CriCache<CriContainer>(config, c -> c, changes::incrementAndGet,
        context)) {
      cache.start().get(20, TimeUnit.SECONDS);
      assertEquals(1, context.counterValue("tapio_k8sattributes_cri_lists", "result", "ok"));
      String id = "aa".repeat(32);
      assertNull(cache.get(id));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (context.counterValue("tapio_k8sattributes_cri_lookups", "result",
          "not_found") == 0) {
        assertTrue(System.nanoTime() < deadline, "no answer to ContainerStatus within 20s");
        Thread.sleep(10);
      }
      assertNull(cache.get(id));
      assertEquals(0, context.counterValue("tapio_k8sattributes_cri_lookups", "result",
          "error"));
      assertEquals(1.0, context.gaugeValue("tapio_k8sattributes_cri_up"));
    }
  }
}
