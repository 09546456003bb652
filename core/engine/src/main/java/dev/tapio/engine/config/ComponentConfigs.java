package dev.tapio.engine.config;

import dev.tapio.component.ComponentFactory;
import dev.tapio.config.ComponentConfig;
import dev.tapio.engine.config.ConfigNode.MapNode;
import java.util.Objects;

/**
 * Reads one component's configuration from YAML the way a load does, for plugin authors' tests
 * and tools: the same parser, {@code ${env:…}} expansion, reader, validation and unknown-key
 * check, so that a test asserts the messages users will see rather than those of a fake reader.
 * Stateless and thread-safe.
 */
public final class ComponentConfigs {

  /** The source name in messages, e.g. {@code component.yaml:2:10: …}. */
  static final String SOURCE = "component.yaml";

  private ComponentConfigs() {}

  /**
   * Reads and validates a component's settings.
   *
   * @param yaml the body of the component's own section, e.g. {@code "timeout: 1s"}; empty for
   *     an empty section. References to the environment see an empty one, so only their
   *     defaults apply.
   * @return the configuration, if there is no problem
   * @throws ConfigException with every problem, each at its {@code component.yaml} line and
   *     column
   * @throws IllegalArgumentException if the factory implements none of the kind-specific
   *     factory interfaces
   */
  public static <C extends ComponentConfig> C read(ComponentFactory<C> factory, String yaml)
      throws ConfigException {
    Objects.requireNonNull(factory, "factory");
    Problems problems = new Problems();
    MapNode parsed = YamlParser.parse(new ConfigSource(SOURCE, yaml), problems);
    if (parsed == null) {
      throw problems.exception();
    }
    MapNode settings = new EnvExpander(name -> null, problems).expand(parsed);
    String owner = FactoryCatalog.kindOf(factory).singular() + " '" + factory.type() + "'";
    C config = ComponentSections.readSettings(
        factory, settings, settings.location(), owner, problems);
    if (problems.hasErrors()) {
      throw problems.exception();
    }
    return config;
  }
}
