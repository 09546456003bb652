package dev.tapio.bpf.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.tapio.bpf.receiver.CgroupAttribution.Attribution;

/** Path samples as each runtime writes them (ids are 64 hex, pod UIDs real UUIDs). */
class CgroupAttributionTest {
  private static final String DOCKER_ID =
      "8f3c2b1e9d6a4f7e0b5c3a2d1e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f";
  private static final String CONTAINERD_ID =
      "0c2d85b1f4e1a3e4c0a4b3f5d8ba9c0f07b6e6d3a1c24f6b8e9d7c5a3b1f0e2d";
  private static final String CRIO_ID =
      "d5c8a5f2e1b7490c83a6f0e4b2d9c7a1e8f6b3d0c5a2e9f7b4d1c8a6e3f0b2d9";
  private static final String PODMAN_ID =
      "4a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f3a5b7c9d1e3f5a7b";
  private static final String POD_UID = "6c1b9d4e-2f7a-4b3c-9e8d-1a2b3c4d5e6f";
  private static final String POD_UID_SYSTEMD = POD_UID.replace('-', '_');

  @Test
  void dockerOnCgroupV2WithTheSystemdDriver() {
    Attribution a = CgroupAttribution.parse("0::/system.slice/docker-" + DOCKER_ID + ".scope\n");
    assertEquals(DOCKER_ID, a.containerId());
    assertEquals("docker", a.runtime());
    assertNull(a.podUid());
    assertNull(a.systemdUnit(), "the container's scope is not a unit of the host");
    assertEquals("/system.slice/docker-" + DOCKER_ID + ".scope", a.path());
  }

  @Test
  void dockerOnCgroupV1WithTheCgroupfsDriverOnAHybridHost() {
    String text = """
        12:pids:/docker/%1$s
        11:hugetlb:/docker/%1$s
        10:net_cls,net_prio:/docker/%1$s
        9:memory:/docker/%1$s
        8:cpu,cpuacct:/docker/%1$s
        7:devices:/docker/%1$s
        6:freezer:/docker/%1$s
        5:blkio:/docker/%1$s
        4:cpuset:/docker/%1$s
        3:perf_event:/docker/%1$s
        2:rdma:/
        1:name=systemd:/docker/%1$s
        0::/system.slice/containerd.service
        """.formatted(DOCKER_ID);
    Attribution a = CgroupAttribution.parse(text);
    assertEquals(DOCKER_ID, a.containerId(), "the v1 container beats the v2 unit");
    assertEquals("docker", a.runtime());
    assertEquals("/docker/" + DOCKER_ID, a.path());
  }

  @Test
  void kubernetesContainerdWithTheSystemdDriver() {
    Attribution a = CgroupAttribution.parse("0::/kubepods.slice/kubepods-besteffort.slice/"
        + "kubepods-besteffort-pod" + POD_UID_SYSTEMD + ".slice/cri-containerd-" + CONTAINERD_ID
        + ".scope\n");
    assertEquals(CONTAINERD_ID, a.containerId());
    assertEquals("containerd", a.runtime());
    assertEquals(POD_UID, a.podUid(), "underscores turned back into dashes");
    assertNull(a.systemdUnit());
  }

  @Test
  void kubernetesGuaranteedPodHasNoQosSlice() {
    Attribution a = CgroupAttribution.parse("0::/kubepods.slice/kubepods-pod" + POD_UID_SYSTEMD
        + ".slice/cri-containerd-" + CONTAINERD_ID + ".scope");
    assertEquals(CONTAINERD_ID, a.containerId());
    assertEquals(POD_UID, a.podUid());
  }

  @Test
  void kindNestsKubeletUnderItsOwnSlice() {
    Attribution a = CgroupAttribution.parse("0::/kubelet.slice/kubelet-kubepods.slice/"
        + "kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod" + POD_UID_SYSTEMD
        + ".slice/cri-containerd-" + CONTAINERD_ID + ".scope");
    assertEquals(CONTAINERD_ID, a.containerId());
    assertEquals(POD_UID, a.podUid());
  }

