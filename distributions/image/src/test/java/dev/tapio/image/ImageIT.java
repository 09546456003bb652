package dev.tapio.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image archive Jib wrote, read by independent tools (skopeo, umoci) and run from its own
 * unpacked root filesystem in a chroot: the image's jlinked java, glibc and libbpf, its entrypoint,
 * user and environment. No container runtime can run containers on these machines; a chroot with
 * /proc, /sys and /dev bound in is what a runtime would give the process, minus namespaces.
 * Test-thread use only.
 */
class ImageIT {

  private static final double BUDGET_MB = 150;

  @TempDir static Path work;
  private static Path archive;
  private static JsonObject inspect;
  private static JsonObject manifest;
  private static JsonObject config;
  private static Path rootfs;
  /** Why the image cannot be tested here; null when it can. Each test skips with it. */
  private static String unavailable;

  @BeforeAll
  static void unpack() throws Exception {
    archive = Path.of(System.getProperty("tapio.image.tar"));
    if (!Files.exists(archive)) {
      Path skipped = Path.of(System.getProperty("tapio.image.base"), "SKIPPED");
      String why = Files.exists(skipped) ? Files.readString(skipped).strip() : "the build did not write it";
      if (Boolean.getBoolean("tapio.image.required")) {
        fail("the image is required here but " + archive + " is missing: " + why);
      }
      unavailable = "no image archive at " + archive + ": " + why;
      return;
    }
    if (!onPath("skopeo") || !onPath("umoci")) {
      unavailable = "skopeo and umoci (Debian packages; ./tapio test installs them) are needed to read the image";
      return;
    }
    inspect = json(run("skopeo", "inspect", "docker-archive:" + archive));
    manifest = json(run("skopeo", "inspect", "--raw", "docker-archive:" + archive));
    config = json(run("skopeo", "inspect", "--config", "docker-archive:" + archive))
        .getAsJsonObject("config");
    Path layout = work.resolve("oci");
    run("skopeo", "copy", "--quiet", "docker-archive:" + archive, "oci:" + layout + ":tapio");
    List<String> umoci = new ArrayList<>(List.of("umoci", "unpack"));
    if (!isRoot()) {
      umoci.add("--rootless");
    }
    umoci.addAll(List.of("--image", layout + ":tapio", work.resolve("bundle").toString()));
    run(umoci.toArray(String[]::new));
    rootfs = work.resolve("bundle/rootfs");
  }

  @Test
  void fitsTheSizeBudget() throws Exception {
    assumeImage();
    // Compressed: the gzipped layer blobs Jib wrote into the archive (what a registry stores);
    // unpacked: the files of the root filesystem umoci made of them.
    List<Long> layers = archiveEntrySizes(archive, ".tar.gz");
    assertEquals(manifest.getAsJsonArray("layers").size(), layers.size());
    long compressed = layers.stream().mapToLong(Long::longValue).sum();
    long unpacked;
    try (Stream<Path> files = Files.walk(rootfs)) {
      unpacked = files.filter(Files::isRegularFile).mapToLong(ImageIT::size).sum();
    }
    System.out.printf("image: %d layers, %.1f MB compressed (%s MB), %.1f MB unpacked%n",
        layers.size(), compressed / 1e6, layers.stream().map(l -> String.format("%.1f", l / 1e6))
            .reduce((a, b) -> a + " + " + b).orElse(""), unpacked / 1e6);
    assertTrue(compressed / 1e6 <= BUDGET_MB, "compressed " + compressed);
    assertTrue(unpacked / 1e6 <= BUDGET_MB, "unpacked " + unpacked);
    assertEquals("amd64", inspect.get("Architecture").getAsString());
    assertEquals("linux", inspect.get("Os").getAsString());
  }

