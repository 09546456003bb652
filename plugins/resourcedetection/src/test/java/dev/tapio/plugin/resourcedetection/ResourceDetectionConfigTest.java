package dev.tapio.plugin.resourcedetection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.plugin.resourcedetection.ResourceDetectionConfig.DetectorType;
import dev.tapio.plugin.resourcedetection.ResourceDetectionConfig.HostnameSource;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResourceDetectionConfigTest {
  private final ResourceDetectionFactory factory = new ResourceDetectionFactory();

  private List<String> errors(String yaml) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, yaml));
    return e.errors().stream().map(ConfigError::toString).toList();
  }

  @Test
  void defaultsAreTheCollectors() throws ConfigException {
    ResourceDetectionConfig d = factory.createDefaultConfig();
    assertEquals(List.of(DetectorType.ENV), d.detectors());
    assertTrue(d.override());
    assertEquals(Duration.ofSeconds(5), d.timeout());
    assertEquals(List.of(HostnameSource.DNS, HostnameSource.OS), d.system().hostnameSources());
    assertEquals(Set.of("host.name", "os.type"), d.system().resourceAttributes());
    assertEquals("K8S_NODE_NAME", d.k8snode().nodeFromEnvVar());
    assertEquals(Set.of("k8s.node.name"), d.k8snode().resourceAttributes());
    assertEquals(d, ComponentConfigs.read(factory, ""));
  }

  @Test
  void readsEveryKey() throws ConfigException {
    // Any key left unread would make read() throw as an unknown key.
    ResourceDetectionConfig c = ComponentConfigs.read(factory, """
        detectors: [env, system, k8snode]
        override: false
        timeout: 2s
        refresh_interval: 0s
        system:
          hostname_sources: [lookup, os]
          resource_attributes:
            host.name: {enabled: false}
            host.id: {enabled: true}
            host.arch: {enabled: true}
            host.ip: {enabled: true}
            host.mac: {enabled: true}
            os.type: {enabled: true}
            os.description: {enabled: true}
            os.version: {enabled: false}
        k8snode:
          node_from_env_var: MY_NODE
          auth_type: serviceAccount
          resource_attributes:
            k8s.node.name: {enabled: true}
            k8s.node.uid: {enabled: false}
        """);
    assertEquals(List.of(DetectorType.ENV, DetectorType.SYSTEM, DetectorType.K8SNODE),
        c.detectors());
    assertEquals(false, c.override());
    assertEquals(Duration.ofSeconds(2), c.timeout());
    assertEquals(List.of(HostnameSource.LOOKUP, HostnameSource.OS),
        c.system().hostnameSources());
    assertEquals(Set.of("host.id", "host.arch", "host.ip", "host.mac", "os.type",
        "os.description"), c.system().resourceAttributes());
    assertEquals("MY_NODE", c.k8snode().nodeFromEnvVar());
    assertEquals(Set.of("k8s.node.name"), c.k8snode().resourceAttributes());
  }

  @Test
  void anUnknownDetectorIsAnErrorAtItsNameListingTheValidOnes() {
    assertEquals(List.of("component.yaml:1:21: processor 'resourcedetection', key"
        + " 'detectors.1': unknown detector 'ec2'; Tapio's detectors are env, system, k8snode"
        + " (the Collector's cloud and container detectors are not built in)",
        "component.yaml:1:31: processor 'resourcedetection', key 'detectors.3': 'env' is"
            + " listed twice"),
        errors("detectors: [system, ec2, env, env]"));
  }

  @Test
  void aCloudDetectorsSectionIsRefusedAsNotSupportedYet() {
    assertEquals(List.of("component.yaml:2:1: processor 'resourcedetection', key 'ec2': is not"
        + " supported yet: no detector for this platform; use env or system"),
        errors("detectors: [env]\nec2:\n  tags: [^team$]\n"));
  }

  @Test
  void noDetectorAndANonPositiveTimeoutAreErrors() {
    assertEquals(List.of(
        "component.yaml:1:1: processor 'resourcedetection', key 'detectors': names no"
            + " detector; use one or more of env, system, k8snode",
        "component.yaml:2:10: processor 'resourcedetection', key 'timeout': must be greater"
            + " than 0, got PT0S"),
        errors("detectors: []\ntimeout: 0s\n"));
  }

  @Test
  void hostnameSourcesAreCheckedEach() {
    assertEquals(List.of(
        "component.yaml:2:33: processor 'resourcedetection', key 'system.hostname_sources.1':"
            + " 'cname' is not supported: Java cannot ask the system resolver for a canonical"
            + " name; use dns, lookup or os",
        "component.yaml:2:40: processor 'resourcedetection', key 'system.hostname_sources.2':"
            + " unknown hostname source 'fqdn'; valid sources: dns, os, lookup"),
        errors("detectors: [system]\nsystem: {hostname_sources: [os, cname, fqdn]}\n"));
  }

  @Test
  void aMisspeltAttributeIsAnUnknownKeyWithASuggestion() {
    List<String> e = errors("""
        detectors: [system]
        system:
          resource_attributes:
            host.nmae: {enabled: true}
        """);
    assertEquals(1, e.size(), e.toString());
    assertTrue(e.getFirst().startsWith("component.yaml:4:5: unknown key"
        + " 'system.resource_attributes.host.nmae' for processor 'resourcedetection'; did you"
        + " mean 'host.name'?"), e.getFirst());
  }

  @Test
  void enablingAnAttributeTapioDoesNotSetLoadsWithAWarning() throws ConfigException {
    assertEquals(List.of(
        "component.yaml:4:5: processor 'resourcedetection', key"
            + " 'system.resource_attributes.host.cpu.family': Tapio's system detector does not"
            + " set host.cpu.family (not read by Tapio); the attribute is left out",
        "component.yaml:7:5: processor 'resourcedetection', key"
            + " 'k8snode.resource_attributes.k8s.node.uid': Tapio's k8snode detector does not"
            + " set k8s.node.uid (it needs the Kubernetes API server, which Tapio does not"
            + " query); the attribute is left out"),
        ComponentConfigs.warnings(factory, """
            detectors: [system, k8snode]
            system:
              resource_attributes:
                host.cpu.family: {enabled: true}
            k8snode:
              resource_attributes:
                k8s.node.uid: {enabled: true}
            """));
  }

  @Test
  void aRefreshIntervalLoadsWithAWarning() throws ConfigException {
    assertEquals(List.of("component.yaml:1:19: processor 'resourcedetection', key"
        + " 'refresh_interval': Tapio detects once, at start, and does not refresh; remove"
        + " refresh_interval (restart to detect again)"),
        ComponentConfigs.warnings(factory, "refresh_interval: 1h"));
  }
}
