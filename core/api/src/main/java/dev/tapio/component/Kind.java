package dev.tapio.component;

/** The kinds of component a configuration can name, as in the Collector. */
public enum Kind {
  RECEIVER("receivers"),
  PROCESSOR("processors"),
  EXPORTER("exporters"),
  EXTENSION("extensions"),
  CONNECTOR("connectors");

  private final String section;

  Kind(String section) {
    this.section = section;
  }

  /** The top-level configuration section that holds components of this kind. */
  public String section() {
    return section;
  }

  public String singular() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
