package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart (distributions/kubernetes/chart/tapio) and the plain manifests rendered from
 * it, with a real helm: lint, renders compared with committed golden files, every object
 * checked against the Kubernetes and prometheus-operator schemas (unknown fields rejected),
 * each pod template held to its Pod Security level (check-objects.mjs), the values schema
 * refusing bad values, {@code kubectl kustomize} of the manifests, and every
 * rendered Tapio configuration passing the distribution's {@code tapio validate}.
 *
 * <p>Golden files and manifests are regenerated, instead of compared, with
 * {@code -Dtapio.k8s.regenerate=true} (see distributions/kubernetes/README.md).
 */
class KubernetesChartTest {
  /** What is rendered where: namespace, values file in test/scenarios, output file. */
  record Render(String namespace, String scenario, Path output) {}

  static final List<Render> RENDERS = List.of(
      golden("agent-only"), golden("gateway-only"), golden("both"), golden("tls"),
      golden("monitoring"), golden("audit-stream"),
      new Render("tapio-system", "manifests-agent",
          KubernetesTools.DIR.resolve("manifests/agent.yaml")),
      new Render("tapio-gateway", "manifests-gateway",
          KubernetesTools.DIR.resolve("manifests/gateway.yaml")));

  private static Render golden(String scenario) {
    return new Render("tapio", scenario,
        KubernetesTools.TEST.resolve("golden/" + scenario + ".yaml"));
  }

  private static Path values(String scenario) {
    return KubernetesTools.TEST.resolve("scenarios/" + scenario + ".yaml");
  }

  @Test
  void helmLintPassesForEveryScenario() throws Exception {
    KubernetesTools tools = KubernetesTools.get();
    KubernetesTools.Result plain = KubernetesTools.run(KubernetesTools.DIR, 120,
        tools.helm.toString(), "lint", "--strict", KubernetesTools.CHART.toString());
    assertEquals(0, plain.code(), plain.out());
    for (Render r : RENDERS) {
      KubernetesTools.Result lint = KubernetesTools.run(KubernetesTools.DIR, 120,
          tools.helm.toString(), "lint", "--strict", KubernetesTools.CHART.toString(),
          "--namespace", r.namespace(), "-f", values(r.scenario()).toString());
      assertEquals(0, lint.code(), r.scenario() + ":\n" + lint.out());
    }
  }

  @Test
  void rendersMatchTheCommittedFiles() throws Exception {
    KubernetesTools tools = KubernetesTools.get();
    boolean regenerate = Boolean.getBoolean("tapio.k8s.regenerate");
    for (Render r : RENDERS) {
      String rendered = tools.render(r.namespace(), values(r.scenario()));
      if (regenerate) {
        Files.createDirectories(r.output().getParent());
        Files.writeString(r.output(), rendered);
        System.out.println("regenerated " + r.output());
        continue;
      }
      assertTrue(Files.exists(r.output()), r.output() + " is missing: regenerate it with "
          + "-Dtapio.k8s.regenerate=true");
      assertEquals(Files.readString(r.output()), rendered, r.output()
          + " differs from the chart's render of scenarios/" + r.scenario() + ".yaml; if the "
          + "change is intended, regenerate with -Dtapio.k8s.regenerate=true and review the diff");
    }
  }

