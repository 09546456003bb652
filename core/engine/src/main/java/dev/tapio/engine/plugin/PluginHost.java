package dev.tapio.engine.plugin;

import dev.tapio.component.ComponentFactory;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.engine.config.ComponentCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Finds component factories through PF4J's extension points, from the classpath (built-ins and
 * embedding applications) and from plugin jars in a directory (third parties): one door for
 * both. Every jar in the directory must load; one that does not is reported with the reason.
 *
 * <p>Built once at start-up by one thread; immutable afterwards.
 */
public final class PluginHost implements AutoCloseable {
  private static final List<Class<? extends ComponentFactory>> KINDS = List.of(
      ReceiverFactory.class, ProcessorFactory.class, ExporterFactory.class,
      ExtensionFactory.class);

  private final PluginManager manager;
  private final List<Found> factories;
  private final ComponentCatalog catalog;

  /** A factory and where it came from: {@code classpath} or a plugin id and jar. */
  public record Found(ComponentFactory<?> factory, String source) {}

  private PluginHost(PluginManager manager, List<Found> factories) {
    this.manager = manager;
    this.factories = List.copyOf(factories);
    this.catalog = ComponentCatalog.of(factories.stream().map(Found::factory).toList());
  }

  /**
   * Loads and starts the plugins in {@code pluginsDir} (which may be null or absent) and collects
   * every factory. Throws {@link PluginException} listing every jar that failed and every type
   * offered twice.
   */
  public static PluginHost load(Path pluginsDir) {
    boolean hasDir = pluginsDir != null && Files.isDirectory(pluginsDir);
    PluginManager manager = hasDir ? new DefaultPluginManager(pluginsDir)
        : new DefaultPluginManager(List.of());
    List<String> problems = new ArrayList<>();
    if (hasDir) {
      try {
        manager.loadPlugins();
        manager.startPlugins();
      } catch (RuntimeException e) {
        problems.add("plugins in " + pluginsDir + ": " + e.getMessage());
      }
      problems.addAll(checkJars(manager, pluginsDir));
    }
    List<Found> found = new ArrayList<>();
    Map<String, Found> seen = new HashMap<>();
    for (Class<? extends ComponentFactory> kind : KINDS) {
      for (String pluginId : pluginIds(manager)) {
        collect(manager, kind, pluginId, found, seen, problems);
      }
    }
    if (!problems.isEmpty()) {
      stopAll(manager);
      throw new PluginException(problems);
    }
    return new PluginHost(manager, found);
  }

  private static List<String> pluginIds(PluginManager manager) {
    List<String> ids = new ArrayList<>();
    ids.add(null); // the classpath
    for (PluginWrapper w : manager.getStartedPlugins()) {
      ids.add(w.getPluginId());
    }
    return ids;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void collect(PluginManager manager, Class<? extends ComponentFactory> kind,
      String pluginId, List<Found> found, Map<String, Found> seen, List<String> problems) {
    List<? extends ComponentFactory> list;
    try {
      list = pluginId == null ? manager.getExtensions((Class) kind, (String) null)
          : manager.getExtensions((Class) kind, pluginId);
    } catch (RuntimeException | LinkageError e) {
      problems.add((pluginId == null ? "classpath" : "plugin '" + pluginId + "'")
          + ": cannot create its " + kind.getSimpleName() + " extensions: " + e);
      return;
    }
    for (ComponentFactory<?> f : list) {
      String source = pluginId == null ? "classpath"
          : "plugin '" + pluginId + "' (" + manager.getPlugin(pluginId).getPluginPath() + ")";
      boolean clash = false;
      boolean again = false;
      List<String> names = new ArrayList<>(List.of(f.type()));
      names.addAll(f.aliases());
      for (String name : names) {
        Found previous = seen.putIfAbsent(kind.getSimpleName() + ":" + name, new Found(f, source));
        if (previous == null) {
          continue;
        }
        if (previous.factory().getClass().getName().equals(f.getClass().getName())
            && previous.source().equals(source)) {
          again = true;
          continue;
        }
        problems.add("component type '" + name + "' (" + kind.getSimpleName()
            + ") is offered twice: by " + previous.source() + " and by " + source
            + "; remove one of them");
        clash = true;
      }
      if (!clash && !again) {
        found.add(new Found(f, source));
      }
    }
  }

  // PF4J logs and skips jars it cannot use; a user needs to hear which and why.
  private static List<String> checkJars(PluginManager manager, Path dir) {
    List<String> problems = new ArrayList<>();
    Set<Path> loaded = new HashSet<>();
    for (PluginWrapper w : manager.getPlugins()) {
      loaded.add(w.getPluginPath().toAbsolutePath().normalize());
      if (w.getPluginState() != PluginState.STARTED) {
        Throwable why = w.getFailedException();
        problems.add("plugin '" + w.getPluginId() + "' (" + w.getPluginPath() + ") is "
            + w.getPluginState() + (why == null ? "" : ": " + why.getMessage()));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(p -> p.toString().endsWith(".jar") || p.toString().endsWith(".zip"))
          .map(p -> p.toAbsolutePath().normalize())
          .filter(p -> !loaded.contains(p))
          .sorted()
          .forEach(p -> problems.add("plugin jar " + p + " was not loaded: "
              + JarCheck.explain(p)));
    } catch (IOException e) {
      problems.add("cannot list plugins directory " + dir + ": " + e.getMessage());
    }
    return problems;
  }

  public ComponentCatalog catalog() {
    return catalog;
  }

  /** Every factory found, with its source, in discovery order. */
  public List<Found> factories() {
    return factories;
  }

  /** Stops and unloads every plugin, newest first. */
  @Override
  public void close() {
    stopAll(manager);
  }

  // PluginManager.stopPlugins() iterates the list it shrinks (PF4J 3.15); go by id instead.
  private static void stopAll(PluginManager manager) {
    List<PluginWrapper> started = new ArrayList<>(manager.getStartedPlugins());
    for (PluginWrapper w : started.reversed()) {
      manager.stopPlugin(w.getPluginId());
    }
    for (PluginWrapper w : new ArrayList<>(manager.getPlugins()).reversed()) {
      manager.unloadPlugin(w.getPluginId());
    }
  }
}
