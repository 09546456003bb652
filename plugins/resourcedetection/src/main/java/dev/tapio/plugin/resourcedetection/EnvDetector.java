package dev.tapio.plugin.resourcedetection;

import dev.tapio.pdata.AnyValue;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code env} detector: the resource attributes in {@code OTEL_RESOURCE_ATTRIBUTES}, or in
 * the Collector's deprecated {@code OTEL_RESOURCE} when that is unset.
 *
 * <p>The format is the specification's: {@code key=value} entries separated by commas, white
 * space around keys and values ignored, values percent-decoded as UTF-8 ({@code %2C} is a comma;
 * a {@code +} stays a plus, unlike the Collector's form decoding). Empty entries (a trailing
 * comma) are skipped; a later entry for a key replaces an earlier one. Anything else malformed
 * fails detection naming the entry, as the Collector fails start: the specification says to
 * discard the whole value, and attributes silently missing from every resource are worse than a
 * start that says why.
 */
final class EnvDetector implements Detector {
  static final String VARIABLE = "OTEL_RESOURCE_ATTRIBUTES";
  static final String DEPRECATED_VARIABLE = "OTEL_RESOURCE";

  private final HostView host;

  EnvDetector(HostView host) {
    this.host = host;
  }

  @Override
  public Detected detect(long deadlineNanos) throws DetectionException {
    String variable = VARIABLE;
    String text = host.variable(variable);
    if (text == null) {
      variable = DEPRECATED_VARIABLE;
      text = host.variable(variable);
      if (text == null) {
        return Detected.NOTHING;
      }
    }
    Map<String, AnyValue> attributes = new LinkedHashMap<>();
    parse(variable, text).forEach((k, v) -> attributes.put(k, AnyValue.of(v)));
    return new Detected(attributes, "");
  }

  /**
   * The entries of {@code text}, in order.
   *
   * @param variable the variable's name, for messages
   * @throws DetectionException naming the first malformed entry by position and text
   */
  static Map<String, String> parse(String variable, String text) throws DetectionException {
    Map<String, String> out = new LinkedHashMap<>();
    String[] entries = text.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw malformed(variable, i, entry, "has no '='");
      }
      String key = entry.substring(0, eq).strip();
      if (key.isEmpty()) {
        throw malformed(variable, i, entry, "has no key before '='");
      }
      String value = entry.substring(eq + 1).strip();
      try {
        out.put(key, percentDecode(value));
      } catch (IllegalArgumentException e) {
        throw malformed(variable, i, entry, e.getMessage());
      }
    }
    return out;
  }

  private static DetectionException malformed(String variable, int index, String entry,
      String problem) {
    return new DetectionException(variable + " entry " + (index + 1) + " '" + entry + "' "
        + problem + "; expected key=value entries separated by commas, values percent-encoded"
        + " (e.g. service.name=cart,team=a%2Cb); fix or unset the variable, or remove env from"
        + " detectors");
  }

  /**
   * Decodes {@code %XX} escapes, the bytes taken as UTF-8.
   *
   * @throws IllegalArgumentException saying what is wrong, for the entry's message
   */
  static String percentDecode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '%') {
        // Characters written as themselves, non-ASCII included, go in as their UTF-8 bytes.
        int end = Character.isHighSurrogate(c) && i + 1 < value.length() ? i + 2 : i + 1;
        bytes.writeBytes(value.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end - 1;
        continue;
      }
      int high = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
      int low = high >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
      if (low < 0) {
        throw new IllegalArgumentException("has a '%' at value position " + i
            + " not followed by two hex digits (write a literal % as %25)");
      }
      bytes.write(high << 4 | low);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("has a value whose percent-decoded bytes are not UTF-8");
    }
  }
}