  @Test
  void kubernetesWithTheCgroupfsDriverOnCgroupV1() {
    String text = """
        11:memory:/kubepods/burstable/pod%1$s/%2$s
        4:cpu,cpuacct:/kubepods/burstable/pod%1$s/%2$s
        1:name=systemd:/kubepods/burstable/pod%1$s/%2$s
        """.formatted(POD_UID, CONTAINERD_ID);
    Attribution a = CgroupAttribution.parse(text);
    assertEquals(CONTAINERD_ID, a.containerId());
    assertNull(a.runtime(), "the cgroupfs driver's path does not name the runtime");
    assertEquals(POD_UID, a.podUid());
  }

  @Test
  void containerdSystemdDriverOnCgroupV1PutsPodAndContainerInOneComponent() {
    Attribution a = CgroupAttribution.parse("1:name=systemd:/system.slice/containerd.service/"
        + "kubepods-burstable-pod" + POD_UID_SYSTEMD + ".slice:cri-containerd:" + CONTAINERD_ID);
    assertEquals(CONTAINERD_ID, a.containerId());
    assertEquals("containerd", a.runtime());
    assertEquals(POD_UID, a.podUid());
    assertEquals("containerd.service", a.systemdUnit());
  }

  @Test
  void staticPodsHaveAHashForUid() {
    String hash = "6bd7e2b3c4c58b5a01f3f1bf7b8bc0c1";
    Attribution a = CgroupAttribution.parse("0::/kubepods.slice/kubepods-burstable.slice/"
        + "kubepods-burstable-pod" + hash + ".slice/cri-containerd-" + CONTAINERD_ID + ".scope");
    assertEquals(hash, a.podUid());
  }

  @Test
  void crio() {
    Attribution a = CgroupAttribution.parse("0::/kubepods.slice/kubepods-burstable.slice/"
        + "kubepods-burstable-pod" + POD_UID_SYSTEMD + ".slice/crio-" + CRIO_ID + ".scope");
    assertEquals(CRIO_ID, a.containerId());
    assertEquals("cri-o", a.runtime());
    assertEquals(POD_UID, a.podUid());
  }

  @Test
  void crioConmonIsNotTheContainer() {
    Attribution a = CgroupAttribution.parse("0::/kubepods.slice/kubepods-burstable.slice/"
        + "kubepods-burstable-pod" + POD_UID_SYSTEMD + ".slice/crio-conmon-" + CRIO_ID
        + ".scope");
    assertNull(a.containerId());
    assertNull(a.runtime());
    assertEquals(POD_UID, a.podUid(), "conmon still runs for the pod");
    assertNull(a.systemdUnit());
  }

  @Test
  void rootlessPodman() {
    Attribution a = CgroupAttribution.parse("0::/user.slice/user-1000.slice/user@1000.service/"
        + "user.slice/libpod-" + PODMAN_ID + ".scope");
    assertEquals(PODMAN_ID, a.containerId());
    assertEquals("podman", a.runtime());
    assertEquals("user@1000.service", a.systemdUnit(), "the user manager above the container");
  }

  @Test
  void podmanNestsTheContainerProcessesOneLevelDown() {
    Attribution a = CgroupAttribution.parse("0::/machine.slice/libpod-" + PODMAN_ID
        + ".scope/container");
    assertEquals(PODMAN_ID, a.containerId());
    assertEquals("podman", a.runtime());
    assertNull(a.systemdUnit());
  }

  @Test
  void podmanConmonIsNotTheContainer() {
    Attribution a = CgroupAttribution.parse("0::/user.slice/user-1000.slice/user@1000.service/"
        + "user.slice/libpod-conmon-" + PODMAN_ID + ".scope");
    assertNull(a.containerId());
    assertEquals("user@1000.service", a.systemdUnit());
  }

  @Test
  void podmanWithTheCgroupfsManager() {
    Attribution a = CgroupAttribution.parse("0::/libpod_parent/libpod-" + PODMAN_ID);
    assertEquals(PODMAN_ID, a.containerId());
    assertEquals("podman", a.runtime());
  }

  @Test
  void systemdServiceAndSession() {
    Attribution service = CgroupAttribution.parse("0::/system.slice/nginx.service\n");
    assertEquals("nginx.service", service.systemdUnit());
    assertNull(service.containerId());
    assertEquals("/system.slice/nginx.service", service.path());

    Attribution session =
        CgroupAttribution.parse("0::/user.slice/user-1000.slice/session-2.scope\n");
    assertEquals("session-2.scope", session.systemdUnit());

    Attribution userService = CgroupAttribution.parse("0::/user.slice/user-1000.slice/"
        + "user@1000.service/app.slice/app-gnome-firefox-4711.scope");
    assertEquals("app-gnome-firefox-4711.scope", userService.systemdUnit());
  }

