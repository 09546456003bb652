package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every key of the Collector's version of a component Tapio also has (resources {@code
 * collector/keys/<type>.txt}, read from the Collector's config structs) is either read by
 * Tapio's component or refused with "is not supported yet" and a reason — never "unknown key".
 * The keys refused are listed in {@code collector/not-supported.txt} (and the plugins'
 * READMEs): the test fails when one appears or goes, so the list is always the truth.
 *
 * <p>One configuration holds every key of every component with the value {@code x}; {@code
 * tapio validate} reports all problems at once, and each key is classified by what is said
 * about it or the nearest section above it.
 */
class CollectorKeysTest {
  /** Collector type → where it goes in a configuration. */
  private static final Map<String, String> KINDS = new LinkedHashMap<>();

  static {
    for (String t : List.of("otlp", "k8s_events")) {
      KINDS.put(t, "receivers");
    }
    for (String t : List.of("batch", "memory_limiter", "attributes", "filter", "k8sattributes",
        "probabilistic_sampler", "resource", "resourcedetection", "transform")) {
      KINDS.put(t, "processors");
    }
    for (String t : List.of("debug", "otlp_grpc", "otlp_http", "file")) {
      KINDS.put(t, "exporters");
    }
    for (String t : List.of("health_check", "zpages", "pprof", "file_storage",
        "bearertokenauth")) {
      KINDS.put(t, "extensions");
    }
  }

  private static final Pattern UNKNOWN =
      Pattern.compile("unknown key '([^']+)' for [a-z]+ '([^']+)'");
  private static final Pattern SAID =
      Pattern.compile("[a-z]+ '([^']+)', key '([^']+)': (.*)");

  @Test
  void everyCollectorKeyIsReadOrRefusedAsNotSupportedYet(@TempDir Path dir) throws Exception {
    StringBuilder yaml = new StringBuilder();
    Map<String, List<String>> keysByType = new LinkedHashMap<>();
    for (String section : List.of("receivers", "processors", "exporters", "extensions")) {
      yaml.append(section).append(":\n");
      for (var e : KINDS.entrySet()) {
        if (e.getValue().equals(section)) {
          List<String> keys = keys(e.getKey());
          keysByType.put(e.getKey(), keys);
          yaml.append("  ").append(e.getKey()).append(":\n");
          write(tree(keys), yaml, 4);
        }
      }
    }
    yaml.append("service:\n  pipelines:\n    logs: {receivers: [otlp], exporters: [debug]}\n");
    Path config = dir.resolve("collector-keys.yaml");
    Files.writeString(config, yaml);
    Process p = new ProcessBuilder(Dist.home().resolve("bin/tapio").toString(), "validate",
        "--config", config.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();

    Map<String, String> unknown = new LinkedHashMap<>();
    TreeSet<String> notSupported = new TreeSet<>();
    for (String line : out.split("\n")) {
      Matcher u = UNKNOWN.matcher(line);
      if (u.find()) {
        unknown.put(u.group(2) + " " + brackets(u.group(1)), line.strip());
        continue;
      }
      Matcher s = SAID.matcher(line);
      if (s.find() && s.group(3).startsWith("is not supported yet")) {
        notSupported.add(s.group(1) + " " + brackets(s.group(2)));
      }
    }
    assertEquals(Map.of(), unknown, "Collector keys reported as unknown: support them or list"
        + " them in the factory's unsupportedKeys()");

    // Every Collector key was looked at: present in the configuration, so read or refused.
    int keys = keysByType.values().stream().mapToInt(List::size).sum();
    assertTrue(keys > 700, "key lists read: " + keys);
    String listed;
    try (InputStream in = resource("/collector/not-supported.txt")) {
      listed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> expected = listed.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
        .toList();
    Path actual = Path.of("target", "collector-not-supported.txt");
    Files.writeString(actual, String.join("\n", notSupported) + "\n");
    TreeSet<String> added = new TreeSet<>(notSupported);
    added.removeAll(expected);
    TreeSet<String> gone = new TreeSet<>(expected);
    gone.removeAll(notSupported);
    assertEquals("", (added.isEmpty() ? "" : "now refused: " + added + "\n")
        + (gone.isEmpty() ? "" : "no longer refused: " + gone + "\n"), "the Collector keys"
        + " Tapio refuses as not supported yet changed: update"
        + " src/test/resources/collector/not-supported.txt (the actual list is in "
        + actual.toAbsolutePath() + ") and the plugins' READMEs");
  }

  private static InputStream resource(String name) {
    return CollectorKeysTest.class.getResourceAsStream(name);
  }

  /** The keys of a Collector component: one per line, {@code #} comments and marks dropped. */
  private static List<String> keys(String type) throws IOException {
    try (InputStream in = resource("/collector/keys/" + type + ".txt")) {
      List<String> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String key = line.replaceAll("#.*", "").strip();
        if (!key.isEmpty()) {
          out.add(key);
        }
      }
      return out;
    }
  }

  /** {@code actions.0.key} as {@code actions[].key}, as the key lists write list items. */
  private static String brackets(String key) {
    return key.replaceAll("\\.(\\d+)(?=\\.|$)", "[]");
  }

  /** Nested maps: a key with keys below it is a map; {@code key[]} a list of one map. */
  private static Map<String, Object> tree(List<String> keys) {
    Map<String, Object> root = new LinkedHashMap<>();
    for (String key : keys) {
      Map<String, Object> node = root;
      String[] parts = key.split("\\.");
      for (int i = 0; i < parts.length; i++) {
        boolean list = parts[i].endsWith("[]");
        String name = list ? parts[i].substring(0, parts[i].length() - 2) : parts[i];
        boolean last = i == parts.length - 1;
        if (list) {
          node = childMap(node, name, true);
        } else if (last) {
          node.putIfAbsent(name, null);
        } else {
          node = childMap(node, name, false);
        }
      }
    }
    return root;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> childMap(Map<String, Object> node, String name,
      boolean list) {
    Object child = node.get(name);
    if (list) {
      if (!(child instanceof List<?>)) {
        child = new ArrayList<>(List.of(new LinkedHashMap<String, Object>()));
        node.put(name, child);
      }
      return (Map<String, Object>) ((List<Object>) child).getFirst();
    }
    if (!(child instanceof Map<?, ?>)) {
      child = new LinkedHashMap<String, Object>();
      node.put(name, child);
    }
    return (Map<String, Object>) child;
  }

  @SuppressWarnings("unchecked")
  private static void write(Map<String, Object> node, StringBuilder out, int indent) {
    String pad = " ".repeat(indent);
    for (var e : node.entrySet()) {
      switch (e.getValue()) {
        case null -> out.append(pad).append(e.getKey()).append(": x\n");
        case Map<?, ?> m -> {
          out.append(pad).append(e.getKey()).append(":\n");
          write((Map<String, Object>) m, out, indent + 2);
        }
        case List<?> l -> {
          out.append(pad).append(e.getKey()).append(":\n").append(pad).append("  -\n");
          write((Map<String, Object>) l.getFirst(), out, indent + 4);
        }
        default -> throw new IllegalStateException();
      }
    }
  }
}
