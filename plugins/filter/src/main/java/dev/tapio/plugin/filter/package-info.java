/**
 * The {@code filter} processor: the Collector's configuration (OTTL conditions for logs, spans,
 * span events, metrics and data points), plus Tapio's shorthand keys for logs.
 *
 * <h2>Configuration</h2>
 *
 * <pre>{@code
 * processors:
 *   filter:
 *     error_mode: ignore                   # propagate | ignore (default) | silent
 *     logs:
 *       resource:                          # a match drops every record of the resource
 *         - IsMatch(attributes["k8s.namespace.name"], "^kube-")
 *       log_record:                        # a record matching any condition is dropped
 *         - 'attributes["http.route"] == "/healthz"'
 *         - severity_number < SEVERITY_NUMBER_INFO
 *       min_severity: INFO                 # shorthand: records below are dropped
 *       exclude:                           # shorthand: a record matching any is dropped
 *         - {attribute: http.route, equals: /healthz}
 *         - {resource_attribute: k8s.namespace.name, regex: "^kube-"}
 *         - {event_name: process.exit}
 *         - {body_regex: "(?i)debug dump"}
 *       include:                           # shorthand: if present, a record must match one
 *         - {attribute: process.executable.path, regex: "^/usr/bin/"}
 *     traces:
 *       resource: [...]                    # resource context
 *       span: [...]                        # span context
 *       spanevent: [...]                   # span event context: drops the event from its span
 *     metrics:
 *       resource: [...]
 *       metric: [...]                      # drops the metric with its points
 *       datapoint: [...]                   # a metric left without points is removed
 * }</pre>
 *
 * <p>OTTL conditions are compiled when the configuration is read ({@link
 * dev.tapio.ottl.OttlConfig}); a bad one is reported at its character in the file, with the
 * column inside the condition in the message, and each processor instance compiles its own copy
 * (compiled conditions keep reusable matchers). A condition that fails on a record is handled
 * by {@code error_mode}: {@code ignore} logs it (at most once a second) and counts it as false,
 * {@code silent} does not log, {@code propagate} refuses the batch permanently.
 *
 * <p>Shorthand conditions: {@code {attribute: KEY, equals: VALUE}} or {@code {attribute: KEY,
 * regex: PATTERN}} on a log record attribute; the same with {@code resource_attribute}
 * (evaluated once per resource); {@code {event_name: VALUE}}; {@code {body_regex: PATTERN}}.
 * {@code equals} compares as text (a number or boolean attribute matches when VALUE parses to the
 * same number or boolean); regexes are Java's and match anywhere in the text. {@code
 * min_severity} is a name ({@code TRACE} … {@code FATAL4}, case-insensitive) or 1..24; records
 * without a severity are below every threshold.
 *
 * <p>Semantics: a record is dropped if any OTTL condition of its list matches, or its severity
 * is below {@code min_severity}, or it matches an {@code exclude} condition, or {@code include}
 * is set and it matches none. Dropped log records, spans and data points are removed in place and
 * counted with reason {@code filtered} and on the Collector's counters {@code
 * otelcol_processor_filter_logs_filtered}, {@code otelcol_processor_filter_spans_filtered},
 * {@code otelcol_processor_filter_datapoints_filtered}; dropped span events on {@code
 * tapio_processor_filter_span_events_filtered}. Groups left empty are removed; an empty result is
 * not passed on. The Collector's deprecated match-property keys ({@code spans}, {@code
 * metrics.include}/{@code exclude}/{@code regexp}) and {@code *_conditions} are rejected as not
 * supported yet. Capabilities: mutates.
 */
package dev.tapio.plugin.filter;