  @Test
  void aServiceNamedLikeARuntimeIsStillAUnit() {
    Attribution a = CgroupAttribution.parse("0::/system.slice/docker-compose@shop.service");
    assertEquals("docker-compose@shop.service", a.systemdUnit());
    assertNull(a.containerId());
  }

  @Test
  void cgroupV1SystemdLineGivesTheUnit() {
    String text = """
        5:memory:/system.slice/sshd.service
        3:cpu,cpuacct:/system.slice/sshd.service
        1:name=systemd:/system.slice/sshd.service
        """;
    Attribution a = CgroupAttribution.parse(text);
    assertEquals("sshd.service", a.systemdUnit());
  }

  @Test
  void rootCgroupSaysNothingButThePath() {
    Attribution a = CgroupAttribution.parse("0::/\n");
    assertNull(a.containerId());
    assertNull(a.podUid());
    assertNull(a.systemdUnit());
    assertEquals("/", a.path());
  }

  @Test
  void hybridHostWhereOnlyAV1ControllerHasAPath() {
    // This kind of sandbox: the v2 tree is left at "/", memory is confined.
    String text = """
        9:name=systemd:/
        4:memory:/process_api/bb776aa921ed8661e2159707f38c826a
        1:cpu:/
        0::/
        """;
    Attribution a = CgroupAttribution.parse(text);
    assertEquals("/process_api/bb776aa921ed8661e2159707f38c826a", a.path());
    assertNull(a.containerId(), "32 hex is not a container id");
  }

  @Test
  void malformedInputGivesNothingRatherThanThrowing() {
    assertTrue(CgroupAttribution.parse("").isEmpty());
    assertTrue(CgroupAttribution.parse("garbage\nno colons here\n").isEmpty());
    Attribution a = CgroupAttribution.parse("0::/system.slice/docker-shortid.scope");
    assertNull(a.containerId());
    assertNull(a.systemdUnit());
  }

  @Test
  void thisMachinesOwnCgroupParses() throws IOException {
    Path self = Path.of("/proc/self/cgroup");
    assumeTrue(Files.isReadable(self), "no /proc/self/cgroup: not Linux");
    String text = Files.readString(self);
    Attribution a = new CgroupAttribution()
        .forPid((int) ProcessHandle.current().pid(), 0);
    assertNotNull(a.path(), "some hierarchy line must be chosen from:\n" + text);
    assertTrue(text.contains(":" + a.path() + "\n") || text.endsWith(":" + a.path()),
        "the path comes from the file: " + a.path() + " in\n" + text);
    System.out.println("this machine's cgroup attribution: " + a);
  }

  @Test
  void exitedProcessGivesEmpty(@TempDir Path proc) {
    CgroupAttribution attribution = new CgroupAttribution(proc, 16);
    assertSame(Attribution.EMPTY, attribution.forPid(4242, 99));
    assertEquals(0, attribution.cachedEntries(), "a miss must not poison the cache");
  }

  @Test
  void cacheHitsDoNotReadProc(@TempDir Path proc) throws IOException {
    write(proc, 10, "0::/system.slice/nginx.service\n");
    CgroupAttribution attribution = new CgroupAttribution(proc, 16);
    Attribution first = attribution.forPid(10, 555);
    assertEquals("nginx.service", first.systemdUnit());

    Files.delete(proc.resolve("10/cgroup"));
    assertSame(first, attribution.forPid(10, 555));
    assertSame(first, attribution.forPid(11, 555), "another process of the same cgroup");
    assertSame(Attribution.EMPTY, attribution.forPid(10, 0), "id 0 is never cached");
  }

