package dev.tapio.engine.config;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean" hints by edit distance, and "valid …" lists. Stateless. */
final class Suggestions {

  private Suggestions() {}

  /**
   * The tail of a message about a wrong name: {@code "; did you mean 'x'? valid keys: a, b"} or
   * {@code "; valid keys: a, b"} when nothing is close. Candidates are listed in the order given.
   */
  static String hint(String input, Collection<String> candidates, String validLabel) {
    String closest = closest(input, candidates);
    String valid = validLabel + ": " + list(candidates);
    return closest == null ? "; " + valid : "; did you mean '" + closest + "'? " + valid;
  }

  /** Comma-separated, or "none" so that a message never ends in a dangling colon. */
  static String list(Collection<String> items) {
    return items.isEmpty() ? "none" : String.join(", ", items);
  }

  /**
   * The candidate nearest to the input, or null when none is near enough to be a likely typo.
   * The allowed distance grows with the length so that short names do not match everything.
   */
  static String closest(String input, Collection<String> candidates) {
    String lower = input.toLowerCase(Locale.ROOT);
    int allowed = lower.length() <= 4 ? 1 : lower.length() <= 8 ? 2 : 3;
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      String c = candidate.toLowerCase(Locale.ROOT);
      // The lengths' difference is a lower bound of the distance; past the allowance it is
      // enough, and it spares a table of a runaway key's length times the candidate's.
      int d = Math.abs(lower.length() - c.length());
      if (d <= allowed) {
        d = distance(lower, c);
      }
      // A longer or shorter form of a name ("warning" for "warn") is a likely slip too.
      if (Math.min(lower.length(), c.length()) >= 3
          && (lower.startsWith(c) || c.startsWith(lower))) {
        d = Math.min(d, allowed);
      }
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= allowed && !input.equals(best) ? best : null;
  }

  /**
   * Optimal string alignment distance: Levenshtein plus adjacent transposition, because swapped
   * letters ("recievers") are the commonest typo and should cost one edit, not two.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          best = Math.min(best, d[i - 2][j - 2] + 1);
        }
        d[i][j] = best;
      }
    }
    return d[a.length()][b.length()];
  }
}
