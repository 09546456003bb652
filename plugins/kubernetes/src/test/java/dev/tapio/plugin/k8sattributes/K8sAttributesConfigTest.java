package dev.tapio.plugin.k8sattributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Association;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.FieldRule;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Filter;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.From;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Peer;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.PeerKind;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.Source;
import dev.tapio.plugin.k8sattributes.K8sAttributesConfig.SourceKind;
import dev.tapio.plugin.k8sattributes.cri.CriConfig;
import dev.tapio.plugin.kubernetes.AuthType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class K8sAttributesConfigTest {
  private final K8sAttributesFactory factory = new K8sAttributesFactory();

  private List<String> errors(String yaml) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, yaml));
    return e.errors().stream().map(ConfigError::toString).toList();
  }

  @Test
  void defaultsAreTheCollectors() throws ConfigException {
    K8sAttributesConfig d = factory.createDefaultConfig();
    assertEquals(AuthType.SERVICE_ACCOUNT, d.authType());
    assertEquals(new Filter("", "", ""), d.filter());
    assertEquals(List.of("jaeger-agent", "jaeger-collector"),
        d.excludePods().stream().map(Pattern::pattern).toList());
    assertEquals(Set.of("k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid",
        "k8s.pod.start_time", "k8s.deployment.name", "k8s.node.name", "container.image.name",
        "container.image.tag"), d.extract().metadata());
    assertEquals(List.of(), d.extract().labels());
    assertEquals(List.of(), d.podAssociation());
    assertEquals(false, d.waitForMetadata());
    assertEquals(Duration.ofSeconds(10), d.waitForMetadataTimeout());
    assertEquals(Duration.ofMinutes(2), d.podDeleteGracePeriod());
    assertEquals(CriConfig.OFF, d.cri());
    assertFalse(d.cri().enabled());
    assertEquals(d, ComponentConfigs.read(factory, ""));
  }

  @Test
  void criIsOnWhenItsSectionIsPresent() throws ConfigException {
    assertEquals(new CriConfig(true, "", Duration.ofSeconds(2), Duration.ofSeconds(30), 10_000,
        Duration.ofSeconds(5)), ComponentConfigs.read(factory, "cri: {}\n").cri());
    assertEquals(new CriConfig(true, "unix:///run/crio/crio.sock", Duration.ofMillis(500),
        Duration.ofMinutes(1), 500, Duration.ZERO), ComponentConfigs.read(factory, """
        cri:
          endpoint: unix:///run/crio/crio.sock
          timeout: 500ms
          resync_interval: 1m
          cache_size: 500
          negative_ttl: 0s
        """).cri());
    assertFalse(ComponentConfigs.read(factory, "cri: {enabled: false}\n").cri().enabled());
  }

  @Test
  void criErrorsNameTheKey() {
    List<String> e = errors("""
        cri:
          endpoint: tcp://127.0.0.1:10010
          timeout: 0s
          resync_interval: -1s
          cache_size: 0
        """);
    assertEquals(4, e.size(), e.toString());
    assertTrue(e.get(0).contains("cri.endpoint") && e.get(0).contains("not a unix socket"),
        e.toString());
    assertTrue(e.stream().anyMatch(m -> m.contains("cri.timeout")), e.toString());
    assertTrue(e.stream().anyMatch(m -> m.contains("cri.resync_interval")), e.toString());
    assertTrue(e.stream().anyMatch(m -> m.contains("cri.cache_size")), e.toString());
  }

  @Test
  void readsEveryKey() throws ConfigException {
    // Any key left unread would make read() throw as an unknown key.
    K8sAttributesConfig c = ComponentConfigs.read(factory, """
        auth_type: kubeConfig
        passthrough: false
        filter:
          node: worker-1
          node_from_env_var: KUBE_NODE_NAME
          namespace: shop
        exclude:
          pods:
            - name: ^istio-
            - name: sidecar
        extract:
          metadata: [k8s.pod.name, k8s.job.name, k8s.cronjob.name, k8s.daemonset.name]
          labels:
            - tag_name: app
              key: app.kubernetes.io/name
              from: pod
            - key_regex: team/(.*)
              tag_name: team.$1
              from: namespace
          annotations:
            - key: owner
        pod_association:
          - sources:
              - from: resource_attribute
                name: container.id
          - sources:
              - from: resource_attribute
                name: k8s.pod.uid
        wait_for_metadata: true
        wait_for_metadata_timeout: 30s
        pod_delete_grace_period: 30s
        """);
    assertEquals(AuthType.KUBE_CONFIG, c.authType());
    assertEquals(new Filter("worker-1", "KUBE_NODE_NAME", "shop"), c.filter());
    assertEquals(List.of("^istio-", "sidecar"),
        c.excludePods().stream().map(Pattern::pattern).toList());
    assertEquals(Set.of("k8s.pod.name", "k8s.job.name", "k8s.cronjob.name",
        "k8s.daemonset.name"), c.extract().metadata());
    assertEquals(List.of(new FieldRule("app", "app.kubernetes.io/name", null, From.POD),
        new FieldRule("team.$1", null, Pattern.compile("team/(.*)"), From.NAMESPACE)),
        c.extract().labels());
    assertEquals(List.of(new FieldRule("", "owner", null, From.POD)),
        c.extract().annotations());
    assertEquals(List.of(
        new Association(List.of(new Source(SourceKind.RESOURCE_ATTRIBUTE, "container.id"))),
        new Association(List.of(new Source(SourceKind.RESOURCE_ATTRIBUTE, "k8s.pod.uid")))),
        c.podAssociation());
    assertTrue(c.waitForMetadata());
    assertEquals(Duration.ofSeconds(30), c.waitForMetadataTimeout());
    assertEquals(Duration.ofSeconds(30), c.podDeleteGracePeriod());
    assertTrue(c.needsNamespaces());
  }

  @Test
  void errorsNameTheirPosition() {
    assertEquals(List.of(
        "component.yaml:1:12: processor 'k8sattributes', key 'auth_type': unknown auth_type"
            + " 'token'; valid: serviceAccount, kubeConfig, none",
        "component.yaml:3:28: processor 'k8sattributes', key 'extract.metadata.1': unknown"
            + " metadata 'k8s.pod.ip'; valid: [container.image.name, container.image.tag,"
            + " k8s.container.name, k8s.cronjob.name, k8s.daemonset.name, k8s.deployment.name,"
            + " k8s.job.name, k8s.namespace.name, k8s.node.name, k8s.pod.name,"
            + " k8s.pod.start_time, k8s.pod.uid, k8s.replicaset.name, k8s.statefulset.name]",
        "component.yaml:5:7: processor 'k8sattributes', key 'extract.labels.0': set exactly"
            + " one of key and key_regex",
        "component.yaml:7:13: processor 'k8sattributes', key 'extract.labels.1.from': unknown"
            + " from 'node'; valid: pod, namespace",
        "component.yaml:8:29: processor 'k8sattributes', key 'extract.annotations.0.key_regex':"
            + " not a valid regular expression: Unclosed group",
        "component.yaml:11:42: processor 'k8sattributes', key 'pod_association.0.sources.0"
            + ".name': 'k8s.pod.name' does not identify a cached pod; valid: [container.id,"
            + " k8s.pod.ip, k8s.pod.uid]"),
        errors("""
            auth_type: token
            extract:
              metadata: [k8s.pod.name, k8s.pod.ip]
              labels:
                - tag_name: x
                - key: a
                  from: node
              annotations: [{key_regex: "a(b"}]
            pod_association:
              - sources:
                  - {from: resource_attribute, name: k8s.pod.name}
            """));
  }

  @Test
  void collectorKeysNotReadYetAreErrors() {
    List<String> e = errors("""
        filter:
          labels: [{key: app, value: x}]
        extract:
          otel_annotations: true
        exclude:
          pods: [{name: "a(b"}]
        """);
    assertEquals(3, e.size(), e.toString());
    assertEquals("component.yaml:2:3: processor 'k8sattributes', key 'filter.labels': is not"
        + " supported yet: pods are filtered by node and namespace only", e.get(0));
    assertTrue(e.get(1).contains("'extract.otel_annotations': is not supported yet"), e.get(1));
    assertTrue(e.get(2).contains("'exclude.pods.0.name'"), e.get(2));
  }

  @Test
  void oneSourcePerAssociationAndNonNegativeDurations() {
    List<String> e = errors("""
        pod_association:
          - sources:
              - {from: resource_attribute, name: k8s.pod.uid}
              - {from: resource_attribute, name: k8s.pod.ip}
        wait_for_metadata_timeout: 0s
        pod_delete_grace_period: -1s
        """);
    assertEquals(3, e.size(), e.toString());
    assertTrue(e.stream().anyMatch(m -> m.contains("'pod_association.0.sources'")
        && m.contains("one source per association")), e.toString());
    assertTrue(e.stream().anyMatch(m -> m.contains("'wait_for_metadata_timeout'")),
        e.toString());
    assertTrue(e.stream().anyMatch(m -> m.contains("'pod_delete_grace_period'")),
        e.toString());
  }

  @Test
  void peerIsOffByDefaultAndReadsItsKeys() throws ConfigException {
    Peer d = factory.createDefaultConfig().extract().peer();
    assertFalse(d.enabled());
    assertEquals(Set.of(PeerKind.POD, PeerKind.SERVICE), d.from());
    assertFalse(d.pods() || d.services());
    Peer on = ComponentConfigs.read(factory, "extract:\n  peer: {enabled: true}\n")
        .extract().peer();
    assertTrue(on.pods() && on.services());
    Peer service = ComponentConfigs.read(factory,
        "extract:\n  peer:\n    enabled: true\n    from: [service]\n").extract().peer();
    assertEquals(new Peer(true, Set.of(PeerKind.SERVICE)), service);
    assertFalse(service.pods());
    assertTrue(service.services());
  }

  @Test
  void peerErrors() {
    List<String> e = errors("""
        extract:
          peer:
            enabled: true
            from: [pod, node, pod]
            cidrs: [10.0.0.0/8]
        """);
    assertEquals(3, e.size(), e.toString());
    assertTrue(e.stream().anyMatch(m -> m.contains("'extract.peer.from.1'")
        && m.contains("unknown peer kind 'node'; valid: pod, service")), e.toString());
    assertTrue(e.stream().anyMatch(m -> m.contains("'extract.peer.from.2'")
        && m.contains("listed twice")), e.toString());
    assertTrue(e.stream().anyMatch(m -> m.contains("'extract.peer.cidrs'")), e.toString());
    List<String> empty = errors("extract:\n  peer: {enabled: true, from: []}\n");
    assertEquals(1, empty.size(), empty.toString());
    assertTrue(empty.getFirst().contains("'extract.peer.from'"), empty.toString());
  }

  @Test
  void peerPodsWithANodeFilterWarn() throws ConfigException {
    List<String> w = ComponentConfigs.warnings(factory,
        "filter: {node_from_env_var: K8S_NODE_NAME}\nextract:\n  peer: {enabled: true}\n");
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.getFirst().contains("'extract.peer.enabled'")
        && w.getFirst().contains("another node"), w.toString());
    assertEquals(List.of(), ComponentConfigs.warnings(factory, "filter: {node: n1}\n"
        + "extract:\n  peer: {enabled: true, from: [service]}\n"));
  }
}
