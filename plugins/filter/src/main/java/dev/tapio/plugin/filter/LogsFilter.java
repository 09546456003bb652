package dev.tapio.plugin.filter;

import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.ottl.ErrorPolicy;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.TransformContext;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ValueType;
import dev.tapio.plugin.filter.FilterConfig.Condition;
import dev.tapio.plugin.filter.FilterConfig.LogFilter;
import dev.tapio.plugin.filter.FilterConfig.Target;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;

/**
 * Drops log records by the OTTL conditions of {@code logs.resource} and {@code logs.log_record}
 * and by Tapio's shorthand {@link LogFilter}. Resource conditions are evaluated once per resource
 * group, record conditions once per record; regexes are compiled once at configuration and
 * matched with one reusable {@link Matcher} per condition; OTTL conditions are compiled once per
 * instance and read the record through one reused {@link TransformContext}. Removes the dropped
 * records in place, then the groups left empty; calls {@code next} only when a record is left.
 *
 * <p>Threading: called by its pipeline's thread only (the matchers and the per-resource state
 * are not thread-safe). Ownership: changes the data it is given ({@link Capabilities#MUTATES});
 * read-only data is copied first.
 */
final class LogsFilter implements LogsProcessor {
  static final String DROP_REASON = "filtered";
  /** The Collector's counter (otelcol_processor_filter_logs.filtered), as Prometheus names it. */
  static final String FILTERED_COUNTER = "otelcol_processor_filter_logs_filtered";
  private static final Predicate<ScopeLogs> EMPTY_SCOPE = s -> s.logRecords().isEmpty();
  private static final Predicate<ResourceLogs> EMPTY_RESOURCE = r -> r.scopeLogs().isEmpty();

  private final ComponentContext context;
  private final LogsConsumer next;
  private final boolean passAll;
  private final int minSeverity;
  private final boolean hasInclude;
  private final Compiled[] excludeResource;
  private final Compiled[] includeResource;
  private final Compiled[] excludeRecord;
  private final Compiled[] includeRecord;
  private final Predicate<LogRecord> dropped = this::drop;
  private final OttlMatch ottlResource;
  private final OttlMatch ottlRecord;
  private final TransformContext tc = new TransformContext();
  private final ComponentContext.Counter filtered;
  // Per resource group, read by drop(): whether records still have to match an include.
  private boolean mustMatchInclude;

  LogsFilter(ComponentContext context, FilterConfig config, LogsConsumer next) {
    this.context = context;
    context.dropped(0, DROP_REASON); // the series exists from the start
    this.filtered = context.counter(FILTERED_COUNTER,
        "Number of logs dropped by the filter processor");
    this.next = next;
    LogFilter filter = config.logs();
    ErrorPolicy errors = new ErrorPolicy(config.errorMode(), context.logger());
    this.ottlResource = new OttlMatch(config.ottl().logResource(), OttlContext.RESOURCE, errors);
    this.ottlRecord = new OttlMatch(config.ottl().logRecord(), OttlContext.LOG, errors);
    this.passAll = filter.isEmpty() && !config.ottl().hasLogs();
    this.minSeverity = filter.minSeverity().number();
    this.hasInclude = !filter.include().isEmpty();
    this.excludeResource = compile(filter.exclude(), true);
    this.includeResource = compile(filter.include(), true);
    this.excludeRecord = compile(filter.exclude(), false);
    this.includeRecord = compile(filter.include(), false);
  }

  private static Compiled[] compile(List<Condition> conditions, boolean resource) {
    return conditions.stream()
        .filter(c -> (c.target() == Target.RESOURCE_ATTRIBUTE) == resource)
        .map(Compiled::new)
        .toArray(Compiled[]::new);
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }

