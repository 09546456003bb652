package dev.tapio.plugin.k8sevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Severity;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import org.junit.jupiter.api.Test;

/** The mapping's corners that the API server round trip does not reach. */
class EventRecordsTest {
  @Test
  void severityFollowsTheCollectorsMapCaseInsensitively() {
    assertEquals(Severity.INFO, EventRecords.severity("Normal"));
    assertEquals(Severity.WARN, EventRecords.severity("Warning"));
    assertEquals(Severity.WARN, EventRecords.severity("WARNING"));
    assertEquals(Severity.ERROR, EventRecords.severity("Error"));
    assertEquals(Severity.FATAL, EventRecords.severity("Critical"));
    assertEquals(Severity.UNSPECIFIED, EventRecords.severity("Custom"));
    assertEquals(Severity.UNSPECIFIED, EventRecords.severity(""));
  }

  @Test
  void anUnknownTypeLeavesSeverityUnsetAndACountOfZeroIsOmitted() {
    Logs logs = new Logs();
    EventRecords.append(logs, KubeEvent.of(new EventBuilder().withNewMetadata()
        .withName("x").endMetadata().withType("Custom").build()));
    LogRecord r = logs.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertEquals(Severity.UNSPECIFIED, r.severity());
    assertEquals("", r.severityText());
    assertFalse(r.attributes().contains(EventRecords.EVENT_COUNT));
    assertEquals("0001-01-01 00:00:00 +0000 UTC",
        r.attributes().getString(EventRecords.EVENT_START_TIME), "Go's zero time");
    assertEquals(0, r.timeUnixNano());
  }

  @Test
  void eventTimeWinsOverLastTimestampWhichWinsOverFirst() {
    var b = new EventBuilder().withNewMetadata().withName("x").endMetadata()
        .withFirstTimestamp("2026-01-01T00:00:01Z");
    assertEquals(1_767_225_601_000_000_000L, KubeEvent.of(b.build()).timeNanos());
    b.withLastTimestamp("2026-01-01T00:00:02Z");
    assertEquals(1_767_225_602_000_000_000L, KubeEvent.of(b.build()).timeNanos());
    b.withEventTime(new MicroTime("2026-01-01T00:00:03.000004Z"));
    assertEquals(1_767_225_603_000_004_000L, KubeEvent.of(b.build()).timeNanos());
  }

  @Test
  void resourceVersionsCompareAsNumbersWhenTheyAreNumbers() {
    assertEquals(10, KubeEvent.revision("10"));
    assertEquals(-1, KubeEvent.revision(""));
    assertEquals(-1, KubeEvent.revision("abc"));
  }
}
