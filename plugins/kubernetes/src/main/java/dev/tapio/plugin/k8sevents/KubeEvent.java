package dev.tapio.plugin.k8sevents;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * What the receiver reads of a Kubernetes Event, the same whichever API served it: the core
 * {@code v1} Event and the {@code events.k8s.io/v1} Event are two views of one stored object,
 * the API server converting between them ({@code message} = {@code note}, {@code
 * involvedObject} = {@code regarding}, {@code source} = {@code deprecatedSource}, {@code count}
 * = {@code deprecatedCount}, {@code firstTimestamp}/{@code lastTimestamp} =
 * {@code deprecatedFirstTimestamp}/{@code deprecatedLastTimestamp}), with the same uid and
 * resource version. Empty strings stand for absent fields, as Go's zero values do in the
 * Collector's mapping.
 *
 * @param resourceVersion the event's own resource version, which orders changes
 * @param timeNanos the Collector's event timestamp (event time, else last, else first
 *     timestamp), in Unix nanoseconds; 0 when none is set
 * @param createdSeconds {@code metadata.creationTimestamp} in Unix seconds, or -1
 * @param count {@code count} ({@code deprecatedCount}); 0 when absent
 */
record KubeEvent(String name, String uid, String resourceVersion, String reason,
    String action, String type, String message, long createdSeconds, long timeNanos,
    int count, String sourceHost, Regarding regarding) {

  /** From the core {@code v1} API. */
  static KubeEvent of(Event e) {
    ObjectMeta m = meta(e.getMetadata());
    return new KubeEvent(text(m.getName()), text(m.getUid()), text(m.getResourceVersion()),
        text(e.getReason()), text(e.getAction()), text(e.getType()), text(e.getMessage()),
        seconds(m.getCreationTimestamp()),
        timestamp(e.getEventTime(), e.getLastTimestamp(), e.getFirstTimestamp()),
        e.getCount() == null ? 0 : e.getCount(), host(e.getSource()),
        Regarding.of(e.getInvolvedObject()));
  }

  /** From the {@code events.k8s.io/v1} API. */
  static KubeEvent of(io.fabric8.kubernetes.api.model.events.v1.Event e) {
    ObjectMeta m = meta(e.getMetadata());
    return new KubeEvent(text(m.getName()), text(m.getUid()), text(m.getResourceVersion()),
        text(e.getReason()), text(e.getAction()), text(e.getType()), text(e.getNote()),
        seconds(m.getCreationTimestamp()),
        timestamp(e.getEventTime(), e.getDeprecatedLastTimestamp(),
            e.getDeprecatedFirstTimestamp()),
        e.getDeprecatedCount() == null ? 0 : e.getDeprecatedCount(),
        host(e.getDeprecatedSource()),
        Regarding.of(e.getRegarding()));
  }

  /**
   * The resource version as a number, or -1 when it is not one. Kubernetes calls it opaque;
   * every API server backed by etcd hands out etcd's revision, which only grows, and the
   * Collector's checkpointing compares them as numbers too.
   */
  long revision() {
    return revision(resourceVersion);
  }

  static long revision(String resourceVersion) {
    if (resourceVersion == null || resourceVersion.isEmpty()) {
      return -1;
    }
    try {
      return Long.parseUnsignedLong(resourceVersion);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The object the event is about ({@code involvedObject}, {@code regarding}). */
  record Regarding(String kind, String name, String uid, String namespace, String fieldPath,
      String apiVersion, String resourceVersion) {
    private static final Regarding NONE = new Regarding("", "", "", "", "", "", "");

    static Regarding of(ObjectReference o) {
      return o == null ? NONE : new Regarding(text(o.getKind()), text(o.getName()),
          text(o.getUid()), text(o.getNamespace()), text(o.getFieldPath()),
          text(o.getApiVersion()), text(o.getResourceVersion()));
    }
  }

  private static ObjectMeta meta(ObjectMeta m) {
    return m == null ? new ObjectMeta() : m;
  }

  private static String host(EventSource s) {
    return s == null ? "" : text(s.getHost());
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }

  /** The Collector's priority: event time, else last timestamp, else first timestamp. */
  private static long timestamp(MicroTime eventTime, String last, String first) {
    long t = eventTime == null ? -1 : nanos(eventTime.getTime());
    if (t < 0) {
      t = nanos(last);
    }
    if (t < 0) {
      t = nanos(first);
    }
    return Math.max(t, 0);
  }

  private static long seconds(String rfc3339) {
    Instant i = instant(rfc3339);
    return i == null ? -1 : i.getEpochSecond();
  }

  private static long nanos(String rfc3339) {
    Instant i = instant(rfc3339);
    return i == null ? -1 : i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** An RFC 3339 time as the API server writes it ({@code Z} or an offset), or null. */
  private static Instant instant(String rfc3339) {
    if (rfc3339 == null || rfc3339.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(rfc3339).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
