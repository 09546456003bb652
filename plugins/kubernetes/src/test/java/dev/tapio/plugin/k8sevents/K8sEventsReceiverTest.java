package dev.tapio.plugin.k8sevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.exporterhelper.StorageExtension;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import dev.tapio.testkit.Await;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver against fabric8's mock API server in CRUD mode: events are created, updated and
 * deleted through a client, the receiver lists and watches them over HTTP and WebSocket.
 *
 * <p>"Nothing more arrived" is shown with a barrier: the receiver hands events on in the order
 * the watch delivers them, so once an event created last has arrived, everything created before
 * it has been handled.
 */
class K8sEventsReceiverTest {
  private static final ComponentId STORAGE = ComponentId.parse("file_storage");

  private MockCluster cluster;
  private final ConsumerSink sink = new ConsumerSink();
  private TestContext context = new TestContext("k8s_events", Kind.RECEIVER, Signal.LOGS);
  private Component receiver;
  @TempDir
  Path storageDir;

  @BeforeEach
  void cluster() {
    cluster = new MockCluster();
  }

  @AfterEach
  void stop() throws Exception {
    if (receiver != null) {
      receiver.shutdown();
    }
    cluster.close();
  }

  // ---- created, updated, deleted ----

  @Test
  void createdUpdatedDeletedArriveOnceEachWithTheCollectorsFields() throws Exception {
    start("auth_type: none\n", new TestHost());
    Event created = create(event("shop", "cart-1.17a2b", "uid-ev-1", "BackOff", "Warning", 1));

    List<Emitted> first = awaitRecords(1);
    Emitted e = first.getFirst();
    // Resource: the node that reported it and the object it is about.
    assertEquals(Map.of(
        "k8s.node.name", "node-1",
        "k8s.object.kind", "Pod",
        "k8s.object.name", "cart-1",
        "k8s.object.uid", "uid-pod-cart",
        "k8s.object.fieldpath", "spec.containers{app}",
        "k8s.object.api_version", "v1",
        "k8s.object.resource_version", "812"), e.resource);
    assertEquals(EventRecords.SCOPE_NAME, e.scope);
    assertEquals("Back-off restarting failed container app", e.body);
    assertEquals(Severity.WARN, e.severity);
    assertEquals("Warning", e.severityText);
    assertEquals(nanos(LAST), e.time, "lastTimestamp: the event has no eventTime");
    assertEquals(0, e.observedTime, "the Collector sets no observed time");
    // The server gives the event its uid and creation time; Go prints a time in UTC as
    // "2006-01-02 15:04:05 +0000 UTC".
    String created8601 = created.getMetadata().getCreationTimestamp();
    assertTrue(created8601.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), created8601);
    assertEquals(Map.of(
        "k8s.event.reason", "BackOff",
        "k8s.event.action", "Restarting",
        "k8s.event.start_time", created8601.replace('T', ' ').replace("Z", " +0000 UTC"),
        "k8s.event.name", "cart-1.17a2b",
        "k8s.event.uid", created.getMetadata().getUid(),
        "k8s.namespace.name", "shop",
        "k8s.event.count", 1L), e.attributes);

    // Updated (the kubelet saw it again): one more record, with the new count.
    Event updated = cluster.client.v1().events().inNamespace("shop")
        .withName(created.getMetadata().getName()).edit(ev -> {
          ev.setCount(2);
          return ev;
        });
    assertTrue(KubeEvent.revision(updated.getMetadata().getResourceVersion())
        > KubeEvent.revision(created.getMetadata().getResourceVersion()));
    List<Emitted> second = awaitRecords(2);
    assertEquals(2L, second.get(1).attributes.get("k8s.event.count"));
    assertEquals(created.getMetadata().getUid(), second.get(1).attributes.get("k8s.event.uid"));

