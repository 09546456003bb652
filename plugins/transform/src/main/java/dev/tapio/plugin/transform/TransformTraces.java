package dev.tapio.plugin.transform;

import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.TransformContext;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceSpans;
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
    TransformContext tc = groups.tc;
    PList<ResourceSpans> resources = data.resourceSpans();
    for (Groups.Compiled g : groups.groups) {
      for (int i = 0; i < resources.size(); i++) {
        ResourceSpans rs = resources.get(i);
        tc.resource(rs.resource());
        if (g.context == OttlContext.RESOURCE) {
          g.run(tc);
          continue;
        }
        PList<ScopeSpans> scopes = rs.scopeSpans();
        for (int j = 0; j < scopes.size(); j++) {
          ScopeSpans ss = scopes.get(j);
          tc.scope(ss.scope());
          if (g.context == OttlContext.SCOPE) {
            g.run(tc);
            continue;
          }
          PList<Span> spans = ss.spans();
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
    }
    next.consumeTraces(data);
  }
}
