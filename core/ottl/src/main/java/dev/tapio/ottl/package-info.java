/**
 * OTTL, the OpenTelemetry Transformation Language of the Collector's {@code filter} and
 * {@code transform} processors: the subset those processors use in practice.
 *
 * <p>{@link dev.tapio.ottl.Ottl#statement} and {@link dev.tapio.ottl.Ottl#condition} parse a
 * statement with a hand-written lexer and recursive-descent parser and compile it for one
 * {@link dev.tapio.ottl.OttlContext} into a tree of small evaluator objects: paths are resolved
 * to accessors at compile time ({@code attributes["k"]} becomes an object that reads key
 * {@code k}), regexes are compiled once, and comparisons of an attribute or an integer field
 * with a literal read the value without boxing. Evaluating a condition over a
 * {@link dev.tapio.ottl.TransformContext} allocates nothing in the common cases (string and
 * integer comparisons, {@code IsMatch} on a string).
 *
 * <p>Errors: anything wrong in the text (syntax, unknown function or enum, wrong argument count
 * or type, a path the context does not have, an invalid regex) is an
 * {@link dev.tapio.ottl.OttlException} with the line and column inside the statement; anything
 * that fails on a particular record is an {@link dev.tapio.ottl.OttlRuntimeException}, which the
 * processors handle by their {@code error_mode}.
 *
 * <p>Shipped by shading into the plugins that use it (filter, transform): it holds no
 * interface shared across plugins, so each plugin carries its own copy and the host classpath
 * stays the plugin API alone.
 */
package dev.tapio.ottl;
