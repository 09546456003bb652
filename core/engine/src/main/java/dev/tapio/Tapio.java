package dev.tapio;

import dev.tapio.engine.config.ConfigException;
import dev.tapio.engine.config.ConfigLoader;
import dev.tapio.engine.config.ConfigSource;
import dev.tapio.engine.config.LoadedConfig;
import dev.tapio.engine.config.TelemetrySpec;
import dev.tapio.engine.graph.ServiceGraph;
import dev.tapio.engine.plugin.PluginHost;
import dev.tapio.engine.telemetry.Health;
import dev.tapio.engine.telemetry.SelfTelemetry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A running Tapio service: configuration loaded, components created and started, self-telemetry
 * served. The same object backs {@code tapio run} and embedding:
 *
 * <pre>{@code
 * try (Tapio tapio = Tapio.start(yaml)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops receivers, drains the pipelines within {@code
 * service.shutdown_timeout}, then stops processors and exporters. Thread-safe: close may be
 * called from any thread, once or more.
 */
public final class Tapio implements AutoCloseable {
  private final PluginHost plugins;
  private final LoadedConfig config;
  private final SelfTelemetry telemetry;
  private final ServiceGraph graph;
  private boolean closed;

  private Tapio(PluginHost plugins, LoadedConfig config, SelfTelemetry telemetry,
      ServiceGraph graph) {
    this.plugins = plugins;
    this.config = config;
    this.telemetry = telemetry;
    this.graph = graph;
  }

  /** Starts a service from YAML text, with the components found on the classpath. */
  public static Tapio start(String yaml) throws ConfigException {
    return builder().config("embedded.yaml", yaml).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** One line per pipeline showing its wiring. */
  public List<String> pipelines() {
    return graph.describe();
  }

  /** Warnings from loading the configuration (unused components, undefined variables). */
  public List<String> warnings() {
    return config.warnings();
  }

  public Health health() {
    return telemetry.health();
  }

  /** The running graph, for counters in tests and summaries. */
  public ServiceGraph graph() {
    return graph;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      graph.shutdown();
    } finally {
      telemetry.close();
      plugins.close();
    }
  }

  /** Configures and starts a {@link Tapio}. Not thread-safe. */
  public static final class Builder {
    private final List<ConfigSource> sources = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private Path pluginsDir;
    private Function<String, String> env = System::getenv;
    private Integer metricsPortOverride;

    private Builder() {}

    /** Adds YAML text; {@code name} is what error messages call it. */
    public Builder config(String name, String yaml) {
      sources.add(new ConfigSource(name, yaml));
      return this;
    }

    /** Adds a YAML file; several are deep-merged in order. */
    public Builder configFile(Path file) {
      files.add(file);
      return this;
    }

    /** Where third-party plugin jars are; absent or null means classpath components only. */
    public Builder pluginsDir(Path dir) {
      this.pluginsDir = dir;
      return this;
    }

    /** Where {@code ${env:VAR}} looks variables up; the process environment by default. */
    public Builder env(Function<String, String> env) {
      this.env = Objects.requireNonNull(env);
      return this;
    }

    /**
     * Overrides the self-telemetry port of the configuration; negative disables the endpoint.
     * For tests and for embedding next to another metrics server.
     */
    public Builder metricsPort(int port) {
      this.metricsPortOverride = port;
      return this;
    }

    /**
     * Loads plugins and configuration, creates and starts every component.
     *
     * @throws ConfigException listing every problem of the configuration
     * @throws dev.tapio.engine.plugin.PluginException when a plugin jar cannot be used
     * @throws dev.tapio.engine.graph.GraphException when a component fails to create or start
     */
    public Tapio start() throws ConfigException {
      List<ConfigSource> all = new ArrayList<>();
      for (Path f : files) {
        all.add(ConfigSource.file(f));
      }
      all.addAll(sources);
      PluginHost plugins = PluginHost.load(pluginsDir);
      SelfTelemetry telemetry = null;
      try {
        LoadedConfig config = new ConfigLoader(plugins.catalog(), env).load(all);
        TelemetrySpec t = config.service().telemetry();
        int port = metricsPortOverride != null ? metricsPortOverride
            : "none".equals(t.metricsLevel()) ? -1 : t.metricsPort();
        telemetry = SelfTelemetry.start(new Health(), t.metricsHost(), port);
        ServiceGraph graph = ServiceGraph.build(config, telemetry);
        graph.start();
        return new Tapio(plugins, config, telemetry, graph);
      } catch (ConfigException | RuntimeException e) {
        if (telemetry != null) {
          telemetry.close();
        }
        plugins.close();
        throw e;
      }
    }
  }
}
