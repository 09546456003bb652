/**
 * Tapio's telemetry data model (pdata): logs, metrics and traces grouped by resource and
 * instrumentation scope, as in OTLP. Mutable, deep-copyable, markable read-only; lists create
 * their own elements and keep them for reuse after {@code clear()}. Nothing here is
 * thread-safe: a tree has one owner at a time, or is read-only and then may be shared.
 */
package dev.tapio.pdata;
