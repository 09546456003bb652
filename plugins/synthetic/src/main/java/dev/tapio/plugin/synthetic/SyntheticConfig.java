package dev.tapio.plugin.synthetic;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import dev.tapio.pdata.Severity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configuration of the {@code synthetic} receiver; see the package documentation for the keys.
 *
 * @param rate records per second; 0 generates as fast as the pipeline accepts
 * @param count records to generate before stopping; 0 means no limit
 * @param batchSize records per {@code Logs} handed to the pipeline
 * @param bodySize characters of body text (ASCII, so also bytes)
 * @param attributeCount attributes {@code attr.0…} on each record, besides {@code synthetic.seq}
 * @param eventName the event name of each record
 * @param severity the severity of each record
 * @param resourceAttributes the attributes of the one resource, in order
 */
public record SyntheticConfig(
    double rate,
    long count,
    int batchSize,
    int bodySize,
    int attributeCount,
    String eventName,
    Severity severity,
    Map<String, String> resourceAttributes)
    implements ComponentConfig {

  static final int MAX_BODY_SIZE = 16 << 20;
  static final int MAX_ATTRIBUTE_COUNT = 1024;

  static final SyntheticConfig DEFAULT = new SyntheticConfig(
      100, 0, 100, 64, 4, "synthetic.record", Severity.INFO,
      Map.of("service.name", "tapio-synthetic"));

  public SyntheticConfig {
    eventName = eventName == null ? "" : eventName;
    severity = severity == null ? Severity.INFO : severity;
    resourceAttributes = resourceAttributes == null ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(resourceAttributes));
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      problems.error("rate", "must be a finite number of records per second, >= 0 (0 = unlimited)");
    }
    if (count < 0) {
      problems.error("count", "must be >= 0 (0 = unlimited)");
    }
    if (batchSize < 1) {
      problems.error("batch_size", "must be at least 1");
    }
    if (bodySize < 0 || bodySize > MAX_BODY_SIZE) {
      problems.error("body_size", "must be between 0 and 16MiB");
    }
    if (attributeCount < 0 || attributeCount > MAX_ATTRIBUTE_COUNT) {
      problems.error("attribute_count", "must be between 0 and " + MAX_ATTRIBUTE_COUNT);
    }
  }
}