  @Test
  void evictsTheLeastRecentlyUsedCgroup(@TempDir Path proc) throws IOException {
    write(proc, 1, "0::/system.slice/a.service\n");
    write(proc, 2, "0::/system.slice/b.service\n");
    write(proc, 3, "0::/system.slice/c.service\n");
    CgroupAttribution attribution = new CgroupAttribution(proc, 2);
    attribution.forPid(1, 11);
    attribution.forPid(2, 12);
    attribution.forPid(1, 11); // 12 becomes the eldest
    attribution.forPid(3, 13); // evicts 12
    assertEquals(2, attribution.cachedEntries());

    write(proc, 1, "0::/system.slice/changed.service\n");
    write(proc, 2, "0::/system.slice/changed.service\n");
    assertEquals("a.service", attribution.forPid(1, 11).systemdUnit(), "still cached");
    assertEquals("changed.service", attribution.forPid(2, 12).systemdUnit(),
        "evicted, so read again");
  }

  @Test
  void attributionsFromV1LinesAreNotCachedByTheV2Id(@TempDir Path proc) throws IOException {
    write(proc, 5, "4:memory:/docker/" + DOCKER_ID + "\n0::/\n");
    CgroupAttribution attribution = new CgroupAttribution(proc, 16);
    assertEquals(DOCKER_ID, attribution.forPid(5, 1).containerId());
    // Every process in the v2 root shares id 1: another one must be read, not served from cache.
    write(proc, 6, "4:memory:/system.slice/cron.service\n0::/\n");
    Attribution other = attribution.forPid(6, 1);
    assertNull(other.containerId());
    assertEquals("cron.service", other.systemdUnit());
    assertEquals(0, attribution.cachedEntries());
  }

  @Test
  void aProcessThatMovedIsAttributedToItsEventsCgroup(@TempDir Path proc, @TempDir Path cgroups)
      throws IOException {
    // The event saw the process in the Docker container; by decode time it is in a systemd unit.
    Path before = Files.createDirectories(
        cgroups.resolve("system.slice/docker-" + DOCKER_ID + ".scope"));
    Path after = Files.createDirectories(cgroups.resolve("system.slice/moved.service"));
    long beforeId = (Long) Files.getAttribute(before, "unix:ino");
    long afterId = (Long) Files.getAttribute(after, "unix:ino");
    write(proc, 7, "0::/system.slice/moved.service\n");
    CgroupAttribution attribution = new CgroupAttribution(proc, cgroups, 16);

    Attribution a = attribution.forPid(7, beforeId);
    assertEquals(DOCKER_ID, a.containerId(), "the event's cgroup, found by its id");
    assertNull(a.systemdUnit());
    assertEquals(1, attribution.movedProcesses());
    // Cached under the event's id, as the event's cgroup: not poisoned by the move.
    Files.delete(proc.resolve("7/cgroup"));
    assertSame(a, attribution.forPid(8, beforeId));

    write(proc, 7, "0::/system.slice/moved.service\n");
    assertEquals("moved.service", attribution.forPid(7, afterId).systemdUnit(),
        "where the path and the id agree, the path is believed");
    assertEquals(1, attribution.movedProcesses());
  }

  @Test
  void aProcessWhoseEventsCgroupIsGoneGetsNothingRatherThanTheWrongCgroup(@TempDir Path proc,
      @TempDir Path cgroups) throws IOException {
    Files.createDirectories(cgroups.resolve("system.slice/now.service"));
    write(proc, 9, "0::/system.slice/now.service\n");
    CgroupAttribution attribution = new CgroupAttribution(proc, cgroups, 16);
    long gone = 987_654_321L;
    assertSame(Attribution.EMPTY, attribution.forPid(9, gone));
    assertEquals(1, attribution.movedUnresolved());
    assertEquals(0, attribution.cachedEntries(), "nothing cached under the gone cgroup's id");
  }

  @Test
  void findsThisMachinesCgroup2Mount() throws IOException {
    Path root = CgroupAttribution.cgroup2Mount(Path.of("/proc"));
    assumeTrue(root != null, "no cgroup2 mount on this machine");
    String self = Files.readString(Path.of("/proc/self/cgroup"));
    String v2 = self.lines().filter(l -> l.startsWith("0::")).findFirst().orElseThrow();
    Path dir = root.resolve(v2.substring(4));
    assertTrue(Files.isDirectory(dir), dir + " is this process's cgroup v2 directory");
  }

  private static void write(Path proc, int pid, String text) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.writeString(dir.resolve("cgroup"), text);
  }
}
