package dev.tapio.engine.config;

import dev.tapio.component.ComponentFactory;
import dev.tapio.config.ComponentConfig;
import dev.tapio.engine.config.ConfigNode.MapNode;
import java.util.List;
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
   * @return the configuration, if there is no error; its warnings are not kept, {@link
   *     #warnings(ComponentFactory, String)} gives them
   * @throws ConfigException with every problem, each at its {@code component.yaml} line and
   *     column
   * @throws IllegalArgumentException if the factory implements none of the kind-specific
   *     factory interfaces
   */
  public static <C extends ComponentConfig> C read(ComponentFactory<C> factory, String yaml)
      throws ConfigException {
    Problems problems = new Problems();
    C config = read(factory, yaml, problems);
    if (problems.hasErrors()) {
      throw problems.exception();
    }
    return config;
  }

  /**
   * The warnings that reading and validating a component's settings gives, as {@link
   * #read(ComponentFactory, String)} reads them.
   *
   * @return each warning as {@code component.yaml:line:column: message}, in the order found;
   *     empty when there is none
   * @throws ConfigException when the settings have errors (with the warnings in {@link
   *     ConfigException#warnings()})
   */
  public static List<String> warnings(ComponentFactory<?> factory, String yaml)
      throws ConfigException {
    Problems problems = new Problems();
    read(factory, yaml, problems);
    if (problems.hasErrors()) {
      throw problems.exception();
    }
    return problems.warnings();
  }

  private static <C extends ComponentConfig> C read(
      ComponentFactory<C> factory, String yaml, Problems problems) {
    Objects.requireNonNull(factory, "factory");
    MapNode parsed = YamlParser.parse(new ConfigSource(SOURCE, yaml), problems);
    if (parsed == null) {
      return null;
    }
    MapNode settings = new EnvExpander(name -> null, problems).expand(parsed);
    String owner = FactoryCatalog.kindOf(factory).singular() + " '" + factory.type() + "'";
    return ComponentSections.readSettings(
        factory, settings, settings.location(), owner, problems);
  }
}
