package dev.tapio.plugin.ebpf.security;

import static dev.tapio.plugin.ebpf.security.Triggers.await;
import static dev.tapio.plugin.ebpf.security.Triggers.events;
import static dev.tapio.plugin.ebpf.security.Triggers.helper;
import static dev.tapio.plugin.ebpf.security.Triggers.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel audit stream beside the eBPF rules: a seccomp kill, logged by the kernel's audit
 * (type 1326), arrives once: from the stream while the seccomp rule is off, from the rule (the
 * stream's copy counted as a duplicate) while it is on.
 */
class AuditStreamTest {

  @Test
  void readsTheKernelsSeccompRecordAsOneEvent() {
    String line = "audit(1796623097.659:16): auid=4294967295 uid=0 gid=0 ses=4294967295"
        + " pid=15355 comm=\"sk\" exe=\"/tmp/sk\" sig=31 arch=c000003e syscall=110 compat=0"
        + " ip=0x7fa6c5cfb4f7 code=0x80000000";
    Map<String, String> f = AuditStream.fields(line);
    assertEquals("15355", f.get("pid"));
    assertEquals("sk", f.get("comm"));
    assertEquals("/tmp/sk", f.get("exe"));
    assertEquals("110", f.get("syscall"));
    assertEquals("kill_process", AuditStream.seccompAction(0x80000000L));
    assertEquals("errno", AuditStream.seccompAction(0x00050001L));
    assertEquals(1_796_623_097_659_000_000L, AuditStream.auditTimeNanos(line));
    Map<String, String> aa = AuditStream.fields("audit(1.2:3): apparmor=\"DENIED\""
        + " operation=\"open\" profile=\"/usr/bin/x\" name=\"/etc/shadow\" pid=7 comm=\"x\""
        + " requested_mask=\"r\"");
    assertEquals("DENIED", aa.get("apparmor"));
    assertEquals("/etc/shadow", aa.get("name"));
  }

  @Test
  void aSelinuxDenialReadsTheSameFromTheTracepointAsFromTheAuditStream() {
    // The selinux rule's record as security.bpf.c writes it: three strings in fixed slots.
    // (SELinux cannot be switched on here without a reboot: the tracepoint never fires.)
    java.lang.foreign.MemorySegment d = java.lang.foreign.Arena.ofAuto().allocate(255);
    put(d, 0, "system_u:system_r:httpd_t:s0");
    put(d, SecurityEvents.SELINUX_TCONTEXT, "system_u:object_r:shadow_t:s0");
    put(d, SecurityEvents.SELINUX_TCLASS, "file");
    dev.tapio.pdata.Attributes fromKernel = dev.tapio.pdata.Attributes.create();
    SecurityEvents.details(fromKernel, SecurityRule.SELINUX, 1, -13, 0x2, 0x2, 0x2, 0, 0, d, 0,
        255, new byte[256]);
    assertEquals("selinux", fromKernel.getString("linux.lsm.name"));
    assertEquals("system_u:system_r:httpd_t:s0", fromKernel.getString("linux.lsm.scontext"));
    assertEquals("system_u:object_r:shadow_t:s0", fromKernel.getString("linux.lsm.tcontext"));
    assertEquals("file", fromKernel.getString("linux.lsm.tclass"));
    assertEquals("0x2", fromKernel.getString("linux.lsm.denied"));
    assertEquals(false, fromKernel.getBool("linux.lsm.permissive", true));

    Map<String, String> f = AuditStream.fields("audit(1.2:3): avc:  denied  { read } for"
        + "  pid=7 comm=\"httpd\" name=\"shadow\" scontext=system_u:system_r:httpd_t:s0"
        + " tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=0");
    assertEquals(fromKernel.getString("linux.lsm.scontext"), f.get("scontext"));
    assertEquals(fromKernel.getString("linux.lsm.tcontext"), f.get("tcontext"));
    assertEquals(fromKernel.getString("linux.lsm.tclass"), f.get("tclass"));
  }

  private static void put(java.lang.foreign.MemorySegment d, long at, String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.lang.foreign.MemorySegment.copy(b, 0, d, java.lang.foreign.ValueLayout.JAVA_BYTE, at,
        b.length);
  }

  @Test
  void refusesANetworkNamespaceTheKernelSendsNoAuditRecordsTo(@TempDir Path proc)
      throws Exception {
    // This process (the test runs on the host): the initial namespace, the stream is tried.
    assertNull(AuditStream.outsideInitialNetNamespace(Path.of("/proc")));
    // A pod without hostNetwork but with hostPID: pid 1 is the host's init, in another netns.
    link(proc, "self/ns/pid", "pid:[4026531836]");
    link(proc, "self/ns/net", "net:[4026532301]");
    link(proc, "1/ns/net", "net:[4026531840]");
    String why = AuditStream.outsideInitialNetNamespace(proc);
    assertNotNull(why);
    assertTrue(why.contains("net:[4026532301]") && why.contains("hostNetwork: true"), why);
    // The same pod with hostNetwork: pid 1's namespace is its own.
    link(proc, "self/ns/net", "net:[4026531840]");
    assertNull(AuditStream.outsideInitialNetNamespace(proc));
    // A kernel that numbers init_net like the other initial namespaces tells by itself.
    link(proc, "self/ns/net", "net:[4026531833]");
    link(proc, "1/ns/net", "net:[4026532999]");
    assertNull(AuditStream.outsideInitialNetNamespace(proc));
    // Another pid namespace and a dynamic number: pid 1 is not the host's, cannot tell.
    link(proc, "self/ns/pid", "pid:[4026532500]");
    link(proc, "self/ns/net", "net:[4026532301]");
    assertNull(AuditStream.outsideInitialNetNamespace(proc));
  }

  private static void link(Path proc, String at, String target) throws Exception {
    Path link = proc.resolve(at);
    Files.createDirectories(link.getParent());
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of(target));
  }

  private static EbpfSecurityReceiver start(TestContext ctx, ConsumerSink sink, String yaml)
      throws Exception {
    EbpfSecurityReceiver r = new EbpfSecurityReceiver(ctx, ComponentConfigs.read(
        new EbpfSecurityReceiverFactory(), yaml), sink);
    r.start(new TestHost());
    if (!r.readsAudit()) {
      r.shutdown();
      System.out.println("SKIPPED audit stream test: the kernel audit stream is not readable"
          + " here (no audit support or no CAP_AUDIT_READ)");
      Assumptions.abort("no audit stream");
    }
    return r;
  }

  @Test
  void aSeccompKillComesFromTheAuditStreamWhileTheRuleIsOff() throws Exception {
    Triggers.assumeRootWithBtf();
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfSecurityReceiver receiver = start(ctx, sink, "rules: {seccomp: {enabled: false}}");
    try {
      Ran kill = run(helper(), "seccomp_kill");
      Ran marker = run(helper(), "seccomp_kill");
      assertEquals(128 + 31, kill.exit(), kill.output());
      // Audit messages arrive in order: once the second is in, the first has been handled.
      await(sink, rs -> !events(sink, "security.seccomp.violation", marker.pid()).isEmpty(),
          "the marker's seccomp record from the audit stream");
      List<LogRecord> v = events(sink, "security.seccomp.violation", kill.pid());
      assertEquals(1, v.size(), "" + v);
      var a = v.get(0).attributes();
      assertEquals("audit", a.getString("linux.security.source"));
      assertEquals("kill_process", a.getString("linux.seccomp.action"));
      assertEquals(110, a.getLong("linux.syscall.number", -1)); // getppid
      assertEquals(31, a.getLong("linux.signal.number", -1));
      assertTrue(a.getString("process.executable.path").endsWith("sectrigger"),
          a.getString("process.executable.path"));
      assertEquals(2, ctx.counterValue("tapio_security_audit_records", "result", "emitted"));
    } finally {
      receiver.shutdown();
    }
  }

  @Test
  void whileTheRuleIsOnTheStreamsCopyIsADuplicateNotASecondEvent() throws Exception {
    Triggers.assumeRootWithBtf();
    TestContext ctx = new TestContext("ebpf_security", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfSecurityReceiver receiver = start(ctx, sink, "");
    try {
      Ran kill = run(helper(), "seccomp_kill");
      Triggers.sync(sink);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (ctx.counterValue("tapio_security_audit_records", "result", "duplicate") < 1
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, ctx.counterValue("tapio_security_audit_records", "result", "duplicate"));
      List<LogRecord> v = events(sink, "security.seccomp.violation", kill.pid());
      assertEquals(1, v.size(), "" + v);
      assertEquals(null, v.get(0).attributes().getString("linux.security.source"),
          "the rule's own record");
    } finally {
      receiver.shutdown();
    }
  }
}
