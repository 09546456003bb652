package dev.tapio.plugin.diagnostics;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.Stability;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;
import java.util.Map;
import org.pf4j.Extension;

/** The factories of the {@code zpages} and {@code pprof} extensions. */
public final class DiagnosticsFactories {
  private DiagnosticsFactories() {}

  /** The {@code zpages} extension's one setting. */
  public record ZPagesConfig(String endpoint) implements ComponentConfig {
    static final ZPagesConfig DEFAULT = new ZPagesConfig("localhost:55679");

    @Override
    public void validate(ConfigProblems problems) {
      if (!DebugServer.validEndpoint(endpoint)) {
        problems.error("endpoint", "must be host:port, e.g. localhost:55679; got '" + endpoint
            + "'");
      }
    }
  }

  /** {@code zpages}. */
  @Extension
  public static final class ZPagesFactory implements ExtensionFactory<ZPagesConfig> {
    private static final Map<String, String> UNSUPPORTED_KEYS = DebugServer.unsupportedKeysAnd(
        "expvar", "Go's expvar has no JVM counterpart; pprof serves thread dumps and heap"
            + " histograms");

    @Override
    public String type() {
      return "zpages";
    }

    @Override
    public Map<String, String> unsupportedKeys() {
      return UNSUPPORTED_KEYS;
    }

    @Override
    public Stability stability() {
      return Stability.ALPHA;
    }

    @Override
    public String description() {
      return "Pages of the running pipelines and components (/debug/pipelinez, /servicez).";
    }

    @Override
    public ZPagesConfig createDefaultConfig() {
      return ZPagesConfig.DEFAULT;
    }

    @Override
    public ZPagesConfig readConfig(ConfigReader r) {
      return new ZPagesConfig(r.string("endpoint", ZPagesConfig.DEFAULT.endpoint()).strip());
    }

    @Override
    public Component create(ComponentContext context, ZPagesConfig config) {
      return new ZPages(context, config.endpoint());
    }
  }

  /** {@code pprof}. */
  @Extension
  public static final class PprofFactory implements ExtensionFactory<PprofConfig> {
    @Override
    public String type() {
      return "pprof";
    }

    @Override
    public Map<String, String> unsupportedKeys() {
      return Map.of("dialer", DebugServer.DIALER);
    }

    @Override
    public Stability stability() {
      return Stability.ALPHA;
    }

    @Override
    public String description() {
      return "Thread dumps, heap histograms and JFR recordings on demand (/debug/pprof/).";
    }

    @Override
    public PprofConfig createDefaultConfig() {
      return PprofConfig.DEFAULT;
    }

    @Override
    public PprofConfig readConfig(ConfigReader r) {
      for (String goOnly : new String[] {"block_profile_fraction", "mutex_profile_fraction"}) {
        if (r.has(goOnly)) {
          r.integer(goOnly, 0);
          r.warning(goOnly, "has no JVM equivalent and is ignored: /debug/pprof/profile"
              + " records lock contention and thread parking with the rest (JFR)");
        }
      }
      return new PprofConfig(r.string("endpoint", PprofConfig.DEFAULT.endpoint()).strip(),
          r.string("save_to_file", ""));
    }

    @Override
    public Component create(ComponentContext context, PprofConfig config) {
      return new Pprof(context, config);
    }
  }
}
