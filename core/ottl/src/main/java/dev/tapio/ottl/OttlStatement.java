package dev.tapio.ottl;

import dev.tapio.ottl.Eval.Editor;

/** A compiled statement. Used by one thread at a time (it may hold a regex matcher). */
public final class OttlStatement {
  private final String text;
  private final OttlContext context;
  private final Editor editor;

  OttlStatement(String text, OttlContext context, Editor editor) {
    this.text = text;
    this.context = context;
    this.editor = editor;
  }

  /**
   * Runs the statement on the record the context points at (when its where clause matches).
   * Throws {@link OttlRuntimeException} when it cannot be applied to it.
   */
  public void execute(TransformContext c) {
    editor.apply(c);
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
