package dev.tapio.engine.config;

import dev.tapio.component.ComponentId;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentSections.Defined;
import dev.tapio.engine.config.ConfigNode.Entry;
import dev.tapio.engine.config.ConfigNode.ListNode;
import dev.tapio.engine.config.ConfigNode.MapNode;
import dev.tapio.engine.config.ConfigNode.Scalar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the {@code service} section and checks it against the defined components: every id a
 * pipeline or {@code service.extensions} names must be defined, once per list, with a factory
 * that supports the pipeline's signal. Remembers which components are used, for the warnings
 * about unused ones.
 *
 * <p>Not thread-safe; used once per load.
 */
final class ServiceSection {

  private static final String PIPELINE_EXAMPLE =
      "e.g. pipelines: {logs: {receivers: [otlp], exporters: [debug]}}";

  private final Map<Kind, Defined> defined;
  private final Problems problems;
  private final Map<Kind, Set<ComponentId>> used = new EnumMap<>(Kind.class);

  ServiceSection(Map<Kind, Defined> defined, Problems problems) {
    this.defined = defined;
    this.problems = problems;
    for (Kind kind : Kind.values()) {
      used.put(kind, new HashSet<>());
    }
  }

  /** The components of this kind that a pipeline (or service.extensions) names. */
  Set<ComponentId> used(Kind kind) {
    return used.get(kind);
  }

  /** The service, or null when it is missing or not a map (the problem is recorded). */
  ServiceSpec read(SectionReader root) {
    Entry entry = root.entry("service");
    if (entry == null) {
      problems.error(root.location(), "missing 'service' section: it names the pipelines to run, "
          + PIPELINE_EXAMPLE.replace("e.g. pipelines", "e.g. service: {pipelines") + "}");
      return null;
    }
    MapNode map;
    if (entry.value() instanceof MapNode m) {
      map = m;
    } else if (isNull(entry.value())) {
      map = MapNode.empty(entry.keyLocation());
    } else {
      problems.error(entry.keyLocation(), "'service' must be a map, got "
          + entry.value().describe());
      return null;
    }
    SectionReader service = new SectionReader(map, entry.keyLocation(), "service", "", problems);
    List<ComponentId> extensions = extensions(service);
    Map<PipelineId, PipelineSpec> pipelines = pipelines(service);
    TelemetrySpec telemetry = TelemetrySection.read(service.child("telemetry"), problems);
    Duration shutdownTimeout =
        service.duration("shutdown_timeout", ServiceSpec.DEFAULT_SHUTDOWN_TIMEOUT);
    if (shutdownTimeout.isNegative()) {
      service.error("shutdown_timeout", "must not be negative");
      shutdownTimeout = ServiceSpec.DEFAULT_SHUTDOWN_TIMEOUT;
    }
    Duration stuckTimeout = service.duration("stuck_timeout", ServiceSpec.DEFAULT_STUCK_TIMEOUT);
    if (stuckTimeout.isNegative() || stuckTimeout.isZero()) {
      service.error("stuck_timeout", "must be greater than zero");
      stuckTimeout = ServiceSpec.DEFAULT_STUCK_TIMEOUT;
    }
    long memoryBudget = service.bytes("memory_budget", 0);
    if (memoryBudget < 0) {
      service.error("memory_budget", "must not be negative (0: a quarter of the maximum heap)");
      memoryBudget = 0;
    }
    service.reportUnknownKeys();
    return new ServiceSpec(extensions, pipelines, telemetry, shutdownTimeout, stuckTimeout,
        memoryBudget);
  }

  private List<ComponentId> extensions(SectionReader service) {
    Entry entry = service.entry("extensions");
    if (entry == null) {
      return List.of();
    }
    return references(service, entry, "extensions", Kind.EXTENSION, null, "service.extensions");
  }

  private Map<PipelineId, PipelineSpec> pipelines(SectionReader service) {
    Map<PipelineId, PipelineSpec> pipelines = new LinkedHashMap<>();
    Entry entry = service.entry("pipelines");
    if (entry == null || isNull(entry.value())
        || entry.value() instanceof MapNode m && m.entries().isEmpty()) {
      Location at = entry == null ? service.location() : entry.keyLocation();
      problems.error(at, "service has no pipelines; add at least one under service.pipelines, "
          + PIPELINE_EXAMPLE);
      return pipelines;
    }
    if (!(entry.value() instanceof MapNode map)) {
      problems.error(entry.keyLocation(), "service.pipelines must be a map of pipeline ids to "
          + "pipelines, got " + entry.value().describe());
      return pipelines;
    }
    for (Entry pipeline : map.entries().values()) {
      PipelineId id;
      try {
        id = PipelineId.parse(pipeline.key());
      } catch (IllegalArgumentException e) {
        problems.error(pipeline.keyLocation(),
            "invalid pipeline id '" + pipeline.key() + "': " + e.getMessage());
        continue;
      }
      PipelineSpec spec = pipeline(id, pipeline);
      if (spec != null) {
        pipelines.put(id, spec);
      }
    }
    return pipelines;
  }

