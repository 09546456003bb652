package dev.tapio.plugin.k8sevents;

import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Turns a Kubernetes Event into a log record with the Collector's k8seventsreceiver mapping:
 * one resource per event (the node that reported it and the object it is about), one record
 * whose body is the message. Stateless.
 */
final class EventRecords {
  static final String SCOPE_NAME = "dev.tapio.k8sevents";

  static final String NODE_NAME = "k8s.node.name";
  static final String OBJECT_KIND = "k8s.object.kind";
  static final String OBJECT_NAME = "k8s.object.name";
  static final String OBJECT_UID = "k8s.object.uid";
  static final String OBJECT_FIELDPATH = "k8s.object.fieldpath";
  static final String OBJECT_API_VERSION = "k8s.object.api_version";
  static final String OBJECT_RESOURCE_VERSION = "k8s.object.resource_version";
  static final String EVENT_REASON = "k8s.event.reason";
  static final String EVENT_ACTION = "k8s.event.action";
  static final String EVENT_START_TIME = "k8s.event.start_time";
  static final String EVENT_NAME = "k8s.event.name";
  static final String EVENT_UID = "k8s.event.uid";
  static final String EVENT_COUNT = "k8s.event.count";
  static final String NAMESPACE_NAME = "k8s.namespace.name";

  /**
   * Go's {@code time.Time.String()} for a whole second in UTC, which is what the Collector
   * writes for the creation timestamp when it runs with {@code TZ} unset (a container).
   */
  private static final DateTimeFormatter GO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '+0000 UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  /** Go's zero time, the Collector's text for an event without a creation timestamp. */
  private static final String GO_ZERO_TIME = "0001-01-01 00:00:00 +0000 UTC";

  private EventRecords() {}

  /** Appends {@code e} to {@code logs} as one resource holding one scope and one record. */
  static void append(Logs logs, KubeEvent e) {
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    Attributes resource = rl.resource().attributes();
    resource.putString(NODE_NAME, e.sourceHost());
    KubeEvent.Regarding o = e.regarding();
    resource.putString(OBJECT_KIND, o.kind());
    resource.putString(OBJECT_NAME, o.name());
    resource.putString(OBJECT_UID, o.uid());
    resource.putString(OBJECT_FIELDPATH, o.fieldPath());
    resource.putString(OBJECT_API_VERSION, o.apiVersion());
    resource.putString(OBJECT_RESOURCE_VERSION, o.resourceVersion());
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName(SCOPE_NAME);
    LogRecord r = sl.logRecords().appendEmpty();
    // The Collector sets the event's time only; the observed time stays 0 there as here.
    r.setTimeUnixNano(e.timeNanos()).setBody(e.message());
    Severity severity = severity(e.type());
    if (severity != Severity.UNSPECIFIED) {
      r.setSeverity(severity).setSeverityText(e.type());
    }
    Attributes a = r.attributes();
    a.putString(EVENT_REASON, e.reason());
    a.putString(EVENT_ACTION, e.action());
    a.putString(EVENT_START_TIME, startTime(e.createdSeconds()));
    a.putString(EVENT_NAME, e.name());
    a.putString(EVENT_UID, e.uid());
    a.putString(NAMESPACE_NAME, o.namespace());
    if (e.count() != 0) {
      a.putLong(EVENT_COUNT, e.count());
    }
  }

  /**
   * Kubernetes writes {@code Normal} and {@code Warning}; the Collector also maps
   * {@code Error} and {@code Critical}, compared case-insensitively. Others: unspecified.
   */
  static Severity severity(String type) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "normal" -> Severity.INFO;
      case "warning" -> Severity.WARN;
      case "error" -> Severity.ERROR;
      case "critical" -> Severity.FATAL;
      default -> Severity.UNSPECIFIED;
    };
  }

  static String startTime(long createdSeconds) {
    return createdSeconds < 0 ? GO_ZERO_TIME
        : GO_TIME.format(Instant.ofEpochSecond(createdSeconds));
  }
}
