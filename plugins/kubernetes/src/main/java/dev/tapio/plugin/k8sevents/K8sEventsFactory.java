package dev.tapio.plugin.k8sevents;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentId;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.plugin.kubernetes.AuthType;
import dev.tapio.plugin.kubernetes.KubeClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.pf4j.Extension;

/** Creates {@code k8s_events} receivers. Stateless and thread-safe. */
@Extension
public final class K8sEventsFactory implements ReceiverFactory<K8sEventsConfig> {
  private static final Map<String, String> UNSUPPORTED_KEYS = KubeClients.unsupportedKeysAnd(
      Map.of("dedup_interval", "every change of an event is sent once, updates included; a"
              + " filter processor on k8s.event.count can drop the repeats",
          "k8s_leader_elector", "there is no leader election; run one replica, as each replica"
              + " sends every event"));

  private final Function<K8sEventsConfig, KubernetesClient> clients;
  private final EventsApi api;

  public K8sEventsFactory() {
    this(c -> KubeClients.forAuth(c.authType()), null);
  }

  /**
   * For tests: the receivers use {@code clients}' client and read events from {@code api},
   * or from what the server's discovery offers when null.
   */
  K8sEventsFactory(Function<K8sEventsConfig, KubernetesClient> clients, EventsApi api) {
    this.clients = clients;
    this.api = api;
  }

  @Override
  public String type() {
    return "k8s_events";
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return UNSUPPORTED_KEYS;
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Kubernetes Events as log records, from a list+watch of the API server that resumes"
        + " where it stopped";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS);
  }

  @Override
  public K8sEventsConfig createDefaultConfig() {
    return K8sEventsConfig.DEFAULT;
  }

  @Override
  public K8sEventsConfig readConfig(ConfigReader reader) {
    AuthType auth = AuthType.read(reader);
    List<String> namespaces = reader.stringList("namespaces", List.of()).stream()
        .map(String::strip).toList();
    String storageText = reader.string("storage", "").strip();
    ComponentId storage = null;
    if (!storageText.isEmpty()) {
      try {
        storage = ComponentId.parse(storageText);
      } catch (IllegalArgumentException e) {
        reader.error("storage", e.getMessage());
      }
    }
    return new K8sEventsConfig(auth, namespaces, storage);
  }

  @Override
  public Component createLogs(ComponentContext context, K8sEventsConfig config,
      LogsConsumer next) {
    return new K8sEventsReceiver(context, config, clients, api, next);
  }
}
