package dev.tapio.consumer;

/**
 * What a consumer does with data it is given. {@code mutatesData} consumers get their own copy
 * when the engine fans data out to several consumers; the others share one read-only instance.
 */
public record Capabilities(boolean mutatesData) {
  public static final Capabilities MUTATES = new Capabilities(true);
  public static final Capabilities READS_ONLY = new Capabilities(false);
}
