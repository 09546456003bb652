package dev.tapio.plugin.attributes;

import dev.tapio.pdata.Attributes;
import java.util.List;
import java.util.regex.Matcher;

/**
 * A list of actions ready to apply, with one reusable matcher per action that has a pattern.
 * Not thread-safe: one per processor instance, used by its pipeline thread.
 */
public final class Actions {
  private final Action[] actions;
  private final Matcher[] matchers;

  public Actions(List<Action> actions) {
    this.actions = actions.toArray(Action[]::new);
    this.matchers = new Matcher[this.actions.length];
    for (int i = 0; i < this.actions.length; i++) {
      if (this.actions[i].pattern() != null) {
        matchers[i] = this.actions[i].pattern().matcher("");
      }
    }
  }

  public boolean isEmpty() {
    return actions.length == 0;
  }

  /** Applies every action, in order. */
  public void apply(Attributes attributes) {
    for (int i = 0; i < actions.length; i++) {
      actions[i].apply(attributes, matchers[i]);
    }
  }
}
