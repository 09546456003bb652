package dev.tapio.plugin.kubernetes;

import dev.tapio.config.ConfigReader;

/**
 * How a Kubernetes component's client finds the API server and its credentials: the
 * Collector's {@code auth_type} key, with its names.
 */
public enum AuthType {
  /** In-cluster: the pod's service account token and {@code KUBERNETES_SERVICE_HOST}. */
  SERVICE_ACCOUNT("serviceAccount"),
  /** {@code ~/.kube/config} or {@code KUBECONFIG}, its current context. */
  KUBE_CONFIG("kubeConfig"),
  /** No credentials: the master URL from {@code KUBERNETES_MASTER} or the kube config. */
  NONE("none");

  private final String configName;

  AuthType(String configName) {
    this.configName = configName;
  }

  /** The name in configuration files. */
  public String configName() {
    return configName;
  }

  /** The type named {@code name} (case-insensitive), or null. */
  public static AuthType byName(String name) {
    for (AuthType t : values()) {
      if (t.configName.equalsIgnoreCase(name)) {
        return t;
      }
    }
    return null;
  }

  /**
   * The {@code auth_type} key of a component's section, default {@code serviceAccount}; an
   * unknown name is reported at the key, saying what is valid.
   */
  public static AuthType read(ConfigReader reader) {
    String name = reader.string("auth_type", SERVICE_ACCOUNT.configName()).strip();
    AuthType auth = byName(name);
    if (auth == null) {
      reader.error("auth_type", "unknown auth_type '" + name + "'; valid: " + validNames());
      return SERVICE_ACCOUNT;
    }
    return auth;
  }

  /** What {@code auth_type} accepts, for error messages. */
  public static String validNames() {
    return "serviceAccount, kubeConfig, none";
  }
}