    // Deleted: nothing.
    cluster.client.v1().events().inNamespace("shop").withName("cart-1.17a2b").delete();
    barrier("shop");
    List<Emitted> all = records();
    assertEquals(List.of("cart-1.17a2b", "cart-1.17a2b", "barrier"), names(all));
    assertEquals(1, context.counterValue(Counters.SKIPPED, "reason", "deleted"));
    assertAccounted();
  }

  @Test
  void eventsThatExistedBeforeTheStartAreNotSent() throws Exception {
    create(event("shop", "old.1", "uid-old-1", "Pulled", "Normal", 1));
    create(event("shop", "old.2", "uid-old-2", "Pulled", "Normal", 1));
    start("auth_type: none\n", new TestHost());
    barrier("shop");
    assertEquals(List.of("barrier"), names(records()));
  }

  @Test
  void withoutStorageAnEventOlderThanTheStartIsSkippedAsTheCollectorDoes() throws Exception {
    start("auth_type: none\n", new TestHost());
    Event stale = event("shop", "stale.1", "uid-stale", "Pulled", "Normal", 1);
    stale.setLastTimestamp("2020-01-01T00:00:00Z");
    stale.setFirstTimestamp("2020-01-01T00:00:00Z");
    create(stale);
    barrier("shop");
    assertEquals(List.of("barrier"), names(records()));
    assertEquals(1, context.counterValue(Counters.SKIPPED, "reason", "before_start"));
    assertAccounted();
  }

  @Test
  void onlyTheConfiguredNamespacesAreWatched() throws Exception {
    start("auth_type: none\nnamespaces: [shop, db]\n", new TestHost());
    await(() -> cluster.openWatches() == 2);
    create(event("shop", "a.1", "uid-a", "Pulled", "Normal", 1));
    create(event("kube-system", "b.1", "uid-b", "Pulled", "Normal", 1));
    create(event("db", "c.1", "uid-c", "Pulled", "Normal", 1));
    barrier("shop");
    barrier("db");
    List<Emitted> all = records();
    assertEquals(4, all.size(), () -> names(all).toString());
    assertFalse(names(all).contains("b.1"), "kube-system is not watched");
    assertTrue(names(all).containsAll(List.of("a.1", "c.1")));
    assertEquals(4, context.counterValue(Counters.RECEIVED));
  }

  @Test
  void eventsK8sIoEventsMapAsTheCoreOnes() throws Exception {
    start("auth_type: none\n", new TestHost(), EventsApi.EVENTS_V1);
    String now = Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
    var created = cluster.client.events().v1().events().inNamespace("shop").resource(
        new io.fabric8.kubernetes.api.model.events.v1.EventBuilder()
            .withNewMetadata().withName("db-0.1").withNamespace("shop").withUid("uid-new")
            .withCreationTimestamp("2026-12-07T04:00:00Z").endMetadata()
            .withReason("FailedScheduling").withType("Warning").withAction("Scheduling")
            .withNote("0/3 nodes are available").withEventTime(new MicroTime(now))
            .withReportingController("default-scheduler").withReportingInstance("sched-1")
            .withNewDeprecatedSource("scheduler", "node-2")
            .withDeprecatedCount(3)
            .withNewRegarding().withKind("Pod").withName("db-0").withNamespace("shop")
            .withUid("uid-pod-db").withApiVersion("v1").withResourceVersion("77")
            .endRegarding()
            .build()).create();
    Emitted e = awaitRecords(1).getFirst();
    assertEquals("0/3 nodes are available", e.body);
    assertEquals(nanos(now), e.time, "eventTime first, to the microsecond");
    assertEquals(Severity.WARN, e.severity);
    assertEquals("node-2", e.resource.get("k8s.node.name"));
    assertEquals("db-0", e.resource.get("k8s.object.name"));
    assertEquals("uid-pod-db", e.resource.get("k8s.object.uid"));
    assertEquals("77", e.resource.get("k8s.object.resource_version"));
    assertEquals("", e.resource.get("k8s.object.fieldpath"));
    assertEquals("FailedScheduling", e.attributes.get("k8s.event.reason"));
    assertEquals("Scheduling", e.attributes.get("k8s.event.action"));
    assertEquals(created.getMetadata().getUid(), e.attributes.get("k8s.event.uid"));
    assertEquals("shop", e.attributes.get("k8s.namespace.name"));
    assertEquals(3L, e.attributes.get("k8s.event.count"));
  }

  // ---- resuming ----

  @Test
  void anExpiredWatchIsListedAgainWithoutDuplicatesOrLosingWhatHappenedMeanwhile()
      throws Exception {
    start("auth_type: none\n", new TestHost());
    await(() -> cluster.openWatches() == 1);
    Event a = create(event("shop", "a.1", "uid-a", "BackOff", "Warning", 1));
    create(event("shop", "b.1", "uid-b", "Pulled", "Normal", 1));
    awaitRecords(2);

    // The server expires the watch, and answers no read while the test changes events.
    cluster.readsFail(true);
    cluster.expireWatches();
    await(() -> context.status() == ComponentStatus.DEGRADED);
    seenAgain(a);
    create(event("shop", "c.1", "uid-c", "Created", "Normal", 1));
    cluster.readsFail(false);

    barrier("shop");
    List<Emitted> all = records();
    assertEquals(List.of("a.1", "b.1", "a.1", "c.1", "barrier"), names(all));
    assertEquals(2L, all.get(2).attributes.get("k8s.event.count"));
    assertEquals(1, context.counterValue(Counters.RESUME_GAPS, "reason", "expired"));
    assertEquals(1, context.counterValue(Counters.WATCH_ERRORS, "reason", "gone"));
    assertTrue(context.counterValue(Counters.WATCH_ERRORS, "reason", "list_failed") >= 1);
    await(() -> context.status() == ComponentStatus.OK); // reported once the watch is open
    assertAccounted();
  }

  @Test
  void aDroppedConnectionResumesWithoutDuplicates() throws Exception {
    start("auth_type: none\n", new TestHost());
    await(() -> cluster.openWatches() == 1);
    create(event("shop", "a.1", "uid-a", "Pulled", "Normal", 1));
    awaitRecords(1);
    // fabric8 reconnects from the last version it saw; the mock server then replays every
    // event it holds as ADDED, which the receiver must recognise as already sent.
    cluster.readsFail(true);
    cluster.dropWatches();
    create(event("shop", "b.1", "uid-b", "Pulled", "Normal", 1));
    cluster.readsFail(false);
    barrier("shop");
    assertEquals(List.of("a.1", "b.1", "barrier"), names(records()));
    assertTrue(context.counterValue(Counters.SKIPPED, "reason", "duplicate") >= 1,
        "the replayed a.1 was seen and skipped");
    assertAccounted();
  }

  @Test
  void withStorageARestartSendsWhatHappenedWhileDownAndNothingTwice() throws Exception {
    Host host = new TestHost(Map.of(STORAGE, new DirStorage(storageDir)));
    create(event("shop", "before.1", "uid-before", "Pulled", "Normal", 1));
    start("auth_type: none\nstorage: file_storage\n", host);
    Event a = create(event("shop", "a.1", "uid-a", "BackOff", "Warning", 1));
    awaitRecords(1);
    receiver.shutdown();
    receiver = null;
    Path file = storageDir.resolve("k8s_events__logs").resolve("resource-versions");
    assertTrue(Files.readString(file).startsWith("* "), Files.readString(file));

    // While Tapio is down: a.1 is seen again, c.1 happens, stamped by a node whose clock is
    // behind: the Collector's start filter would drop it; with storage the checkpoint decides.
    seenAgain(a);
    Event c = event("shop", "c.1", "uid-c", "Created", "Normal", 1);
    c.setFirstTimestamp("2020-01-01T00:00:00Z");
    c.setLastTimestamp("2020-01-01T00:00:00Z");
    create(c);

    // A new instance, a new sink: the next run.
    sink.reset();
    context = new TestContext("k8s_events", Kind.RECEIVER, Signal.LOGS);
    start("auth_type: none\nstorage: file_storage\n", host);
    barrier("shop");
    List<Emitted> all = records();
    assertEquals(List.of("a.1", "c.1", "barrier"), names(all));
    assertEquals(2L, all.getFirst().attributes.get("k8s.event.count"));
    assertEquals(0, context.counterValue(Counters.RESUME_GAPS, "reason", "expired"));
    assertTrue(context.counterValue(Counters.SKIPPED, "reason", "duplicate") >= 1,
        "before.1, replayed by the mock server's watch, was skipped");
    assertAccounted();
  }

  @Test
  void withStorageAnExpiredCheckpointIsListedAndCountedAsAGap() throws Exception {
    Host host = new TestHost(Map.of(STORAGE, new DirStorage(storageDir)));
    start("auth_type: none\nstorage: file_storage\n", host);
    create(event("shop", "a.1", "uid-a", "Pulled", "Normal", 1));
    awaitRecords(1);
    cluster.readsFail(true);
    cluster.expireWatches();
    await(() -> context.counterValue(Counters.WATCH_ERRORS, "reason", "list_failed") >= 1);
    create(event("shop", "b.1", "uid-b", "Pulled", "Normal", 1));
    cluster.readsFail(false);
    barrier("shop");
    assertEquals(List.of("a.1", "b.1", "barrier"), names(records()));
    assertEquals(1, context.counterValue(Counters.RESUME_GAPS, "reason", "expired"));
  }

  @Test
  void withStorageACheckpointTooOldForTheServerIsListedAndCountedAsAGap() throws Exception {
    Host host = new TestHost(Map.of(STORAGE, new DirStorage(storageDir)));
    start("auth_type: none\nstorage: file_storage\n", host);
    create(event("shop", "a.1", "uid-a", "Pulled", "Normal", 1));
    awaitRecords(1);
    receiver.shutdown();
    receiver = null;

    create(event("shop", "b.1", "uid-b", "Pulled", "Normal", 1));
    cluster.expireNextWatch();
    sink.reset();
    context = new TestContext("k8s_events", Kind.RECEIVER, Signal.LOGS);
    start("auth_type: none\nstorage: file_storage\n", host);
    barrier("shop");
    assertEquals(List.of("b.1", "barrier"), names(records()));
    assertEquals(1, context.counterValue(Counters.RESUME_GAPS, "reason", "expired"));
    assertEquals(1, context.counterValue(Counters.WATCH_ERRORS, "reason", "gone"));
    assertAccounted();
  }

  // ---- refusals ----

  @Test
  void aPermanentRefusalIsCountedAsDropped() throws Exception {
    start("auth_type: none\n", new TestHost());
    await(() -> cluster.openWatches() == 1);
    sink.failWith(ConsumerException.permanent("no"));
    create(event("shop", "a.1", "uid-a", "Pulled", "Normal", 1));
    await(() -> context.droppedCount("refused") == 1);
    sink.failWith(null);
    barrier("shop");
    assertEquals(List.of("barrier"), names(records()));
    assertAccounted();
  }

  @Test
  void aRetryableRefusalIsRetriedUntilAccepted() throws Exception {
    start("auth_type: none\n", new TestHost());
    await(() -> cluster.openWatches() == 1);
    sink.failWith(ConsumerException.retryable("full"));
    create(event("shop", "a.1", "uid-a", "Pulled", "Normal", 1));
    await(() -> context.counterValue(Counters.RECEIVED) == 1);
    sink.failWith(null);
    barrier("shop");
    assertEquals(List.of("a.1", "barrier"), names(records()));
    assertEquals(0, context.droppedCount("refused") + context.droppedCount("shutdown"));
  }

  @Test
  void aStorageThatIsNotStartedFailsTheStart() {
    var factory = new K8sEventsFactory(c -> cluster.newClient(), EventsApi.CORE_V1);
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> {
          var config = ComponentConfigs.read(factory, "auth_type: none\nstorage: file_storage\n");
          receiver = factory.createLogs(context, config, sink);
          receiver.start(new TestHost());
        });
    assertTrue(e.getMessage().contains("file_storage, which is not a started extension"),
        e.getMessage());
  }

  // ---- helpers ----

  private static final String LAST = Instant.now().truncatedTo(ChronoUnit.SECONDS)
      .plusSeconds(3600).toString();

  private void start(String yaml, Host host) throws Exception {
    start(yaml, host, EventsApi.CORE_V1);
  }

  private void start(String yaml, Host host, EventsApi api) throws Exception {
    var factory = new K8sEventsFactory(c -> cluster.newClient(), api);
    K8sEventsConfig config = ComponentConfigs.read(factory, yaml);
    receiver = factory.createLogs(context, config, sink);
    receiver.start(host);
    await(() -> context.status() == ComponentStatus.OK);
  }

  /**
   * A core event as the kubelet writes it. Its last timestamp is an hour ahead, so the
   * Collector's start-time filter never drops it however the test's clock runs.
   */
  private static Event event(String ns, String name, String uid, String reason, String type,
      int count) {
    return new EventBuilder().withNewMetadata().withName(name).withNamespace(ns).withUid(uid)
        .withCreationTimestamp("2026-12-07T04:00:00Z").endMetadata()
        .withReason(reason).withType(type).withAction("Restarting").withCount(count)
        .withMessage("Back-off restarting failed container app")
        .withFirstTimestamp("2026-12-07T04:00:00Z").withLastTimestamp(LAST)
        .withNewSource().withComponent("kubelet").withHost("node-1").endSource()
        .withNewInvolvedObject().withKind("Pod").withName("cart-1").withNamespace(ns)
        .withUid("uid-pod-cart").withApiVersion("v1").withResourceVersion("812")
        .withFieldPath("spec.containers{app}").endInvolvedObject()
        .build();
  }

  /** The event as its source writes it when it sees it again: count 2, by a PUT alone. */
  private Event seenAgain(Event e) {
    e.setCount(2);
    return cluster.client.v1().events().inNamespace(e.getMetadata().getNamespace())
        .resource(e).update();
  }

  private Event create(Event e) {
    return cluster.client.v1().events().inNamespace(e.getMetadata().getNamespace())
        .resource(e).create();
  }

  private int barriers;

  /** Creates an event named {@code barrier} in {@code ns} and waits until it arrived. */
  private void barrier(String ns) throws InterruptedException {
    int before = barriers++;
    create(event(ns, "barrier-" + before, "uid-barrier-" + before, "Barrier", "Normal", 1));
    await(() -> names(records()).stream().filter("barrier"::equals).count() > before);
  }

  private List<Emitted> awaitRecords(int n) throws InterruptedException {
    await(() -> sink.itemCount() >= n);
    return records();
  }

  /** received = emitted + skipped + dropped, once the receiver is idle. */
  private void assertAccounted() {
    long skipped = 0;
    for (String r : Counters.SKIP_REASONS) {
      skipped += context.counterValue(Counters.SKIPPED, "reason", r);
    }
    long dropped = context.droppedCount("refused") + context.droppedCount("shutdown");
    assertEquals(context.counterValue(Counters.RECEIVED),
        context.counterValue(Counters.EMITTED) + skipped + dropped,
        "received = emitted + skipped + dropped");
    assertEquals(sink.itemCount(), context.counterValue(Counters.EMITTED));
  }

  private static long nanos(String rfc3339) {
    Instant i = Instant.parse(rfc3339);
    return TimeUnit.SECONDS.toNanos(i.getEpochSecond()) + i.getNano();
  }

  private static List<String> names(List<Emitted> records) {
    return records.stream().map(e -> {
      String name = (String) e.attributes.get("k8s.event.name");
      return name.startsWith("barrier-") ? "barrier" : name;
    }).toList();
  }

  private List<Emitted> records() {
    List<Emitted> out = new ArrayList<>();
    for (Logs logs : sink.logs()) {
      for (ResourceLogs rl : logs.resourceLogs()) {
        for (ScopeLogs sl : rl.scopeLogs()) {
          for (LogRecord r : sl.logRecords()) {
            out.add(new Emitted(map(rl.resource().attributes()), sl.scope().name(),
                r.bodyString(), r.severity(), r.severityText(), r.timeUnixNano(),
                r.observedTimeUnixNano(), map(r.attributes())));
          }
        }
      }
    }
    return out;
  }

  private static Map<String, Object> map(Attributes a) {
    var m = new java.util.HashMap<String, Object>();
    for (int i = 0; i < a.size(); i++) {
      m.put(a.key(i), switch (a.type(i)) {
        case LONG -> a.longAt(i);
        default -> a.stringAt(i);
      });
    }
    return m;
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Await.until(condition);
  }

  private record Emitted(Map<String, Object> resource, String scope, String body,
      Severity severity, String severityText, long time, long observedTime,
      Map<String, Object> attributes) {}

  /** A storage extension over a temporary directory, as file_storage lays it out. */
  private record DirStorage(Path root) implements Component, StorageExtension {
    @Override
    public Path directoryFor(ComponentId owner, String signal) throws java.io.IOException {
      return Files.createDirectories(root.resolve(owner.type() + "_" + owner.name() + "_"
          + signal));
    }
  }
}
