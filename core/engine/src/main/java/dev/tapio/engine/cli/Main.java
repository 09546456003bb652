package dev.tapio.engine.cli;

import dev.tapio.Tapio;
import dev.tapio.component.ComponentFactory;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.engine.config.ConfigLoader;
import dev.tapio.engine.config.ConfigSource;
import dev.tapio.engine.config.LoadedConfig;
import dev.tapio.engine.graph.GraphException;
import dev.tapio.engine.plugin.PluginException;
import dev.tapio.engine.plugin.PluginHost;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The {@code tapio} command line: {@code run}, {@code validate}, {@code components}. Exit codes:
 * 0 success, 1 invalid configuration or failed start, 2 wrong usage.
 */
public final class Main {
  static final String DEFAULT_CONFIG = "tapio-default.yaml";

  private final PrintStream out;
  private final PrintStream err;

  Main(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    configureLogging();
    int code = new Main(System.out, System.err).execute(args);
    if (code != 0 || (args.length > 0 && !args[0].equals("run"))) {
      System.exit(code);
    }
  }

  int execute(String[] args) {
    Arguments a;
    try {
      a = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("tapio: " + e.getMessage());
      err.println(Arguments.USAGE);
      return 2;
    }
    try {
      return switch (a.command()) {
        case "run" -> run(a);
        case "validate" -> validate(a);
        case "components" -> components(a);
        case "help" -> {
          out.println(Arguments.USAGE);
          yield 0;
        }
        default -> throw new AssertionError(a.command());
      };
    } catch (ConfigException e) {
      // Before the errors: an unset variable, say, often explains one of them.
      e.warnings().forEach(w -> err.println("tapio: warning: " + w));
      err.println("tapio: invalid configuration (" + e.errors().size() + " problem"
          + (e.errors().size() == 1 ? "" : "s") + "):");
      e.errors().forEach(x -> err.println("  " + x));
      return 1;
    } catch (PluginException | GraphException e) {
      err.println("tapio: " + e.getMessage());
      // What the component's own exception said, when its message alone says little (a
      // client library's "An error has occurred.").
      for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        if (c != e.getCause() || !e.getMessage().endsWith(String.valueOf(c.getMessage()))) {
          err.println("  caused by: " + c);
        }
      }
      return 1;
    }
  }

  private int run(Arguments a) throws ConfigException {
    Tapio.Builder b = Tapio.builder().pluginsDir(a.pluginsDir());
    if (a.configs().isEmpty()) {
      err.println("tapio: no --config given; running the embedded default configuration");
      b.config("(embedded default " + DEFAULT_CONFIG + ")", ConfigSource.resource(DEFAULT_CONFIG)
          .text());
    }
    a.configs().forEach(b::configFile);
    Tapio tapio = b.start();
    // Component calls catch what they throw (and count it); a thread that still dies of an
    // Error is outside them — a JDK server thread, a library's — and the process may be broken
    // in ways no counter shows. Say so on /healthz, so the supervisor restarts it with SIGTERM
    // (which drains), rather than exiting here (-XX:+ExitOnOutOfMemoryError would drop every
    // queued batch uncounted).
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
      String reason = "thread " + thread.getName() + " died: " + failure;
      System.getLogger("tapio").log(System.Logger.Level.ERROR, reason, failure);
      if (failure instanceof Error) {
        tapio.health().fatal(reason);
      }
    });
    tapio.warnings().forEach(w -> err.println("tapio: warning: " + w));
    for (String line : tapio.pipelines()) {
      err.println("tapio: pipeline " + line);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("tapio-shutdown").unstarted(
        () -> {
          err.println("tapio: stopping: draining pipelines");
          tapio.close();
          err.println("tapio: stopped");
          stopped.countDown();
        }));
    err.println("tapio: started; stop with Ctrl-C or SIGTERM");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private int validate(Arguments a) throws ConfigException {
    if (a.configs().isEmpty()) {
      err.println("tapio: validate needs at least one --config FILE");
      return 2;
    }
    List<ConfigSource> sources = new ArrayList<>();
    for (Path p : a.configs()) {
      sources.add(ConfigSource.file(p));
    }
    try (PluginHost plugins = PluginHost.load(a.pluginsDir())) {
      LoadedConfig config = new ConfigLoader(plugins.catalog(), System::getenv).load(sources);
      config.warnings().forEach(w -> err.println("tapio: warning: " + w));
      out.println("configuration is valid: " + config.service().pipelines().size()
          + " pipeline(s), " + (config.receivers().size() + config.processors().size()
          + config.exporters().size() + config.extensions().size()) + " component(s)");
      return 0;
    }
  }

  private int components(Arguments a) {
    try (PluginHost plugins = PluginHost.load(a.pluginsDir())) {
      List<PluginHost.Found> all = new ArrayList<>(plugins.factories());
      all.sort(Comparator.comparing((PluginHost.Found f) -> kind(f.factory()))
          .thenComparing(f -> f.factory().type()));
      out.printf("%-10s %-24s %-12s %-24s %s%n", "KIND", "TYPE", "STABILITY", "SIGNALS",
          "SOURCE");
      for (PluginHost.Found f : all) {
        ComponentFactory<?> factory = f.factory();
        String type = factory.aliases().isEmpty() ? factory.type()
            : factory.type() + " (" + String.join(", ", new java.util.TreeSet<>(
                factory.aliases())) + ")";
        out.printf("%-10s %-24s %-12s %-24s %s%n", kind(factory), type,
            factory.stability().label(), signals(factory), f.source());
      }
      return 0;
    }
  }

  private static String kind(ComponentFactory<?> f) {
    return switch (f) {
      case ReceiverFactory<?> _ -> "receiver";
      case ProcessorFactory<?> _ -> "processor";
      case ExporterFactory<?> _ -> "exporter";
      case ExtensionFactory<?> _ -> "extension";
      default -> "unknown";
    };
  }

  private static String signals(ComponentFactory<?> f) {
    Set<Signal> s = switch (f) {
      case ReceiverFactory<?> r -> r.signals();
      case ProcessorFactory<?> p -> p.signals();
      case ExporterFactory<?> e -> e.signals();
      default -> Set.of();
    };
    return s.isEmpty() ? "-" : s.stream().sorted().map(Signal::id)
        .collect(Collectors.joining(","));
  }

  /** One-line log records on stderr; PF4J (slf4j-simple) only at warn and above. */
  static void configureLogging() {
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    var handler = new java.util.logging.ConsoleHandler();
    handler.setFormatter(new java.util.logging.SimpleFormatter());
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
    root.setLevel(Level.INFO);
  }
}
