package dev.tapio.plugin.ebpf.security;

import static dev.tapio.plugin.ebpf.security.Triggers.helper;
import static dev.tapio.plugin.ebpf.security.Triggers.run;
import static dev.tapio.plugin.ebpf.security.Triggers.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.pdata.LogRecord;
import dev.tapio.plugin.ebpf.security.Triggers.Ran;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What bounds the receiver: switched-off rules load nothing, the per-process rate limit, a ring
 * too small for a flood, and configuration errors. The flood and rate-limit counts are the
 * kernel's per-rule counts, so they assume no other process on the host changes its ids during
 * the test (the setuid rule is otherwise quiet); a failure prints what was seen.
 */
class ReceiverLimitsTest {

  static EbpfSecurityConfig config(String yaml) throws Exception {
    return ComponentConfigs.read(new EbpfSecurityReceiverFactory(), yaml);
  }

  // setgid to n distinct groups: n changes, each one setuid-rule match.
  private static String[] setgids(String helper, int n) {
    String[] cmd = new String[1 + 2 * n];
    cmd[0] = helper;
    for (int i = 0; i < n; i++) {
      cmd[1 + 2 * i] = "setgid";
      cmd[2 + 2 * i] = Integer.toString(1000 + i);
    }
    return cmd;
  }

  private static long tapioSecPrograms() throws Exception {
    Ran ran = run("bpftool", "prog", "show");
    return ran.output().lines().filter(l -> l.contains(" name tapio_sec")).count();
  }

  @Test
  void aDisabledRuleLoadsNoProgramAndReportsNothing() throws Exception {
    Triggers.assumeRootWithBtf();
    String helper = helper();
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfSecurityReceiver receiver = new EbpfSecurityReceiver(ctx, config("""
        rules:
          setuid: {enabled: false}
        """), sink);
    long before = tapioSecPrograms();
    receiver.start(new TestHost());
    assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
    try {
      Map<String, Boolean> programs = receiver.programs();
      for (String p : SecurityRule.SETUID.programs()) {
        assertEquals(false, programs.get(p), p);
      }
      long asked = programs.values().stream().filter(b -> b).count();
      assertEquals(asked, tapioSecPrograms() - before, "programs in the kernel");
      assertTrue(programs.get("tapio_sec_enter_openat"));
      Ran ran = run(helper, "setgid", "65534", "setuid", "65534");
      sync(sink);
      assertEquals(List.of(), Triggers.events(sink, "security.privilege.setuid", ran.pid()));
    } finally {
      receiver.shutdown();
    }
    assertEquals(0, receiver.stats().value(SecurityRule.SETUID, RuleStats.MATCHED));
  }

  @Test
  void theRateLimitKeepsTheFirstEventsOfAProcessAndCountsTheRest() throws Exception {
    Triggers.assumeRootWithBtf();
    String helper = helper();
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfSecurityReceiver receiver = new EbpfSecurityReceiver(ctx, config("""
        rules:
          setuid: {rate_limit: 3}
        """), sink);
    receiver.start(new TestHost());
    assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
    Ran ran;
    try {
      ran = run(setgids(helper, 10));
      sync(sink);
    } finally {
      receiver.shutdown();
    }
    List<LogRecord> seen = Triggers.events(sink, "security.privilege.setuid", ran.pid());
    assertEquals(3, seen.size(), "" + seen);
    RuleStats stats = receiver.stats();
    assertEquals(7, stats.value(SecurityRule.SETUID, RuleStats.RATE_LIMITED));
    assertEquals(7, ctx.counterValue("tapio_events_dropped", "program", "security_setuid",
        "reason", "rate_limited"));
    assertEquals(10, stats.value(SecurityRule.SETUID, RuleStats.MATCHED));
    assertEquals(3, ctx.counterValue("tapio_security_rule_emitted", "rule", "setuid"));
  }

  @Test
  void aTinyRingUnderAFloodCountsEveryLostEventExactly() throws Exception {
    Triggers.assumeRootWithBtf();
    String helper = helper();
    int n = 300;
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    // One page of ring, no early wake-up and a long poll: the flood must overflow it.
    EbpfSecurityReceiver receiver = new EbpfSecurityReceiver(ctx, config("""
        rules:
          setuid: {rate_limit: 0}
        ring_buffer_size: 4096
        poll_timeout: 500ms
        wakeup_bytes: 1GiB
        wakeup_policy: fixed
        """), sink);
    receiver.start(new TestHost());
    assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
    Ran ran;
    try {
      ran = run(setgids(helper, n));
      assertEquals(0, ran.exit(), ran.output());
    } finally {
      receiver.shutdown(); // drains the ring and reads the counters a last time
    }
    long seen = Triggers.events(sink, "security.privilege.setuid", ran.pid()).size();
    RuleStats stats = receiver.stats();
    long lost = stats.value(SecurityRule.SETUID, RuleStats.RING_FULL);
    assertTrue(lost > 0, "a one-page ring under " + n + " events must overflow");
    assertEquals(n, seen + lost, "seen " + seen + " + lost " + lost);
    assertEquals(lost, ctx.counterValue("tapio_events_dropped", "program", "security_setuid",
        "reason", "ring_buffer_full"));
    assertEquals(stats.value(SecurityRule.SETUID, RuleStats.MATCHED),
        stats.value(SecurityRule.SETUID, RuleStats.EMITTED) + lost
            + stats.value(SecurityRule.SETUID, RuleStats.FILTERED)
            + stats.value(SecurityRule.SETUID, RuleStats.RATE_LIMITED));
  }

