package dev.tapio.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ValuePositionTest {
  private static String at(String text, int line, int column, int offset) {
    Location l = ValuePosition.of(text, new Location("f", line, column), offset);
    return l == null ? null : l.line() + ":" + l.column();
  }

  @Test
  void plainAndQuotedScalarsOnOneLine() {
    String text = """
        a: set(body, x)
        b: 'it''s here'
        c: "tab\\there \\u00e9 x"
        """;
    assertEquals("1:8", at(text, 1, 4, 4), "plain: the value's column plus the offset");
    assertEquals("2:11", at(text, 2, 4, 5), "single quotes: '' is one character");
    assertEquals("3:14", at(text, 3, 4, 8), "double quotes: \\t is one character");
    assertEquals("3:15", at(text, 3, 4, 9));
    assertEquals("3:21", at(text, 3, 4, 10), "\\u00e9 is one character");
  }

  @Test
  void literalBlockLinesAreTheValuesLines() {
    String text = """
        key: |
          first line
            second
        next: 1
        """;
    assertEquals("2:3", at(text, 1, 6, 0));
    assertEquals("3:3", at(text, 1, 6, 11), "offset 11 starts the second line");
    assertEquals("3:5", at(text, 1, 6, 13), "its own indentation is part of the value");
    assertNull(at(text, 1, 6, 40), "past the block");
  }

  @Test
  void givesUpWhereTheTextIsNotTheValue() {
    assertNull(at("a: >\n  folded\n", 1, 4, 2), "folded block");
    assertNull(at("a: x ${env:Y} z\n", 1, 4, 5), "an environment reference before the offset");
    assertNull(at("a: two\n  lines\n", 1, 4, 6), "a plain value continued on the next line");
    assertNull(at("a: \"x\\\n y\"\n", 1, 4, 3), "an escaped line break");
    assertNull(at(null, 1, 1, 0));
  }
}
