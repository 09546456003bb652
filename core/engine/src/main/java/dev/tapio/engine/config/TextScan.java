package dev.tapio.engine.config;

import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Linear checks of a source's text before it is parsed, for what the parser refuses without
 * saying where: a character YAML does not allow (NUL and other control characters, an unpaired
 * surrogate), and the position of a character by its index. Lines and columns count as the
 * parser's marks do: code points, a line ends at {@code \n}, {@code \r\n} or {@code \r}, and a
 * byte-order mark takes no column. Stateless.
 */
final class TextScan {
  private TextScan() {}

  /** The index of the first character YAML does not allow in a stream, or -1. */
  static int firstUnprintable(String text) {
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (!StreamReader.isPrintable(c)) {
        return i;
      }
      i += Character.charCount(c);
    }
    return -1;
  }

  /** The 1-based {line, column} of the character at {@code index} (or of the end). */
  static int[] position(String text, int index) {
    int line = 1;
    int column = 1;
    int end = Math.min(index, text.length());
    for (int i = 0; i < end; ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\n' || (c == '\r' && (i >= text.length() || text.charAt(i) != '\n'))) {
        line++;
        column = 1;
      } else if (c != '\uFEFF') {
        column++;
      }
    }
    return new int[] {line, column};
  }

  /** A code point as messages name it: {@code U+0000 (NULL)}, {@code U+D800 (…)}. */
  static String describe(int codePoint) {
    String name = Character.getName(codePoint);
    return String.format("U+%04X", codePoint) + (name == null ? "" : " (" + name + ")");
  }
}
