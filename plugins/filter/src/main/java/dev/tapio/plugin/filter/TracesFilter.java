package dev.tapio.plugin.filter;

import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.ottl.ErrorPolicy;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.TransformContext;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanEvent;
import dev.tapio.pdata.Traces;
import java.util.function.Predicate;

/**
 * Drops spans by the OTTL conditions of {@code traces.resource} (the whole resource),
 * {@code traces.span} and {@code traces.spanevent} (events of the spans kept). Dropped spans are
 * counted with reason {@code filtered} and on {@code otelcol_processor_filter_spans_filtered};
 * dropped span events (not pipeline items) on {@code tapio_processor_filter_span_events_filtered}.
 * Groups left empty are removed; an empty result is not passed on.
 *
 * <p>Threading: its pipeline's thread only. Ownership: mutates; read-only data is copied first.
 */
final class TracesFilter implements TracesProcessor {
  private static final Predicate<ScopeSpans> EMPTY_SCOPE = s -> s.spans().isEmpty();
  private static final Predicate<ResourceSpans> EMPTY_RESOURCE = r -> r.scopeSpans().isEmpty();

  private final ComponentContext context;
  private final TracesConsumer next;
  private final OttlMatch resource;
  private final OttlMatch span;
  private final OttlMatch spanEvent;
  private final boolean passAll;
  private final TransformContext tc = new TransformContext();
  private final ComponentContext.Counter filtered;
  private final ComponentContext.Counter eventsFiltered;
  private final Predicate<Span> dropSpan = this::dropSpan;
  private final Predicate<SpanEvent> dropEvent = this::dropEvent;
  private long eventsDropped;

  TracesFilter(ComponentContext context, FilterConfig config, TracesConsumer next) {
    this.context = context;
    this.next = next;
    context.dropped(0, LogsFilter.DROP_REASON);
    this.filtered = context.counter("otelcol_processor_filter_spans_filtered",
        "Number of spans dropped by the filter processor");
    this.eventsFiltered = context.counter("tapio_processor_filter_span_events_filtered",
        "Span events dropped by the filter processor's traces.spanevent conditions");
    ErrorPolicy errors = new ErrorPolicy(config.errorMode(), context.logger());
    this.resource = new OttlMatch(config.ottl().traceResource(), OttlContext.RESOURCE, errors);
    this.span = new OttlMatch(config.ottl().span(), OttlContext.SPAN, errors);
    this.spanEvent = new OttlMatch(config.ottl().spanEvent(), OttlContext.SPANEVENT, errors);
    this.passAll = resource.isEmpty() && span.isEmpty() && spanEvent.isEmpty();
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }

  @Override
  public void consumeTraces(Traces traces) {
    if (passAll) {
      next.consumeTraces(traces);
      return;
    }
    Traces data = traces.isReadOnly() ? traces.copy() : traces;
    int before = data.spanCount();
    eventsDropped = 0;
    PList<ResourceSpans> resources = data.resourceSpans();
    for (int i = 0; i < resources.size(); i++) {
      ResourceSpans rs = resources.get(i);
      tc.resource(rs.resource());
      if (!resource.isEmpty() && resource.any(tc)) {
        rs.scopeSpans().clear();
        continue;
      }
      PList<ScopeSpans> scopes = rs.scopeSpans();
      for (int j = 0; j < scopes.size(); j++) {
        ScopeSpans ss = scopes.get(j);
        tc.scope(ss.scope());
        ss.spans().removeIf(dropSpan);
      }
      scopes.removeIf(EMPTY_SCOPE);
    }
    resources.removeIf(EMPTY_RESOURCE);
    int kept = data.spanCount();
    if (kept < before) {
      context.dropped(before - kept, LogsFilter.DROP_REASON);
      filtered.add(before - kept);
    }
    if (eventsDropped > 0) {
      eventsFiltered.add(eventsDropped);
    }
    if (kept > 0) {
      next.consumeTraces(data);
    }
  }

  private boolean dropSpan(Span s) {
    tc.span(s);
    if (!span.isEmpty() && span.any(tc)) {
      return true;
    }
    if (!spanEvent.isEmpty() && !s.events().isEmpty()) {
      int n = s.events().size();
      s.events().removeIf(dropEvent);
      eventsDropped += n - s.events().size();
    }
    return false;
  }

  private boolean dropEvent(SpanEvent e) {
    return spanEvent.any(tc.spanEvent(e));
  }
}
