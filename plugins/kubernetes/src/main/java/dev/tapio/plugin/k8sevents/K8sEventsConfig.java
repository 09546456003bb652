package dev.tapio.plugin.k8sevents;

import dev.tapio.component.ComponentId;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import dev.tapio.plugin.kubernetes.AuthType;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Configuration of the {@code k8s_events} receiver; see the package documentation for the
 * keys.
 *
 * @param authType how the client authenticates to the API server
 * @param namespaces the namespaces watched, one watch each; empty: one watch of every
 *     namespace
 * @param storage the storage extension keeping the last delivered resource version per
 *     watch, so that a restart resumes where it stopped; null: none, the Collector's
 *     start-time semantics
 */
public record K8sEventsConfig(AuthType authType, List<String> namespaces, ComponentId storage)
    implements ComponentConfig {

  static final K8sEventsConfig DEFAULT =
      new K8sEventsConfig(AuthType.SERVICE_ACCOUNT, List.of(), null);

  /** A namespace name: an RFC 1123 label. */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public K8sEventsConfig {
    Objects.requireNonNull(authType, "authType");
    namespaces = List.copyOf(namespaces);
  }

  @Override
  public void validate(ConfigProblems problems) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < namespaces.size(); i++) {
      String ns = namespaces.get(i);
      if (!NAMESPACE.matcher(ns).matches()) {
        problems.error("namespaces." + i, "'" + ns + "' is not a namespace name (lower-case"
            + " letters, digits and '-', at most 63, starting and ending with a letter or digit)");
      } else if (!seen.add(ns)) {
        problems.error("namespaces." + i, "'" + ns + "' is listed twice");
      }
    }
  }
}
