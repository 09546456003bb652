package dev.tapio.plugin.ebpf.dns;

import dev.tapio.bpf.receiver.TextCache;
import java.nio.charset.StandardCharsets;

/**
 * One parsed DNS message, reused from packet to packet: {@link DnsParser} fills the fields
 * without allocating; the string accessors allocate, and are called only for records that are
 * emitted. It refers to the parsed bytes, which must stay unchanged while it is read.
 *
 * <p>Not thread-safe: one per thread.
 */
final class DnsMessage {
  /** Presentation text of a name: at most 255 wire bytes, 4 text bytes each ("\DDD"). */
  static final int TEXT_MAX = 4 * DnsParser.NAME_MAX + 1;
  /** Answers kept per message; more are counted in {@link #answerCount} only. */
  static final int ANSWERS_MAX = 64;

  private byte[] buf;
  private int captured;
  int id;
  int flags;
  int questionCount;
  int answerCount;
  int questionType;
  int questionClass;
  final byte[] name = new byte[TEXT_MAX];
  int nameLength;
  boolean answersIncomplete;
  private final int[] answerType = new int[ANSWERS_MAX];
  private final int[] answerAt = new int[ANSWERS_MAX];
  private final int[] answerLength = new int[ANSWERS_MAX];
  private int answers;
  private final byte[] text = new byte[TEXT_MAX + 16];

  void reset(byte[] buf, int captured) {
    this.buf = buf;
    this.captured = captured;
    id = 0;
    flags = 0;
    questionCount = 0;
    answerCount = 0;
    questionType = 0;
    questionClass = 0;
    nameLength = 0;
    answersIncomplete = false;
    answers = 0;
  }

  boolean addAnswer(int type, int at, int length) {
    if (answers == ANSWERS_MAX) {
      return false;
    }
    answerType[answers] = type;
    answerAt[answers] = at;
    answerLength[answers] = length;
    answers++;
    return true;
  }

  /** Whether this is a response (QR bit). */
  boolean isResponse() {
    return (flags & 0x8000) != 0;
  }

  /** The TC bit: the server cut the answer to fit the datagram. */
  boolean truncated() {
    return (flags & 0x0200) != 0;
  }

  int responseCode() {
    return flags & 0xf;
  }

  /** Answers kept (at most {@link #ANSWERS_MAX}). */
  int answers() {
    return answers;
  }

  int answerType(int i) {
    return answerType[i];
  }

  String questionName() {
    return new String(name, 0, nameLength, StandardCharsets.US_ASCII);
  }

  /**
   * The text of answer {@code i} when it is an address (an A record of 4 bytes or an AAAA record
   * of 16), made by {@code cache} from its bytes, which alone tell the two apart; else {@link
   * #answerText}.
   */
  String answerText(int i, TextCache cache) {
    int type = answerType[i];
    int len = answerLength[i];
    if (type == 1 && len == 4 || type == 28 && len == 16) {
      return cache.text(buf, answerAt[i], len);
    }
    return answerText(i);
  }

  /** The text of an address answer's bytes, as {@link #answerText} writes it. */
  static String addressAnswerText(byte[] b, int at, int len) {
    return len == 4
        ? "A " + (b[at] & 0xff) + "." + (b[at + 1] & 0xff) + "." + (b[at + 2] & 0xff) + "."
            + (b[at + 3] & 0xff)
        : "AAAA " + ipv6(b, at);
  }

  /** Answer {@code i} as text: "A 1.2.3.4", "AAAA fd00::1", "CNAME a.test", "MX 10 m.test". */
  String answerText(int i) {
    int type = answerType[i];
    int at = answerAt[i];
    int len = answerLength[i];
    String t = typeName(type);
    switch (type) {
      case 1 -> {
        if (len == 4) {
          return t + " " + (buf[at] & 0xff) + "." + (buf[at + 1] & 0xff) + "."
              + (buf[at + 2] & 0xff) + "." + (buf[at + 3] & 0xff);
        }
      }
      case 28 -> {
        if (len == 16) {
          return t + " " + ipv6(buf, at);
        }
      }
      case 2, 5, 12, 39 -> { // NS, CNAME, PTR, DNAME
        String n = name(at, at + len);
        if (n != null) {
          return t + " " + n;
        }
      }
      case 15 -> { // MX
        if (len >= 3) {
          String n = name(at + 2, at + len);
          if (n != null) {
            return t + " " + DnsParser.u16(buf, at) + " " + n;
          }
        }
      }
      default -> {
        return t;
      }
    }
    return t + " <malformed>";
  }

  /** The name at {@code at} that must end by {@code end}, or null. */
  private String name(int at, int end) {
    long r = DnsParser.walkName(buf, captured, at, text, 0);
    if (r < 0 || (int) (r >>> 32) > end) {
      return null;
    }
    return new String(text, 0, (int) r, StandardCharsets.US_ASCII);
  }

  /** RFC 5952 text: lowercase, longest run (2+) of zero groups as "::". */
  static String ipv6(byte[] b, int at) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = DnsParser.u16(b, at + 2 * i);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8;) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(g[i]));
    }
    return s.toString();
  }

  static String typeName(int type) {
    return switch (type) {
      case 1 -> "A";
      case 2 -> "NS";
      case 5 -> "CNAME";
      case 6 -> "SOA";
      case 12 -> "PTR";
      case 13 -> "HINFO";
      case 15 -> "MX";
      case 16 -> "TXT";
      case 28 -> "AAAA";
      case 33 -> "SRV";
      case 35 -> "NAPTR";
      case 39 -> "DNAME";
      case 41 -> "OPT";
      case 43 -> "DS";
      case 46 -> "RRSIG";
      case 47 -> "NSEC";
      case 48 -> "DNSKEY";
      case 64 -> "SVCB";
      case 65 -> "HTTPS";
      case 252 -> "AXFR";
      case 255 -> "ANY";
      case 257 -> "CAA";
      default -> "TYPE" + type;
    };
  }

  static String responseCodeName(int rcode) {
    return switch (rcode) {
      case 0 -> "NOERROR";
      case 1 -> "FORMERR";
      case 2 -> "SERVFAIL";
      case 3 -> "NXDOMAIN";
      case 4 -> "NOTIMP";
      case 5 -> "REFUSED";
      case 6 -> "YXDOMAIN";
      case 7 -> "YXRRSET";
      case 8 -> "NXRRSET";
      case 9 -> "NOTAUTH";
      case 10 -> "NOTZONE";
      default -> "RCODE" + rcode;
    };
  }
}
