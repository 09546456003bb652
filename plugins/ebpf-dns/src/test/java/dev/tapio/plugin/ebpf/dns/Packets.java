package dev.tapio.plugin.ebpf.dns;

import java.io.ByteArrayOutputStream;

/** Hand-built DNS messages for tests. */
final class Packets {
  private Packets() {}

  static byte[] query(int id, String name, int type) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    u16(b, id);
    u16(b, 0x0100); // RD
    u16(b, 1);
    u16(b, 0);
    u16(b, 0);
    u16(b, 0);
    name(b, name);
    u16(b, type);
    u16(b, 1);
    return b.toByteArray();
  }

  /** A response to {@code name}: a CNAME to {@code cname} (compressed), then an A record. */
  static byte[] cnameResponse(int id, String name, String cname, byte[] a) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    u16(b, id);
    u16(b, 0x8180);
    u16(b, 1);
    u16(b, 2);
    u16(b, 0);
    u16(b, 0);
    name(b, name);
    u16(b, 1);
    u16(b, 1);
    // answer 1: owner = pointer to the question name at 12
    u16(b, 0xc00c);
    u16(b, 5);
    u16(b, 1);
    u16(b, 0);
    u16(b, 60);
    byte[] target = nameBytes(cname);
    u16(b, target.length);
    int targetAt = b.size();
    b.writeBytes(target);
    u16(b, 0xc000 | targetAt);
    u16(b, 1);
    u16(b, 1);
    u16(b, 0);
    u16(b, 60);
    u16(b, 4);
    b.writeBytes(a);
    return b.toByteArray();
  }

  static void u16(ByteArrayOutputStream b, int v) {
    b.write(v >> 8);
    b.write(v);
  }

  static void name(ByteArrayOutputStream b, String name) {
    b.writeBytes(nameBytes(name));
  }

  static byte[] nameBytes(String name) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String label : name.split("\\.")) {
      if (!label.isEmpty()) {
        b.write(label.length());
        b.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
    }
    b.write(0);
    return b.toByteArray();
  }
}
