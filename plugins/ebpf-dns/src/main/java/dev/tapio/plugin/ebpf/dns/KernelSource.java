package dev.tapio.plugin.ebpf.dns;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfObject;
import dev.tapio.bpf.RingBuffer;
import dev.tapio.bpf.libc.Libc;
import dev.tapio.bpf.receiver.CgroupAttribution;
import dev.tapio.bpf.receiver.KernelDrops;
import dev.tapio.bpf.receiver.RingPoller;
import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.LogsConsumer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The eBPF path of the dns receiver: loads and attaches the dns program's seven syscall
 * tracepoint programs and polls its ring with the shared {@link RingPoller}.
 *
 * <p>{@link #start} and {@link #stop} are called from the lifecycle thread.
 */
final class KernelSource {
  static final String OBJECT = "dns.bpf.o";
  /** Program label per record type of tapio.h (1 send, 2 receive). */
  private static final String[] PROGRAMS = {null, "dns_send", "dns_recv"};
  private static final String[] ATTACH = {"tapio_dns_sendto", "tapio_dns_sendmsg",
      "tapio_dns_sendmmsg", "tapio_dns_recvfrom_enter", "tapio_dns_recvfrom_exit",
      "tapio_dns_recvmsg_enter", "tapio_dns_recvmsg_exit"};

  private final BpfObject object;
  private final RingBuffer ring;
  private final KernelDrops drops;
  private final RingPoller poller;
  private final Arena arena;

  private KernelSource(BpfObject object, RingBuffer ring, KernelDrops drops, RingPoller poller,
      Arena arena) {
    this.object = object;
    this.ring = ring;
    this.drops = drops;
    this.poller = poller;
    this.arena = arena;
  }

  /** Loads, attaches and starts polling; throws when the kernel refuses. */
  static KernelSource start(String objectName, ComponentContext context, EbpfDnsConfig config,
      LogsConsumer next, CgroupAttribution attribution) throws BpfException, IOException {
    BpfObject object = BpfObject.openBundled(objectName);
    RingBuffer ring = null;
    Arena arena = Arena.ofShared();
    try {
      object.setReadOnlyConfig(config.kernelConfig());
      object.setRingBufferSize("events", (int) config.ringBufferSize());
      object.load();
      for (String p : ATTACH) {
        object.attach(p);
      }
      ring = new RingBuffer(object.map("events"));
      KernelDrops drops = new KernelDrops(object.map("drops"), context, PROGRAMS);
      MemorySegment scratch = arena.allocate(16, 8);
      long boot = Libc.bootTimeNanos(scratch);
      java.time.Instant now = java.time.Instant.now();
      long bootToUnix = now.getEpochSecond() * 1_000_000_000L + now.getNano() - boot;
      // Only the poll thread reads the clock through this scratch segment.
      DnsRecordDecoder decoder = new DnsRecordDecoder(context, attribution, bootToUnix, config,
          () -> Libc.bootTimeNanos(scratch));
      RingPoller poller = new RingPoller(context, "ebpf-dns", ring, decoder, drops, next,
          config.pollTimeout());
      context.gauge("tapio_ring_buffer_usage_percent", "Fill level of the kernel ring buffer.",
          ring::usagePercent, "program", "dns");
      poller.start();
      return new KernelSource(object, ring, drops, poller, arena);
    } catch (BpfException | RuntimeException e) {
      if (ring != null) {
        ring.close();
      }
      object.close();
      arena.close();
      throw e;
    }
  }

  /** Kernel drops so far for a record type (1 send, 2 receive) and reason index. */
  long kernelDrops(int type, int reason) {
    return drops.dropped(type, reason);
  }

  void stop() throws InterruptedException {
    poller.stop();
    ring.close();
    object.close();
    arena.close();
  }
}
