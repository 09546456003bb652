package dev.tapio.plugin.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Builds the Kubernetes client every component of this plugin uses. */
public final class KubeClients {
  private static final String NOT_RATE_LIMITED = "requests are not rate-limited on the client:"
      + " each watch lists once, then streams the changes";

  private KubeClients() {}

  /**
   * The Collector's Kubernetes API keys ({@code k8sconfig.APIConfig}) that these clients do not
   * read, and a component's own {@code more}, each with what to do instead; for the factories'
   * {@code unsupportedKeys()}. Immutable.
   */
  public static Map<String, String> unsupportedKeysAnd(Map<String, String> more) {
    Map<String, String> keys = new HashMap<>(more);
    keys.put("context", "auth_type kubeConfig uses the kube config's current context; switch it"
        + " with kubectl config use-context");
    keys.put("kube_api_qps", NOT_RATE_LIMITED);
    keys.put("kube_api_burst", NOT_RATE_LIMITED);
    return Map.copyOf(keys);
  }

  /**
   * A client for {@code auth}, on the JDK's HTTP client; closing it closes its connections.
   *
   * @throws IllegalStateException when {@code serviceAccount} is asked for outside a pod
   */
  public static KubernetesClient forAuth(AuthType auth) {
    Config c = switch (auth) {
      case SERVICE_ACCOUNT -> {
        if (System.getenv("KUBERNETES_SERVICE_HOST") == null
            || System.getenv("KUBERNETES_SERVICE_PORT") == null) {
          throw new IllegalStateException("auth_type serviceAccount needs"
              + " KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, which Kubernetes sets in"
              + " a pod; outside a cluster use auth_type kubeConfig");
        }
        yield Config.autoConfigure(null);
      }
      case KUBE_CONFIG -> {
        String path = System.getenv("KUBECONFIG");
        File file = path != null && !path.isBlank()
            ? new File(path.split(File.pathSeparator)[0])
            : Path.of(System.getProperty("user.home"), ".kube", "config").toFile();
        yield Config.fromKubeconfig(file);
      }
      case NONE -> {
        Config empty = Config.empty();
        Config.configFromSysPropsOrEnvVars(empty);
        yield empty;
      }
    };
    return new KubernetesClientBuilder().withConfig(c)
        .withHttpClientFactory(new ClosingJdkHttpClientFactory()).build();
  }
}
