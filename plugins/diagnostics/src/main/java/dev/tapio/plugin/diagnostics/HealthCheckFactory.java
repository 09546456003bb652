package dev.tapio.plugin.diagnostics;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import java.util.Map;
import org.pf4j.Extension;

/** The {@code health_check} extension. */
@Extension
public final class HealthCheckFactory implements ExtensionFactory<HealthCheckConfig> {
  private static final Map<String, String> UNSUPPORTED_KEYS = DebugServer.unsupportedKeysAnd(
      "use_v2", "only the v1 endpoint (path, response_body) is served; each component's status"
          + " is on zpages' /debug/pipelinez");

  public HealthCheckFactory() {}

  @Override
  public String type() {
    return "health_check";
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return UNSUPPORTED_KEYS;
  }

  @Override
  public Stability stability() {
    return Stability.BETA;
  }

  @Override
  public String description() {
    return "The Collector's health endpoint (localhost:13133), from the engine's /readyz state.";
  }

  @Override
  public HealthCheckConfig createDefaultConfig() {
    return HealthCheckConfig.DEFAULT;
  }

  @Override
  public HealthCheckConfig readConfig(ConfigReader r) {
    HealthCheckConfig d = HealthCheckConfig.DEFAULT;
    ConfigReader body = r.section("response_body");
    ConfigReader check = r.section("check_collector_pipeline");
    HealthCheckConfig c = new HealthCheckConfig(r.string("endpoint", d.endpoint()).strip(),
        r.string("path", d.path()), body.string("healthy", d.healthyBody()),
        body.string("unhealthy", d.unhealthyBody()), check.bool("enabled", d.checkPipeline()),
        check.duration("interval", d.interval()),
        check.integer("exporter_failure_threshold", d.failureThreshold()));
    return c;
  }

  @Override
  public Component create(ComponentContext context, HealthCheckConfig config) {
    return new HealthCheck(context, config);
  }
}
