package dev.tapio.engine.config;

import dev.tapio.engine.config.ConfigNode.Entry;
import dev.tapio.engine.config.ConfigNode.ListNode;
import dev.tapio.engine.config.ConfigNode.MapNode;
import dev.tapio.engine.config.ConfigNode.Scalar;
import dev.tapio.engine.config.ConfigNode.ScalarType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Turns one source's YAML into a {@link ConfigNode} tree. Uses snakeyaml-engine's node level
 * (compose), not its object construction, so that every value keeps its position; duplicate keys
 * are therefore detected here (merge keys, {@code <<}, are flattened by the composer already).
 * The core schema resolves plain scalars
 * like Go's yaml.v3 does for the common cases ({@code true}, {@code 10}, {@code ~}).
 *
 * <p>Hostile text (too long, not text, nested without end, aliases that multiply) is an error
 * with a line and column, found by linear checks before or while parsing, in bounded time and
 * memory: never a StackOverflowError, an OutOfMemoryError or a position-less message. Stateless.
 */
final class YamlParser {

  /** Deeper than any real config; a last stop for runaway structures. */
  private static final int MAX_DEPTH = 64;
  /** What the scan before parsing lets through: above MAX_DEPTH, far below the parser's stack. */
  private static final int SCAN_DEPTH = 100;
  /**
   * The longest source, in chars: snakeyaml's own default limit, which it reports without a
   * position. A configuration is a few kilobytes; 3 MiB parses in a few seconds.
   */
  static final int MAX_CHARS = 3 << 20;
  /**
   * How many values all aliases of a source together may stand for (see {@link AliasBudget}):
   * far above a real configuration's use of anchors (a shared block in each of a few dozen
   * components), far below what strains the heap.
   */
  static final int MAX_ALIAS_VALUES = 100_000;

  private YamlParser() {}

  /**
   * The root map of the source, or null if the source has a syntax error or is not a map (the
   * problem is recorded). An empty source is an empty map.
   */
  static MapNode parse(ConfigSource source, Problems problems) {
    LoadSettings settings = LoadSettings.builder()
        .setLabel(source.name())
        .setSchema(new CoreSchema())
        .setUseMarks(true)
        // Reported by the converter instead, with the key's position.
        .setAllowNonScalarKeys(true)
        // Both checked before parsing or while parsing, with a position; these are last stops.
        .setCodePointLimit(MAX_CHARS)
        .setMaxAliasesForCollections(MAX_ALIAS_VALUES)
        .build();
    ConfigError refused = refusedBeforeParsing(source);
    if (refused != null) {
      problems.error(refused.location(), refused.message());
      return null;
    }
    problems.source(source);
    AliasBudget parser = new AliasBudget(
        new ParserImpl(settings, new StreamReader(settings, source.text())), MAX_ALIAS_VALUES);
    Optional<Node> root;
    try {
      root = new Composer(settings, parser).getSingleNode();
    } catch (AliasBudget.Exceeded e) {
      problems.error(e.mark().map(m -> location(source.name(), m))
          .orElse(Location.of(source.name())), "aliases stand for more than "
          + MAX_ALIAS_VALUES + " values by this one: each *alias repeats all its anchor holds, "
          + "and aliases within anchored values multiply; a Tapio configuration has a few "
          + "hundred values");
      return null;
    } catch (MarkedYamlEngineException e) {
      problems.error(syntaxLocation(source, e), syntaxMessage(source, e));
      return null;
    } catch (YamlEngineException e) {
      // A check of the parser's own without a position: it stopped at the last event read.
      problems.error(parser.lastMark().map(m -> location(source.name(), m))
          .orElse(Location.of(source.name())), "invalid YAML: " + e.getMessage());
      return null;
    } catch (StackOverflowError e) {
      // The scan above should have caught it; a last stop, never a thousand-line stack trace.
      problems.error(Location.of(source.name()), "nesting too deep to parse");
      return null;
    }
    if (root.isEmpty()) {
      return MapNode.empty(new Location(source.name(), 1, 1));
    }
    ConfigNode node = new Converter(source.name(), problems).convert(root.get(), 0);
    if (node instanceof MapNode map) {
      return map;
    }
    if (node instanceof Scalar s && s.isNull()) {
      return MapNode.empty(s.location());
    }
    problems.error(node.location(), "the top level must be a map of sections (receivers, "
        + "processors, exporters, extensions, connectors, service), got " + node.describe());
    return null;
  }

  private static Location syntaxLocation(ConfigSource source, MarkedYamlEngineException e) {
    Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
    return mark.map(m -> location(source.name(), m)).orElse(Location.of(source.name()));
  }

  private static String syntaxMessage(ConfigSource source, MarkedYamlEngineException e) {
    StringBuilder message = new StringBuilder("invalid YAML: ").append(e.getProblem());
    if (e.getContext() != null && e.getContextMark().isPresent()) {
      message.append(" (").append(e.getContext()).append(" at ")
          .append(location(source.name(), e.getContextMark().get())).append(')');
    }
    return message.toString();
  }

