/**
 * The {@code probabilistic_sampler} processor: keeps a percentage of log records and spans,
 * with the decision of the OpenTelemetry Collector's {@code hash_seed} mode.
 *
 * <h2>Configuration</h2>
 *
 * <pre>{@code
 * processors:
 *   probabilistic_sampler:
 *     sampling_percentage: 10    # 0..100; default 0 keeps nothing
 *     hash_seed: 22              # uint32, default 0
 *     from_attribute: log.id     # logs only; default "" (random when there is no trace id)
 * }</pre>
 *
 * <ul>
 *   <li>{@code sampling_percentage} (default {@code 0}): share of items kept, 0 to 100
 *       inclusive, with a resolution of 100/16384 percent. 0 keeps nothing, 100 everything.
 *   <li>{@code hash_seed} (default {@code 0}): seed of the hash, 0 to 4294967295. Samplers that
 *       must agree (agents and gateways on one trace, Collectors among them) use the same seed;
 *       layered samplers use different seeds, or their decisions correlate.
 *   <li>{@code from_attribute} (default {@code ""}): a log record attribute whose value decides
 *       for records without a trace id (e.g. a record id, so that every copy of a record gets
 *       the same decision).
 * </ul>
 *
 * <h2>Behaviour</h2>
 *
 * <p>The decision takes FNV-1a (32 bit) of the seed's four little-endian bytes followed by the
 * value's bytes, keeps the low 14 bits, and keeps the item when that is below
 * {@code (int) (sampling_percentage * 163.84)}, exactly as the Collector's legacy hash_seed
 * sampler does. Spans hash their trace id, so a trace is kept or dropped whole. Log records hash
 * their trace id when it is set, else the {@code from_attribute} value (its UTF-8 bytes; bytes
 * values as they are; other types as their text) when set and present, else are kept at random
 * with the configured probability. (The Collector drops records it has no randomness for,
 * {@code fail_closed}; Tapio samples them at random instead.)
 *
 * <p>FNV-1a mixes its low bits weakly: trace ids and random record ids are sampled at the
 * configured rate, but {@code from_attribute} values that differ only in their last characters
 * (sequential ids) can be kept at a rate a few percent off (e.g. 34.2% instead of 33.3% for
 * {@code id-0 … id-99999}). This is the Collector's behaviour too, kept for identical decisions.
 *
 * <p>Items not kept are removed in place and counted as dropped with reason
 * {@code sampled_out}; scope and resource groups left empty are removed, and an empty result is
 * not passed on. Signals: logs and traces (metrics are not sampled). Capabilities: mutates.
 *
 * <p>Not supported yet (refused with what Tapio does instead; the plugin's README lists them):
 * the Collector's {@code mode} ({@code proportional}, {@code equalizing}),
 * {@code fail_closed}, {@code sampling_precision}, {@code attribute_source} and
 * {@code sampling_priority}; W3C {@code th}/{@code rv} trace state is neither read nor written.
 */
package dev.tapio.plugin.sampling;