  @Test
  void runsTapioAsNonRootWithItsPortsAndSizing() {
    assumeImage();
    List<String> entrypoint = strings(config.getAsJsonArray("Entrypoint"));
    assertEquals("/opt/java/bin/java", entrypoint.getFirst());
    assertEquals("dev.tapio.engine.cli.Main", entrypoint.getLast());
    assertTrue(entrypoint.contains("--enable-native-access=ALL-UNNAMED"), entrypoint.toString());
    assertEquals(List.of("run", "--config", "/opt/tapio/config/tapio.yaml", "--config",
        "/opt/tapio/config/container.yaml"), strings(config.getAsJsonArray("Cmd")));
    assertEquals("65532:65532", config.get("User").getAsString());
    assertEquals(List.of("4317/tcp", "4318/tcp", "8888/tcp"),
        config.getAsJsonObject("ExposedPorts").keySet().stream().sorted().toList());
    List<String> env = strings(config.getAsJsonArray("Env"));
    assertTrue(env.stream().anyMatch(e -> e.startsWith("JDK_JAVA_OPTIONS=")
        && e.contains("-XX:MaxRAMPercentage=")), env.toString());
    assertTrue(env.contains("TAPIO_HOME=/opt/tapio"), env.toString());
  }

  @Test
  void holdsTheLibrariesTheRuntimeAndNoShell() throws Exception {
    assumeImage();
    for (String lib : List.of("libc.so.6", "libbpf.so.1", "libelf.so.1", "libz.so.1", "libgcc_s.so.1")) {
      assertTrue(Files.exists(rootfs.resolve("usr/lib/x86_64-linux-gnu/" + lib)), lib);
    }
    assertTrue(Files.exists(rootfs.resolve("usr/lib64/ld-linux-x86-64.so.2"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.size(rootfs.resolve("etc/ssl/certs/ca-certificates.crt")) > 100_000);
    assertTrue(Files.readString(rootfs.resolve("etc/passwd")).contains(":65532:65532:"));
    assertFalse(Files.exists(rootfs.resolve("usr/bin/sh")), "a shell in the image");
    String release = Files.readString(rootfs.resolve("opt/java/release"));
    assertTrue(release.contains("JAVA_VERSION=\"25"), release);
    assertFalse(release.contains("java.desktop"), release);
    for (String dir : List.of("lib", "plugins")) {
      try (Stream<Path> jars = Files.list(rootfs.resolve("opt/tapio/" + dir))) {
        assertTrue(jars.count() > 10, dir);
      }
    }
  }

  @Test
  void validatesAndListsComponentsFromItsOwnRootFilesystem() throws Exception {
    assumeImage();
    assumeRoot();
    try (Mounts mounts = new Mounts(rootfs)) {
      mounts.proc();
      String validate = chroot("65532:65532", strings(config.getAsJsonArray("Cmd")).stream()
          .map(a -> a.equals("run") ? "validate" : a).toList());
      assertTrue(validate.toLowerCase().contains("valid"), validate);
      String components = chroot("65532:65532", List.of("components"));
      for (String type : List.of("ebpf_process", "ebpf_network", "ebpf_dns", "otlp", "k8sattributes")) {
        assertTrue(components.contains(type), components);
      }
    }
  }

  @Test
  void runsTheDefaultConfigurationAndAnswersHealthz() throws Exception {
    assumeImage();
    assumeRoot();
    int port = freePort();
    // The image's own command, with the telemetry port moved to a free one on loopback.
    Files.writeString(rootfs.resolve("tmp/test-port.yaml"),
        "service: {telemetry: {metrics: {address: 127.0.0.1:" + port + "}}}\n");
    List<String> args = new ArrayList<>(strings(config.getAsJsonArray("Cmd")));
    args.addAll(List.of("--config", "/tmp/test-port.yaml"));
    Path log = work.resolve("run.log");
    try (Mounts mounts = new Mounts(rootfs)) {
      mounts.proc();
      mounts.bind("/sys");
      mounts.bind("/dev");
      // As root, as the agent would run with its capabilities: eBPF loads through the image's libbpf.
      Process tapio = chrootProcess("0:0", args).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        String ready = awaitReady(http, port, tapio, log);
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        String metrics = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        List<String> loaded = metrics.lines()
            .filter(l -> l.startsWith("tapio_ebpf_program_loaded{")).toList();
        System.out.println("readyz: " + ready + "\n" + String.join("\n", loaded));
        assertFalse(loaded.isEmpty(), metrics);
        assertTrue(loaded.stream().allMatch(l -> l.endsWith(" 1") || l.endsWith(" 1.0")),
            "an eBPF program did not load from the image:\n" + loaded + "\n" + Files.readString(log));
      } finally {
        stop(tapio);
      }
    }
  }

  /**
   * The gateway's side and the Kubernetes client on the jlinked runtime, as the non-root user:
   * OTLP over gRPC and HTTP (Netty), and k8sattributes listing and watching pods and replica sets
   * (the JDK's HTTP client, Jackson) on an API server this test plays over plain HTTP.
   */
  @Test
  void receivesOtlpAndWatchesKubernetesFromItsOwnRootFilesystem() throws Exception {
    assumeImage();
    assumeRoot();
    List<String> asked = Collections.synchronizedList(new ArrayList<>());
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    api.createContext("/", exchange -> {
      asked.add(exchange.getRequestURI().toString());
      if (exchange.getRequestURI().getQuery() != null
          && exchange.getRequestURI().getQuery().contains("watch=true")) {
        exchange.sendResponseHeaders(200, 0); // a watch that sees no change until the test ends
        return;
      }
      String kind = exchange.getRequestURI().getPath().endsWith("replicasets") ? "ReplicaSetList" : "PodList";
      byte[] list = ("{\"kind\":\"" + kind + "\",\"apiVersion\":\"v1\",\"metadata\":"
          + "{\"resourceVersion\":\"1\"},\"items\":[]}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, list.length);
      exchange.getResponseBody().write(list);
      exchange.close();
    });
    api.start();
    int telemetry = freePort();
    int grpc = freePort();
    int otlpHttp = freePort();
    Files.writeString(rootfs.resolve("tmp/gateway.yaml"), """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: 127.0.0.1:%d}
              http: {endpoint: 127.0.0.1:%d}
        processors:
          k8sattributes: {auth_type: none}
        exporters:
          debug: {verbosity: basic}
        service:
          telemetry: {metrics: {address: 127.0.0.1:%d}}
          pipelines:
            logs: {receivers: [otlp], processors: [k8sattributes], exporters: [debug]}
        """.formatted(grpc, otlpHttp, telemetry));
    Path log = work.resolve("gateway.log");
    try (Mounts mounts = new Mounts(rootfs)) {
      mounts.proc();
      ProcessBuilder pb = chrootProcess("65532:65532", List.of("run", "--config", "/tmp/gateway.yaml"));
      pb.environment().put("KUBERNETES_MASTER", "http://127.0.0.1:" + api.getAddress().getPort());
      Process tapio = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        String ready = awaitReady(http, telemetry, tapio, log);
        assertTrue(ready.contains("\"processor/k8sattributes\":{\"status\":\"ok\""), ready);
        HttpResponse<String> export = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + otlpHttp + "/v1/logs"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"hi\"}}]}]}]}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, export.statusCode(), export.body());
        try (Socket connected = new Socket("127.0.0.1", grpc)) {
          assertTrue(connected.isConnected(), "the gRPC port");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && asked.stream().noneMatch(u -> u.contains("watch=true"))) {
          Thread.sleep(100);
        }
        System.out.println("API server asked: " + asked);
        assertTrue(asked.stream().anyMatch(u -> u.startsWith("/api/v1/pods?")), asked.toString());
        assertTrue(asked.stream().anyMatch(u -> u.contains("watch=true")), asked.toString());
      } finally {
        stop(tapio);
        api.stop(0);
      }
    }
  }

  @Test
  void theBaseIsReproducible() throws Exception {
    assumeImage();
    Path built = Path.of(System.getProperty("tapio.image.base"), "base.tar");
    Path again = work.resolve("base-again");
    run("bash", System.getProperty("tapio.image.script"), again.toString(),
        System.getProperty("java.home"), System.getProperty("tapio.image.modules"));
    assertEquals(sha256(built), sha256(again.resolve("base.tar")),
        "build-base.sh gave different bytes for the same inputs");
  }

  // ------------------------------------------------------------------------------------------

  /** The body of /readyz once it answers 200; fails with TAPIO's output if it never does. */
  private static String awaitReady(HttpClient http, int port, Process tapio, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && tapio.isAlive()) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/readyz")).timeout(Duration.ofSeconds(2))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return r.body();
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    return fail("never ready:\n" + Files.readString(log));
  }

