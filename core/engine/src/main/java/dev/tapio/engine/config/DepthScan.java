package dev.tapio.engine.config;

/**
 * Finds, before YAML is parsed, the first place its nesting goes deeper than a limit: flow
 * collections ({@code [ {}) counted outside quotes and comments, plus block levels by
 * indentation and {@code - } items. The YAML composer recurses once per level, so 10,000 nested
 * {@code {}s end in a StackOverflowError; this linear scan turns that into an error with a line
 * and column. Approximate by design (block scalars are scanned like other text): it only has to
 * find real configs shallow (a few levels) and runaway ones deep. Stateless.
 */
final class DepthScan {
  private DepthScan() {}

  /** The 1-based {line, column} where the depth first exceeds {@code max}, or null. */
  static int[] firstTooDeep(String text, int max) {
    int[] indents = new int[max + 2]; // block levels: the column of each open one
    int blocks = 0;
    int flow = 0;
    int line = 1;
    int pos = 0;
    int n = text.length();
    while (pos < n) {
      int end = text.indexOf('\n', pos);
      if (end < 0) {
        end = n;
      }
      int col = pos;
      while (col < end && text.charAt(col) == ' ') {
        col++;
      }
      boolean content = col < end && text.charAt(col) != '#' && text.charAt(col) != '\r';
      if (content && flow == 0) {
        // A block line: close the levels at or right of its indent, open one for it and one
        // for each "- " that starts it.
        int indent = col - pos;
        while (blocks > 0 && indents[blocks - 1] >= indent) {
          blocks--;
        }
        while (true) {
          if (blocks > max) {
            return new int[] {line, col - pos + 1};
          }
          indents[blocks++] = col - pos;
          if (col + 1 < end && text.charAt(col) == '-' && text.charAt(col + 1) == ' ') {
            col += 2;
            while (col < end && text.charAt(col) == ' ') {
              col++;
            }
            continue;
          }
          break;
        }
      }
      char quote = 0;
      for (int i = col; i < end; i++) {
        char c = text.charAt(i);
        if (quote != 0) {
          if (c == '\\' && quote == '"') {
            i++;
          } else if (c == quote) {
            quote = 0;
          }
          continue;
        }
        if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '#' && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))) {
          break;
        } else if (c == '[' || c == '{') {
          if (++flow + blocks > max) {
            return new int[] {line, i - pos + 1};
          }
        } else if ((c == ']' || c == '}') && flow > 0) {
          flow--;
        }
      }
      pos = end + 1;
      line++;
    }
    return null;
  }
}
