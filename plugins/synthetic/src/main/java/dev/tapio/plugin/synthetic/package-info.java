/**
 * The {@code synthetic} receiver (logs only): generates log records for tests, demos and
 * benchmarks, on one thread per receiver ({@code tapio-synthetic-<id>}).
 *
 * <p>Configuration keys, with defaults:
 *
 * <ul>
 *   <li>{@code rate: 100} — records per second; {@code 0} generates as fast as the pipeline
 *       accepts. Paced per batch with a token bucket (bursts after a stall are capped at one
 *       batch or 50 ms of records, whichever is more).
 *   <li>{@code count: 0} — records to generate before stopping; {@code 0} means no limit.
 *   <li>{@code batch_size: 100} — records per batch handed to the pipeline (at least 1).
 *   <li>{@code body_size: 64} — characters of ASCII body text per record (a size: {@code 1KiB}
 *       works; at most 16MiB).
 *   <li>{@code attribute_count: 4} — string attributes {@code attr.0}, {@code attr.1}, … per
 *       record; every record also carries {@code synthetic.seq}, a sequence number starting at 0
 *       and growing by one per record.
 *   <li>{@code event_name: synthetic.record} — the records' event name.
 *   <li>{@code severity: INFO} — the records' severity ({@code TRACE} … {@code FATAL4}).
 *   <li>{@code resource_attributes: {service.name: tapio-synthetic}} — the resource's attributes
 *       (a string map; replaces the default when given).
 * </ul>
 *
 * <p>Drop reasons: {@code refused} (the pipeline refused a batch permanently) and {@code shutdown}
 * (a batch the pipeline kept refusing as retryable when the receiver was stopped). Retryable
 * refusals are retried with the same batch after a backoff of 5 ms doubling to 500 ms. Counter:
 * {@code tapio_synthetic_generated}.
 */
package dev.tapio.plugin.synthetic;