  @Test
  void anUnknownRuleAndAPathPatternFailWithLineAndColumn() {
    ConfigException e = assertThrows(ConfigException.class, () -> config("""
        rules:
          setuidd: {enabled: false}
          sensitive_open:
            read_paths: ["/etc/*"]
        exclude:
          executables: [relative/but/fine, "/usr/bin/a-name-longer-than-thirty-one-bytes"]
        """));
    String all = e.getMessage();
    assertTrue(all.contains("component.yaml:2:") && all.contains("setuidd"), all);
    assertTrue(all.contains("component.yaml:4:") && all.contains("pattern"), all);
    assertTrue(all.contains("component.yaml:6:") && all.contains("31 bytes"), all);
    String caps = assertThrows(ConfigException.class, () -> config("""
        rules:
          capability_use: {capabilities: [sys_admin, cap_fly]}
        """)).getMessage();
    assertTrue(caps.contains("component.yaml:2:") && caps.contains("cap_fly"), caps);
    String cgroups = assertThrows(ConfigException.class, () -> config("""
        exclude:
          cgroup_ids: [4242, kubepods.slice]
        """)).getMessage();
    assertTrue(cgroups.contains("component.yaml:2:") && cgroups.contains("'kubepods.slice' is"
        + " not a cgroup id"), cgroups);
  }

  @Test
  void pathsAreFirstCheckedByTheirHeadOfTheShortestPrefixLength() throws Exception {
    assertEquals(8, config("").pathHeadLength());
    assertEquals(4, config("rules: {sensitive_open: {read_paths: [/etc/shadow, /ab/]}}")
        .pathHeadLength());
    assertEquals(0, config("rules: {escape_write: {paths: [/]}}").pathHeadLength());
    assertEquals(0x2f6374652fL, EbpfSecurityConfig.head("/etc/shadow", 5)); // "/etc/" LE
  }

  @Test
  void theDefaultsLoadEveryRuleWhoseHookThisKernelHas() throws Exception {
    Map<String, Boolean> programs = EbpfSecurityReceiver.programs(config(""),
        java.util.Set.of("sys_enter_openat", "sys_exit_openat"), false);
    assertTrue(programs.get("tapio_sec_enter_openat"));
    assertEquals(false, programs.get("tapio_sec_enter_open"), "no such tracepoint: not loaded");
    assertTrue(programs.get("tapio_sec_exec"));
    assertEquals(false, programs.get(SecurityRule.MODULE_FALLBACK_PROGRAM),
        "no finit_module tracepoint, and the every-syscall fallback is opt-in");
    assertEquals(false, programs.get("tapio_sec_enter_finit_module"));
    assertTrue(EbpfSecurityReceiver.programs(config(
        "rules: {module_load: {syscall_fallback: true}}"), java.util.Set.of(), false)
        .get(SecurityRule.MODULE_FALLBACK_PROGRAM));
    // The selinux rule: only where SELinux is active, and only while the rule is on.
    assertEquals(false, programs.get("tapio_sec_selinux"), "SELinux inactive: not loaded");
    assertTrue(EbpfSecurityReceiver.programs(config(""), java.util.Set.of(), true)
        .get("tapio_sec_selinux"));
    assertEquals(false, EbpfSecurityReceiver.programs(config(
        "rules: {selinux: {enabled: false}}"), java.util.Set.of(), true).get("tapio_sec_selinux"));
    // stdio_socket's fcntl hooks (every fcntl of the host pays them) can be left out alone.
    java.util.Set<String> fcntl = java.util.Set.of("sys_enter_fcntl", "sys_exit_fcntl",
        "sys_enter_dup2", "sys_exit_dup2");
    Map<String, Boolean> withFcntl = EbpfSecurityReceiver.programs(config(""), fcntl, false);
    assertTrue(withFcntl.get("tapio_sec_enter_fcntl") && withFcntl.get("tapio_sec_exit_fcntl"));
    Map<String, Boolean> without = EbpfSecurityReceiver.programs(config(
        "rules: {stdio_socket: {fcntl: false}}"), fcntl, false);
    assertEquals(false, without.get("tapio_sec_enter_fcntl"));
    assertEquals(false, without.get("tapio_sec_exit_fcntl"));
    assertTrue(without.get("tapio_sec_enter_dup2"));
  }

  @Test
  void theSelinuxProgramLoadsAndAttachesToThisKernelsTracepoint() throws Exception {
    Triggers.assumeRootWithBtf();
    if (!Files.exists(Path.of("/sys/kernel/tracing/events/avc/selinux_audited"))
        && !Files.exists(Path.of("/sys/kernel/debug/tracing/events/avc/selinux_audited"))) {
      System.out.println("SKIPPED the selinux program's load: this kernel has no"
          + " avc/selinux_audited tracepoint (SELinux not built in)");
      Assumptions.abort("no avc/selinux_audited");
    }
    // SELinux need not be active (it cannot be switched on without a reboot): the program is
    // loaded as if it were, so the verifier and the attach run for real here.
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    EbpfSecurityReceiver receiver = new EbpfSecurityReceiver(ctx, config(""),
        new ConsumerSink(), true);
    receiver.start(new TestHost());
    try {
      assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
      assertTrue(receiver.programs().get("tapio_sec_selinux"));
      assertTrue(run("bpftool", "prog", "show").output().contains("name tapio_sec_selinux"),
          "the program is in the kernel");
    } finally {
      receiver.shutdown();
    }
  }
}
