/**
 * The {@code filter} processor: drops log records by severity, attribute values, event name or
 * body.
 *
 * <h2>Configuration</h2>
 *
 * <pre>{@code
 * processors:
 *   filter:
 *     logs:
 *       min_severity: INFO                 # records below are dropped
 *       exclude:                           # a record matching any of these is dropped
 *         - {attribute: http.route, equals: /healthz}
 *         - {resource_attribute: k8s.namespace.name, regex: "^kube-"}
 *         - {event_name: process.exit}
 *         - {body_regex: "(?i)debug dump"}
 *       include:                           # if present, a record must match one of these
 *         - {attribute: process.executable.path, regex: "^/usr/bin/"}
 * }</pre>
 *
 * <ul>
 *   <li>{@code logs.min_severity} (default: none): the lowest severity kept, as a name
 *       ({@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR}, {@code FATAL},
 *       each also with {@code 2}, {@code 3}, {@code 4}, case-insensitive) or a number 1..24.
 *       Records without a severity (0, unspecified) are below every threshold and dropped.
 *   <li>{@code logs.exclude} (default: empty): conditions; a record matching any is dropped.
 *   <li>{@code logs.include} (default: empty): conditions; when not empty, a record matching
 *       none is dropped.
 * </ul>
 *
 * <p>A condition is one of:
 *
 * <ul>
 *   <li>{@code {attribute: KEY, equals: VALUE}} or {@code {attribute: KEY, regex: PATTERN}}: a
 *       log record attribute; a record without the attribute does not match.
 *   <li>{@code {resource_attribute: KEY, equals: VALUE}} or {@code {resource_attribute: KEY,
 *       regex: PATTERN}}: an attribute of the record's resource (evaluated once per resource).
 *   <li>{@code {event_name: VALUE}}: the record's event name equals VALUE.
 *   <li>{@code {body_regex: PATTERN}}: the record's body, as text, matches.
 * </ul>
 *
 * <p>{@code equals} compares as text: a string attribute must equal VALUE exactly; a number or
 * boolean attribute matches when VALUE parses to the same number or boolean ({@code 200} matches
 * the integer 200). {@code regex} and {@code body_regex} are Java regular expressions that match
 * anywhere in the text (unanchored, like the Collector's regexp matching): use {@code ^…$} for a
 * whole-value match; non-string values are matched as their text. A regex that does not compile
 * is a configuration error reported at the condition (key {@code logs.exclude.N.regex}).
 *
 * <p>Semantics: a record is dropped if its severity is below {@code min_severity}, or it
 * matches any {@code exclude} condition, or {@code include} is not empty and it matches no
 * {@code include} condition. Dropped records are removed in place and counted with reason
 * {@code filtered}; scope and resource groups left empty are removed and an empty result is not
 * passed on. Signals: logs only (span and metric conditions are not implemented). Capabilities:
 * mutates. This is not the Collector's OTTL-based filter configuration.
 */
package dev.tapio.plugin.filter;
