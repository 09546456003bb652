package dev.tapio.plugin.k8sevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentId;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.plugin.kubernetes.AuthType;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class K8sEventsConfigTest {
  private final K8sEventsFactory factory = new K8sEventsFactory();

  private List<String> errors(String yaml) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, yaml));
    return e.errors().stream().map(ConfigError::toString).toList();
  }

  private static void assertOne(List<String> errors, String... parts) {
    assertEquals(1, errors.size(), errors::toString);
    for (String part : parts) {
      assertTrue(errors.getFirst().contains(part), () -> errors.getFirst() + " lacks " + part);
    }
  }

  @Test
  void defaultsAreTheCollectors() throws ConfigException {
    K8sEventsConfig d = factory.createDefaultConfig();
    assertEquals(AuthType.SERVICE_ACCOUNT, d.authType());
    assertEquals(List.of(), d.namespaces());
    assertNull(d.storage());
    assertEquals(d, ComponentConfigs.read(factory, ""));
    assertEquals("k8s_events", factory.type());
    assertEquals(Set.of(Signal.LOGS), factory.signals());
  }

  @Test
  void readsEveryKey() throws ConfigException {
    // Any key left unread would make read() throw as an unknown key.
    K8sEventsConfig c = ComponentConfigs.read(factory, """
        auth_type: kubeConfig
        namespaces: [default, my-namespace]
        storage: file_storage/events
        """);
    assertEquals(new K8sEventsConfig(AuthType.KUBE_CONFIG, List.of("default", "my-namespace"),
        ComponentId.parse("file_storage/events")), c);
  }

  @Test
  void authTypeIsCaseInsensitiveAsForK8sAttributes() throws ConfigException {
    assertEquals(AuthType.NONE, ComponentConfigs.read(factory, "auth_type: None").authType());
  }

  @Test
  void anUnknownAuthTypeSaysWhatIsValid() {
    assertOne(errors("auth_type: token\n"), "auth_type", "unknown auth_type 'token'",
        "valid: serviceAccount, kubeConfig, none");
  }

  @Test
  void namespacesMustBeAListOfStrings() {
    assertOne(errors("namespaces: default\n"), "namespaces", "expected a list of strings");
    assertOne(errors("namespaces: [{name: default}]\n"), "namespaces.0", "expected a string");
  }

  @Test
  void aNamespaceMustBeANamespaceName() {
    assertOne(errors("namespaces: [default, My_Namespace]\n"), "namespaces.1",
        "'My_Namespace' is not a namespace name");
    assertOne(errors("namespaces: [shop, shop]\n"), "namespaces.1", "listed twice");
  }

  @Test
  void storageMustBeAComponentId() {
    assertOne(errors("storage: 'file storage'\n"), "storage");
  }

  @Test
  void unknownKeysAreErrors() {
    assertOne(errors("namespace: default\n"), "namespace");
  }

  @Test
  void collectorKeysNotReadYetAreErrors() {
    assertEquals(List.of("component.yaml:2:1: receiver 'k8s_events', key 'kube_api_qps': is not"
        + " supported yet: requests are not rate-limited on the client: each watch lists once,"
        + " then streams the changes"), errors("namespaces: [default]\nkube_api_qps: 5\n"));
  }
}
