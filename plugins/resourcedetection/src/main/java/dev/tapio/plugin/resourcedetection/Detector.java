package dev.tapio.plugin.resourcedetection;

import dev.tapio.pdata.AnyValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds attributes of what the process runs on. A detector runs once, when its processor starts,
 * on the engine's lifecycle thread; it is not thread-safe and not reused.
 */
interface Detector {

  /**
   * Detects. What is missing but not wrong (a file an older host lacks, a variable set only in
   * Kubernetes) is logged and left out; what the detector cannot work without is thrown.
   *
   * @param deadlineNanos the {@link System#nanoTime()} by which network lookups must have
   *     answered; local reads are not bounded
   * @throws DetectionException saying what failed and what to check
   */
  Detected detect(long deadlineNanos) throws DetectionException;

  /**
   * What a detector found.
   *
   * @param attributes resource attributes in the order the detector sets them
   * @param schemaUrl the semantic conventions' schema they follow, or empty
   */
  record Detected(Map<String, AnyValue> attributes, String schemaUrl) {
    static final Detected NOTHING = new Detected(Map.of(), "");

    public Detected {
      attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
  }
}
