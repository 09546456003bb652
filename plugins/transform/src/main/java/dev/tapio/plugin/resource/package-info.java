/**
 * The {@code resource} processor: the Collector's attribute actions ({@link
 * dev.tapio.plugin.attributes.Action}) under the key {@code attributes}, applied to every
 * resource's attributes, for logs, metrics and traces.
 *
 * <pre>{@code
 * processors:
 *   resource:
 *     attributes:
 *       - {key: cloud.region, value: eu-west-1, action: insert}
 *       - {key: host.ip, action: delete}
 * }</pre>
 *
 * <p>Capabilities: mutates.
 */
package dev.tapio.plugin.resource;
