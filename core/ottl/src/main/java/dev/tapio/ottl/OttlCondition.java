package dev.tapio.ottl;

import dev.tapio.ottl.Eval.Cond;

/** A compiled condition. Used by one thread at a time (it may hold a regex matcher). */
public final class OttlCondition {
  private final String text;
  private final OttlContext context;
  private final Cond cond;

  OttlCondition(String text, OttlContext context, Cond cond) {
    this.text = text;
    this.context = context;
    this.cond = cond;
  }

  /**
   * Whether the record the context points at matches. Throws {@link OttlRuntimeException} when
   * the condition cannot be evaluated on it.
   */
  public boolean matches(TransformContext c) {
    return cond.test(c);
  }

  public OttlContext context() {
    return context;
  }

  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