  @Test
  void everyObjectMatchesItsSchemaAndEveryConfigValidates(@TempDir Path configs)
      throws Exception {
    KubernetesTools tools = KubernetesTools.get();
    List<String> cmd = new ArrayList<>(List.of(tools.node.toString(),
        tools.home.resolve("check-objects.mjs").toString(), configs.toString()));
    for (Render r : RENDERS) {
      Path file = configs.resolve(r.scenario() + ".yaml");
      Files.writeString(file, tools.render(r.namespace(), values(r.scenario())));
      cmd.add(file.toString());
    }
    // What `kubectl apply -k` applies: the kustomization over the committed manifests.
    KubernetesTools.Result kustomize = KubernetesTools.run(KubernetesTools.DIR, 120,
        tools.kubectl.toString(), "kustomize", KubernetesTools.DIR.resolve("manifests").toString());
    assertEquals(0, kustomize.code(), kustomize.out());
    Path kustomized = configs.resolve("kustomized.yaml");
    Files.writeString(kustomized, kustomize.out());
    cmd.add(kustomized.toString());
    assertTrue(kustomize.out().contains("pod-security.kubernetes.io/enforce: privileged")
        && kustomize.out().contains("pod-security.kubernetes.io/enforce: restricted"),
        "the kustomization labels the agent's namespace privileged and the gateway's restricted");

    KubernetesTools.Result check = KubernetesTools.run(tools.home, 300, cmd);
    System.out.println(check.out());
    assertEquals(0, check.code(), check.out());

    List<Path> extracted;
    try (Stream<Path> s = Files.list(configs)) {
      extracted = s.filter(p -> p.getFileName().toString().contains("--")).sorted().toList();
    }
    // agent, gateway and events configurations of the scenarios, and of the manifests.
    assertTrue(extracted.size() >= 12, "configs found: " + extracted);
    for (Path config : extracted) {
      ProcessBuilder pb = new ProcessBuilder(Dist.home().resolve("bin/tapio").toString(),
          "validate", "--config", config.toString()).redirectErrorStream(true);
      pb.environment().putAll(Map.of("MY_POD_IP", "10.0.0.7", "K8S_NODE_NAME", "node-1",
          "TAPIO_GATEWAY", "http://tapio-gateway.tapio.svc:4318", "TAPIO_BACKEND", "backend:4317"));
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), config.getFileName() + ":\n" + out + "\n"
          + Files.readString(config));
      assertTrue(out.contains("configuration is valid"), out);
    }
  }

  @Test
  void valuesSchemaRefusesUnknownKeysAndBadValues() throws Exception {
    KubernetesTools tools = KubernetesTools.get();
    for (String bad : List.of("bogus=1", "agent.bogus=1", "agent.resources.limits.memory=lots",
        "gateway.ports.otlp=70000", "image.pullPolicy=Sometimes", "jvm.maxRAMPercentage=150",
        "agent.seccompProfile.type=Off", "podMonitor.interval=soon")) {
      KubernetesTools.Result r = KubernetesTools.run(KubernetesTools.DIR, 120,
          tools.helm.toString(), "template", "tapio", KubernetesTools.CHART.toString(),
          "--set", bad);
      assertNotEquals(0, r.code(), bad + " was accepted");
      assertTrue(r.out().contains("values don't meet the specifications of the schema"),
          bad + ": " + r.out());
    }
    KubernetesTools.Result tlsWithoutSecret = KubernetesTools.run(KubernetesTools.DIR, 120,
        tools.helm.toString(), "template", "tapio", KubernetesTools.CHART.toString(),
        "--set", "gateway.tls.enabled=true");
    assertNotEquals(0, tlsWithoutSecret.code());
    assertTrue(tlsWithoutSecret.out().contains("gateway.tls.secretName is required"),
        tlsWithoutSecret.out());
  }

  @Test
  void configChangeChangesThePodChecksum() throws Exception {
    KubernetesTools tools = KubernetesTools.get();
    String before = tools.render("tapio", values("both"));
    KubernetesTools.Result after = KubernetesTools.run(KubernetesTools.DIR, 120,
        tools.helm.toString(), "template", "tapio", KubernetesTools.CHART.toString(),
        "-n", "tapio", "-f", values("both").toString(),
        "--set", "agent.config.processors.batch.timeout=2s");
    assertEquals(0, after.code(), after.out());
    List<String> a = checksums(before);
    List<String> b = checksums(after.out());
    assertEquals(3, a.size(), before);
    assertNotEquals(a.get(0), b.get(0), "the agent's checksum follows its config");
    assertEquals(a.subList(1, 3), b.subList(1, 3), "the other workloads do not roll");
  }

  private static List<String> checksums(String manifests) {
    return manifests.lines().filter(l -> l.contains("checksum/config:")).map(String::strip)
        .toList();
  }
}
