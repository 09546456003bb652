/**
 * The {@code transform} processor: the Collector's OTTL statements over logs, spans and metrics.
 *
 * <pre>{@code
 * processors:
 *   transform:
 *     error_mode: ignore                   # propagate | ignore (default) | silent
 *     log_statements:                      # grouped form
 *       - context: log                     # resource | scope | log
 *         conditions: [IsMatch(body, "^\\{")]   # optional: run only on matching records
 *         error_mode: propagate            # optional: this group's own mode
 *         statements:
 *           - merge_maps(attributes, ParseJSON(body), "upsert")
 *     trace_statements:                    # flat form: the context of each is inferred
 *       - set(span.status.code, STATUS_CODE_ERROR) where span.attributes["error"] == true
 *     metric_statements:                   # resource | scope | metric | datapoint
 *       - context: datapoint
 *         statements: [set(attributes["unit"], metric.unit)]
 * }</pre>
 *
 * <p>Groups run in order, each over the whole batch at its context; inside a group, the
 * statements run in order on each record. In the flat form a statement's context is the lowest
 * level its path prefixes name ({@link dev.tapio.ottl.Ottl#inferContext}); consecutive
 * statements of one context form one group. Every statement and condition is compiled when the
 * configuration is read, so an error names the character in the file and the column inside
 * the statement;
 * each processor instance compiles its own copy and reuses one
 * {@link dev.tapio.ottl.TransformContext}. A statement that fails on a record is handled by the
 * error mode and counted in {@code tapio_processor_transform_statement_errors}. Not supported
 * yet: {@code flatten_data}, {@code profile_statements}. Capabilities: mutates.
 *
 * <p>This plugin also holds the {@code attributes} and {@code resource} processors
 * ({@link dev.tapio.plugin.attributes}, {@link dev.tapio.plugin.resource}).
 */
package dev.tapio.plugin.transform;
