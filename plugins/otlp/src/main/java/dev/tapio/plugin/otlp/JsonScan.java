package dev.tapio.plugin.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@link ProtoScan}'s counterpart for OTLP/JSON answers: {@code google.rpc.Status.message} and
 * the {@code partialSuccess} of an export response, read with jackson-core's streaming parser.
 * Lenient: a body that does not parse gives the fallback. Stateless and thread-safe.
 */
final class JsonScan {
  private JsonScan() {}

  private static final JsonFactory FACTORY = new JsonFactory();

  /** The top-level {@code message}, or the body as text (shortened). */
  static String statusMessage(byte[] body) {
    String[] found = {null};
    scan(body, (parser, path) -> {
      if (path.equals("message")) {
        found[0] = parser.getValueAsString();
      }
    });
    if (found[0] != null) {
      return found[0];
    }
    String text = new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8);
    return text.isBlank() ? "(empty body)" : text;
  }

  /** {@code partialSuccess.rejected*} (any signal's), 0 when absent or unreadable. */
  static long rejectedCount(byte[] body) {
    long[] found = {0};
    scan(body, (parser, path) -> {
      if (path.startsWith("partialSuccess.rejected") || path.startsWith("partial_success.rejected")) {
        try {
          found[0] = Long.parseLong(parser.getValueAsString("0").trim());
        } catch (NumberFormatException e) {
          found[0] = 0;
        }
      }
    });
    return Math.max(0, found[0]);
  }

  /** {@code partialSuccess.errorMessage}, or "". */
  static String partialSuccessMessage(byte[] body) {
    String[] found = {""};
    scan(body, (parser, path) -> {
      if (path.equals("partialSuccess.errorMessage")
          || path.equals("partial_success.error_message")) {
        found[0] = parser.getValueAsString("");
      }
    });
    return found[0];
  }

  private interface Visitor {
    /** Called at each scalar value of the top two object levels, with its dotted key path. */
    void value(JsonParser parser, String path) throws IOException;
  }

  private static void scan(byte[] body, Visitor visitor) {
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return;
      }
      String outer = null;
      int depth = 1;
      JsonToken t;
      while ((t = p.nextToken()) != null && depth > 0) {
        switch (t) {
          case START_OBJECT, START_ARRAY -> {
            depth++;
            if (depth > 2 || t == JsonToken.START_ARRAY) {
              p.skipChildren();
              depth--;
            }
          }
          case END_OBJECT, END_ARRAY -> {
            depth--;
            outer = depth == 1 ? null : outer;
          }
          case FIELD_NAME -> {
            if (depth == 1) {
              outer = p.currentName();
            }
          }
          default -> {
            String name = p.currentName();
            if (name != null) {
              visitor.value(p, depth == 1 ? name : outer + "." + name);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Lenient by contract: what was found before the damage stands.
    }
  }
}
