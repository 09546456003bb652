package dev.tapio.ottl;

import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.DataPoint;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Resource;
import dev.tapio.pdata.Scope;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanEvent;

/**
 * The records a statement or condition looks at: the processor points it at the current
 * resource, scope and record before each evaluation, and reuses one instance for a whole batch,
 * so that evaluating allocates nothing for the context. Fields below the statement's context are
 * unused (a resource statement reads only {@link #resource}).
 *
 * <p>{@code cache} is the Collector's per-record scratch map: {@link #clearCache()} empties it
 * (the transform processor does so before each record's statements).
 *
 * <p>Not thread-safe: one instance per processor thread. Compiled statements keep reusable
 * regex matchers as well, so a compiled statement is used by one thread at a time too.
 */
public final class TransformContext {
  Resource resource;
  Scope scope;
  LogRecord log;
  Span span;
  SpanEvent event;
  Metric metric;
  DataPoint point;
  private Attributes cache;

  public TransformContext() {}

  public TransformContext resource(Resource resource) {
    this.resource = resource;
    return this;
  }

  public TransformContext scope(Scope scope) {
    this.scope = scope;
    return this;
  }

  public TransformContext log(LogRecord log) {
    this.log = log;
    return this;
  }

  public TransformContext span(Span span) {
    this.span = span;
    return this;
  }

  public TransformContext spanEvent(SpanEvent event) {
    this.event = event;
    return this;
  }

  public TransformContext metric(Metric metric) {
    this.metric = metric;
    return this;
  }

  public TransformContext dataPoint(DataPoint point) {
    this.point = point;
    return this;
  }

  /** Empties the {@code cache} map; allocates it on first use only. */
  public void clearCache() {
    if (cache != null && !cache.isEmpty()) {
      cache.clear();
    }
  }

  Attributes cache() {
    if (cache == null) {
      cache = Attributes.create();
    }
    return cache;
  }
}
