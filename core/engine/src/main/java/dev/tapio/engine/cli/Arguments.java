package dev.tapio.engine.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parsed command line. */
record Arguments(String command, List<Path> configs, Path pluginsDir) {
  static final String USAGE = """
      usage: tapio run [--config FILE]... [--plugins-dir DIR]
             tapio validate --config FILE... [--plugins-dir DIR]
             tapio components [--plugins-dir DIR]

        run         start the pipelines; with no --config, the embedded default
        validate    check configuration files; prints every problem with file:line:column
        components  list every component type with its stability and where it comes from

        --config FILE       YAML in the OpenTelemetry Collector's shape; repeat to deep-merge
        --plugins-dir DIR   third-party plugin jars (default: $TAPIO_HOME/plugins)""";

  static Arguments parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("no command given");
    }
    String command = switch (args[0]) {
      case "run", "validate", "components" -> args[0];
      case "help", "--help", "-h" -> "help";
      default -> throw new IllegalArgumentException("unknown command '" + args[0]
          + "'; valid commands: run, validate, components");
    };
    List<Path> configs = new ArrayList<>();
    Path plugins = defaultPluginsDir();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--config", "-c" -> configs.add(Path.of(value != null ? value : next(args, ++i, arg)));
        case "--plugins-dir" -> plugins = Path.of(value != null ? value : next(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
    }
    return new Arguments(command, List.copyOf(configs), plugins);
  }

  private static String next(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static Path defaultPluginsDir() {
    String home = System.getProperty("tapio.home", System.getenv("TAPIO_HOME"));
    return home == null ? Path.of("plugins") : Path.of(home, "plugins");
  }
}
