package dev.tapio.plugin.filter;

import dev.tapio.ottl.ErrorPolicy;
import dev.tapio.ottl.Ottl;
import dev.tapio.ottl.OttlCondition;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.OttlRuntimeException;
import dev.tapio.ottl.TransformContext;
import java.util.List;

/**
 * One list of OTTL conditions, compiled for this processor instance: {@link #any} is true when
 * any condition matches the record the context points at. A condition that fails on a record
 * goes to the error policy and counts as not matching (unless the policy propagates).
 *
 * <p>Not thread-safe (compiled conditions reuse matchers): the processor's pipeline thread only.
 */
final class OttlMatch {
  private final OttlCondition[] conditions;
  private final ErrorPolicy errors;

  OttlMatch(List<String> texts, OttlContext context, ErrorPolicy errors) {
    this.conditions = texts.stream().map(t -> Ottl.condition(t, context))
        .toArray(OttlCondition[]::new);
    this.errors = errors;
  }

  boolean isEmpty() {
    return conditions.length == 0;
  }

  boolean any(TransformContext tc) {
    for (OttlCondition c : conditions) {
      try {
        if (c.matches(tc)) {
          return true;
        }
      } catch (OttlRuntimeException e) {
        errors.failed(c.text(), e);
      }
    }
    return false;
  }
}
