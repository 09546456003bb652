package dev.tapio.component;

import dev.tapio.config.ComponentConfig;

/** Creates extensions: components outside the data path (health, auth, storage). */
public interface ExtensionFactory<C extends ComponentConfig> extends ComponentFactory<C> {

  Component create(ComponentContext context, C config);
}
