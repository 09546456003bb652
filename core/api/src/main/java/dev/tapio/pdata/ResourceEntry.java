package dev.tapio.pdata;

import java.util.function.Function;

/**
 * The telemetry of one resource, grouped by instrumentation scope. Not thread-safe.
 *
 * @param <S> the scope group type
 */
public abstract sealed class ResourceEntry<S extends ScopeEntry<?>> extends Element
    permits ResourceLogs, ResourceMetrics, ResourceSpans {
  private final Resource resource;
  private String schemaUrl = "";
  final PList<S> scopes;

  ResourceEntry(State state, Function<State, S> scopeFactory) {
    super(state);
    resource = new Resource(state);
    scopes = new PList<>(state, scopeFactory);
  }

  public Resource resource() {
    return resource;
  }

  /** The scope groups, whatever the signal: for code that walks every signal alike. */
  public PList<S> scopes() {
    return scopes;
  }

  public String schemaUrl() {
    return schemaUrl;
  }

  public void setSchemaUrl(String url) {
    checkWritable();
    schemaUrl = url == null ? "" : url;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  void copyFrom(ResourceEntry<S> from) {
    resource.copyFrom(from.resource);
    schemaUrl = from.schemaUrl;
    scopes.copyFrom(from.scopes, (a, b) -> ((ScopeEntry) b).copyFrom((ScopeEntry) a));
  }

  /** Copies this resource's identity (resource, schema url), not its scopes, into {@code to}. */
  void copyHeaderTo(ResourceEntry<S> to) {
    to.resource.copyFrom(resource);
    to.schemaUrl = schemaUrl;
  }

  @Override
  void bind(State s) {
    state = s;
    resource.bind(s);
    scopes.bind(s);
  }

  @Override
  void reset() {
    resource.reset();
    schemaUrl = "";
    scopes.clear();
  }
}
