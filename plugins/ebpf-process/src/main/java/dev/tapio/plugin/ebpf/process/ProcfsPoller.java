package dev.tapio.plugin.ebpf.process;

import dev.tapio.bpf.receiver.CgroupAttribution;

import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ScopeLogs;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The fallback for hosts where the eBPF programs cannot load: finds process starts and ends by
 * listing {@code /proc} every {@code interval}, and emits the same {@code process.exec} and
 * {@code process.exit} records as the eBPF path (through {@link ProcessEvents}) with {@code
 * tapio.source=procfs}.
 *
 * <p>Fidelity, which each record's source warns about: a process that lives less than one
 * interval may be missed entirely; an exec is seen as a new (pid, start time) or as a changed
 * {@code comm} (an exec in place, e.g. a shell's last command), so an exec of a same-named binary
 * in place is missed; arguments are read from {@code /proc/<pid>/cmdline} when the process is
 * first seen, after it may have rewritten them; the exit code is known only when the process is
 * caught as a zombie ({@code /proc/<pid>/stat} field 52), otherwise code, signal and lifetime are
 * left out; the exit time is when the exit was noticed. Kernel threads are ignored, as the
 * kernel's exec tracepoint never fires for them. Processes already running at {@link #start()}
 * are taken as a baseline: no exec for them, but an exit when they end.
 *
 * <p>A process is identified by (pid, start time in clock ticks since boot), so a reused pid is an
 * exit and a new exec. Start times are converted with {@link #CLOCK_TICKS_PER_SECOND} (the
 * {@code USER_HZ} every Linux architecture Tapio runs on exposes) and a boot time taken at start
 * from {@code /proc/uptime} (10 ms resolution; {@code /proc/stat}'s {@code btime} is whole
 * seconds).
 *
 * <p>Each scan with events hands one new {@link Logs} to the consumer, which owns it once
 * accepted. A retryable refusal keeps the batch, and the next scans append to it and offer it
 * again; drops are counted through {@link ComponentContext#dropped} with reason {@code refused}
 * (permanent refusal or a consumer failure), {@code backlog_full} (events beyond {@link
 * #MAX_PENDING_RECORDS} while refused) or {@code shutdown} (still refused at {@link #stop()}).
 *
 * <p>Threading: {@link #start()} and {@link #stop()} are called by one lifecycle thread; scans
 * run on a daemon thread of the poller's own, {@code tapio-procfs-<component id>}, which alone
 * uses the poller's {@link CgroupAttribution}. The baseline scan runs in {@code start()} before
 * that thread starts, so its state is handed over by {@code Thread.start}.
 */
final class ProcfsPoller {
  static final int CLOCK_TICKS_PER_SECOND = 100;
  /** Records kept while the consumer refuses; more are dropped rather than grow without bound. */
  static final int MAX_PENDING_RECORDS = 10_000;

  static final String DROP_REFUSED = "refused";
  static final String DROP_BACKLOG_FULL = "backlog_full";
  static final String DROP_SHUTDOWN = "shutdown";

  private static final long NANOS_PER_TICK = 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
  private static final long PF_KTHREAD = 0x00200000L;
  private static final long JOIN_TIMEOUT_MILLIS = 5_000;
  // /proc/<pid>/stat fields, numbered as in proc(5).
  private static final int FIELD_STATE = 3;
  private static final int FIELD_PPID = 4;
  private static final int FIELD_FLAGS = 9;
  private static final int FIELD_START_TIME = 22;
  private static final int FIELD_EXIT_CODE = 52;

  private final ComponentContext context;
  private final LogsConsumer next;
  private final long intervalNanos;
  private final int argsMaxBytes;
  private final CgroupAttribution attribution;
  private final Path procRoot;
  private final String procPrefix;

  // Scan state, owned by the scanning thread (see class comment).
  private final Map<Integer, Tracked> processes = new HashMap<>();
  private final byte[] statBuffer = new byte[4096];
  private final byte[] statusBuffer = new byte[8192];
  private final byte[] cmdlineBuffer;
  private final String[] args;
  private long bootUnixNanos;
  private long scanNumber;
  // Parsed by readStat() into fields so that a scan allocates nothing per known process.
  private int statCommStart;
  private int statCommEnd;
  private char statState;
  private int statPpid;
  private long statFlags;
  private long statStartTicks;
  private int statExitCode;
  private Logs pending;
  private ScopeLogs pendingScope;
  private int pendingCount;
  private boolean scanFailureLogged;
  private boolean refusalLogged;

  private volatile boolean stopping;
  private Thread thread;

  /**
   * @param procRoot where procfs is mounted, {@code /proc}
   * @param interval time between scans, positive
   * @param argsMaxBytes bytes of {@code /proc/<pid>/cmdline} read at most, as the eBPF path's
   *     {@code args_max_bytes}
   * @param argsMaxCount arguments kept at most, as the eBPF path's {@code args_max_count}
   */
  ProcfsPoller(ComponentContext context, LogsConsumer next, Path procRoot, Duration interval,
      int argsMaxBytes, int argsMaxCount) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    if (argsMaxBytes < 1 || argsMaxCount < 1) {
      throw new IllegalArgumentException("argument limits must be at least 1, got "
          + argsMaxBytes + " bytes and " + argsMaxCount + " arguments");
    }
    this.context = context;
    context.dropped(0, DROP_REFUSED); // the series exists from the start
    context.dropped(0, DROP_BACKLOG_FULL);
    context.dropped(0, DROP_SHUTDOWN);
    this.next = next;
    this.intervalNanos = interval.toNanos();
    this.argsMaxBytes = argsMaxBytes;
    // Its own instance: CgroupAttribution is single-threaded. Nothing is cached, as procfs gives
    // no cgroup id, but the scan reads /proc/<pid>/cgroup only once per process anyway.
    this.attribution = new CgroupAttribution(procRoot, 1);
    this.procRoot = procRoot;
    this.procPrefix = procRoot.toString() + "/";
    // One byte more than the limit tells a cut command line from one that just fits.
    this.cmdlineBuffer = new byte[argsMaxBytes + 1];
    this.args = new String[argsMaxCount];
  }

  /**
   * Takes the baseline of running processes and starts the scanning thread.
   *
   * @throws IOException when {@code /proc} cannot be listed, so this fallback cannot work either
   */
  void start() throws IOException {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    bootUnixNanos = bootUnixNanos();
    if (!scan(true)) {
      throw new IOException("cannot list " + procRoot + ": is procfs mounted?");
    }
    thread = Thread.ofPlatform()
        .daemon(true)
        .name("tapio-procfs-" + context.id())
        .unstarted(this::run);
    thread.start();
  }

  /**
   * Stops scanning; a batch the consumer still refuses is counted as dropped. Idempotent; a
   * stopped poller cannot be started again (the receiver makes a new one).
   */
  void stop() throws InterruptedException {
    stopping = true;
    Thread t = thread;
    if (t == null) {
      return;
    }
    LockSupport.unpark(t);
    t.join(JOIN_TIMEOUT_MILLIS);
    if (t.isAlive()) {
      context.logger().log(Level.WARNING, "procfs poller thread {0} did not stop within {1} ms",
          t.getName(), JOIN_TIMEOUT_MILLIS);
      return;
    }
    // The thread has ended (join orders its writes before this read).
    if (pending != null) {
      context.dropped(pendingCount, DROP_SHUTDOWN);
      pending = null;
      pendingCount = 0;
    }
  }

  private void run() {
    long nextScan = System.nanoTime();
    while (!stopping) {
      nextScan += intervalNanos;
      try {
        scan(false);
        flush();
      } catch (RuntimeException | Error e) {
        // A bug in one scan (or an OutOfMemoryError) must not end the fallback; the next scan
        // starts afresh.
        context.logger().log(Level.WARNING, "procfs scan failed", e);
      }
      long now = System.nanoTime();
      if (nextScan - now < 0) {
        // Fell behind (a slow scan, a stalled machine): skip the missed ticks, do not burst.
        nextScan = now;
      }
      long wait;
      while (!stopping && (wait = nextScan - System.nanoTime()) > 0) {
        LockSupport.parkNanos(this, wait);
      }
    }
  }

  /** One pass over {@code /proc}; false when it cannot be listed. */
  private boolean scan(boolean baseline) {
    String[] names = procRoot.toFile().list();
    if (names == null) {
      if (!scanFailureLogged) {
        scanFailureLogged = true;
        context.logger().log(Level.WARNING, "cannot list {0}; process events stop", procRoot);
      }
      return false;
    }
    long scan = ++scanNumber;
    long now = nowUnixNanos();
    for (String name : names) {
      int pid = parsePid(name);
      if (pid <= 0) {
        continue;
      }
      Tracked known = processes.get(pid);
      String statPath = known != null ? known.statPath : procPrefix + pid + "/stat";
      if (!readStat(statPath) || (statFlags & PF_KTHREAD) != 0) {
        continue;
      }
      boolean zombie = statState == 'Z' || statState == 'X';
      if (known != null && known.startTicks == statStartTicks) {
        known.seenInScan = scan;
        if (known.exited) {
          continue;
        }
        known.ppid = statPpid;
        if (zombie) {
          known.exited = true;
          emitExit(known, now, zombieStatus(known));
        } else if (!Arrays.equals(known.comm, 0, known.comm.length,
            statBuffer, statCommStart, statCommEnd)) {
          // Same process, new image: an exec in place.
          known.setComm(Arrays.copyOfRange(statBuffer, statCommStart, statCommEnd));
          emitExec(known, now, now);
        }
        continue;
      }
      if (known != null && !known.exited) {
        // The pid was reused since the last scan: its previous process has ended.
        emitExit(known, now, ProcessEvents.UNKNOWN_STATUS);
      }
      Tracked t = new Tracked(pid, statStartTicks, statPpid,
          Arrays.copyOfRange(statBuffer, statCommStart, statCommEnd),
          known != null ? known.statPath : statPath);
      t.seenInScan = scan;
      processes.put(pid, t);
      if (!baseline) {
        emitExec(t, startUnixNanos(t.startTicks), now);
        if (zombie) {
          t.exited = true;
          emitExit(t, now, zombieStatus(t));
        }
      } else if (zombie) {
        t.exited = true;
      }
    }
    for (Iterator<Tracked> it = processes.values().iterator(); it.hasNext(); ) {
      Tracked t = it.next();
      if (t.seenInScan != scan) {
        if (!t.exited) {
          emitExit(t, now, ProcessEvents.UNKNOWN_STATUS);
        }
        it.remove();
      }
    }
    return true;
  }

  private void emitExec(Tracked t, long timeUnixNano, long now) {
    LogRecord r = appendRecord();
    if (r == null) {
      return;
    }
    String dir = procPrefix + t.pid;
    int uid = -1;
    int gid = -1;
    int statusLength = readFile(dir + "/status", statusBuffer, statusBuffer.length);
    if (statusLength > 0) {
      uid = (int) firstNumberAfter(statusBuffer, statusLength, UID_KEY);
      gid = (int) firstNumberAfter(statusBuffer, statusLength, GID_KEY);
    }
    String exe = "";
    try {
      exe = Files.readSymbolicLink(Path.of(dir, "exe")).toString();
      t.exeReadable = true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // Not ours to read (another user's process without CAP_SYS_PTRACE) or already gone.
    }
    int argCount = 0;
    boolean truncated = false;
    int cmdlineLength = readFile(dir + "/cmdline", cmdlineBuffer, cmdlineBuffer.length);
    if (cmdlineLength > 0) {
      truncated = cmdlineLength > argsMaxBytes;
      int found = ProcessEvents.splitArgs(
          cmdlineBuffer, 0, Math.min(cmdlineLength, argsMaxBytes), args);
      argCount = Math.min(found, args.length);
      truncated |= found > args.length;
    }
    t.attribution = attribution.forPid(t.pid, 0);
    ProcessEvents.exec(r, timeUnixNano, t.pid, t.ppid, uid, gid, exe, t.commString(), args,
        argCount, truncated, 0, startUnixNanos(t.startTicks), ProcessEvents.SOURCE_PROCFS);
    ProcessEvents.attribution(r, t.attribution);
    r.setObservedTimeUnixNano(now);
    Arrays.fill(args, 0, argCount, null);
  }

  private void emitExit(Tracked t, long now, int rawWaitStatus) {
    LogRecord r = appendRecord();
    if (r == null) {
      return;
    }
    ProcessEvents.exit(r, now, t.pid, t.ppid, t.commString(), rawWaitStatus,
        ProcessEvents.UNKNOWN_LIFETIME, 0, ProcessEvents.SOURCE_PROCFS);
    if (t.attribution != null) {
      ProcessEvents.attribution(r, t.attribution);
    }
    r.setObservedTimeUnixNano(now);
  }

  /**
   * The wait status of a zombie just read by {@link #readStat}. The kernel shows it only to whom
   * may ptrace the process and prints 0 to others, which would read as a clean exit; the {@code
   * exe} link has the same access check, so a readable link means the status is real.
   */
  private int zombieStatus(Tracked t) {
    return t.exeReadable ? statExitCode : ProcessEvents.UNKNOWN_STATUS;
  }

  /** A record to fill in the pending batch, or null (counted) when the backlog is full. */
  private LogRecord appendRecord() {
    if (pendingCount >= MAX_PENDING_RECORDS) {
      context.dropped(1, DROP_BACKLOG_FULL);
      return null;
    }
    if (pending == null) {
      pending = new Logs();
      pendingScope = ProcessEvents.appendScope(pending);
    }
    pendingCount++;
    return pendingScope.logRecords().appendEmpty();
  }

  private void flush() {
    if (pending == null) {
      return;
    }
    try {
      next.consumeLogs(pending);
      refusalLogged = false;
    } catch (ConsumerException e) {
      if (e.retryable()) {
        if (!refusalLogged) {
          refusalLogged = true;
          context.logger().log(Level.DEBUG, "pipeline refused process events, retrying: {0}",
              e.getMessage());
        }
        return;
      }
      context.dropped(pendingCount, DROP_REFUSED);
    } catch (RuntimeException | Error e) {
      context.logger().log(Level.WARNING, "consumer failed on process events", e);
      context.dropped(pendingCount, DROP_REFUSED);
    }
    pending = null;
    pendingScope = null;
    pendingCount = 0;
  }

  /** Parses {@code /proc/<pid>/stat} into the {@code stat*} fields; false when unreadable. */
  private boolean readStat(String path) {
    int n = readFile(path, statBuffer, statBuffer.length);
    if (n <= 0) {
      return false;
    }
    int open = -1;
    int close = -1;
    for (int i = 0; i < n; i++) {
      if (statBuffer[i] == '(' && open < 0) {
        open = i;
      } else if (statBuffer[i] == ')') {
        // The last ')' ends comm, which may itself contain parentheses and spaces.
        close = i;
      }
    }
    if (open < 0 || close < open) {
      return false;
    }
    statCommStart = open + 1;
    statCommEnd = close;
    statExitCode = ProcessEvents.UNKNOWN_STATUS;
    int field = FIELD_STATE;
    int i = close + 2;
    while (i < n && field <= FIELD_EXIT_CODE) {
      int end = i;
      while (end < n && statBuffer[end] != ' ' && statBuffer[end] != '\n') {
        end++;
      }
      switch (field) {
        case FIELD_STATE -> statState = (char) statBuffer[i];
        case FIELD_PPID -> statPpid = (int) parseLong(statBuffer, i, end);
        case FIELD_FLAGS -> statFlags = parseLong(statBuffer, i, end);
        case FIELD_START_TIME -> statStartTicks = parseLong(statBuffer, i, end);
        case FIELD_EXIT_CODE -> statExitCode = (int) parseLong(statBuffer, i, end);
        default -> { }
      }
      field++;
      i = end + 1;
    }
    return field > FIELD_START_TIME;
  }

  /**
   * Reads up to {@code limit} bytes of a (proc) file into {@code buffer}; -1 when it cannot be
   * read. Procfs may return less than asked per read, so it reads until full or end of file.
   */
  private static int readFile(String path, byte[] buffer, int limit) {
    try (FileInputStream in = new FileInputStream(path)) {
      int total = 0;
      while (total < limit) {
        int n = in.read(buffer, total, limit - total);
        if (n < 0) {
          break;
        }
        total += n;
      }
      return total;
    } catch (IOException e) {
      // Gone since listed (ENOENT, or ESRCH for a process reaped mid-read): nothing to report.
      return -1;
    }
  }

  private static final byte[] UID_KEY = "\nUid:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GID_KEY = "\nGid:".getBytes(StandardCharsets.US_ASCII);

  /** The first number after {@code key} (the real id, in status's "Uid:" line), or -1. */
  private static long firstNumberAfter(byte[] buffer, int length, byte[] key) {
    outer:
    for (int i = 0; i + key.length <= length; i++) {
      for (int k = 0; k < key.length; k++) {
        if (buffer[i + k] != key[k]) {
          continue outer;
        }
      }
      int start = i + key.length;
      while (start < length && (buffer[start] == '\t' || buffer[start] == ' ')) {
        start++;
      }
      int end = start;
      while (end < length && buffer[end] >= '0' && buffer[end] <= '9') {
        end++;
      }
      return end > start ? parseLong(buffer, start, end) : -1;
    }
    return -1;
  }

  private static long parseLong(byte[] b, int from, int to) {
    boolean negative = from < to && b[from] == '-';
    long v = 0;
    for (int i = negative ? from + 1 : from; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  static int parsePid(String name) {
    int n = name.length();
    if (n == 0 || n > 9) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < n; i++) {
      int d = name.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private long startUnixNanos(long startTicks) {
    return bootUnixNanos + startTicks * NANOS_PER_TICK;
  }

  private long bootUnixNanos() {
    long now = nowUnixNanos();
    byte[] buf = new byte[128];
    int n = readFile(procPrefix + "uptime", buf, buf.length);
    if (n > 0) {
      // "12345.67 23456.78": seconds since boot with centiseconds.
      int dot = 0;
      while (dot < n && buf[dot] != '.' && buf[dot] != ' ') {
        dot++;
      }
      long seconds = parseLong(buf, 0, dot);
      long centis = dot < n && buf[dot] == '.' ? parseLong(buf, dot + 1, Math.min(n, dot + 3)) : 0;
      return now - seconds * 1_000_000_000L - centis * 10_000_000L;
    }
    byte[] stat = new byte[65536];
    n = readFile(procPrefix + "stat", stat, stat.length);
    byte[] key = "\nbtime ".getBytes(StandardCharsets.US_ASCII);
    long btime = n > 0 ? firstNumberAfter(stat, n, key) : -1;
    return btime > 0 ? btime * 1_000_000_000L : 0;
  }

  private static long nowUnixNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** What a scan remembers of one process. Owned by the scanning thread. */
  private static final class Tracked {
    final int pid;
    final long startTicks;
    final String statPath;
    int ppid;
    byte[] comm;
    private String commText;
    CgroupAttribution.Attribution attribution;
    boolean exeReadable;
    boolean exited;
    long seenInScan;

    Tracked(int pid, long startTicks, int ppid, byte[] comm, String statPath) {
      this.pid = pid;
      this.startTicks = startTicks;
      this.ppid = ppid;
      this.comm = comm;
      this.statPath = statPath;
    }

    void setComm(byte[] comm) {
      this.comm = comm;
      commText = null;
    }

    /** The comm as text, decoded once per image rather than once per event. */
    String commString() {
      if (commText == null) {
        commText = new String(comm, StandardCharsets.UTF_8);
      }
      return commText;
    }
  }
}
