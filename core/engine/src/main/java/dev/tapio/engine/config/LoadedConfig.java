package dev.tapio.engine.config;

import dev.tapio.component.ComponentId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A configuration that passed every check: each component's factory and typed config, and the
 * service. Maps keep the order the components were written in. Components that no pipeline (or,
 * for extensions, {@code service.extensions}) names are included but should not be created; they
 * are named in {@link #warnings()}. Immutable.
 *
 * @param warnings things worth telling the user that do not stop the load (an unset environment
 *     variable, an unused component), each formatted as {@code source:line:column: message}
 */
public record LoadedConfig(
    Map<ComponentId, ComponentSpec> receivers,
    Map<ComponentId, ComponentSpec> processors,
    Map<ComponentId, ComponentSpec> exporters,
    Map<ComponentId, ComponentSpec> extensions,
    ServiceSpec service,
    List<String> warnings) {

  public LoadedConfig {
    receivers = ordered(receivers);
    processors = ordered(processors);
    exporters = ordered(exporters);
    extensions = ordered(extensions);
    Objects.requireNonNull(service, "service");
    warnings = List.copyOf(warnings);
  }

  private static <K, V> Map<K, V> ordered(Map<K, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
