package dev.tapio.plugin.transform;

import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.TransformContext;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.Traces;

/**
 * Runs {@code trace_statements}: each group over the whole batch at its context (resource,
 * scope, span or span event), groups in order. Threading: its pipeline's thread only.
 * Ownership: mutates; read-only data is copied first.
 */
final class TransformTraces implements TracesProcessor {
  private final Groups groups;
  private final TracesConsumer next;

  TransformTraces(Groups groups, TracesConsumer next) {
    this.groups = groups;
    this.next = next;
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }

  @Override
  public void consumeTraces(Traces traces) {
    if (groups.isEmpty()) {
      next.consumeTraces(traces);
      return;
    }
    Traces data = traces.isReadOnly() ? traces.copy() : traces;
    groups.run(data.resourceSpans(), TransformTraces::spans);
    next.consumeTraces(data);
  }

  private static void spans(Groups.Compiled g, TransformContext tc, ScopeSpans scope) {
    PList<Span> spans = scope.spans();
    for (int k = 0; k < spans.size(); k++) {
      Span span = spans.get(k);
      tc.span(span);
      if (g.context == OttlContext.SPAN) {
        g.run(tc);
        continue;
      }
      var events = span.events();
      for (int e = 0; e < events.size(); e++) {
        g.run(tc.spanEvent(events.get(e)));
      }
    }
  }
}
