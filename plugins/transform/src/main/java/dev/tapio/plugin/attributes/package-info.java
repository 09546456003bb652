/**
 * The {@code attributes} processor: the Collector's attribute actions on every log record, span
 * and data point.
 *
 * <pre>{@code
 * processors:
 *   attributes:
 *     actions:
 *       - {key: environment, value: production, action: insert}   # only when absent
 *       - {key: env, value: prod, action: update}                 # only when present
 *       - {key: redacted, value: true, action: upsert}            # value keeps its YAML type
 *       - {key: copy, from_attribute: user.id, action: upsert}
 *       - {key: db.statement, action: delete}
 *       - {pattern: "^secret\\.", action: delete}                 # keys matching the regex
 *       - {key: user.email, action: hash}                         # SHA-256, hex
 *       - key: http.url                                           # named groups become keys
 *         pattern: ^(?P<http_protocol>.*):\/\/(?P<http_domain>[^/]*)
 *         action: extract
 *       - {key: retries, action: convert, converted_type: int}    # int | double | string
 * }</pre>
 *
 * <p>Actions run in order. Go's {@code (?P<name>...)} groups are accepted (names with '_'
 * included); a value that does not convert is left as it is, as in the Collector. Not supported
 * yet (refused with what to write instead; the plugin's README lists them): the
 * {@code include}/{@code exclude} match properties, {@code from_context} and
 * {@code default_value}. {@link dev.tapio.plugin.attributes.Action} is shared with the
 * {@code resource} processor. Capabilities: mutates.
 */
package dev.tapio.plugin.attributes;
