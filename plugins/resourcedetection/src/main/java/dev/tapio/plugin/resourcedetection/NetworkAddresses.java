package dev.tapio.plugin.resourcedetection;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code host.ip} and {@code host.mac}, from the interfaces that are up and not loopback, in
 * interface index order, as the Collector lists them: every address but loopback ones, IPv6 in
 * its RFC 5952 text ({@code fe80::1}, no zone); MAC addresses in the IEEE RA form the semantic
 * conventions ask for ({@code 02-FC-00-00-00-01}), interfaces without one left out. Stateless.
 */
final class NetworkAddresses {
  private static final HexFormat MAC = HexFormat.ofDelimiter("-").withUpperCase();

  private NetworkAddresses() {}

  static List<String> ips() throws SocketException {
    List<String> out = new ArrayList<>();
    for (NetworkInterface i : upInterfaces()) {
      for (InterfaceAddress a : i.getInterfaceAddresses()) {
        InetAddress address = a.getAddress();
        if (!address.isLoopbackAddress()) {
          out.add(text(address));
        }
      }
    }
    return out;
  }

  static List<String> macs() throws SocketException {
    List<String> out = new ArrayList<>();
    for (NetworkInterface i : upInterfaces()) {
      byte[] mac = i.getHardwareAddress();
      if (mac != null && mac.length > 0) {
        out.add(MAC.formatHex(mac));
      }
    }
    return out;
  }

  private static List<NetworkInterface> upInterfaces() throws SocketException {
    List<NetworkInterface> up = new ArrayList<>();
    for (NetworkInterface i : NetworkInterface.networkInterfaces().toList()) {
      if (i.isUp() && !i.isLoopback()) {
        up.add(i);
      }
    }
    up.sort(Comparator.comparingInt(NetworkInterface::getIndex));
    return up;
  }

  /** The address as text; IPv6 compressed per RFC 5952, which the JDK does not do. */
  static String text(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
    }
    // The longest run of two or more zero groups, the first of equal ones, becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLength - 1;
        continue;
      }
      if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(groups[i]));
    }
    return s.toString();
  }
}
