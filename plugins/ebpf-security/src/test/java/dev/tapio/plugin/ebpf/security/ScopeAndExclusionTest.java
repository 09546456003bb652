package dev.tapio.plugin.ebpf.security;

import static dev.tapio.plugin.ebpf.security.Triggers.await;
import static dev.tapio.plugin.ebpf.security.Triggers.events;
import static dev.tapio.plugin.ebpf.security.Triggers.helper;
import static dev.tapio.plugin.ebpf.security.Triggers.run;
import static dev.tapio.plugin.ebpf.security.Triggers.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.LogRecord;
import dev.tapio.plugin.ebpf.security.Triggers.Ran;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The kernel-side filters (excluded executables, the containers-only scope) and the open
 * family on the raw syscall hooks.
 */
class ScopeAndExclusionTest {

  private static EbpfSecurityReceiver start(TestContext ctx, ConsumerSink sink, String yaml)
      throws Exception {
    EbpfSecurityReceiver receiver = new EbpfSecurityReceiver(ctx, ComponentConfigs.read(
        new EbpfSecurityReceiverFactory(), yaml), sink);
    receiver.start(new TestHost());
    assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
    return receiver;
  }

  /**
   * The receiver reads the kernel's per-rule counters at most once a second (on its poll
   * thread), so a count can lag the records by up to that long: wait for it, 10 s at most.
   */
  private static long awaitFiltered(EbpfSecurityReceiver receiver, long atLeast)
      throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    long filtered;
    while ((filtered = receiver.stats().value(SecurityRule.SENSITIVE_OPEN, RuleStats.FILTERED))
        < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return filtered;
  }

  @Test
  void anExcludedExecutableIsFilteredInTheKernelAndCounted() throws Exception {
    Triggers.assumeRootWithBtf();
    String helper = helper();
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfSecurityReceiver receiver = start(ctx, sink, """
        exclude: {executables: [%s]}
        """.formatted(helper));
    Ran excluded;
    try {
      excluded = run(helper, "open_read", "/etc/shadow", "open_read", "/etc/gshadow");
      sync(sink); // cat is not excluded
    } finally {
      receiver.shutdown();
    }
    assertEquals(List.of(), sink.logRecords().stream().filter(r -> r.attributes()
        .getLong("process.pid", -1) == excluded.pid()).toList());
    long filtered = awaitFiltered(receiver, 2);
    assertTrue(filtered >= 2, "filtered " + filtered);
    assertEquals(filtered, ctx.counterValue("tapio_events_dropped", "program",
        "security_sensitive_open", "reason", "filtered"));
  }

  @Test
  void aTaskBelowAnExcludedCgroupIsFilteredInTheKernelAndOthersAreNot() throws Exception {
    Triggers.assumeRootWithBtf();
    Path v2 = cgroupV2Mount();
    Assumptions.assumeTrue(v2 != null, "no cgroup v2 hierarchy mounted");
    Path parent = Files.createDirectory(v2.resolve("tapio-test-" + ProcessHandle.current().pid()));
    Path child = Files.createDirectory(parent.resolve("inner"));
    long parentId = (Long) Files.getAttribute(parent, "unix:ino");
    String helper = helper();
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfSecurityReceiver receiver = start(ctx, sink, "exclude: {cgroup_ids: [%d]}"
        .formatted(parentId));
    try {
      // The helper moves itself into the child cgroup, then opens two listed files.
      Ran inside = run("/bin/sh", "-c", "echo $$ > " + child.resolve("cgroup.procs")
          + " && exec \"$0\" \"$@\"", helper, "open_read", "/etc/shadow", "open_read",
          "/etc/gshadow");
      Ran outside = run("/bin/cat", "/etc/shadow");
      await(sink, rs -> !events(sink, "security.file.sensitive_open", outside.pid()).isEmpty(),
          "the open outside the excluded cgroup");
      assertTrue(inside.output().contains("open_read"), inside.output());
      assertEquals(List.of(), sink.logRecords().stream().filter(r -> r.attributes()
          .getLong("process.pid", -1) == inside.pid()).toList());
      assertEquals(1, events(sink, "security.file.sensitive_open", outside.pid()).size());
      long filtered = awaitFiltered(receiver, 2);
      assertTrue(filtered >= 2, "filtered " + filtered);
    } finally {
      receiver.shutdown();
      Files.delete(child);
      Files.delete(parent);
    }
  }

