package dev.tapio.ottl;

import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ValueType;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer for {@code ParseJSON} and for rendering maps as text. Objects
 * become map AnyValues, arrays array AnyValues, every number a double (as in the Collector, whose
 * JSON decoding gives float64; integers and floats compare as numbers in OTTL anyway), nesting
 * bounded to {@link #MAX_DEPTH}.
 */
final class Json {
  static final int MAX_DEPTH = 128;

  private final String s;
  private int pos;

  private Json(String s) {
    this.s = s;
  }

  static AnyValue parse(String text) {
    Json j = new Json(text);
    j.ws();
    AnyValue v = j.value(0);
    j.ws();
    if (j.pos != text.length()) {
      throw j.fail("trailing characters");
    }
    return v;
  }

  private OttlRuntimeException fail(String why) {
    return new OttlRuntimeException("ParseJSON: not JSON (" + why + " at offset " + pos + ")");
  }

  private void ws() {
    while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private AnyValue value(int depth) {
    if (depth > MAX_DEPTH) {
      throw fail("nested too deep");
    }
    if (pos >= s.length()) {
      throw fail("unexpected end");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{' -> {
        pos++;
        Map<String, AnyValue> m = new LinkedHashMap<>();
        ws();
        if (peek() == '}') {
          pos++;
          return AnyValue.ofMap(m);
        }
        while (true) {
          ws();
          if (peek() != '"') {
            throw fail("expected a string key");
          }
          String k = string();
          ws();
          if (peek() != ':') {
            throw fail("expected ':'");
          }
          pos++;
          ws();
          m.put(k, value(depth + 1));
          ws();
          char n = peek();
          pos++;
          if (n == '}') {
            return AnyValue.ofMap(m);
          }
          if (n != ',') {
            throw fail("expected ',' or '}'");
          }
        }
      }
      case '[' -> {
        pos++;
        List<AnyValue> items = new ArrayList<>();
        ws();
        if (peek() == ']') {
          pos++;
          return AnyValue.ofArray(items);
        }
        while (true) {
          ws();
          items.add(value(depth + 1));
          ws();
          char n = peek();
          pos++;
          if (n == ']') {
            return AnyValue.ofArray(items);
          }
          if (n != ',') {
            throw fail("expected ',' or ']'");
          }
        }
      }
      case '"' -> {
        return AnyValue.of(string());
      }
      default -> {
        if (s.startsWith("true", pos)) {
          pos += 4;
          return AnyValue.of(true);
        }
        if (s.startsWith("false", pos)) {
          pos += 5;
          return AnyValue.of(false);
        }
        if (s.startsWith("null", pos)) {
          pos += 4;
          return AnyValue.EMPTY;
        }
        return number();
      }
    }
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private AnyValue number() {
    int start = pos;
    while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
      pos++;
    }
    String n = s.substring(start, pos);
    if (n.isEmpty()) {
      throw fail("unexpected character");
    }
    try {
      return AnyValue.of(Double.parseDouble(n));
    } catch (NumberFormatException e) {
      pos = start;
      throw fail("bad number");
    }
  }

  private String string() {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw fail("string not closed");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = pos < s.length() ? s.charAt(pos++) : '\0';
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 4 > s.length()) {
            throw fail("bad \\u escape");
          }
          try {
            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw fail("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw fail("bad escape");
      }
    }
  }

  /** A value as JSON text (maps, lists, and scalars inside them). */
  static String write(Object v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v instanceof AnyValue || v instanceof Attributes ? v : Values.any(v));
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v) {
    if (v instanceof Attributes a) {
      sb.append('{');
      for (int i = 0; i < a.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        quote(sb, a.key(i));
        sb.append(':');
        write(sb, a.valueAt(i));
      }
      sb.append('}');
      return;
    }
    AnyValue any = (AnyValue) v;
    switch (any.type()) {
      case STRING -> quote(sb, any.asString());
      case LONG -> sb.append(any.asLong());
      case DOUBLE -> sb.append(any.asDouble());
      case BOOL -> sb.append(any.asBool());
      case BYTES -> quote(sb, HexFormat.of().formatHex(any.asBytes()));
      case EMPTY -> sb.append("null");
      case ARRAY -> {
        sb.append('[');
        List<AnyValue> items = any.asArray();
        for (int i = 0; i < items.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(sb, items.get(i));
        }
        sb.append(']');
      }
      case MAP -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, AnyValue> e : any.asMap().entrySet()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          quote(sb, e.getKey());
          sb.append(':');
          write(sb, e.getValue());
        }
        sb.append('}');
      }
      default -> throw new IllegalStateException(any.type() + " " + ValueType.class);
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
