package dev.tapio.plugin.sampling;

import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.Traces;
import java.util.function.Predicate;

/**
 * Samples spans by a hash of their trace id, so that every span of a trace gets the same
 * decision under the same seed, wherever it is sampled. Removes the spans not kept in place,
 * then the groups left empty; calls {@code next} only when a span is left.
 *
 * <p>Threading: called by its pipeline's thread only. Ownership: changes the data it is given
 * ({@link Capabilities#MUTATES}); read-only data is copied first.
 */
final class TracesSampler implements TracesProcessor {
  private static final Predicate<ScopeSpans> EMPTY_SCOPE = s -> s.spans().isEmpty();
  private static final Predicate<ResourceSpans> EMPTY_RESOURCE = r -> r.scopeSpans().isEmpty();

  private final ComponentContext context;
  private final Sampler sampler;
  private final TracesConsumer next;
  private final Predicate<Span> sampledOut;

  TracesSampler(ComponentContext context, ProbabilisticSamplerConfig config,
      TracesConsumer next) {
    this.context = context;
    context.dropped(0, LogsSampler.DROP_REASON); // the series exists from the start
    this.sampler = new Sampler(config.samplingPercentage(), config.hashSeed());
    this.next = next;
    Sampler s = sampler;
    this.sampledOut = span -> !s.keep(span.traceId());
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }

  @Override
  public void consumeTraces(Traces traces) {
    if (sampler.keepsAll()) {
      next.consumeTraces(traces);
      return;
    }
    if (sampler.keepsNone()) {
      context.dropped(traces.spanCount(), LogsSampler.DROP_REASON);
      return;
    }
    Traces data = traces.isReadOnly() ? traces.copy() : traces;
    int before = data.spanCount();
    PList<ResourceSpans> resources = data.resourceSpans();
    for (int i = 0; i < resources.size(); i++) {
      PList<ScopeSpans> scopes = resources.get(i).scopeSpans();
      for (int j = 0; j < scopes.size(); j++) {
        scopes.get(j).spans().removeIf(sampledOut);
      }
      scopes.removeIf(EMPTY_SCOPE);
    }
    resources.removeIf(EMPTY_RESOURCE);
    int kept = data.spanCount();
    if (kept < before) {
      context.dropped(before - kept, LogsSampler.DROP_REASON);
    }
    if (kept > 0) {
      next.consumeTraces(data);
    }
  }
}
