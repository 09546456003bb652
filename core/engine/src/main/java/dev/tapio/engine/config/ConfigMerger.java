package dev.tapio.engine.config;

import dev.tapio.engine.config.ConfigNode.Entry;
import dev.tapio.engine.config.ConfigNode.MapNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep-merges the sources in order, as the Collector merges several {@code --config} files: maps
 * merge key by key, anything else (lists, scalars, null) from a later source replaces the earlier
 * value. Each value keeps the location of the source it came from; a merged map keeps the
 * location where it was first written. Stateless.
 */
final class ConfigMerger {

  private ConfigMerger() {}

  static MapNode merge(List<MapNode> roots) {
    MapNode result = roots.getFirst();
    for (MapNode overlay : roots.subList(1, roots.size())) {
      result = merge(result, overlay);
    }
    return result;
  }

  static MapNode merge(MapNode base, MapNode overlay) {
    Map<String, Entry> entries = new LinkedHashMap<>(base.entries());
    for (Entry entry : overlay.entries().values()) {
      Entry previous = entries.get(entry.key());
      if (previous != null
          && previous.value() instanceof MapNode baseMap
          && entry.value() instanceof MapNode overlayMap) {
        entries.put(entry.key(),
            new Entry(entry.key(), previous.keyLocation(), merge(baseMap, overlayMap)));
      } else {
        entries.put(entry.key(), entry);
      }
    }
    return new MapNode(base.location(), entries);
  }
}
