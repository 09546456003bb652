package dev.tapio.bpf.receiver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Tells which container, Kubernetes pod and systemd unit a process belongs to, from its {@code
 * /proc/<pid>/cgroup}.
 *
 * <p>That file has one line per hierarchy: cgroup v1 lines {@code id:controllers:path}, the v2
 * line {@code 0::path}, both on a hybrid host. Every line is read and the most informative path
 * wins (a container, else a pod, else a systemd unit, else any non-root path), ties going to the
 * v2 line, then {@code name=systemd}, {@code memory}, {@code cpu}: on a hybrid host the v2 tree
 * is often left at {@code /} while the runtime's path is only in the v1 controllers.
 *
 * <p>Recognised container paths: Docker ({@code docker-<id>.scope}, {@code /docker/<id>}),
 * containerd under Kubernetes ({@code cri-containerd-<id>.scope}, and v1's {@code
 * ...pod<uid>.slice:cri-containerd:<id>}), CRI-O ({@code crio-<id>.scope}) and Podman ({@code
 * libpod-<id>.scope}, {@code /libpod_parent/libpod-<id>}); a bare 64-hex directory (kubelet's
 * cgroupfs driver) is a container of unknown runtime. {@code crio-conmon-*} and {@code
 * libpod-conmon-*} hold the runtimes' monitor processes, not containers, and are ignored. The pod
 * UID comes from kubelet's {@code kubepods...-pod<uid>.slice} (systemd driver, underscores for
 * dashes) or {@code /kubepods/.../pod<uid>} (cgroupfs driver). The systemd unit is the innermost
 * {@code .service} or {@code .scope} above the container, if any.
 *
 * <p>Results are cached by cgroup v2 id, which the kernel never reuses, in a bounded LRU, so a
 * cache hit reads nothing. A result is cached only when the v2 line decided it: on v1 and hybrid
 * hosts the kernel's cgroup id names the v2 cgroup, which many processes in different v1 cgroups
 * share, so it cannot key their attribution.
 *
 * <p>The event's cgroup id is the kernel's word for where the process was; {@code
 * /proc/<pid>/cgroup} says where it is when the record is decoded, which may be elsewhere: a
 * runtime or {@code systemd-run} moves processes after they exec. Before a v2 path is believed
 * (and cached under the event's id) its directory's inode, which is the cgroup id, is compared
 * with the event's. When they differ the process has moved: the event's cgroup is found by its
 * id in the cgroup v2 tree (walked at most once a second, the walk's index kept for the next
 * moved process), or, when it is gone, the record gets no attribution rather than a wrong one.
 * Without a cgroup v2 mount the check is skipped.
 *
 * <p>Not thread-safe: single-thread use only (the receiver's poll thread, or the procfs
 * poller's); give each thread its own instance.
 */
public final class CgroupAttribution {
  static final int DEFAULT_CACHE_SIZE = 4096;

  /**
   * Where a process runs. Unknown parts are null; {@code path} is the cgroup path the other parts
   * came from.
   */
  public record Attribution(
      String containerId, String runtime, String podUid, String systemdUnit, String path) {
    public static final Attribution EMPTY = new Attribution(null, null, null, null, null);

    public boolean isEmpty() {
      return containerId == null && podUid == null && systemdUnit == null && path == null;
    }
  }

  static final String DOCKER = "docker";
  static final String CONTAINERD = "containerd";
  static final String CRIO = "cri-o";
  static final String PODMAN = "podman";

  private static final String SCOPE = ".scope";
  private static final String SERVICE = ".service";
  private static final String SLICE = ".slice";
  private static final int CONTAINER_ID_LENGTH = 64;

  private static final long MIN_WALK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_WALK_DEPTH = 16;

  private final Path procRoot;
  private final Path cgroupRoot;
  private final LongLruCache<Attribution> cache;
  /** Cgroup id to its v2 path, from the last walk of {@code cgroupRoot}; empty before one. */
  private Map<Long, String> walked = Map.of();
  private long lastWalkNanos;
  private boolean walkedOnce;
  private long moved;
  private long movedUnresolved;

  public CgroupAttribution() {
    this(Path.of("/proc"), DEFAULT_CACHE_SIZE);
  }

  /** Reads {@code procRoot}; the cgroup v2 mount is found in {@code procRoot/self/mounts}. */
  public CgroupAttribution(Path procRoot, int cacheSize) {
    this(procRoot, cgroup2Mount(procRoot), cacheSize);
  }

  /**
   * @param cgroupRoot where the cgroup v2 hierarchy is mounted, or null when it is not: then
   *     a process's current v2 path is believed without checking it against the event's id
   */
  public CgroupAttribution(Path procRoot, Path cgroupRoot, int cacheSize) {
    this.procRoot = procRoot;
    this.cgroupRoot = cgroupRoot;
    this.cache = new LongLruCache<>(cacheSize);
  }

  /** The cgroup2 mount point listed in {@code procRoot/self/mounts}, or null. */
  static Path cgroup2Mount(Path procRoot) {
    try {
      for (String line : Files.readAllLines(procRoot.resolve("self").resolve("mounts"))) {
        String[] f = line.split(" ");
        if (f.length > 2 && f[2].equals("cgroup2")) {
          return Path.of(f[1].replace("\\040", " "));
        }
      }
    } catch (IOException | SecurityException e) {
      // No mounts to read (not Linux, or a test's made-up /proc): no check.
    }
    return null;
  }

  /**
   * The attribution of {@code pid}, from the cache when {@code cgroupId} is in it, else from
   * {@code /proc/<pid>/cgroup}. A process already gone (or unreadable) gives {@link
   * Attribution#EMPTY}, which is not cached so that a later process of that cgroup can fill it.
   *
   * @param cgroupId the process's cgroup v2 id, or 0 when unknown (then nothing is cached)
   */
  public Attribution forPid(int pid, long cgroupId) {
    if (cgroupId != 0) {
      Attribution cached = cache.get(cgroupId);
      if (cached != null) {
        return cached;
      }
    }
    String text = read(pid);
    if (text == null) {
      return Attribution.EMPTY;
    }
    Choice choice = choose(text);
    if (cgroupId != 0 && choice.fromUnified) {
      if (cgroupRoot != null && !isCgroup(choice.attribution.path(), cgroupId)) {
        return movedFrom(cgroupId);
      }
      cache.put(cgroupId, choice.attribution);
    }
    return choice.attribution;
  }

  int cachedEntries() {
    return cache.size();
  }

  /** Processes found in another cgroup than their event's, since this instance was made. */
  public long movedProcesses() {
    return moved;
  }

  /** Of {@link #movedProcesses}, those whose event's cgroup was not found (gone, or too soon). */
  public long movedUnresolved() {
    return movedUnresolved;
  }

  /** Whether the v2 cgroup at {@code path} has the id {@code cgroupId} (its inode number). */
  private boolean isCgroup(String path, long cgroupId) {
    try {
      Object ino = Files.getAttribute(cgroupRoot.resolve(path.substring(1)), "unix:ino");
      return ino instanceof Long l && l == cgroupId;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException
        | SecurityException e) {
      return false; // the cgroup is gone as well: the process moved or exited since
    }
  }

  // Slow path, out of line: a process that moved between its event and this lookup.
  private Attribution movedFrom(long cgroupId) {
    moved++;
    String path = walked.get(cgroupId);
    long now = System.nanoTime();
    if (path == null && (!walkedOnce || now - lastWalkNanos >= MIN_WALK_INTERVAL_NANOS)) {
      walkedOnce = true;
      lastWalkNanos = now;
      walked = walk();
      path = walked.get(cgroupId);
    }
    if (path == null) {
      movedUnresolved++;
      return Attribution.EMPTY;
    }
    Attribution a = parsePath(path);
    cache.put(cgroupId, a);
    return a;
  }

  /** Every directory of the v2 tree by inode (= cgroup id), as a path from its root. */
  private Map<Long, String> walk() {
    Map<Long, String> index = new HashMap<>();
    try {
      Files.walkFileTree(cgroupRoot, Set.of(), MAX_WALK_DEPTH,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (inode(dir) instanceof Long id) {
                index.put(id, "/" + cgroupRoot.relativize(dir));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // removed while walking
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
              return FileVisitResult.CONTINUE; // a listing cut short by a removal
            }
          });
    } catch (IOException | SecurityException e) {
      // What was walked so far is kept.
    }
    return index;
  }

  private static Object inode(Path dir) {
    try {
      return Files.getAttribute(dir, "unix:ino");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }

  private String read(int pid) {
    try {
      byte[] bytes = Files.readAllBytes(procRoot.resolve(Integer.toString(pid)).resolve("cgroup"));
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      // Gone between event and lookup (NoSuchFileException), or a zombie's ESRCH: nothing to say.
      return null;
    }
  }

  /** The attribution of the text of a {@code /proc/<pid>/cgroup} file. */
  static Attribution parse(String procCgroup) {
    return choose(procCgroup).attribution;
  }

  private record Choice(Attribution attribution, boolean fromUnified) {}

  private static Choice choose(String text) {
    Attribution best = null;
    int bestScore = -1;
    int bestRank = Integer.MAX_VALUE;
    int lineStart = 0;
    int length = text.length();
    while (lineStart < length) {
      int lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) {
        lineEnd = length;
      }
      int first = text.indexOf(':', lineStart);
      int second = first < 0 || first >= lineEnd ? -1 : text.indexOf(':', first + 1);
      if (second >= 0 && second < lineEnd) {
        String controllers = text.substring(first + 1, second);
        String path = text.substring(second + 1, lineEnd).strip();
        int rank = rank(text.substring(lineStart, first), controllers);
        Attribution a = parsePath(path);
        int score = score(a);
        if (score > bestScore || (score == bestScore && rank < bestRank)) {
          best = a;
          bestScore = score;
          bestRank = rank;
        }
      }
      lineStart = lineEnd + 1;
    }
    return best == null ? new Choice(Attribution.EMPTY, false) : new Choice(best, bestRank == 0);
  }

  /** Preference among equally informative lines; lower wins. */
  private static int rank(String hierarchyId, String controllers) {
    if (hierarchyId.equals("0") && controllers.isEmpty()) {
      return 0;
    }
    if (controllers.equals("name=systemd")) {
      return 1;
    }
    if (hasController(controllers, "memory")) {
      return 2;
    }
    if (hasController(controllers, "cpu")) {
      return 3;
    }
    return 4;
  }

  private static boolean hasController(String controllers, String name) {
    for (String c : controllers.split(",")) {
      if (c.equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static int score(Attribution a) {
    if (a.containerId() != null) {
      return 4;
    }
    if (a.podUid() != null) {
      return 3;
    }
    if (a.systemdUnit() != null) {
      return 2;
    }
    return a.path() != null && !a.path().equals("/") ? 1 : 0;
  }

  /** The attribution of one cgroup path, e.g. {@code /system.slice/nginx.service}. */
  static Attribution parsePath(String path) {
    if (path.isEmpty()) {
      return Attribution.EMPTY;
    }
    String[] parts = path.split("/");
    String containerId = null;
    String runtime = null;
    int containerIndex = parts.length;
    // Innermost first: a runtime may nest cgroups inside the container's (Podman's "/container").
    for (int i = parts.length - 1; i >= 0 && containerId == null; i--) {
      String[] found = container(parts[i], i > 0 ? parts[i - 1] : "");
      if (found != null) {
        containerId = found[0];
        runtime = found[1];
        containerIndex = i;
      }
    }
    String podUid = null;
    boolean underKubepods = false;
    // The container's own component counts: v1 containerd puts the pod slice in it.
    int podEnd = Math.min(parts.length, containerIndex + 1);
    for (int i = 0; i < podEnd; i++) {
      String part = parts[i];
      int colon = part.indexOf(':');
      if (colon >= 0) {
        part = part.substring(0, colon);
      }
      if (part.contains("kubepods")) {
        underKubepods = true;
        String uid = systemdPodUid(part);
        if (uid != null) {
          podUid = uid;
        }
      } else if (underKubepods && part.startsWith("pod") && isPodUid(part, 3)) {
        podUid = part.substring(3);
      }
    }
    String unit = null;
    for (int i = containerIndex - 1; i >= 0 && unit == null; i--) {
      String part = parts[i];
      if ((part.endsWith(SERVICE) || part.endsWith(SCOPE)) && !isRuntimeScope(part)) {
        unit = part;
      }
    }
    return new Attribution(containerId, runtime, podUid, unit, path);
  }

  /** {id, runtime} when {@code part} names a container, else null. */
  private static String[] container(String part, String parent) {
    int colon = part.indexOf(':');
    if (colon >= 0) {
      // containerd's systemd driver on cgroup v1: "<pod slice>:<runtime prefix>:<id>".
      int second = part.indexOf(':', colon + 1);
      if (second < 0) {
        return null;
      }
      String id = part.substring(second + 1);
      String runtime = runtimeOfPrefix(part.substring(colon + 1, second));
      return runtime != null && isContainerId(id, 0) ? new String[] {id, runtime} : null;
    }
    String name = part.endsWith(SCOPE) ? part.substring(0, part.length() - SCOPE.length()) : part;
    if (name.startsWith("crio-conmon-") || name.startsWith("libpod-conmon-")) {
      return null;
    }
    int dash = name.lastIndexOf('-');
    if (dash > 0) {
      String runtime = runtimeOfPrefix(name.substring(0, dash));
      if (runtime != null && isContainerId(name, dash + 1)) {
        return new String[] {name.substring(dash + 1), runtime};
      }
      return null;
    }
    if (isContainerId(name, 0)) {
      String runtime = parent.equals("docker") ? DOCKER
          : parent.equals("libpod_parent") ? PODMAN : null;
      return new String[] {name, runtime};
    }
    return null;
  }

  private static String runtimeOfPrefix(String prefix) {
    return switch (prefix) {
      case "docker" -> DOCKER;
      case "cri-containerd" -> CONTAINERD;
      case "crio" -> CRIO;
      case "libpod" -> PODMAN;
      default -> null;
    };
  }

  /** Scopes a container runtime creates, which are not units a person would name. */
  private static boolean isRuntimeScope(String part) {
    return part.endsWith(SCOPE)
        && (part.startsWith("docker-") || part.startsWith("cri-containerd-")
            || part.startsWith("crio-") || part.startsWith("libpod-"));
  }

  private static boolean isContainerId(String s, int from) {
    if (s.length() - from != CONTAINER_ID_LENGTH) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      if (!isHex(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** The pod UID in a systemd-driver slice such as {@code kubepods-burstable-pod<uid>.slice}. */
  private static String systemdPodUid(String part) {
    if (!part.endsWith(SLICE)) {
      return null;
    }
    int pod = part.lastIndexOf("-pod");
    if (pod < 0) {
      return null;
    }
    // The systemd driver escapes the UID's dashes as underscores ('-' separates slice levels).
    String uid = part.substring(pod + 4, part.length() - SLICE.length()).replace('_', '-');
    return isPodUid(uid, 0) ? uid : null;
  }

  /** A UUID, or the 32-hex config hash kubelet uses as the UID of static pods. */
  private static boolean isPodUid(String s, int from) {
    int n = s.length() - from;
    if (n != 36 && n != 32) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(from + i);
      boolean dashSlot = n == 36 && (i == 8 || i == 13 || i == 18 || i == 23);
      if (dashSlot ? c != '-' : !isHex(c)) {
        return false;
      }
    }
    return true;
  }
}
