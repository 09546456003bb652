package dev.tapio.plugin.diagnostics;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import org.pf4j.Extension;

/** The {@code health_check} extension. */
@Extension
public final class HealthCheckFactory implements ExtensionFactory<HealthCheckConfig> {

  public HealthCheckFactory() {}

  @Override
  public String type() {
    return "health_check";
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
    for (String key : new String[] {"tls", "cors", "auth", "max_request_body_size",
        "include_metadata", "response_headers", "compression_algorithms", "read_timeout",
        "read_header_timeout", "write_timeout", "idle_timeout"}) {
      if (r.has(key)) {
        r.error(key, "is not supported yet by Tapio's health_check (a plain HTTP endpoint);"
            + " remove it");
      }
    }
    return c;
  }

  @Override
  public Component create(ComponentContext context, HealthCheckConfig config) {
    return new HealthCheck(context, config);
  }
}
