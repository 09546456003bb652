package dev.tapio.plugin.ebpf.network;

import dev.tapio.bpf.receiver.CgroupAttribution;
import dev.tapio.pdata.Attributes;

/**
 * Event and attribute names of the network receiver, and address formatting.
 *
 * <p>OpenTelemetry semantic-convention names where one exists ({@code network.local.*}, {@code
 * network.peer.*}, {@code network.transport}, {@code network.type}, {@code process.*}, {@code
 * container.*}, {@code error.type}); Tapio's own: {@code network.connection.direction}, {@code
 * network.connection.duration}, {@code network.connection.reset}, {@code network.io.bytes_sent},
 * {@code network.io.bytes_received}, {@code network.io.packets_sent}, {@code
 * network.io.packets_received}, {@code network.flow.end_reason}, {@code tcp.retransmits}, {@code tcp.srtt_us}, {@code
 * linux.cgroup.*}, {@code systemd.unit}.
 *
 * <p>Stateless and thread-safe.
 */
final class NetworkEvents {
  static final String OPEN = "network.connection.open";
  static final String CLOSE = "network.connection.close";
  static final String FAILED = "network.connection.failed";
  /** Short-lived connections folded in the kernel while the open rate was too high. */
  static final String AGGREGATE = "network.connection.aggregate";
  /** A UDP flow (one process, socket and peer) that went idle, or was open at shutdown. */
  static final String FLOW = "network.flow";
  static final String SCOPE_NAME = "dev.tapio.ebpf.network";

  static final String ATTR_DIRECTION = "network.connection.direction";
  static final String ATTR_LOCAL_ADDRESS = "network.local.address";
  static final String ATTR_LOCAL_PORT = "network.local.port";
  static final String ATTR_PEER_ADDRESS = "network.peer.address";
  static final String ATTR_PEER_PORT = "network.peer.port";
  static final String ATTR_TRANSPORT = "network.transport";
  static final String ATTR_TYPE = "network.type";
  static final String ATTR_PID = "process.pid";
  static final String ATTR_EXECUTABLE_NAME = "process.executable.name";
  /** Seconds from established (or from connect() for failed) to this record, a double. */
  static final String ATTR_DURATION = "network.connection.duration";
  /** Payload bytes the peer acknowledged ({@code tcp_sock.bytes_acked}). */
  static final String ATTR_BYTES_SENT = "network.io.bytes_sent";
  /** Payload bytes received in sequence ({@code tcp_sock.bytes_received}). */
  static final String ATTR_BYTES_RECEIVED = "network.io.bytes_received";
  /** Datagrams sent / received in a UDP flow. */
  static final String ATTR_PACKETS_SENT = "network.io.packets_sent";
  static final String ATTR_PACKETS_RECEIVED = "network.io.packets_received";
  /** Why a flow record was emitted: {@code idle} or {@code shutdown}. */
  static final String ATTR_FLOW_END = "network.flow.end_reason";
  static final String ATTR_RETRANSMITS = "tcp.retransmits";
  /** Connections in an aggregate. */
  static final String ATTR_COUNT = "network.connection.count";
  /** Seconds the aggregate covers, a double. */
  static final String ATTR_WINDOW = "tapio.aggregation.window";
  static final String ATTR_SRTT_US = "tcp.srtt_us";
  static final String ATTR_ERROR_TYPE = "error.type";
  /** On a reset: {@code received}, {@code sent} or {@code both}. */
  static final String ATTR_RESET = "network.connection.reset";
  static final String ATTR_CGROUP_ID = "linux.cgroup.id";
  static final String ATTR_CGROUP_PATH = "linux.cgroup.path";
  static final String ATTR_CONTAINER_ID = "container.id";
  static final String ATTR_CONTAINER_RUNTIME = "container.runtime";
  static final String ATTR_POD_UID = "k8s.pod.uid";
  static final String ATTR_SYSTEMD_UNIT = "systemd.unit";

  static final String OUTBOUND = "outbound";
  static final String INBOUND = "inbound";

  static final String ERROR_REFUSED = "connection_refused";
  static final String ERROR_TIMEOUT = "timeout";
  static final String ERROR_RESET = "reset";
  static final String ERROR_HOST_UNREACHABLE = "host_unreachable";
  static final String ERROR_NETWORK_UNREACHABLE = "network_unreachable";
  /** The application closed the socket before the handshake completed. */
  static final String ERROR_CANCELLED = "cancelled";
  static final String ERROR_OTHER = "_OTHER";

  private NetworkEvents() {}

  /** {@code error.type} of a failed connection from the socket's errno and reset flags. */
  static String errorType(int skErr, int reset) {
    return switch (skErr) {
      case 111 -> ERROR_REFUSED; // ECONNREFUSED
      case 110 -> ERROR_TIMEOUT; // ETIMEDOUT
      case 104, 32 -> ERROR_RESET; // ECONNRESET, EPIPE (reset in CLOSE_WAIT)
      case 113 -> ERROR_HOST_UNREACHABLE;
      case 101 -> ERROR_NETWORK_UNREACHABLE;
      case 0 -> reset != 0 ? ERROR_RESET : ERROR_CANCELLED;
      default -> ERROR_OTHER;
    };
  }

  static String resetDirection(int reset) {
    return switch (reset & 3) {
      case 1 -> "received";
      case 2 -> "sent";
      case 3 -> "both";
      default -> null;
    };
  }

  static void attribution(Attributes a, CgroupAttribution.Attribution attribution) {
    // Appended: a decoder's new record holds none of these keys (a null value appends nothing).
    a.appendString(ATTR_CONTAINER_ID, attribution.containerId());
    a.appendString(ATTR_CONTAINER_RUNTIME, attribution.runtime());
    a.appendString(ATTR_POD_UID, attribution.podUid());
    a.appendString(ATTR_SYSTEMD_UNIT, attribution.systemdUnit());
    a.appendString(ATTR_CGROUP_PATH, attribution.path());
  }

  /** Whether 16 address bytes at {@code at} are an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
  static boolean isV4Mapped(byte[] b, int at) {
    for (int i = 0; i < 10; i++) {
      if (b[at + i] != 0) {
        return false;
      }
    }
    return b[at + 10] == (byte) 0xff && b[at + 11] == (byte) 0xff;
  }

  /** Dotted quad of 4 bytes at {@code at}. */
  static String ipv4(byte[] b, int at, StringBuilder sb) {
    sb.setLength(0);
    for (int i = 0; i < 4; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(b[at + i] & 0xff);
    }
    return sb.toString();
  }

  /** RFC 5952 text of 16 bytes at {@code at}: lower case, longest zero run (2+ groups) as ::. */
  static String ipv6(byte[] b, int at, StringBuilder sb) {
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (group(b, at, i) == 0) {
        int j = i;
        while (j < 8 && group(b, at, j) == 0) {
          j++;
        }
        if (j - i > bestLen && j - i >= 2) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    sb.setLength(0);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(group(b, at, i)));
    }
    return sb.toString();
  }

  private static int group(byte[] b, int at, int i) {
    return ((b[at + 2 * i] & 0xff) << 8) | (b[at + 2 * i + 1] & 0xff);
  }
}
