package dev.tapio.plugin.bearertokenauth;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import java.util.Map;
import org.pf4j.Extension;

/** The {@code bearertokenauth} extension: a static bearer token, checked or sent. */
@Extension
public final class BearerTokenAuthFactory implements ExtensionFactory<BearerTokenAuthConfig> {

  public BearerTokenAuthFactory() {}

  @Override
  public String type() {
    return "bearertokenauth";
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return Map.of("tokens", "one token is checked and sent; to rotate it without a restart, use"
        + " filename, which is re-read when it changes");
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Checks (receivers) or sends (exporters) a bearer token in the Authorization header.";
  }

  @Override
  public BearerTokenAuthConfig createDefaultConfig() {
    return BearerTokenAuthConfig.DEFAULT;
  }

  @Override
  public BearerTokenAuthConfig readConfig(ConfigReader r) {
    BearerTokenAuthConfig d = BearerTokenAuthConfig.DEFAULT;
    return new BearerTokenAuthConfig(r.string("token", d.token()),
        r.string("filename", d.filename()), r.string("scheme", d.scheme()),
        r.string("header", d.header()));
  }

  @Override
  public Component create(ComponentContext context, BearerTokenAuthConfig config) {
    return new BearerTokenAuth(context, config);
  }
}
