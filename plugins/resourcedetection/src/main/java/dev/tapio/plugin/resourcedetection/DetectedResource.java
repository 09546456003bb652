package dev.tapio.plugin.resourcedetection;

import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceEntry;
import java.util.Map;

/**
 * The attributes detected at start, merged over the detectors, and their application to each
 * resource of a batch. Immutable and thread-safe: the pipelines of every signal share one.
 */
final class DetectedResource {
  private final String[] keys;
  private final AnyValue[] values;
  private final String schemaUrl;

  /**
   * @param attributes in the order they are put on a resource
   * @param schemaUrl given to resources without one; empty for none
   */
  DetectedResource(Map<String, AnyValue> attributes, String schemaUrl) {
    this.keys = attributes.keySet().toArray(String[]::new);
    this.values = attributes.values().toArray(AnyValue[]::new);
    this.schemaUrl = schemaUrl;
  }

  boolean isEmpty() {
    return keys.length == 0;
  }

  /**
   * Puts the detected attributes on every resource: replacing the resource's own values for the
   * same keys when {@code override}, else only where the key is absent. A resource without a
   * schema URL gets the detectors' one, as the Collector does. Allocates nothing beyond what the
   * attribute lists need to grow; the values are immutable and shared.
   */
  void applyTo(PList<? extends ResourceEntry<?>> resources, boolean override) {
    for (int r = 0; r < resources.size(); r++) {
      ResourceEntry<?> entry = resources.get(r);
      Attributes attributes = entry.resource().attributes();
      for (int i = 0; i < keys.length; i++) {
        if (override || !attributes.contains(keys[i])) {
          attributes.put(keys[i], values[i]);
        }
      }
      if (!schemaUrl.isEmpty() && entry.schemaUrl().isEmpty()) {
        entry.setSchemaUrl(schemaUrl);
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      s.append(i == 0 ? "" : ", ").append(keys[i]).append('=').append(values[i]);
    }
    return s.append('}').toString();
  }
}
