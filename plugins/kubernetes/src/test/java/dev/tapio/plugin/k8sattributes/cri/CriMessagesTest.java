package dev.tapio.plugin.k8sattributes.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapio.plugin.k8sattributes.cri.CriMessages.RawContainer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CRI messages' reading: fields by number, unknown ones skipped, malformed input refused. */
class CriMessagesTest {
  @Test
  void requestsCarryTheirFieldNumbers() {
    // ContainerStatusRequest{container_id = 1: "ab", verbose = 2: true}
    assertEquals("[10, 2, 97, 98, 16, 1]",
        Arrays.toString(CriMessages.containerStatusRequest("ab", true)));
    // VersionRequest{version = 1: "v1"}
    assertEquals("[10, 2, 118, 49]", Arrays.toString(CriMessages.versionRequest()));
  }

  @Test
  void unknownFieldsOfEveryWireTypeAreSkipped() {
    // A newer runtime's Container with fields Tapio does not know, before and after its own.
    byte[] fixed64 = {14 << 3 | 1, 1, 2, 3, 4, 5, 6, 7, 8};
    byte[] fixed32 = {15 << 3 | 5, 1, 2, 3, 4};
    var container = new Wire.Writer().int64(40, 7).string(41, "future")
        .string(1, "c1").string(2, "sb1")
        .message(3, new Wire.Writer().string(1, "app").int64(2, 3))
        .message(4, new Wire.Writer().string(1, "sha256:" + "ef".repeat(32))
            .string(18, "nginx:1.27"))
        .map(8, Map.of("io.kubernetes.pod.uid", "u1"));
    byte[] containerBytes = concat(fixed64, container.toByteArray(), fixed32);
    byte[] list = new Wire.Writer().bytes(1, containerBytes).int64(2, 1).toByteArray();
    assertEquals(java.util.List.of(new RawContainer("c1", "sb1", "app", "nginx:1.27",
        Map.of("io.kubernetes.pod.uid", "u1"), null, 0)), CriMessages.containers(list));
  }

  @Test
  void anImageIdIsNotTakenForAName() {
    var status = new Wire.Writer().message(1, new Wire.Writer().string(1, "c1")
        .message(8, new Wire.Writer().string(1, "sha256:" + "ef".repeat(32)))
        .string(9, "docker.io/library/nginx@sha256:" + "01".repeat(32)));
    assertEquals("docker.io/library/nginx@sha256:" + "01".repeat(32),
        CriMessages.containerStatus(status.toByteArray()).image());
    var onlyId = new Wire.Writer().message(1, new Wire.Writer().string(1, "c1")
        .message(8, new Wire.Writer().string(1, "sha256:" + "ef".repeat(32))));
    assertNull(CriMessages.containerStatus(onlyId.toByteArray()).image());
  }

  @Test
  void verboseInfoThatIsNotJsonIsIgnored() {
    var status = new Wire.Writer().message(1, new Wire.Writer().string(1, "c1"))
        .map(2, Map.of("info", "not json {"));
    RawContainer c = CriMessages.containerStatus(status.toByteArray());
    assertEquals("c1", c.id());
    assertNull(c.cgroupsPath());
    assertNull(CriMessages.containerStatus(new byte[0]), "no status, no container");
  }

  @Test
  void malformedAnswersAreRefusedNotOverread() {
    // A length prefix past the end, a truncated varint, a wire type that is not one.
    assertThrows(IllegalArgumentException.class,
        () -> CriMessages.containers(new byte[] {10, 100, 1}));
    assertThrows(IllegalArgumentException.class,
        () -> CriMessages.version(new byte[] {8, (byte) 0x80}));
    assertThrows(IllegalArgumentException.class,
        () -> CriMessages.sandboxes(new byte[] {(byte) (1 << 3 | 7)}));
    // A string where a message is expected: field 3 (metadata) as a varint.
    byte[] wrongType = new Wire.Writer().bytes(1, new byte[] {3 << 3, 1}).toByteArray();
    assertThrows(IllegalArgumentException.class, () -> CriMessages.containers(wrongType));
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
