package dev.tapio.plugin.ebpf.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DnsParserTest {
  private final DnsParser parser = new DnsParser();
  private final DnsMessage m = new DnsMessage();

  private int parse(byte[] p) {
    return parser.parse(p, p.length, p.length, m);
  }

  @Test
  void aQueryGivesIdNameAndType() {
    byte[] q = Packets.query(0x1234, "www.example.com", 28);
    assertEquals(DnsParser.OK, parse(q));
    assertEquals(0x1234, m.id);
    assertFalse(m.isResponse());
    assertEquals("www.example.com", m.questionName());
    assertEquals("AAAA", DnsMessage.typeName(m.questionType));
  }

  @Test
  void aCompressedCnameChainGivesEveryAnswerAsText() {
    byte[] r = Packets.cnameResponse(7, "alias.test", "a.test", new byte[] {10, 1, 2, 3});
    assertEquals(DnsParser.OK, parse(r));
    assertTrue(m.isResponse());
    assertEquals("NOERROR", DnsMessage.responseCodeName(m.responseCode()));
    assertEquals(2, m.answers());
    assertEquals("CNAME a.test", m.answerText(0));
    assertEquals("A 10.1.2.3", m.answerText(1));
  }

  @Test
  void ipv6IsWrittenTheShortWay() {
    byte[] a = new byte[16];
    a[0] = (byte) 0xfd;
    a[15] = 1;
    assertEquals("fd00::1", DnsMessage.ipv6(a, 0));
    assertEquals("::", DnsMessage.ipv6(new byte[16], 0));
    byte[] b = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
    assertEquals("2001:db8:0:1::1", DnsMessage.ipv6(b, 0));
  }

  @Test
  void defectsAreMalformedNeverExceptions() {
    byte[] q = Packets.query(1, "a.test", 1);
    // truncated at every length
    for (int n = 0; n < q.length; n++) {
      assertEquals(DnsParser.MALFORMED, parser.parse(q, n, n, m), "length " + n);
    }
    // a pointer to itself: a loop
    byte[] loop = q.clone();
    loop[12] = (byte) 0xc0;
    loop[13] = 12;
    assertEquals(DnsParser.MALFORMED, parse(loop));
    // a forward pointer and one out of range
    byte[] fwd = q.clone();
    fwd[12] = (byte) 0xc0;
    fwd[13] = 20;
    assertEquals(DnsParser.MALFORMED, parse(fwd));
    fwd[12] = (byte) 0xff;
    fwd[13] = (byte) 0xff;
    assertEquals(DnsParser.MALFORMED, parse(fwd));
    // absurd counts
    byte[] counts = q.clone();
    counts[6] = (byte) 0xff;
    counts[7] = (byte) 0xff;
    assertEquals(DnsParser.MALFORMED, parse(counts));
    counts = q.clone();
    counts[5] = 0; // no question
    assertEquals(DnsParser.MALFORMED, parse(counts));
    // a name longer than 255 bytes
    byte[] longName = Packets.query(1, String.join(".", java.util.Collections.nCopies(60,
        "abcd")), 1);
    assertEquals(DnsParser.MALFORMED, parse(longName));
  }

  @Test
  void aCaptureShorterThanTheDatagramKeepsTheAnswersThatFit() {
    byte[] r = Packets.cnameResponse(7, "alias.test", "a.test", new byte[] {10, 1, 2, 3});
    int cut = r.length - 3;
    assertEquals(DnsParser.OK, parser.parse(r, cut, r.length, m));
    assertTrue(m.answersIncomplete);
    assertEquals(List.of("CNAME a.test"), List.of(m.answerText(0)));
    assertEquals(1, m.answers());
    // the same bytes claiming to be the whole datagram are malformed
    assertEquals(DnsParser.MALFORMED, parser.parse(Arrays.copyOf(r, cut), cut, cut, m));
  }

  @Test
  void labelsWithDotsAndBinaryAreEscaped() {
    byte[] q = Packets.query(1, "ab.c", 1);
    q[13] = '.'; // label "ab" becomes ".b"
    q[14] = 0;
    assertEquals(DnsParser.OK, parse(q));
    assertEquals("\\046\\000.c", m.questionName());
  }

  /** A million random and mutated packets: each parses or is malformed, in bounded time. */
  @Test
  void fuzzAMillionPacketsNothingEscapes() {
    assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
      SplittableRandom rnd = new SplittableRandom(42);
      byte[][] seeds = {
          Packets.query(1, "a.test", 1),
          Packets.query(2, "www.example.com", 28),
          Packets.cnameResponse(3, "alias.test", "a.test", new byte[] {10, 1, 2, 3}),
          Packets.cnameResponse(4, "x.very.long.name.example.org", "y.example.org",
              new byte[] {1, 2, 3, 4}),
      };
      byte[] buf = new byte[512];
      int total = 1_000_000;
      long ok = 0;
      long malformed = 0;
      for (int i = 0; i < total; i++) {
        int len;
        if (i % 4 == 0) {
          len = rnd.nextInt(buf.length + 1);
          for (int j = 0; j < len; j++) {
            buf[j] = (byte) rnd.nextInt(256);
          }
        } else {
          byte[] seed = seeds[rnd.nextInt(seeds.length)];
          len = seed.length;
          System.arraycopy(seed, 0, buf, 0, len);
          int flips = 1 + rnd.nextInt(4);
          for (int f = 0; f < flips; f++) {
            int at = rnd.nextInt(len);
            buf[at] = switch (rnd.nextInt(3)) {
              case 0 -> (byte) rnd.nextInt(256);
              case 1 -> (byte) 0xc0; // a pointer start
              default -> (byte) (buf[at] ^ (1 << rnd.nextInt(8)));
            };
          }
          if (rnd.nextInt(8) == 0) {
            len = rnd.nextInt(len + 1); // truncate
          }
        }
        int datagram = rnd.nextInt(4) == 0 ? len + rnd.nextInt(1000) : len;
        int result = parser.parse(buf, len, datagram, m);
        if (result == DnsParser.OK) {
          ok++;
          // rendering runs on the same untrusted bytes
          m.questionName();
          for (int a = 0; a < m.answers(); a++) {
            m.answerText(a);
          }
        } else {
          assertEquals(DnsParser.MALFORMED, result);
          malformed++;
        }
      }
      assertEquals(total, ok + malformed);
      assertTrue(ok > 1000 && malformed > 1000, "ok " + ok + " malformed " + malformed);
    });
  }
}
