package dev.tapio.plugin.ebpf.process;

import dev.tapio.bpf.receiver.CgroupAttribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Severity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessEventsTest {
  private static final long T = 1_700_000_000_123_456_789L;

  private static LogRecord record() {
    Logs logs = new Logs();
    return ProcessEvents.appendScope(logs).logRecords().appendEmpty();
  }

  @Test
  void appendScopeNamesTheScope() {
    Logs logs = new Logs();
    ProcessEvents.appendScope(logs).logRecords().appendEmpty();
    assertEquals(ProcessEvents.SCOPE_NAME,
        logs.resourceLogs().get(0).scopeLogs().get(0).scope().name());
    assertEquals(1, logs.logRecordCount());
  }

  @Test
  void execCarriesEveryAttribute() {
    LogRecord r = record();
    String[] args = {"ls", "-la", "/tmp", "stale"};
    ProcessEvents.exec(r, T, 4242, 1, 1000, 100, "/usr/bin/ls", "ls", args, 3, true, 777L,
        1_700_000_000_000_000_000L, ProcessEvents.SOURCE_EBPF);

    assertEquals("process.exec", r.eventName());
    assertEquals(Severity.INFO, r.severity());
    assertEquals(T, r.timeUnixNano());
    Attributes a = r.attributes();
    assertEquals(4242, a.getLong("process.pid", -1));
    assertEquals(1, a.getLong("process.parent_pid", -1));
    assertEquals(1000, a.getLong("user.id", -1));
    assertEquals(100, a.getLong("group.id", -1));
    assertEquals("/usr/bin/ls", a.getString("process.executable.path"));
    assertEquals("ls", a.getString("process.executable.name"));
    assertEquals("ls", a.getString("linux.process.comm"));
    assertEquals("ls", a.getString("process.command"));
    assertEquals(AnyValue.ofArray(List.of(AnyValue.of("ls"), AnyValue.of("-la"),
        AnyValue.of("/tmp"))), a.get("process.command_args"), "only argCount entries");
    assertEquals("ls -la /tmp", a.getString("process.command_line"));
    assertTrue(a.getBool("process.args_truncated", false));
    assertEquals("2023-11-14T22:13:20Z", a.getString("process.creation.time"));
    assertEquals(777, a.getLong("linux.cgroup.id", -1));
    assertEquals("ebpf", a.getString("tapio.source"));
    assertEquals("exec /usr/bin/ls ls -la /tmp", r.bodyString());
  }

  @Test
  void execLeavesOutWhatIsUnknown() {
    LogRecord r = record();
    ProcessEvents.exec(r, T, 7, 1, ProcessEvents.UNKNOWN_ID, ProcessEvents.UNKNOWN_ID, "",
        "kworker-ish", new String[4], 0, false, 0, 0, ProcessEvents.SOURCE_PROCFS);
    Attributes a = r.attributes();
    assertFalse(a.contains("user.id"));
    assertFalse(a.contains("group.id"));
    assertFalse(a.contains("process.executable.path"));
    assertEquals("kworker-ish", a.getString("process.executable.name"), "comm stands in");
    assertFalse(a.contains("process.command"));
    assertFalse(a.contains("process.command_args"));
    assertFalse(a.contains("process.command_line"));
    assertFalse(a.contains("process.args_truncated"));
    assertFalse(a.contains("process.creation.time"));
    assertFalse(a.contains("linux.cgroup.id"));
    assertEquals("procfs", a.getString("tapio.source"));
    assertEquals("exec kworker-ish", r.bodyString());
  }

  @Test
  void idsAreUnsigned() {
    LogRecord r = record();
    // 4294967294 (nfsnobody on old systems) is a real id, not a negative number.
    ProcessEvents.exec(r, T, 7, 1, -2, -2, "/bin/true", "true", new String[1], 0, false, 0, 0,
        ProcessEvents.SOURCE_EBPF);
    assertEquals(4_294_967_294L, r.attributes().getLong("user.id", -1));
    assertEquals(4_294_967_294L, r.attributes().getLong("group.id", -1));
  }

  @Test
  void exitWithCode() {
    LogRecord r = record();
    ProcessEvents.exit(r, T, 4242, 1, "sh", 7 << 8, 1_500_000_000L, 777L,
        ProcessEvents.SOURCE_EBPF);
    assertEquals("process.exit", r.eventName());
    assertEquals(Severity.INFO, r.severity());
    Attributes a = r.attributes();
    assertEquals(4242, a.getLong("process.pid", -1));
    assertEquals(1, a.getLong("process.parent_pid", -1));
    assertEquals(7, a.getLong("process.exit.code", -1));
    assertFalse(a.contains("process.exit.signal"));
    assertFalse(a.contains("process.exit.core_dumped"));
    assertEquals("2023-11-14T22:13:20.123456789Z", a.getString("process.exit.time"));
    assertEquals(1_500_000_000L, a.getLong("process.lifetime.ns", -1));
    assertEquals(777, a.getLong("linux.cgroup.id", -1));
    assertEquals("sh", a.getString("linux.process.comm"));
    assertEquals("exit 4242 (sh) code 7", r.bodyString());
  }

  @Test
  void exitBySignalWithCoreIsAWarning() {
    LogRecord r = record();
    int sigsegvWithCore = 11 | 0x80;
    ProcessEvents.exit(r, T, 9, 1, "crashy", sigsegvWithCore, 5, 0, ProcessEvents.SOURCE_EBPF);
    Attributes a = r.attributes();
    assertEquals(Severity.WARN, r.severity());
    assertEquals(11, a.getLong("process.exit.signal", -1));
    assertTrue(a.getBool("process.exit.core_dumped", false));
    assertFalse(a.contains("process.exit.code"), "a killed process has no exit code");
    assertEquals("exit 9 (crashy) signal 11", r.bodyString());
  }

  @Test
  void exitBySignalWithoutCore() {
    LogRecord r = record();
    ProcessEvents.exit(r, T, 9, 1, "sleep", 9, 5, 0, ProcessEvents.SOURCE_EBPF);
    assertEquals(9, r.attributes().getLong("process.exit.signal", -1));
    assertFalse(r.attributes().contains("process.exit.core_dumped"));
  }

  @Test
  void exitWithUnknownStatusOmitsCodeSignalAndLifetime() {
    LogRecord r = record();
    ProcessEvents.exit(r, T, 9, 1, "", ProcessEvents.UNKNOWN_STATUS,
        ProcessEvents.UNKNOWN_LIFETIME, 0, ProcessEvents.SOURCE_PROCFS);
    Attributes a = r.attributes();
    assertEquals(Severity.INFO, r.severity());
    assertFalse(a.contains("process.exit.code"));
    assertFalse(a.contains("process.exit.signal"));
    assertFalse(a.contains("process.lifetime.ns"));
    assertFalse(a.contains("linux.process.comm"));
    assertTrue(a.contains("process.exit.time"));
    assertEquals("exit 9", r.bodyString());
  }

  @Test
  void fork() {
    LogRecord r = record();
    ProcessEvents.fork(r, T, 101, 100, "bash", 5, ProcessEvents.SOURCE_EBPF);
    assertEquals("process.fork", r.eventName());
    assertEquals(101, r.attributes().getLong("process.pid", -1));
    assertEquals(100, r.attributes().getLong("process.parent_pid", -1));
    assertEquals(5, r.attributes().getLong("linux.cgroup.id", -1));
    assertEquals("fork 100 -> 101", r.bodyString());
  }

  @Test
  void attributionAddsOnlyKnownParts() {
    LogRecord r = record();
    ProcessEvents.attribution(r, new CgroupAttribution.Attribution(
        "abc", "containerd", "1234", null, "/kubepods.slice/x"));
    Attributes a = r.attributes();
    assertEquals("abc", a.getString("container.id"));
    assertEquals("containerd", a.getString("container.runtime"));
    assertEquals("1234", a.getString("k8s.pod.uid"));
    assertFalse(a.contains("systemd.unit"));
    assertEquals("/kubepods.slice/x", a.getString("linux.cgroup.path"));

    LogRecord empty = record();
    ProcessEvents.attribution(empty, CgroupAttribution.Attribution.EMPTY);
    assertEquals(0, empty.attributes().size());
  }

  @Test
  void splitArgsHandlesTerminatedCutAndEmptyArguments() {
    String[] out = new String[8];
    assertEquals(3, split("ls\0-la\0/tmp\0", out));
    assertArrayEquals(new String[] {"ls", "-la", "/tmp"}, head(out, 3));

    // Cut by a byte limit: the last argument has no NUL and is kept as far as it goes.
    assertEquals(2, split("echo\0hel", out));
    assertArrayEquals(new String[] {"echo", "hel"}, head(out, 2));

    // Empty arguments are real arguments (sh -c '' ...).
    assertEquals(3, split("a\0\0b\0", out));
    assertArrayEquals(new String[] {"a", "", "b"}, head(out, 3));

    assertEquals(0, split("", out));
    assertEquals(1, split("\0", out));
    assertEquals("", out[0]);
  }

  @Test
  void splitArgsCountsArgumentsBeyondTheLimit() {
    String[] out = new String[2];
    assertEquals(4, split("a\0b\0c\0d\0", out));
    assertArrayEquals(new String[] {"a", "b"}, out);
  }

  @Test
  void splitArgsDecodesUtf8AndRespectsOffset() {
    byte[] block = "xx\0grüße\0".getBytes(StandardCharsets.UTF_8);
    String[] out = new String[4];
    assertEquals(1, ProcessEvents.splitArgs(block, 3, block.length - 3, out));
    assertEquals("grüße", out[0]);
  }

  @Test
  void basenameAndIsoTime() {
    assertEquals("ls", ProcessEvents.basename("/usr/bin/ls"));
    assertEquals("ls", ProcessEvents.basename("ls"));
    assertEquals("1970-01-01T00:00:00.000000001Z", ProcessEvents.isoTime(1));
  }

  private static int split(String s, String[] out) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return ProcessEvents.splitArgs(b, 0, b.length, out);
  }

  private static String[] head(String[] a, int n) {
    String[] h = new String[n];
    System.arraycopy(a, 0, h, 0, n);
    return h;
  }
}