  /**
   * The first place, in text order, where the text is refused before it is parsed, or null:
   * nesting too deep for the composer's recursion, a character YAML does not allow (which the
   * parser reports without a position), or text past {@link #MAX_CHARS}. Only the text within
   * the limit is scanned, so a problem found there always comes first.
   */
  private static ConfigError refusedBeforeParsing(ConfigSource source) {
    String text = source.text();
    String scanned = text;
    if (text.length() > MAX_CHARS) {
      // Never cut a surrogate pair: its first half would look unpaired.
      scanned = text.substring(0, Character.isHighSurrogate(text.charAt(MAX_CHARS - 1))
          ? MAX_CHARS - 1 : MAX_CHARS);
    }
    List<ConfigError> found = new ArrayList<>(2);
    int[] tooDeep = DepthScan.firstTooDeep(scanned, SCAN_DEPTH);
    if (tooDeep != null) {
      found.add(new ConfigError(new Location(source.name(), tooDeep[0], tooDeep[1]),
          "nesting deeper than " + SCAN_DEPTH + " levels starts here; a Tapio configuration "
              + "nests a few levels"));
    }
    int unprintable = TextScan.firstUnprintable(scanned);
    if (unprintable >= 0) {
      found.add(new ConfigError(at(source, unprintable), "character "
          + TextScan.describe(text.codePointAt(unprintable)) + " is not allowed in YAML (only "
          + "tab, line breaks and printable Unicode are); is this a text file?"));
    }
    if (found.isEmpty() && text.length() > MAX_CHARS) {
      found.add(new ConfigError(at(source, MAX_CHARS), "the configuration goes on past "
          + MAX_CHARS + " characters here; a Tapio configuration is a few kilobytes"));
    }
    return found.stream().min(Comparator.comparing(ConfigError::location)).orElse(null);
  }

  private static Location at(ConfigSource source, int index) {
    int[] position = TextScan.position(source.text(), index);
    return new Location(source.name(), position[0], position[1]);
  }

  static Location location(String source, Mark mark) {
    return new Location(source, mark.getLine() + 1, mark.getColumn() + 1);
  }

  /** Converts one composed document. Not thread-safe; used once per source. */
  private static final class Converter {

    private final String source;
    private final Problems problems;
    /**
     * The collections on the path from the root to the node being converted. An alias to one of
     * them is a cycle, which would otherwise be expanded exponentially ({@code &x [*x, *x]}).
     */
    private final Set<Node> path = Collections.newSetFromMap(new IdentityHashMap<>());

    Converter(String source, Problems problems) {
      this.source = source;
      this.problems = problems;
    }

    ConfigNode convert(Node node, int depth) {
      Location location = location(node);
      if (depth > MAX_DEPTH) {
        problems.error(location, "nesting deeper than " + MAX_DEPTH + " levels");
        return Scalar.of(location, ScalarType.NULL, "");
      }
      if (node instanceof ScalarNode scalar) {
        return Scalar.of(location, typeOf(scalar.getTag()), scalar.getValue());
      }
      if (!path.add(node)) {
        problems.error(location, "recursive alias: a value refers to itself through an anchor");
        return Scalar.of(location, ScalarType.NULL, "");
      }
      try {
        return convertCollection(node, location, depth);
      } finally {
        path.remove(node);
      }
    }

    private ConfigNode convertCollection(Node node, Location location, int depth) {
      return switch (node) {
        case SequenceNode sequence -> {
          List<ConfigNode> items = new ArrayList<>();
          for (Node item : sequence.getValue()) {
            items.add(convert(item, depth + 1));
          }
          yield new ListNode(location, items);
        }
        case MappingNode mapping -> convertMap(mapping, location, depth);
        default -> throw new IllegalStateException("unexpected YAML node " + node.getNodeType());
      };
    }

    private MapNode convertMap(MappingNode mapping, Location location, int depth) {
      Map<String, Entry> entries = new LinkedHashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        Node keyNode = tuple.getKeyNode();
        Location keyLocation = location(keyNode);
        if (!(keyNode instanceof ScalarNode keyScalar)) {
          problems.error(keyLocation, "a map key must be a plain value, not a map or a list");
          continue;
        }
        ConfigNode value = convert(tuple.getValueNode(), depth + 1);
        String key = keyScalar.getValue();
        Entry first = entries.get(key);
        if (first != null) {
          problems.error(keyLocation,
              "duplicate key '" + key + "'; first defined at " + first.keyLocation());
          continue;
        }
        entries.put(key, new Entry(key, keyLocation, value));
      }
      return new MapNode(location, entries);
    }

    private Location location(Node node) {
      return node.getStartMark()
          .map(mark -> YamlParser.location(source, mark))
          .orElse(Location.of(source));
    }
  }

  static ScalarType typeOf(Tag tag) {
    if (tag.equals(Tag.NULL)) {
      return ScalarType.NULL;
    } else if (tag.equals(Tag.BOOL)) {
      return ScalarType.BOOL;
    } else if (tag.equals(Tag.INT)) {
      return ScalarType.INT;
    } else if (tag.equals(Tag.FLOAT)) {
      return ScalarType.FLOAT;
    }
    // Strings, and tags we give no meaning (!!binary, custom tags, snakeyaml's own ${VAR} tag).
    return ScalarType.STRING;
  }
}
