package dev.tapio.plugin.transform;

import dev.tapio.component.ComponentContext;
import dev.tapio.ottl.ErrorMode;
import dev.tapio.ottl.ErrorPolicy;
import dev.tapio.ottl.Ottl;
import dev.tapio.ottl.OttlCondition;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.OttlRuntimeException;
import dev.tapio.ottl.OttlStatement;
import dev.tapio.ottl.TransformContext;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceEntry;
import dev.tapio.pdata.ScopeEntry;
import dev.tapio.plugin.transform.TransformConfig.Group;
import java.util.List;

/**
 * The compiled statement groups of one processor instance, with the context they share.
 * Not thread-safe: the processor's pipeline thread only (compiled statements reuse matchers).
 */
final class Groups {
  final Compiled[] groups;
  final TransformContext tc = new TransformContext();
  final ComponentContext.Counter failures;

  Groups(ComponentContext context, ErrorMode errorMode, List<Group> config) {
    this.failures = context.counter("tapio_processor_transform_statement_errors",
        "OTTL statements or conditions that failed on a record (handled by error_mode)");
    this.groups = config.stream().map(g -> new Compiled(g,
        new ErrorPolicy(g.errorMode() != null ? g.errorMode() : errorMode, context.logger()),
        failures)).toArray(Compiled[]::new);
  }

  boolean isEmpty() {
    return groups.length == 0;
  }

  /** What a signal runs below the scope level: its items (records, spans, metrics…). */
  interface Items<S extends ScopeEntry<?>> {
    void run(Compiled group, TransformContext tc, S scope);
  }

  /**
   * Runs every group, in order, over {@code resources} at the group's context: each resource,
   * each scope, or, below that, what {@code items} walks. The walk is the same for every signal;
   * only the items differ.
   */
  <S extends ScopeEntry<?>> void run(PList<? extends ResourceEntry<S>> resources,
      Items<S> items) {
    for (Compiled g : groups) {
      for (int i = 0; i < resources.size(); i++) {
        ResourceEntry<S> entry = resources.get(i);
        tc.resource(entry.resource());
        if (g.context == OttlContext.RESOURCE) {
          g.run(tc);
          continue;
        }
        PList<S> scopes = entry.scopes();
        for (int j = 0; j < scopes.size(); j++) {
          S scope = scopes.get(j);
          tc.scope(scope.scope());
          if (g.context == OttlContext.SCOPE) {
            g.run(tc);
          } else {
            items.run(g, tc, scope);
          }
        }
      }
    }
  }

  /** One group: its statements run on a record when any condition (or none) matches. */
  static final class Compiled {
    final OttlContext context;
    private final OttlCondition[] conditions;
    private final OttlStatement[] statements;
    private final ErrorPolicy errors;
    private final ComponentContext.Counter failures;

    Compiled(Group g, ErrorPolicy errors, ComponentContext.Counter failures) {
      this.context = g.context();
      this.conditions = g.conditions().stream().map(t -> Ottl.condition(t, g.context()))
          .toArray(OttlCondition[]::new);
      this.statements = g.statements().stream().map(t -> Ottl.statement(t, g.context()))
          .toArray(OttlStatement[]::new);
      this.errors = errors;
      this.failures = failures;
    }

    /** Runs the group on the record {@code tc} points at. */
    void run(TransformContext tc) {
      tc.clearCache();
      if (conditions.length > 0 && !anyCondition(tc)) {
        return;
      }
      for (OttlStatement s : statements) {
        try {
          s.execute(tc);
        } catch (OttlRuntimeException e) {
          failures.add(1);
          errors.failed(s.text(), e);
        }
      }
    }

    private boolean anyCondition(TransformContext tc) {
      for (OttlCondition c : conditions) {
        try {
          if (c.matches(tc)) {
            return true;
          }
        } catch (OttlRuntimeException e) {
          failures.add(1);
          errors.failed(c.text(), e);
        }
      }
      return false;
    }
  }
}
