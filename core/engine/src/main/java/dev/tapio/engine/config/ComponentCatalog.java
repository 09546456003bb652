package dev.tapio.engine.config;

import dev.tapio.component.ComponentFactory;
import dev.tapio.component.Kind;
import java.util.Collection;
import java.util.SortedSet;

/**
 * The component factories the loader may use, by kind and type. The engine's plugin host
 * implements it over the PF4J extensions it found; {@link #of(Collection)} builds one from a plain
 * list (embedding, tests). Implementations must be safe to call from the loading thread while
 * other threads read them.
 */
public interface ComponentCatalog {

  /** The factory for this kind and type (or one of its aliases), or null when there is none. */
  ComponentFactory<?> find(Kind kind, String type);

  /** Every type of this kind, aliases included, for "valid types" lists and suggestions. */
  SortedSet<String> types(Kind kind);

  /**
   * A catalog over these factories, each filed under the kind of the factory interface it
   * implements ({@code ReceiverFactory} -> {@link Kind#RECEIVER}, …).
   *
   * @throws IllegalArgumentException if two factories have the same kind and type, or one
   *     implements none of the kind-specific interfaces
   */
  static ComponentCatalog of(Collection<? extends ComponentFactory<?>> factories) {
    return new FactoryCatalog(factories);
  }
}
