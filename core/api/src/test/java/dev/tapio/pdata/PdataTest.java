package dev.tapio.pdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PdataTest {

  static Logs logs(int resources, int scopes, int records) {
    Logs logs = new Logs();
    int seq = 0;
    for (int r = 0; r < resources; r++) {
      ResourceLogs rl = logs.resourceLogs().appendEmpty();
      rl.resource().attributes().putString("host.name", "h" + r);
      for (int s = 0; s < scopes; s++) {
        ScopeLogs sl = rl.scopeLogs().appendEmpty();
        sl.scope().setName("scope" + s).setVersion("1");
        for (int i = 0; i < records; i++) {
          LogRecord rec = sl.logRecords().appendEmpty();
          rec.setBody("b" + seq).setSeverity(Severity.WARN).setEventName("e");
          rec.attributes().putLong("seq", seq++);
        }
      }
    }
    return logs;
  }

  @Test
  void attributesHoldEveryTypeUnboxedAndReplaceByKey() {
    Attributes a = Attributes.create();
    a.putString("s", "x").putLong("l", 7).putDouble("d", 1.5).putBool("b", true)
        .put("bytes", AnyValue.ofBytes(new byte[] {1, 2}))
        .put("arr", AnyValue.ofArray(List.of(AnyValue.of(1L), AnyValue.of("two"))))
        .put("map", AnyValue.ofMap(Map.of("k", AnyValue.of(false))));
    assertEquals(7, a.size());
    a.putLong("s", 9);
    assertEquals(7, a.size());
    assertEquals(ValueType.LONG, a.type(a.indexOf("s")));
    assertEquals(9, a.getLong("s", -1));
    assertNull(a.getString("s"));
    assertEquals(1.5, a.getDouble("d", 0));
    assertTrue(a.getBool("b", false));
    assertArrayEquals(new byte[] {1, 2}, a.get("bytes").asBytes());
    assertEquals("two", a.get("arr").asArray().get(1).asString());
    assertFalse(a.get("map").asMap().get("k").asBool());
    assertTrue(a.remove("l"));
    assertFalse(a.contains("l"));
    assertEquals(6, a.size());
  }

  @Test
  void copyIsDeepAndIndependent() {
    Logs original = logs(2, 2, 3);
    Logs copy = original.copy();
    assertEquals(12, copy.logRecordCount());
    LogRecord c = copy.resourceLogs().get(1).scopeLogs().get(1).logRecords().get(2);
    assertEquals("b11", c.bodyString());
    c.setBody("changed");
    c.attributes().putString("new", "v");
    copy.resourceLogs().get(0).resource().attributes().putString("host.name", "other");
    LogRecord o = original.resourceLogs().get(1).scopeLogs().get(1).logRecords().get(2);
    assertEquals("b11", o.bodyString());
    assertFalse(o.attributes().contains("new"));
    assertEquals("h0", original.resourceLogs().get(0).resource().attributes()
        .getString("host.name"));
  }

  @Test
  void readOnlyMakesEveryMutatorInTheTreeThrowButCopiesStayWritable() {
    Logs logs = logs(1, 1, 2);
    logs.markReadOnly();
    LogRecord r = logs.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertTrue(r.isReadOnly());
    assertThrows(IllegalStateException.class, () -> r.setBody("x"));
    assertThrows(IllegalStateException.class, () -> r.attributes().putLong("a", 1));
    assertThrows(IllegalStateException.class, () -> logs.resourceLogs().appendEmpty());
    assertThrows(IllegalStateException.class,
        () -> logs.resourceLogs().get(0).resource().attributes().remove("host.name"));
    Logs copy = logs.copy();
    copy.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0).setBody("ok");
    assertEquals("b0", r.bodyString());
  }

  @Test
  void theClientAddressStaysOnlyWhileEveryItemCameFromThatClient() {
    Logs a = logs(1, 1, 2);
    a.setClientAddress("10.1.0.5");
    Logs copy = a.copy();
    assertEquals("10.1.0.5", copy.clientAddress());

    Logs batch = new Logs();
    a.moveTo(batch);
    assertEquals("10.1.0.5", batch.clientAddress(), "into an empty batch: the sender's");
    Logs same = logs(1, 1, 1);
    same.setClientAddress("10.1.0.5");
    same.moveTo(batch);
    assertEquals("10.1.0.5", batch.clientAddress(), "the same sender again");
    Logs other = logs(1, 1, 1);
    other.setClientAddress("10.1.0.6");
    other.moveTo(batch);
    assertNull(batch.clientAddress(), "two senders: none");

    Logs split = new Logs();
    copy.moveFirstItemsTo(1, split);
    assertEquals("10.1.0.5", split.clientAddress(), "a split keeps its sender");
    Logs empty = new Logs();
    empty.setClientAddress("10.9.9.9");
    empty.moveTo(split);
    assertEquals("10.1.0.5", split.clientAddress(), "moving nothing changes nothing");
  }

  @Test
  void aMergedBatchKeepsTheEnqueueTimeOfItsOldestItem() {
    Logs older = logs(1, 1, 1);
    older.markEnqueued(1_000);
    older.markEnqueued(5_000);
    assertEquals(1_000, older.enqueuedNanos(), "marked once: the first entry counts");
    Logs newer = logs(1, 1, 1);
    newer.markEnqueued(2_000);
    Logs batch = new Logs();
    newer.moveTo(batch);
    older.moveTo(batch);
    assertEquals(1_000, batch.enqueuedNanos());
    Logs part = new Logs();
    batch.moveFirstItemsTo(1, part);
    assertEquals(1_000, part.enqueuedNanos(), "a split keeps the batch's");
    assertEquals(1_000, batch.copy().enqueuedNanos());
    assertEquals(0, new Logs().enqueuedNanos(), "0 before any pipeline");
  }

  @Test
  void moveFirstItemsSplitsInOrderAndRebindsToTheDestination() {
    Logs src = logs(2, 2, 5); // 20 records
    Logs dest = new Logs();
    src.moveFirstItemsTo(7, dest);
    assertEquals(7, dest.logRecordCount());
    assertEquals(13, src.logRecordCount());
    assertEquals("scope1", dest.resourceLogs().get(0).scopeLogs().get(1).scope().name());
    assertEquals("b5", dest.resourceLogs().get(0).scopeLogs().get(1).logRecords().get(0)
        .bodyString());
    assertEquals("b7", src.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0)
        .bodyString());
    // Moved records belong to the destination's tree now.
    src.markReadOnly();
    dest.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0).setBody("writable");
    Logs rest = new Logs();
    assertThrows(IllegalStateException.class, () -> src.moveTo(rest));
  }

  @Test
  void clearKeepsElementsForReuseAndAppendEmptyResetsThem() {
    Logs logs = logs(1, 1, 3);
    ScopeLogs sl = logs.resourceLogs().get(0).scopeLogs().get(0);
    LogRecord first = sl.logRecords().get(0);
    sl.logRecords().clear();
    LogRecord again = sl.logRecords().appendEmpty();
    assertSame(first, again);
    assertEquals("", again.eventName());
    assertEquals(0, again.attributes().size());
    assertNull(again.bodyString());
  }

  @Test
  void metricsCountDataPointsAndCopyEveryType() {
    Metrics m = new Metrics();
    PList<Metric> list = m.resourceMetrics().appendEmpty().scopeMetrics().appendEmpty().metrics();
    list.appendEmpty().setName("g").setGauge().appendEmpty().setDoubleValue(1.5);
    PList<NumberDataPoint> sum = list.appendEmpty().setName("s")
        .setSum(AggregationTemporality.CUMULATIVE, true);
    sum.appendEmpty().setLongValue(3);
    sum.appendEmpty().setLongValue(4);
    list.appendEmpty().setName("h").setHistogram(AggregationTemporality.DELTA).appendEmpty()
        .setBuckets(new double[] {1, 2}, new long[] {1, 2, 3});
    ExponentialHistogramDataPoint e = list.appendEmpty().setName("e")
        .setExponentialHistogram(AggregationTemporality.DELTA).appendEmpty();
    e.setScale(3);
    e.setPositive(-2, new long[] {5, 6});
    list.appendEmpty().setName("q").setSummary().appendEmpty()
        .setQuantileValues(new double[] {0.5}, new double[] {10});
    assertEquals(5, m.metricCount());
    assertEquals(6, m.itemCount());
    Metrics copy = m.copy();
    assertEquals(6, copy.dataPointCount());
    PList<Metric> cl = copy.resourceMetrics().get(0).scopeMetrics().get(0).metrics();
    assertTrue(cl.get(1).isMonotonic());
    assertEquals(4, cl.get(1).numberPoints().get(1).longValue());
    assertArrayEquals(new long[] {1, 2, 3}, cl.get(2).histogramPoints().get(0).bucketCounts());
    assertEquals(-2, cl.get(3).exponentialHistogramPoints().get(0).positiveOffset());
    assertEquals(10, cl.get(4).summaryPoints().get(0).quantileValues()[0]);
    assertThrows(IllegalStateException.class, () -> cl.get(0).histogramPoints());
    assertThrows(IllegalArgumentException.class, () -> cl.get(2).histogramPoints().get(0)
        .setBuckets(new double[] {1}, new long[] {1}));
  }

  @Test
  void tracesCopyEventsLinksAndIds() {
    Traces t = new Traces();
    Span s = t.resourceSpans().appendEmpty().scopeSpans().appendEmpty().spans().appendEmpty();
    byte[] trace = new byte[16];
    trace[15] = 1;
    s.setTraceId(trace).setSpanId(new byte[] {0, 0, 0, 0, 0, 0, 0, 2}).setName("GET /")
        .setKind(SpanKind.SERVER).setStatus(StatusCode.ERROR, "boom");
    s.events().appendEmpty().setName("exception").attributes().putString("k", "v");
    s.links().appendEmpty().setTraceId(trace);
    trace[15] = 9; // the span keeps its own copy
    Traces copy = t.copy();
    Span c = copy.resourceSpans().get(0).scopeSpans().get(0).spans().get(0);
    assertEquals(1, c.traceId()[15]);
    assertEquals("exception", c.events().get(0).name());
    assertEquals("v", c.events().get(0).attributes().getString("k"));
    assertEquals(1, c.links().size());
    assertEquals(StatusCode.ERROR, c.statusCode());
    assertThrows(IllegalArgumentException.class, () -> c.setSpanId(new byte[3]));
    assertEquals(1, copy.spanCount());
  }
}
