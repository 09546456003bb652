package dev.tapio.plugin.k8sevents;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.exporterhelper.StorageExtension;
import dev.tapio.pdata.Logs;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher.Action;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * One {@code k8s_events} receiver: a list+watch of Kubernetes Events per configured namespace
 * (or one of every namespace), each added or updated event handed on as a log record
 * ({@link EventRecords}), deletions not.
 *
 * <p>Where a watch resumes. Each watch keeps a <em>watermark</em>: the resource version up to
 * which every change was delivered (or deliberately skipped). A notification at or below it is
 * a duplicate and is skipped, whatever replays it. The first start lists the events that exist
 * and skips them all (the Collector does not send the initial state), the watermark being the
 * list's resource version. A watch fabric8 cannot resume ({@code 410 Gone}: the server no
 * longer keeps history that old) is replaced by a new list, of which only the events above the
 * watermark are handed on, and counted in {@code tapio_k8s_events_resume_gaps{reason="expired"}}:
 * what changed in between and is no longer listed (a deleted event, the intermediate counts of
 * an event updated several times) cannot be recovered. With {@code storage}, the watermark is
 * kept in a file after each delivered batch, and the next run watches from it: nothing handed
 * on is handed on again, and what happened while Tapio was down arrives (or is counted as a
 * gap when the server answers {@code 410}).
 *
 * <p>Without {@code storage}, an event is also skipped when its time (event time, else last,
 * else first timestamp) is before the receiver started, as the Collector does.
 *
 * <p>Threading: {@link #start} and {@link #shutdown} on the engine's lifecycle thread; fabric8's
 * watch threads only queue notifications (blocking when the queue is full, which pushes back on
 * the watch stream); everything else, listing, mapping, delivering and checkpointing, runs on
 * the receiver's own thread {@code tapio-k8s-events-<id>}. Ownership: each batch is a new
 * {@code Logs} that belongs to the consumer once accepted.
 */
final class K8sEventsReceiver implements Component {
  private static final int QUEUE_CAPACITY = 1024;
  private static final int MAX_BATCH = 256;
  private static final long POLL_MILLIS = 200;
  private static final long INITIAL_BACKOFF_NANOS = 100_000_000L;
  private static final long MAX_BACKOFF_NANOS = 30_000_000_000L;
  private static final long JOIN_MILLIS = 10_000;

  private final ComponentContext context;
  private final K8sEventsConfig config;
  private final Function<K8sEventsConfig, KubernetesClient> clients;
  private final EventsApi forcedApi;
  private final LogsConsumer next;
  private final System.Logger log;
  private final BlockingQueue<Notice> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final List<Stream> streams = new ArrayList<>();
  private final Counters counters;

  private KubernetesClient client;
  private Checkpoints checkpoints;
  private Thread thread;
  private volatile boolean stopping;
  private long startUnixNano;

  // Receiver thread only.
  private EventsApi api;
  private Logs batch = new Logs();
  private int batchSize;
  private final Set<Stream> touched = new LinkedHashSet<>();

  /**
   * @param forcedApi the API to read events from, or null to ask the server (tests force one,
   *     to read the API they create events through)
   */
  K8sEventsReceiver(ComponentContext context, K8sEventsConfig config,
      Function<K8sEventsConfig, KubernetesClient> clients, EventsApi forcedApi,
      LogsConsumer next) {
    this.context = context;
    this.config = config;
    this.clients = clients;
    this.forcedApi = forcedApi;
    this.next = next;
    this.log = context.logger();
    this.counters = new Counters(context);
    if (config.namespaces().isEmpty()) {
      streams.add(new Stream(""));
    } else {
      config.namespaces().forEach(ns -> streams.add(new Stream(ns)));
    }
  }

  @Override
  public void start(Host host) throws Exception {
    startUnixNano = System.currentTimeMillis() * 1_000_000L;
    if (config.storage() != null) {
      checkpoints = openCheckpoints(host);
      for (Stream s : streams) {
        s.resumeFrom = checkpoints.get(s.namespace);
      }
      checkpoints.retainOnly(streams.stream().map(s -> s.namespace).toList());
    }
    client = clients.apply(config);
    context.reportStatus(ComponentStatus.STARTING, "connecting to the API server");
    thread = Thread.ofPlatform().daemon().name("tapio-k8s-events-" + context.id())
        .start(this::run);
  }

  private Checkpoints openCheckpoints(Host host) throws IOException {
    Component ext = host.extension(config.storage()).orElseThrow(() ->
        new IllegalStateException("storage of " + context.id() + " names " + config.storage()
            + ", which is not a started extension: add it under extensions and"
            + " service.extensions"));
    if (!(ext instanceof StorageExtension storage)) {
      throw new IllegalStateException("storage of " + context.id() + " names "
          + config.storage() + ", which is not a storage extension such as file_storage");
    }
    Checkpoints c = new Checkpoints(storage.directoryFor(context.id(), "logs"),
        storage.fsync());
    c.load();
    return c;
  }

  /**
   * Stops the thread, then the watches and the client. The thread is not interrupted: an
   * interrupt would close a checkpoint file half written; it notices {@code stopping} within
   * {@value #POLL_MILLIS} ms, or when the list request it waits for ends, which closing the
   * client forces if it takes longer than {@value #JOIN_MILLIS} ms.
   */
  @Override
  public void shutdown() throws Exception {
    stopping = true;
    Thread t = thread;
    if (t != null) {
      t.join(JOIN_MILLIS);
    }
    if (client != null) {
      client.close();
    }
    if (t != null && t.isAlive()) {
      t.join(JOIN_MILLIS);
      if (t.isAlive()) {
        log.log(Level.WARNING, "thread {0} did not stop", t.getName());
      }
    }
    for (Stream s : streams) {
      s.closeWatch();
    }
  }

  // ---- the receiver's thread ----

  private void run() {
    long backoff = INITIAL_BACKOFF_NANOS;
    while (!stopping) {
      try {
        if (api == null) {
          api = forcedApi != null ? forcedApi : EventsApi.discover(client);
          log.log(Level.INFO, "reading events from " + api.apiVersion());
        }
        openStreams();
        backoff = INITIAL_BACKOFF_NANOS;
        drain();
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        if (stopping) {
          break;
        }
        String what = api == null ? "discovery" : "list/watch";
        counters.watchError(api == null ? "discovery_failed" : "list_failed");
        String reason = "events " + what + " failed, retrying: " + e;
        log.log(Level.WARNING, reason);
        context.reportStatus(ComponentStatus.DEGRADED, reason);
        if (!pause(backoff)) {
          break;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      } catch (Error e) {
        // A class missing from the plugin jar, memory: nothing to retry; say why events stop.
        log.log(Level.ERROR, "events receiver thread failed", e);
        context.reportStatus(ComponentStatus.ERROR, "receiver thread failed: " + e);
        throw e;
      }
    }
  }

  /** Opens every watch that needs it. */
  private void openStreams() {
    boolean opened = false;
    for (Stream s : streams) {
      if (s.watch == null && !stopping) {
        open(s);
        opened = true;
      }
    }
    if (opened) {
      context.reportStatus(ComponentStatus.OK, "watching events of "
          + (config.namespaces().isEmpty() ? "every namespace" : config.namespaces())
          + " through " + api.apiVersion());
    }
  }

  /**
   * Starts {@code s}'s watch: from its stored or last resource version when it has one and
   * fabric8 did not give up on it, else from a new list, handing on what the list holds above
   * the watermark.
   */
  private void open(Stream s) {
    if (s.resumeFrom != null) {
      String from = s.resumeFrom;
      if (s.watermarkVersion == null) {
        s.commit(KubeEvent.revision(from), from);
      }
      try {
        watch(s, from);
        s.resumeFrom = null;
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_GONE) {
          throw e; // retried from the same version after a pause
        }
        s.resumeFrom = null;
        counters.watchError("gone");
      }
    }
    EventsApi.Listing listing = api.list(client, s.namespace);
    long listRevision = KubeEvent.revision(listing.resourceVersion());
    if (s.watermarkVersion == null) {
      // First start without a checkpoint: what exists now existed before the start.
      s.commit(listRevision, listing.resourceVersion());
      checkpoint(s);
    } else {
      relisted(s, listing, listRevision);
    }
    watch(s, listing.resourceVersion());
  }

  /** Hands on what a new list holds above {@code s}'s watermark, in resource version order. */
  private void relisted(Stream s, EventsApi.Listing listing, long listRevision) {
    counters.watchRestart();
    if (s.watermark < 0) {
      counters.resumeGap("opaque_resource_version");
      log.log(Level.WARNING, "events of " + s.label() + ": resource version '"
          + s.watermarkVersion + "' is not a number, so what changed since cannot be told"
          + " from what was sent; continuing from now");
    } else {
      counters.resumeGap("expired");
      log.log(Level.WARNING, "events of " + s.label() + ": the server no longer keeps history"
          + " from resource version " + s.watermarkVersion + "; listed again, events deleted"
          + " or updated several times meanwhile are lost or merged");
      List<KubeEvent> newer = new ArrayList<>();
      for (KubeEvent e : listing.items()) {
        if (e.revision() > s.watermark) {
          newer.add(e);
        }
      }
      newer.sort(Comparator.comparingLong(KubeEvent::revision));
      for (KubeEvent e : newer) {
        counters.received.add(1);
        offer(s, Action.MODIFIED, e);
        if (batchSize >= MAX_BATCH && !flush()) {
          return;
        }
      }
    }
    if (listRevision > s.pending) {
      s.pending = listRevision;
      s.pendingVersion = listing.resourceVersion();
    }
    touched.add(s);
    flush();
  }

  private void watch(Stream s, String resourceVersion) {
    int generation = ++s.generation;
    s.watch = api.watch(client, s.namespace, resourceVersion, new EventsApi.Listener() {
      @Override
      public void received(Action action, KubeEvent event) {
        enqueue(new Notice(s, generation, action, event, null));
      }

      @Override
      public void closed(WatcherException cause) {
        enqueue(new Notice(s, generation, null, null, cause));
      }
    });
  }

  /** On a watch thread: blocks while the queue is full, until the receiver stops. */
  private void enqueue(Notice n) {
    try {
      while (!stopping) {
        if (queue.offer(n, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Takes what the watches queued, in batches, until a watch needs opening again. */
  private void drain() throws InterruptedException {
    List<Notice> notices = new ArrayList<>(MAX_BATCH);
    while (!stopping) {
      Notice first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      if (first == null) {
        continue;
      }
      notices.add(first);
      queue.drainTo(notices, MAX_BATCH - 1);
      boolean reopen = false;
      for (Notice n : notices) {
        if (n.stream.generation != n.generation) {
          continue; // from a watch already replaced
        }
        if (n.cause != null) {
          closed(n.stream, n.cause);
          reopen = true;
        } else {
          handle(n.stream, n.action, n.event);
        }
      }
      notices.clear();
      if (!flush() || reopen) {
        return;
      }
    }
  }

  private void handle(Stream s, Action action, KubeEvent e) {
    if (action == Action.BOOKMARK) {
      s.advance(e.revision(), e.resourceVersion());
      touched.add(s);
      return;
    }
    counters.received.add(1);
    long revision = e.revision();
    if (action == Action.DELETED) {
      counters.skipped("deleted");
    } else if (revision >= 0 && revision <= s.pending) {
      counters.skipped("duplicate");
    } else if (action == Action.ADDED || action == Action.MODIFIED) {
      offer(s, action, e);
    } else {
      counters.skipped("unknown_action");
    }
    s.advance(revision, e.resourceVersion());
    touched.add(s);
  }

  /** Adds an added or updated event to the batch, unless the Collector's start filter drops it. */
  private void offer(Stream s, Action action, KubeEvent e) {
    if (checkpoints == null && e.timeNanos() < startUnixNano) {
      counters.skipped("before_start");
    } else {
      EventRecords.append(batch, e);
      batchSize++;
    }
    s.advance(e.revision(), e.resourceVersion());
    touched.add(s);
  }

  /** fabric8 gave up on {@code s}'s watch: open it again, from a list when the server said 410. */
  private void closed(Stream s, WatcherException cause) {
    s.closeWatch();
    if (cause.isHttpGone()) {
      counters.watchError("gone");
    } else {
      counters.watchError("closed");
      counters.watchRestart();
      // Not expired: resume from the last delivered version, without a list.
      s.resumeFrom = s.pendingVersion;
    }
    log.log(Level.INFO, "events watch of " + s.label() + " closed (" + cause.getMessage()
        + "); reopening");
  }

  /**
   * Hands the batch on, then moves the watermarks of the watches it came from and stores them.
   * False when the receiver is stopping and the batch was not accepted: the watermarks stay,
   * so with {@code storage} the next run hands those events on.
   */
  private boolean flush() {
    if (batchSize > 0 && !deliver(batch, batchSize)) {
      return false;
    }
    batch = new Logs();
    batchSize = 0;
    for (Stream s : touched) {
      s.commit(s.pending, s.pendingVersion);
      checkpoint(s);
    }
    touched.clear();
    return true;
  }

  /** Retries retryable refusals until accepted or stopping; false when abandoned. */
  private boolean deliver(Logs logs, int n) {
    long backoff = INITIAL_BACKOFF_NANOS;
    while (true) {
      try {
        next.consumeLogs(logs);
        counters.emitted.add(n);
        return true;
      } catch (ConsumerException e) {
        if (!e.retryable()) {
          context.dropped(n, "refused");
          log.log(Level.WARNING, n + " events refused downstream: " + e.getMessage());
          return true;
        }
        // Not retained by the consumer: the same batch may be offered again.
        if (stopping || !pause(backoff)) {
          context.dropped(n, "shutdown");
          return false;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      } catch (RuntimeException e) {
        // A consumer breaking its contract: offering the same batch again would fail again.
        context.dropped(n, "refused");
        log.log(Level.ERROR, n + " events lost to a failing consumer", e);
        return true;
      }
    }
  }

  private void checkpoint(Stream s) {
    if (checkpoints == null || s.watermarkVersion == null || s.watermarkVersion.isEmpty()) {
      return;
    }
    try {
      checkpoints.put(s.namespace, s.watermarkVersion);
    } catch (IOException e) {
      counters.checkpointFailures.add(1);
      log.log(Level.WARNING, "cannot store the resource version of " + s.label()
          + "; a restart would hand on again what came since the last stored one: " + e);
    }
  }

  /** Sleeps {@code nanos}, looking at {@code stopping} meanwhile; false when told to stop. */
  private boolean pause(long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (long left = nanos; left > 0 && !stopping; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
    }
    return !stopping;
  }

  /** A notification from one watch, or its closing when {@code cause} is set. */
  private record Notice(Stream stream, int generation, Action action, KubeEvent event,
      WatcherException cause) {}

  /**
   * One watch: a namespace, or every namespace. Its fields are the receiver thread's, except
   * {@link #generation}, which the watch's listener reads when it is created.
   */
  private static final class Stream {
    final String namespace;
    /** Every change up to this revision was handed on or skipped; -1: not a number. */
    long watermark = -1;
    /** The watermark as the server wrote it; null before the first list or checkpoint. */
    String watermarkVersion;
    /** The watermark once the current batch is delivered. */
    long pending = -1;
    String pendingVersion;
    /** Where to watch from without listing, or null to list. */
    String resumeFrom;
    int generation;
    Watch watch;

    Stream(String namespace) {
      this.namespace = namespace;
    }

    String label() {
      return namespace.isEmpty() ? "every namespace" : "namespace " + namespace;
    }

    void advance(long revision, String version) {
      if (revision > pending) {
        pending = revision;
        pendingVersion = version;
      }
    }

    void commit(long revision, String version) {
      watermark = revision;
      watermarkVersion = version;
      pending = revision;
      pendingVersion = version;
    }

    void closeWatch() {
      Watch w = watch;
      watch = null;
      if (w != null) {
        w.close();
      }
    }
  }
}
