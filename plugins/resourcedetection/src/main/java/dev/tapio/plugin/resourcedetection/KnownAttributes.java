package dev.tapio.plugin.resourcedetection;

import dev.tapio.config.ConfigReader;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The resource attributes one detector has in the Collector, each with whether it is on by
 * default there and whether Tapio sets it, and the reading of that detector's
 * {@code resource_attributes} section ({@code host.id: {enabled: true}}). Knowing the
 * Collector's full list lets a Collector configuration that names an attribute Tapio does not
 * set load with a warning, where a misspelt name is an unknown key. Immutable.
 */
final class KnownAttributes {

  /**
   * One attribute.
   *
   * @param unsupported null when Tapio sets the attribute, else why it does not
   */
  record Spec(String name, boolean enabledByDefault, String unsupported) {
    static Spec set(String name, boolean enabledByDefault) {
      return new Spec(name, enabledByDefault, null);
    }

    static Spec notSet(String name, boolean enabledByDefault, String why) {
      return new Spec(name, enabledByDefault, why);
    }
  }

  private final String detector;
  private final List<Spec> specs;

  KnownAttributes(String detector, List<Spec> specs) {
    this.detector = detector;
    this.specs = List.copyOf(specs);
  }

  /** The attributes Tapio sets when the section does not mention them. */
  Set<String> defaults() {
    Set<String> on = new LinkedHashSet<>();
    for (Spec s : specs) {
      if (s.enabledByDefault() && s.unsupported() == null) {
        on.add(s.name());
      }
    }
    return on;
  }

  /**
   * The attributes to set, read from {@code resource_attributes} of the detector's section.
   * Enabling one Tapio does not set is a warning; a name not in the list an unknown key.
   */
  Set<String> read(ConfigReader detectorSection) {
    ConfigReader section = detectorSection.section("resource_attributes");
    Set<String> on = defaults();
    for (Spec s : specs) {
      // has() also marks the name as known, so a misspelt one gets it as a suggestion.
      if (!section.has(s.name())) {
        continue;
      }
      boolean enabled = section.section(s.name()).bool("enabled", s.enabledByDefault());
      if (s.unsupported() != null) {
        if (enabled) {
          section.warning(s.name(), "Tapio's " + detector + " detector does not set "
              + s.name() + " (" + s.unsupported() + "); the attribute is left out");
        }
      } else if (enabled) {
        on.add(s.name());
      } else {
        on.remove(s.name());
      }
    }
    return on;
  }
}
