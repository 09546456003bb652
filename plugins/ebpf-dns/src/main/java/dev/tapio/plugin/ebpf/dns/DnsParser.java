package dev.tapio.plugin.ebpf.dns;

/**
 * Parses DNS messages (RFC 1035) from untrusted bytes into a reusable {@link DnsMessage}: the
 * header, the first question, and the answer section's type and rdata position. Any defect —
 * a packet shorter than what it claims, counts that cannot fit, a label or name too long, a
 * compression pointer that is out of range or not strictly backwards (which also rules out
 * loops) — ends in {@link #MALFORMED}; nothing throws, every loop is bounded by the packet size,
 * and nothing is allocated while parsing (strings are made only when a record is emitted, by
 * {@link DnsMessage}).
 *
 * <p>A capture may hold less than the datagram ({@code captured < length}: the kernel copies at
 * most 512 bytes). Then answers cut off by the capture are not a defect: the message keeps the
 * ones that fit and says {@link DnsMessage#answersIncomplete()}.
 *
 * <p>Stateless: one instance may be shared, but each thread needs its own {@link DnsMessage}.
 */
final class DnsParser {
  static final int OK = 0;
  static final int MALFORMED = 1;

  static final int HEADER = 12;
  /** The longest name on the wire (RFC 1035 2.3.4). */
  static final int NAME_MAX = 255;
  /** The smallest question: root name, type, class. */
  private static final int QUESTION_MIN = 5;
  /** The smallest resource record: root name, type, class, ttl, rdlength. */
  private static final int RR_MIN = 11;

  /**
   * Parses {@code buf[0..captured)}, a capture of a datagram of {@code length} bytes.
   *
   * @return {@link #OK} (then {@code out} holds the message) or {@link #MALFORMED}
   */
  int parse(byte[] buf, int captured, int length, DnsMessage out) {
    out.reset(buf, captured);
    if (captured < HEADER || captured > buf.length || length < captured) {
      return MALFORMED;
    }
    out.id = u16(buf, 0);
    out.flags = u16(buf, 2);
    int qd = u16(buf, 4);
    int an = u16(buf, 6);
    // Counts the datagram could not hold are lies, whatever the capture.
    if (qd == 0 || (long) qd * QUESTION_MIN + (long) an * RR_MIN > length - HEADER) {
      return MALFORMED;
    }
    out.questionCount = qd;
    out.answerCount = an;
    int at = HEADER;
    for (int q = 0; q < qd; q++) {
      int end = q == 0 ? readName(buf, captured, at, out) : skipName(buf, captured, at);
      if (end < 0 || end + 4 > captured) {
        return MALFORMED;
      }
      if (q == 0) {
        out.questionType = u16(buf, end);
        out.questionClass = u16(buf, end + 2);
      }
      at = end + 4;
    }
    for (int a = 0; a < an; a++) {
      int end = skipName(buf, captured, at);
      if (end < 0 || end + 10 > captured) {
        if (captured < length) {
          out.answersIncomplete = true;
          return OK;
        }
        return MALFORMED;
      }
      int type = u16(buf, end);
      int rdlength = u16(buf, end + 8);
      int rdata = end + 10;
      if (rdata + rdlength > captured) {
        if (captured < length) {
          out.answersIncomplete = true;
          return OK;
        }
        return MALFORMED;
      }
      if (!out.addAnswer(type, rdata, rdlength)) {
        out.answersIncomplete = true;
        return OK;
      }
      at = rdata + rdlength;
    }
    return OK;
  }

  static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  /** Skips a name at {@code at}; the offset after it (in the uncompressed stream), or -1. */
  static int skipName(byte[] buf, int len, int at) {
    long r = walkName(buf, len, at, null, 0);
    return r < 0 ? -1 : (int) (r >>> 32);
  }

  /** Reads the question name into {@code out}; the offset after it, or -1. */
  private static int readName(byte[] buf, int len, int at, DnsMessage out) {
    long r = walkName(buf, len, at, out.name, 0);
    if (r < 0) {
      return -1;
    }
    out.nameLength = (int) r;
    return (int) (r >>> 32);
  }

  /**
   * Walks the name at {@code at}, writing its presentation form to {@code text} (when non-null)
   * from {@code textAt}, at most {@link DnsMessage#TEXT_MAX} bytes. Returns -1 on a defect,
   * else the offset after the name where it started (high 32 bits) and the text length (low).
   */
  static long walkName(byte[] buf, int len, int at, byte[] text, int textAt) {
    int pos = at;
    int end = -1;
    // A pointer must go strictly below where the current run of labels started: the walk
    // then always moves to lower offsets and ends, whatever the bytes.
    int floor = at;
    int wire = 0;
    int t = textAt;
    while (true) {
      if (pos >= len) {
        return -1;
      }
      int b = buf[pos] & 0xff;
      if (b == 0) {
        if (end < 0) {
          end = pos + 1;
        }
        wire += 1;
        break;
      }
      int kind = b & 0xc0;
      if (kind == 0xc0) {
        if (pos + 1 >= len) {
          return -1;
        }
        int target = ((b & 0x3f) << 8) | (buf[pos + 1] & 0xff);
        if (target >= floor || target < HEADER) {
          return -1;
        }
        if (end < 0) {
          end = pos + 2;
        }
        pos = target;
        floor = target;
        continue;
      }
      if (kind != 0) {
        return -1; // 0x40 and 0x80 label types are obsolete or reserved
      }
      wire += b + 1;
      if (wire + 1 > NAME_MAX || pos + 1 + b > len) {
        return -1;
      }
      if (text != null) {
        t = appendLabel(buf, pos + 1, b, text, t, t > textAt);
      }
      pos += 1 + b;
    }
    if (text != null) {
      if (t == textAt) {
        text[t++] = '.';
      }
    }
    return ((long) end << 32) | (t - textAt);
  }

  /** Worst case 4 bytes per wire byte ("\DDD"): {@link DnsMessage#TEXT_MAX}. */
  private static int appendLabel(byte[] buf, int from, int n, byte[] text, int t, boolean dot) {
    if (dot) {
      text[t++] = '.';
    }
    for (int i = 0; i < n; i++) {
      int c = buf[from + i] & 0xff;
      if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
        text[t++] = (byte) c;
      } else {
        text[t++] = '\\';
        text[t++] = (byte) ('0' + c / 100);
        text[t++] = (byte) ('0' + c / 10 % 10);
        text[t++] = (byte) ('0' + c % 10);
      }
    }
    return t;
  }
}
