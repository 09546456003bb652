package dev.tapio.ottl;

import dev.tapio.ottl.Eval.Cond;
import dev.tapio.ottl.Eval.Editor;
import java.util.HashSet;
import java.util.List;
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

  /**
   * The context of a statement written without one (the transform processor's flat form), as
   * the Collector infers it: the lowest level its path prefixes name ({@code resource.},
   * {@code scope.}/{@code instrumentation_scope.}, {@code log.}, {@code span.},
   * {@code spanevent.}, {@code metric.}, {@code datapoint.}); without a prefix, the first of
   * {@code defaults} the statement compiles in (or the first, whose error the caller reports).
   * Throws {@link OttlException} when the statement does not parse.
   */
  public static OttlContext inferContext(String text, List<OttlContext> defaults) {
    return infer(Parser.statement(text), text, defaults, true);
  }

  /**
   * The context of a condition written without one (the filter processor's flat {@code
   * log_conditions} and the like), inferred as {@link #inferContext} does for statements.
   */
  public static OttlContext inferConditionContext(String text, List<OttlContext> defaults) {
    return infer(Parser.condition(text), text, defaults, false);
  }

  private static OttlContext infer(Ast parsed, String text, List<OttlContext> defaults,
      boolean statement) {
    Set<String> prefixes = new HashSet<>();
    collectPrefixes(parsed, prefixes);
    OttlContext lowest = null;
    for (String p : prefixes) {
      OttlContext c = OttlContext.byName(p);
      if (c != null && (lowest == null || c.ordinal() > lowest.ordinal())) {
        lowest = c;
      }
    }
    if (lowest != null) {
      return lowest;
    }
    for (OttlContext c : defaults) {
      try {
        if (statement) {
          statement(text, c);
        } else {
          condition(text, c);
        }
        return c;
      } catch (OttlException e) {
        // try the next
      }
    }
    return defaults.getFirst();
  }

  private static void collectPrefixes(Ast node, Set<String> out) {
    switch (node) {
      case Ast.Path p -> out.add(p.names().getFirst());
      case Ast.Call c -> c.args().forEach(a -> collectPrefixes(a.value(), out));
      case Ast.ListValue l -> l.items().forEach(v -> collectPrefixes(v, out));
      case Ast.MapValue m -> m.values().forEach(v -> collectPrefixes(v, out));
      case Ast.Math m -> {
        collectPrefixes(m.left(), out);
        collectPrefixes(m.right(), out);
      }
      case Ast.Or o -> o.terms().forEach(t -> collectPrefixes(t, out));
      case Ast.And a -> a.terms().forEach(t -> collectPrefixes(t, out));
      case Ast.Not n -> collectPrefixes(n.operand(), out);
      case Ast.Compare c -> {
        collectPrefixes(c.left(), out);
        collectPrefixes(c.right(), out);
      }
      case Ast.BoolValue b -> collectPrefixes(b.value(), out);
      case Ast.Statement s -> {
        collectPrefixes(s.editor(), out);
        if (s.where() != null) {
          collectPrefixes(s.where(), out);
        }
      }
      case Ast.Literal l -> {
      }
      case Ast.Enum e -> {
      }
    }
  }

  /** The names of the functions this implementation knows. */
  public static Set<String> functions() {
    return Functions.names();
  }
}
