package dev.tapio.ottl;

import dev.tapio.ottl.Eval.Cond;
import dev.tapio.ottl.Eval.Editor;
import java.util.Objects;
import java.util.Set;

/**
 * Entry point: compiles OTTL statements and conditions for a context.
 *
 * <pre>{@code
 * OttlCondition drop = Ottl.condition("attributes[\"http.route\"] == \"/healthz\"",
 *     OttlContext.LOG);
 * TransformContext tc = new TransformContext().resource(r).scope(s).log(record);
 * if (drop.matches(tc)) { ... }
 * }</pre>
 *
 * <p>Compiling is thread-safe; a compiled statement or condition is used by one thread at a
 * time (it reuses regex matchers).
 */
public final class Ottl {
  private Ottl() {}

  /** Compiles a condition. Throws {@link OttlException} with the position of the problem. */
  public static OttlCondition condition(String text, OttlContext context) {
    Objects.requireNonNull(text, "text");
    Compiler compiler = new Compiler(text, context);
    Cond cond = compiler.bool(Parser.condition(text));
    return new OttlCondition(text, context, cond);
  }

  /** Compiles a statement. Throws {@link OttlException} with the position of the problem. */
  public static OttlStatement statement(String text, OttlContext context) {
    Objects.requireNonNull(text, "text");
    Compiler compiler = new Compiler(text, context);
    Editor editor = compiler.statement(Parser.statement(text));
    return new OttlStatement(text, context, editor);
  }

  /** The names of the functions this implementation knows. */
  public static Set<String> functions() {
    return Functions.names();
  }
}
