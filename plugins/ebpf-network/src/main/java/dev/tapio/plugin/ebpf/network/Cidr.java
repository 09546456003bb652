package dev.tapio.plugin.ebpf.network;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address prefix such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a
 * full-length prefix. Immutable and thread-safe.
 */
record Cidr(byte[] prefix, int bits) {

  static Cidr parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    // Literal addresses only: InetAddress would otherwise resolve names.
    if (addr.isEmpty() || !(addr.indexOf(':') >= 0 || addr.chars().allMatch(
        c -> c == '.' || (c >= '0' && c <= '9')))) {
      throw new IllegalArgumentException("not an IP address prefix: " + text);
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address prefix: " + text);
    }
    int bits = bytes.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in " + text);
      }
      if (bits < 0 || bits > bytes.length * 8) {
        throw new IllegalArgumentException("prefix length out of range in " + text);
      }
    }
    return new Cidr(bytes, bits);
  }

  /**
   * Whether {@code addr[from, from + length)} (4 or 16 bytes) lies in this prefix; an IPv4
   * address never matches an IPv6 prefix and vice versa.
   */
  boolean contains(byte[] addr, int from, int length) {
    if (length != prefix.length) {
      return false;
    }
    int full = bits >>> 3;
    for (int i = 0; i < full; i++) {
      if (addr[from + i] != prefix[i]) {
        return false;
      }
    }
    int rest = bits & 7;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return ((addr[from + full] ^ prefix[full]) & mask) == 0;
  }
}