  private PipelineSpec pipeline(PipelineId id, Entry entry) {
    String name = "pipeline '" + id + "'";
    MapNode map;
    if (entry.value() instanceof MapNode m) {
      map = m;
    } else if (isNull(entry.value())) {
      map = MapNode.empty(entry.keyLocation());
    } else {
      problems.error(entry.value().location(), name + " must be a map with receivers, "
          + "processors and exporters, got " + entry.value().describe());
      return null;
    }
    SectionReader pipeline = new SectionReader(map, entry.keyLocation(), name, "", problems);
    List<ComponentId> receivers = required(pipeline, id, "receivers", Kind.RECEIVER);
    Entry processorsEntry = pipeline.entry("processors");
    List<ComponentId> processors = processorsEntry == null
        ? List.of()
        : references(pipeline, processorsEntry, "processors", Kind.PROCESSOR, id.signal(), name);
    List<ComponentId> exporters = required(pipeline, id, "exporters", Kind.EXPORTER);
    QueueSpec queue = queue(pipeline.child("queue"));
    pipeline.reportUnknownKeys();
    return new PipelineSpec(id, receivers, processors, exporters, queue, entry.keyLocation());
  }

  /** A list a pipeline cannot do without: an absent or empty one is an error. */
  private List<ComponentId> required(
      SectionReader pipeline, PipelineId id, String key, Kind kind) {
    Entry entry = pipeline.entry(key);
    String name = "pipeline '" + id + "'";
    boolean listed = entry != null && entry.value() instanceof ListNode list
        && !list.items().isEmpty();
    if (!listed && (entry == null || isNull(entry.value()) || entry.value() instanceof ListNode)) {
      Location at = entry == null ? pipeline.location() : entry.keyLocation();
      problems.error(at, name + " has no " + key + "; list at least one " + kind.singular()
          + " id defined in " + kind.section());
      return List.of();
    }
    return references(pipeline, entry, key, kind, id.signal(), name);
  }

  /**
   * Reads a list of component ids and checks each one.
   *
   * @param signal the pipeline's signal, or null for service.extensions
   * @param where the list's owner as messages name it
   */
  private List<ComponentId> references(
      SectionReader owner, Entry entry, String key, Kind kind, Signal signal, String where) {
    List<ComponentId> ids = new ArrayList<>();
    if (isNull(entry.value())) {
      return ids;
    }
    if (!(entry.value() instanceof ListNode list)) {
      owner.invalid(key, entry.value(), "expected a list of " + kind.singular() + " ids, got "
          + entry.value().describe());
      return ids;
    }
    Defined components = defined.get(kind);
    Map<ComponentId, Location> seen = new LinkedHashMap<>();
    for (int i = 0; i < list.items().size(); i++) {
      ConfigNode item = list.items().get(i);
      if (!(item instanceof Scalar s) || s.isNull()) {
        owner.invalid(key + "." + i, item, "expected a " + kind.singular() + " id, got "
            + item.describe());
        continue;
      }
      ComponentId id;
      try {
        id = ComponentId.parse(s.value());
      } catch (IllegalArgumentException e) {
        // The parser's message quotes parts of the text, which may be a secret.
        String why = s.fromEnv() ? "" : ": " + e.getMessage();
        problems.error(s.location(), where + " has an invalid " + kind.singular() + " id "
            + s.describe() + why);
        continue;
      }
      String shown = s.fromEnv() ? s.display() : id.toString();
      Location first = seen.putIfAbsent(id, s.location());
      if (first != null) {
        problems.error(s.location(), where + " lists " + kind.singular() + " '" + shown
            + "' twice; first at " + first);
        continue;
      }
      if (!components.declared().containsKey(id)) {
        problems.error(s.location(), where + " references " + kind.singular() + " '" + shown
            + "' which is not defined in " + kind.section() + "; defined: "
            + Suggestions.list(components.declared().keySet().stream()
                .map(ComponentId::toString).toList()));
        continue;
      }
      if (signal != null && components.factories().containsKey(id)
          && !components.signals(id).contains(signal)) {
        problems.error(s.location(), where + " carries " + signal.id() + " but "
            + kind.singular() + " '" + shown + "' does not support " + signal.id()
            + "; it supports: " + Suggestions.list(components.signals(id).stream()
                .sorted().map(Signal::id).collect(Collectors.toList())));
      }
      ids.add(id);
      used.get(kind).add(id);
    }
    return ids;
  }

  private static QueueSpec queue(SectionReader queue) {
    int size = queue.integer("size", QueueSpec.DEFAULT_SIZE);
    QueueSpec.Overflow overflow =
        queue.enumValue("overflow", QueueSpec.Overflow.class, QueueSpec.Overflow.BLOCK);
    Duration blockTimeout = queue.duration("block_timeout", QueueSpec.DEFAULT_BLOCK_TIMEOUT);
    if (size < 0) {
      queue.error("size", "must be 0 (synchronous hand-off) or more");
      size = QueueSpec.DEFAULT_SIZE;
    }
    if (blockTimeout.isNegative()) {
      queue.error("block_timeout", "must not be negative");
      blockTimeout = QueueSpec.DEFAULT_BLOCK_TIMEOUT;
    }
    return new QueueSpec(size, overflow, blockTimeout);
  }

  private static boolean isNull(ConfigNode node) {
    return node instanceof Scalar s && s.isNull();
  }
}
