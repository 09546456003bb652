package dev.tapio.plugin.k8sevents;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentContext.Counter;
import java.util.HashMap;
import java.util.Map;

/**
 * The receiver's self-metrics. Every notification counted in {@link #received} ends in
 * exactly one of {@link #emitted}, {@code tapio_k8s_events_skipped{reason}} or the engine's
 * drop counter ({@code refused}, {@code shutdown}). All series are registered at 0 when the
 * receiver is created, so alerts see 0 rather than no data. Thread-safe.
 */
final class Counters {
  static final String RECEIVED = "tapio_k8s_events_received";
  static final String EMITTED = "tapio_k8s_events_emitted";
  static final String SKIPPED = "tapio_k8s_events_skipped";
  static final String WATCH_ERRORS = "tapio_k8s_events_watch_errors";
  static final String WATCH_RESTARTS = "tapio_k8s_events_watch_restarts";
  static final String RESUME_GAPS = "tapio_k8s_events_resume_gaps";
  static final String CHECKPOINT_FAILURES = "tapio_k8s_events_checkpoint_failures";

  /** Why a notification was not handed on, by design. */
  static final String[] SKIP_REASONS =
      {"duplicate", "deleted", "before_start", "unknown_action"};
  static final String[] WATCH_ERROR_REASONS =
      {"gone", "closed", "list_failed", "discovery_failed"};
  static final String[] GAP_REASONS = {"expired", "opaque_resource_version"};

  final Counter received;
  final Counter emitted;
  final Counter checkpointFailures;
  private final Counter restarts;
  private final Map<String, Counter> skipped = new HashMap<>();
  private final Map<String, Counter> watchErrors = new HashMap<>();
  private final Map<String, Counter> gaps = new HashMap<>();

  Counters(ComponentContext context) {
    received = context.counter(RECEIVED, "Event notifications received from the API server"
        + " (added, updated, deleted; re-listed events above the last delivered version)");
    emitted = context.counter(EMITTED, "Events handed on as log records and accepted");
    checkpointFailures = context.counter(CHECKPOINT_FAILURES, "Writes of the last delivered"
        + " resource version to storage that failed");
    restarts = context.counter(WATCH_RESTARTS, "Watches opened again after fabric8 gave up"
        + " on one");
    for (String r : SKIP_REASONS) {
      skipped.put(r, context.counter(SKIPPED, "Event notifications not handed on, by design",
          "reason", r));
    }
    for (String r : WATCH_ERROR_REASONS) {
      watchErrors.put(r, context.counter(WATCH_ERRORS, "Failed lists and watches, and watches"
          + " closed by the server", "reason", r));
    }
    for (String r : GAP_REASONS) {
      gaps.put(r, context.counter(RESUME_GAPS, "Times a watch could not resume where it"
          + " stopped: changes in between that are no longer listed were not received",
          "reason", r));
    }
    context.dropped(0, "refused");
    context.dropped(0, "shutdown");
  }

  void skipped(String reason) {
    skipped.get(reason).add(1);
  }

  void watchError(String reason) {
    watchErrors.get(reason).add(1);
  }

  void watchRestart() {
    restarts.add(1);
  }

  void resumeGap(String reason) {
    gaps.get(reason).add(1);
  }
}
