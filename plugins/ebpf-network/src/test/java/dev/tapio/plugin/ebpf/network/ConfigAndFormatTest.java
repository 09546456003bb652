package dev.tapio.plugin.ebpf.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.engine.config.ConfigException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Config reading and validation, the kernel config bytes, CIDRs and address text. */
class ConfigAndFormatTest {

  @Test
  void everyKeyIsReadAndReachesTheKernelStruct() throws Exception {
    EbpfNetworkConfig c = KernelEventsTest.config("""
        ring_buffer_size: 256KiB
        ports: {include: [443, 8080], exclude: [22]}
        cidrs: {include: [10.0.0.0/8], exclude: ["fd00::/8"]}
        loopback: false
        sampling: {open: 2, close: 3, failed: 4}
        socket_table_size: 8192
        poll_timeout: 20ms
        wakeup_bytes: 4KiB
        fallback: none
        cgroup_cache_size: 16
        """);
    assertEquals(256 * 1024, c.ringBufferSize());
    assertEquals(List.of("10.0.0.0/8"), c.cidrsInclude());
    assertEquals(8192, c.socketTableSize());
    assertEquals(Duration.ofMillis(20), c.pollTimeout());
    assertEquals(EbpfNetworkConfig.Fallback.NONE, c.fallback());
    ByteBuffer b = ByteBuffer.wrap(c.kernelConfig()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(72, b.capacity());
    assertEquals(2, b.getInt());
    assertEquals(3, b.getInt());
    assertEquals(4, b.getInt());
    assertEquals(0, b.getInt()); // loopback off
    assertEquals(4096, b.getLong());
    assertEquals(443, b.getShort());
    assertEquals(8080, b.getShort());
    assertEquals(0, b.getShort());
    b.position(40);
    assertEquals(22, b.getShort());
    assertEquals(5000, b.getInt(56)); // aggregation on by default, 5000 opens/s per CPU
    assertEquals(1_000_000_000L, b.getLong(64));
  }

  @Test
  void aggregationKeysReachTheKernelConfigAndOffTurnsItOff() throws Exception {
    EbpfNetworkConfig c = KernelEventsTest.config(
        "aggregation: {threshold_per_second: 10, short_lived: 250ms, window: 2s,"
        + " table_size: 64}");
    assertEquals(new EbpfNetworkConfig.Aggregation(true, 10, Duration.ofMillis(250),
        Duration.ofSeconds(2), 64), c.aggregation());
    ByteBuffer b = ByteBuffer.wrap(c.kernelConfig()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(10, b.getInt(56));
    assertEquals(250_000_000L, b.getLong(64));
    EbpfNetworkConfig off = KernelEventsTest.config("aggregation: {enabled: false}");
    assertEquals(0, ByteBuffer.wrap(off.kernelConfig()).order(ByteOrder.LITTLE_ENDIAN)
        .getInt(56));
  }

  @Test
  void badAggregationValuesAreRejected() {
    assertThrows(ConfigException.class, () -> KernelEventsTest.config(
        "aggregation: {threshold_per_second: 0}"));
    assertThrows(ConfigException.class, () -> KernelEventsTest.config(
        "aggregation: {window: 1ms}"));
    assertThrows(ConfigException.class, () -> KernelEventsTest.config(
        "aggregation: {table_size: 2}"));
  }

  @Test
  void defaultsKeepLoopbackAndEverything() throws Exception {
    EbpfNetworkConfig c = KernelEventsTest.config("");
    assertTrue(c.loopback());
    assertEquals(1, c.openSampleEvery());
    assertEquals(65536, c.socketTableSize());
    assertEquals(EbpfNetworkConfig.Fallback.DEGRADED, c.fallback());
  }

  @Test
  void badValuesFailValidationWithTheirLines() {
    ConfigException e = assertThrows(ConfigException.class, () -> KernelEventsTest.config("""
        ring_buffer_size: 100000
        ports: {include: [0, 1, 2, 3, 4, 5, 6, 7, 8]}
        cidrs: {exclude: [example.com, 10.0.0.0/33]}
        sampling: {open: 0}
        socket_table_size: 1000
        """));
    String all = e.getMessage();
    assertTrue(all.contains("component.yaml:1:") && all.contains("power of two"), all);
    assertTrue(all.contains("at most 8 ports") && all.contains("not a port"), all);
    assertTrue(all.contains("example.com") && all.contains("10.0.0.0/33"), all);
    assertTrue(all.contains("sampling.open"), all);
    assertTrue(all.contains("socket_table_size"), all);
  }

  @Test
  void cidrsMatchByPrefixAndFamily() throws Exception {
    Cidr ten = Cidr.parse("10.1.0.0/16");
    byte[] a = InetAddress.getByName("10.1.255.3").getAddress();
    byte[] b = InetAddress.getByName("10.2.0.1").getAddress();
    assertTrue(ten.contains(a, 0, 4));
    assertFalse(ten.contains(b, 0, 4));
    Cidr odd = Cidr.parse("192.168.0.0/23");
    assertTrue(odd.contains(InetAddress.getByName("192.168.1.9").getAddress(), 0, 4));
    assertFalse(odd.contains(InetAddress.getByName("192.168.2.9").getAddress(), 0, 4));
    Cidr v6 = Cidr.parse("fd00::/8");
    assertTrue(v6.contains(InetAddress.getByName("fd12::1").getAddress(), 0, 16));
    assertFalse(v6.contains(a, 0, 4));
    assertTrue(Cidr.parse("0.0.0.0/0").contains(b, 0, 4));
    assertArrayEquals(a, Cidr.parse("10.1.255.3").prefix());
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("localhost"));
  }

  @Test
  void ipv6TextIsRfc5952() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String[] c : new String[][] {{"::1", "::1"}, {"::", "::"},
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"}, {"fe80:0:0:0:0:0:0:abcd", "fe80::abcd"},
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, {"1:0:0:2:0:0:0:3", "1:0:0:2::3"}}) {
      assertEquals(c[1], NetworkEvents.ipv6(InetAddress.getByName(c[0]).getAddress(), 0, sb),
          c[0]);
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    assertTrue(NetworkEvents.isV4Mapped(mapped, 0));
    assertEquals("127.0.0.1", NetworkEvents.ipv4(mapped, 12, sb));
  }

  @Test
  void errorTypesFollowTheSocketError() {
    assertEquals("connection_refused", NetworkEvents.errorType(111, 1));
    assertEquals("timeout", NetworkEvents.errorType(110, 0));
    assertEquals("reset", NetworkEvents.errorType(104, 1));
    assertEquals("reset", NetworkEvents.errorType(0, 2));
    assertEquals("cancelled", NetworkEvents.errorType(0, 0));
    assertEquals("_OTHER", NetworkEvents.errorType(5, 0));
  }
}
