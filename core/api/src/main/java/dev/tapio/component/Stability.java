package dev.tapio.component;

/** How far a component is along, with the Collector's levels. */
public enum Stability {
  DEVELOPMENT,
  ALPHA,
  BETA,
  STABLE,
  DEPRECATED,
  UNMAINTAINED;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