  @Override
  public void consumeLogs(Logs logs) {
    if (passAll) {
      next.consumeLogs(logs);
      return;
    }
    Logs data = logs.isReadOnly() ? logs.copy() : logs;
    int before = data.logRecordCount();
    PList<ResourceLogs> resources = data.resourceLogs();
    for (int i = 0; i < resources.size(); i++) {
      ResourceLogs rl = resources.get(i);
      PList<ScopeLogs> scopes = rl.scopeLogs();
      Attributes resource = rl.resource().attributes();
      tc.resource(rl.resource());
      if (anyMatches(excludeResource, resource) || ottlResource.any(tc)) {
        scopes.clear();
        continue;
      }
      mustMatchInclude = hasInclude && !anyMatches(includeResource, resource);
      for (int j = 0; j < scopes.size(); j++) {
        ScopeLogs scope = scopes.get(j);
        tc.scope(scope.scope());
        scope.logRecords().removeIf(dropped);
      }
      scopes.removeIf(EMPTY_SCOPE);
    }
    resources.removeIf(EMPTY_RESOURCE);
    int kept = data.logRecordCount();
    if (kept < before) {
      context.dropped(before - kept, DROP_REASON);
      filtered.add(before - kept);
    }
    if (kept > 0) {
      next.consumeLogs(data);
    }
  }

  private boolean drop(LogRecord r) {
    if (r.severity().number() < minSeverity) {
      return true;
    }
    if (!ottlRecord.isEmpty() && ottlRecord.any(tc.log(r))) {
      return true;
    }
    for (Compiled c : excludeRecord) {
      if (c.matches(r)) {
        return true;
      }
    }
    if (!mustMatchInclude) {
      return false;
    }
    for (Compiled c : includeRecord) {
      if (c.matches(r)) {
        return false;
      }
    }
    return true;
  }

  private static boolean anyMatches(Compiled[] conditions, Attributes attributes) {
    for (Compiled c : conditions) {
      if (c.matches(attributes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A condition ready to evaluate. The text of {@code equals} is also parsed as a number and a
   * boolean, so that typed attributes compare without being rendered as text. Not thread-safe:
   * the matcher is reused.
   */
  private static final class Compiled {
    private final Target target;
    private final String key;
    private final String equals;
    private final Matcher matcher;
    private final boolean isLong;
    private final long longValue;
    private final boolean isDouble;
    private final double doubleValue;
    private final boolean isBool;
    private final boolean boolValue;

    Compiled(Condition c) {
      target = c.target();
      key = c.key();
      equals = c.equals();
      matcher = c.regex() == null ? null : c.regex().matcher("");
      Long l = equals == null ? null : parseLong(equals);
      isLong = l != null;
      longValue = isLong ? l : 0;
      Double d = equals == null ? null : parseDouble(equals);
      isDouble = d != null;
      doubleValue = isDouble ? d : 0;
      isBool = "true".equals(equals) || "false".equals(equals);
      boolValue = "true".equals(equals);
    }

    private static Long parseLong(String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private static Double parseDouble(String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }

    boolean matches(LogRecord r) {
      return switch (target) {
        case ATTRIBUTE -> matches(r.attributes());
        case EVENT_NAME -> equals.equals(r.eventName());
        case BODY -> find(bodyText(r));
        case RESOURCE_ATTRIBUTE -> throw new IllegalStateException("evaluated per resource");
      };
    }

    private static String bodyText(LogRecord r) {
      String s = r.bodyString();
      // Rare: a structured body is matched as its text, which allocates.
      return s != null ? s : r.body().toString();
    }

    boolean matches(Attributes attributes) {
      int i = attributes.indexOf(key);
      if (i < 0) {
        return false;
      }
      ValueType type = attributes.type(i);
      if (matcher != null) {
        return find(type == ValueType.STRING ? attributes.stringAt(i)
            : attributes.valueAt(i).toString());
      }
      return switch (type) {
        case STRING -> equals.equals(attributes.stringAt(i));
        case LONG -> isLong && attributes.longAt(i) == longValue;
        case DOUBLE -> isDouble && attributes.doubleAt(i) == doubleValue;
        case BOOL -> isBool && attributes.boolAt(i) == boolValue;
        default -> equals.equals(attributes.valueAt(i).toString());
      };
    }

    private boolean find(String text) {
      return matcher.reset(text).find();
    }
  }
}
