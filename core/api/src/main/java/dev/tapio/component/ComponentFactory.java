package dev.tapio.component;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigReader;
import org.pf4j.ExtensionPoint;

/**
 * Creates the components of one type. One factory exists per type; it is found through PF4J,
 * from a plugin jar or from the classpath, by implementing one of the kind-specific
 * sub-interfaces and carrying PF4J's {@code @Extension} annotation.
 *
 * <p>Factories are stateless and thread-safe.
 *
 * @param <C> the typed configuration, normally a record
 */
public interface ComponentFactory<C extends ComponentConfig> extends ExtensionPoint {

  /** The type name used in configuration, e.g. {@code batch}. Lower snake_case. */
  String type();

  /**
   * Other type names that select this factory: the Collector's older or newer name for the same
   * component ({@code otlp} for {@code otlp_grpc}). Default none.
   */
  default java.util.Set<String> aliases() {
    return java.util.Set.of();
  }

  /**
   * The warning a configuration naming this factory by {@code alias} gets when that name is
   * deprecated, or null when it is not.
   */
  default String deprecation(String alias) {
    return null;
  }

  Stability stability();

  /**
   * Keys of the Collector's component of the same type that this factory does not read yet,
   * dotted from the component's section, list items written {@code key[]} ({@code
   * actions[].default_value}), each mapped to what to do instead (or {@code ""}). A
   * configuration that sets one is refused with "is not supported yet" and that reason, rather
   * than "unknown key"; the README of the plugin lists them. Default none.
   */
  default java.util.Map<String, String> unsupportedKeys() {
    return java.util.Map.of();
  }

  /** A one-line description for {@code tapio components}. */
  default String description() {
    return "";
  }

  /** The configuration used when the section is empty; every value is the default. */
  C createDefaultConfig();

  /**
   * Reads the configuration from the component's section, using {@link #createDefaultConfig()}
   * for absent keys. Problems are reported to the reader, never thrown.
   */
  C readConfig(ConfigReader reader);
}
