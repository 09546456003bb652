package dev.tapio.engine.config;

import dev.tapio.component.ComponentId;
import dev.tapio.component.Kind;
import dev.tapio.engine.config.ComponentSections.Defined;
import dev.tapio.engine.config.ConfigNode.MapNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Loads a configuration in the OpenTelemetry Collector's shape from one or more YAML sources:
 * parses each, deep-merges them in order, expands {@code ${env:…}} references, lets each
 * component's factory read and validate its section, and checks the service and its pipelines
 * against the components defined. Every problem is collected and reported together in one
 * {@link ConfigException}, each with its source, line and column.
 *
 * <p>Thread-safe if the catalog and the environment function are: {@link #load(List)} keeps all
 * its state on the stack of the calling thread.
 */
public final class ConfigLoader {

  private final ComponentCatalog catalog;
  private final Function<String, String> env;

  /**
   * @param env looks up an environment variable; returns null when it is unset
   */
  public ConfigLoader(ComponentCatalog catalog, Function<String, String> env) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.env = Objects.requireNonNull(env, "env");
  }

  /** A loader that expands references from the process environment. */
  public ConfigLoader(ComponentCatalog catalog) {
    this(catalog, System::getenv);
  }

  /**
   * Loads and checks the configuration merged from the sources, later sources overriding
   * earlier ones.
   *
   * @throws ConfigException with every problem found
   * @throws IllegalArgumentException if there are no sources
   */
  public LoadedConfig load(List<ConfigSource> sources) throws ConfigException {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no configuration sources given");
    }
    Problems problems = new Problems();
    List<MapNode> roots = new ArrayList<>();
    for (ConfigSource source : sources) {
      MapNode root = YamlParser.parse(source, problems);
      if (root != null) {
        roots.add(root);
      }
    }
    // Without every source's tree, later checks would report problems that are not there.
    if (roots.size() < sources.size()) {
      throw problems.exception();
    }
    MapNode merged = new EnvExpander(env, problems).expand(ConfigMerger.merge(roots));
    SectionReader top = new SectionReader(merged, merged.location(), "", "", problems);

    Map<Kind, Defined> defined = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      defined.put(kind, ComponentSections.read(kind, top.entry(kind.section()), catalog, problems));
    }
    ServiceSection serviceSection = new ServiceSection(defined, problems);
    ServiceSpec service = serviceSection.read(top);
    top.reportUnknownKeys();
    warnUnused(defined, serviceSection, problems);
    if (problems.hasErrors()) {
      throw problems.exception();
    }
    return new LoadedConfig(
        defined.get(Kind.RECEIVER).specs(),
        defined.get(Kind.PROCESSOR).specs(),
        defined.get(Kind.EXPORTER).specs(),
        defined.get(Kind.EXTENSION).specs(),
        service,
        problems.warnings());
  }

  private static void warnUnused(
      Map<Kind, Defined> defined, ServiceSection service, Problems problems) {
    for (Kind kind : List.of(Kind.RECEIVER, Kind.PROCESSOR, Kind.EXPORTER, Kind.EXTENSION)) {
      Set<ComponentId> used = service.used(kind);
      defined.get(kind).declared().forEach((id, location) -> {
        if (!used.contains(id)) {
          problems.warn(location, kind == Kind.EXTENSION
              ? "extension '" + id + "' is defined but not listed in service.extensions; "
                  + "it will not be started"
              : kind.singular() + " '" + id + "' is defined but no pipeline uses it; "
                  + "it will not be created");
        }
      });
    }
  }
}
