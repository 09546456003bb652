package dev.tapio.plugin.sampling;

import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ValueType;
import java.util.function.Predicate;

/**
 * Samples log records. The decision hashes, in this order of preference, the record's trace id
 * (so a trace's logs share its spans' fate under the same seed), the {@code from_attribute}
 * value, or is random per record. Removes the records not kept in place, then the scope and
 * resource groups left empty; calls {@code next} only when a record is left.
 *
 * <p>Threading: called by its pipeline's thread only. Ownership: changes the data it is given
 * ({@link Capabilities#MUTATES}); read-only data is copied first.
 */
final class LogsSampler implements LogsProcessor {
  static final String DROP_REASON = "sampled_out";
  private static final Predicate<ScopeLogs> EMPTY_SCOPE = s -> s.logRecords().isEmpty();
  private static final Predicate<ResourceLogs> EMPTY_RESOURCE = r -> r.scopeLogs().isEmpty();

  private final ComponentContext context;
  private final Sampler sampler;
  private final String fromAttribute;
  private final LogsConsumer next;
  private final Predicate<LogRecord> sampledOut = r -> !keep(r);

  LogsSampler(ComponentContext context, ProbabilisticSamplerConfig config, LogsConsumer next) {
    this.context = context;
    context.dropped(0, DROP_REASON); // the series exists from the start
    this.sampler = new Sampler(config.samplingPercentage(), config.hashSeed());
    this.fromAttribute = config.fromAttribute();
    this.next = next;
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }

  @Override
  public void consumeLogs(Logs logs) {
    if (sampler.keepsAll()) {
      next.consumeLogs(logs);
      return;
    }
    if (sampler.keepsNone()) {
      context.dropped(logs.logRecordCount(), DROP_REASON);
      return;
    }
    Logs data = logs.isReadOnly() ? logs.copy() : logs;
    int before = data.logRecordCount();
    PList<ResourceLogs> resources = data.resourceLogs();
    for (int i = 0; i < resources.size(); i++) {
      PList<ScopeLogs> scopes = resources.get(i).scopeLogs();
      for (int j = 0; j < scopes.size(); j++) {
        scopes.get(j).logRecords().removeIf(sampledOut);
      }
      scopes.removeIf(EMPTY_SCOPE);
    }
    resources.removeIf(EMPTY_RESOURCE);
    int kept = data.logRecordCount();
    if (kept < before) {
      context.dropped(before - kept, DROP_REASON);
    }
    if (kept > 0) {
      next.consumeLogs(data);
    }
  }

  private boolean keep(LogRecord r) {
    byte[] traceId = r.traceId();
    if (!isZero(traceId)) {
      return sampler.keep(traceId);
    }
    if (!fromAttribute.isEmpty()) {
      Attributes attributes = r.attributes();
      int i = attributes.indexOf(fromAttribute);
      if (i >= 0) {
        return switch (attributes.type(i)) {
          case STRING -> sampler.keep(attributes.stringAt(i));
          case BYTES -> sampler.keep(attributes.valueAt(i).asBytes());
          // Rare: other types are hashed as their text, which allocates.
          default -> sampler.keep(attributes.valueAt(i).toString());
        };
      }
    }
    return sampler.keepRandomly();
  }

  private static boolean isZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