  private static void stop(Process tapio) throws InterruptedException {
    tapio.destroy();
    if (!tapio.waitFor(30, TimeUnit.SECONDS)) {
      tapio.destroyForcibly().waitFor();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  private static String chroot(String user, List<String> args) throws Exception {
    Process p = chrootProcess(user, args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "tapio " + args + " in the image's root filesystem:\n" + out);
    return out;
  }

  /** The image's entrypoint and environment, ARGS, as USER (uid:gid) inside its root filesystem. */
  private static ProcessBuilder chrootProcess(String user, List<String> args) {
    List<String> command = new ArrayList<>(List.of("/usr/sbin/chroot", "--userspec=" + user,
        rootfs.toString()));
    command.addAll(strings(config.getAsJsonArray("Entrypoint")));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    for (String e : strings(config.getAsJsonArray("Env"))) {
      int eq = e.indexOf('=');
      pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
    }
    return pb;
  }

  /** What a container runtime would mount, bound into the chroot and unmounted on close. */
  private static final class Mounts implements AutoCloseable {
    private final Path root;
    private final List<Path> mounted = new ArrayList<>();

    Mounts(Path root) {
      this.root = root;
    }

    void proc() throws Exception {
      // glibc resolves java's $ORIGIN run path through /proc/self/exe.
      Path target = root.resolve("proc");
      run("mount", "-t", "proc", "proc", target.toString());
      mounted.add(target);
    }

    void bind(String dir) throws Exception {
      Path target = root.resolve(dir.substring(1));
      run("mount", "--rbind", dir, target.toString());
      mounted.add(target);
      // Unmounting the copy must never reach the host's own mounts.
      run("mount", "--make-rslave", target.toString());
    }

    @Override
    public void close() throws Exception {
      for (Path target : mounted.reversed()) {
        Process p = new ProcessBuilder("umount", "-R", target.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
          new ProcessBuilder("umount", "-R", "-l", target.toString()).inheritIO().start().waitFor();
        }
      }
    }
  }

  private static void assumeImage() {
    assumeTrue(unavailable == null, () -> unavailable);
  }

  private static void assumeRoot() {
    assumeTrue(isRoot(), "running Tapio in the image's root filesystem needs root (chroot, mount)");
  }

  private static boolean isRoot() {
    try {
      return "0".equals(run("id", "-u").strip());
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    return out;
  }

  /** Sizes of the entries of a ustar archive whose names end with SUFFIX, in archive order. */
  private static List<Long> archiveEntrySizes(Path tar, String suffix) throws IOException {
    List<Long> sizes = new ArrayList<>();
    try (var in = Files.newInputStream(tar)) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String name = new String(header, 0, 100, StandardCharsets.US_ASCII).split("\0", 2)[0];
        long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII)
            .split("\0", 2)[0].strip(), 8);
        if (name.endsWith(suffix)) {
          sizes.add(size);
        }
        in.skipNBytes((size + 511) / 512 * 512);
      }
    }
    return sizes;
  }

  private static JsonObject json(String text) {
    return JsonParser.parseString(text).getAsJsonObject();
  }

  private static List<String> strings(JsonArray array) {
    return array.asList().stream().map(JsonElement::getAsString).toList();
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
