package dev.tapio.engine.config;

import dev.tapio.component.ComponentFactory;
import dev.tapio.component.ComponentId;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.Kind;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import dev.tapio.engine.config.ConfigNode.Entry;
import dev.tapio.engine.config.ConfigNode.MapNode;
import dev.tapio.engine.config.ConfigNode.Scalar;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the component sections ({@code receivers}, {@code processors}, …): checks each id and
 * type, lets the type's factory read and validate its settings, and reports the keys it did not
 * read. Stateless.
 */
final class ComponentSections {

  private ComponentSections() {}

  /**
   * The components of one kind as written.
   *
   * @param declared every well-formed id with where it is written, including those whose type is
   *     unknown, so that pipelines referring to them do not get a second, misleading error
   * @param factories the factory of each declared id whose type is known
   * @param specs the components whose configuration could be read
   */
  record Defined(
      Kind kind,
      Map<ComponentId, Location> declared,
      Map<ComponentId, ComponentFactory<?>> factories,
      Map<ComponentId, ComponentSpec> specs) {

    Defined {
      declared = Collections.unmodifiableMap(declared);
      factories = Collections.unmodifiableMap(factories);
      specs = Collections.unmodifiableMap(specs);
    }

    /** The signals the component's factory supports; empty for extensions. */
    Set<Signal> signals(ComponentId id) {
      return switch (factories.get(id)) {
        case ReceiverFactory<?> f -> f.signals();
        case ProcessorFactory<?> f -> f.signals();
        case ExporterFactory<?> f -> f.signals();
        case null, default -> Set.of();
      };
    }
  }

  /** Reads one kind's section; {@code section} is its top-level entry, or null when absent. */
  static Defined read(Kind kind, Entry section, ComponentCatalog catalog, Problems problems) {
    Map<ComponentId, Location> declared = new LinkedHashMap<>();
    Map<ComponentId, ComponentFactory<?>> factories = new LinkedHashMap<>();
    Map<ComponentId, ComponentSpec> specs = new LinkedHashMap<>();
    Defined defined = new Defined(kind, declared, factories, specs);
    if (section == null || isNull(section.value())) {
      return defined;
    }
    if (!(section.value() instanceof MapNode components)) {
      problems.error(section.keyLocation(), "'" + kind.section() + "' must be a map of "
          + kind.singular() + " ids to their settings, got " + section.value().describe());
      return defined;
    }
    for (Entry entry : components.entries().values()) {
      ComponentId id;
      try {
        id = ComponentId.parse(entry.key());
      } catch (IllegalArgumentException e) {
        problems.error(entry.keyLocation(),
            "invalid " + kind.singular() + " id '" + entry.key() + "': " + e.getMessage());
        continue;
      }
      declared.put(id, entry.keyLocation());
      ComponentFactory<?> factory = catalog.find(kind, id.type());
      if (factory == null) {
        problems.error(entry.keyLocation(), "unknown " + kind.singular() + " type '" + id.type()
            + "'" + Suggestions.hint(id.type(), catalog.types(kind),
                "valid " + kind.singular() + " types"));
        continue;
      }
      String deprecation = id.type().equals(factory.type()) ? null
          : factory.deprecation(id.type());
      if (deprecation != null) {
        problems.warn(entry.keyLocation(), deprecation);
      }
      factories.put(id, factory);
      ComponentSpec spec = readOne(kind, id, entry, factory, problems);
      if (spec != null) {
        specs.put(id, spec);
      }
    }
    return defined;
  }

  private static ComponentSpec readOne(
      Kind kind, ComponentId id, Entry entry, ComponentFactory<?> factory, Problems problems) {
    String owner = kind.singular() + " '" + id + "'";
    MapNode settings;
    if (entry.value() instanceof MapNode map) {
      settings = map;
    } else if (isNull(entry.value())) {
      settings = MapNode.empty(entry.keyLocation());
    } else {
      problems.error(entry.value().location(), owner + " must be a map of settings or empty, got "
          + entry.value().describe());
      return null;
    }
    ComponentConfig config = readSettings(factory, settings, entry.keyLocation(), owner, problems);
    return config == null
        ? null
        : new ComponentSpec(id, kind, factory, config, entry.keyLocation());
  }

  /**
   * Lets the factory read and validate one component's settings and reports the keys it did not
   * read. Shared with {@link ComponentConfigs} so that a plugin's tests see exactly the problems a
   * load would report.
   *
   * @param location where the component is named; problems with its settings as a whole go there
   * @param owner what messages say the keys belong to, e.g. {@code processor 'batch'}
   * @return the configuration, or null when the factory failed or returned null (recorded)
   */
  static <C extends ComponentConfig> C readSettings(ComponentFactory<C> factory, MapNode settings,
      Location location, String owner, Problems problems) {
    SectionReader reader = new SectionReader(settings, location, owner, "", problems);
    C config;
    try {
      config = factory.readConfig(reader);
    } catch (RuntimeException e) {
      // A factory bug must not hide the other problems of the configuration.
      problems.error(location,
          owner + ": reading the configuration failed: " + problems.scrub(e.toString()));
      return null;
    }
    reader.reportUnknownKeys(factory.unsupportedKeys());
    if (config == null) {
      problems.error(location, owner + ": " + factory.getClass().getName()
          + ".readConfig returned null");
      return null;
    }
    // Not the reader itself: validate() must not read keys the reader would then miss in its
    // unknown-key check.
    ConfigProblems validation = new ConfigProblems() {
      @Override
      public void error(String key, String message) {
        reader.error(key, message);
      }

      @Override
      public void warning(String key, String message) {
        reader.warning(key, message);
      }
    };
    try {
      config.validate(validation);
    } catch (RuntimeException e) {
      problems.error(location,
          owner + ": validating the configuration failed: " + problems.scrub(e.toString()));
    }
    return config;
  }

  private static boolean isNull(ConfigNode node) {
    return node instanceof Scalar s && s.isNull();
  }
}