  private static Path cgroupV2Mount() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      int dash = java.util.Arrays.asList(f).indexOf("-");
      if (dash > 0 && dash + 1 < f.length && f[dash + 1].equals("cgroup2")) {
        return Path.of(f[4]);
      }
    }
    return null;
  }

  @Test
  void containersOnlyReportsATaskInItsOwnMountNamespaceAndNotTheHost() throws Exception {
    Triggers.assumeRootWithBtf();
    String helper = helper();
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfSecurityReceiver receiver = start(ctx, sink, "scope: {containers_only: true}");
    Path dir = Files.createTempDirectory("tapio-scope");
    try {
      Ran host = run("/bin/cat", "/etc/shadow");
      // After the host's cat: once this record is read, the cat's would have been too.
      Ran isolated = run(helper, "unshare_mount", dir.toString(), "open_read", "/etc/shadow");
      await(sink, rs -> !events(sink, "security.file.sensitive_open", isolated.pid()).isEmpty(),
          "the open in a private mount namespace");
      List<LogRecord> opens = events(sink, "security.file.sensitive_open", isolated.pid());
      assertEquals(1, opens.size(), isolated.output() + opens);
      assertEquals(false, opens.get(0).attributes().getBool("linux.mount_namespace.host", true));
      assertEquals(List.of(), events(sink, "security.file.sensitive_open", host.pid()));
      // The scope is decided when the record is made, at the syscall's exit: the unshare has
      // already moved the task out of the host's namespace.
      assertEquals(1, events(sink, "security.container.namespace_change", isolated.pid())
          .size());
      assertEquals(2, events(sink, "security.container.mount", isolated.pid()).size());
    } finally {
      receiver.shutdown();
      Files.delete(dir);
    }
  }

  @Test
  void onTheRawSyscallHooksTheOpenRulesReportExactlyTheSame() throws Exception {
    Triggers.assumeRootWithBtf();
    Assumptions.assumeTrue("amd64".equals(System.getProperty("os.arch")),
        "open_hook: raw knows x86-64 syscall numbers only");
    String helper = helper();
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfSecurityReceiver receiver = start(ctx, sink, "open_hook: raw");
    try {
      assertEquals(false, receiver.programs().get("tapio_sec_enter_openat"));
      assertTrue(receiver.programs().get("tapio_sec_raw_open_enter"));
      List<Ran> cats = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        cats.add(run("/bin/cat", "/etc/shadow"));
      }
      Ran control = run("/bin/cat", "/etc/hostname");
      Ran writes = run(helper, "open_write", "/proc/self/mem", "open_write",
          "/proc/sys/kernel/core_pattern", "open_read", "/proc/self/mem");
      sync(sink);
      for (Ran cat : cats) {
        List<LogRecord> opens = events(sink, "security.file.sensitive_open", cat.pid());
        assertEquals(1, opens.size(), "" + opens);
        assertEquals("/etc/shadow", opens.get(0).attributes().getString("file.path"));
        assertEquals("openat", opens.get(0).attributes().getString("linux.syscall.name"));
      }
      assertEquals(List.of(), sink.logRecords().stream().filter(r -> r.attributes()
          .getLong("process.pid", -1) == control.pid()).toList());
      assertEquals(1, events(sink, "security.injection.proc_mem", writes.pid()).size());
      assertEquals(1, events(sink, "security.container.escape_write", writes.pid()).size());
      assertEquals(2, sink.logRecords().stream().filter(r -> r.attributes()
          .getLong("process.pid", -1) == writes.pid()).count());
    } finally {
      receiver.shutdown();
    }
  }
}
