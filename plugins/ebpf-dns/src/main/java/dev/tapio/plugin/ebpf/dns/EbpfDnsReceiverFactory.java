package dev.tapio.plugin.ebpf.dns;

import dev.tapio.bpf.receiver.Wakeup;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/** Factory of the {@code ebpf_dns} receiver. See {@link EbpfDnsConfig}. */
@Extension
public final class EbpfDnsReceiverFactory implements ReceiverFactory<EbpfDnsConfig> {

  @Override
  public String type() {
    return "ebpf_dns";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "DNS queries with responses, latency and the asking process, from syscall tracepoints";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS);
  }

  @Override
  public EbpfDnsConfig createDefaultConfig() {
    return EbpfDnsConfig.defaults();
  }

  @Override
  public EbpfDnsConfig readConfig(ConfigReader r) {
    EbpfDnsConfig d = createDefaultConfig();
    List<String> defaultPorts = new ArrayList<>();
    for (int p : d.ports()) {
      defaultPorts.add(Integer.toString(p));
    }
    List<Integer> ports = new ArrayList<>();
    for (String s : r.stringList("ports", defaultPorts)) {
      try {
        ports.add(Integer.parseInt(s.strip()));
      } catch (NumberFormatException e) {
        r.error("ports", "not a port number: " + s);
      }
    }
    return new EbpfDnsConfig(
        ports,
        r.bytes("ring_buffer_size", d.ringBufferSize()),
        r.duration("timeout", d.timeout()),
        r.integer("max_pending", d.maxPending()),
        r.integer("sampling", d.sampling()),
        r.duration("poll_timeout", d.pollTimeout()),
        r.bytes("wakeup_bytes", d.wakeupBytes()),
        r.enumValue("wakeup_policy", Wakeup.class, d.wakeupPolicy()),
        r.enumValue("fallback", EbpfDnsConfig.Fallback.class, d.fallback()),
        r.integer("cgroup_cache_size", d.cacheSize()),
        r.integer("tcp_streams", d.tcpStreams()));
  }

  @Override
  public Component createLogs(ComponentContext context, EbpfDnsConfig config,
      LogsConsumer next) {
    return new EbpfDnsReceiver(context, config, next);
  }
}
