package dev.tapio.pdata;

import java.util.function.Function;

/**
 * The items (log records, metrics, spans) of one instrumentation scope within a resource.
 * Not thread-safe.
 *
 * @param <R> the item type
 */
public abstract sealed class ScopeEntry<R extends Element> extends Element
    permits ScopeLogs, ScopeMetrics, ScopeSpans {
  private final Scope scope;
  private String schemaUrl = "";
  final PList<R> items;

  ScopeEntry(State state, Function<State, R> itemFactory) {
    super(state);
    scope = new Scope(state);
    items = new PList<>(state, itemFactory);
  }

  public Scope scope() {
    return scope;
  }

  public String schemaUrl() {
    return schemaUrl;
  }

  public void setSchemaUrl(String url) {
    checkWritable();
    schemaUrl = url == null ? "" : url;
  }

  abstract void copyItem(R from, R to);

  void copyFrom(ScopeEntry<R> from) {
    scope.copyFrom(from.scope);
    schemaUrl = from.schemaUrl;
    items.copyFrom(from.items, this::copyItem);
  }

  /** Copies this scope's identity (scope, schema url), not its items, into {@code to}. */
  void copyHeaderTo(ScopeEntry<R> to) {
    to.scope.copyFrom(scope);
    to.schemaUrl = schemaUrl;
  }

  @Override
  void bind(State s) {
    state = s;
    scope.bind(s);
    items.bind(s);
  }

  @Override
  void reset() {
    scope.reset();
    schemaUrl = "";
    items.clear();
  }
}
