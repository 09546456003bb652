package dev.tapio.plugin.ebpf.network;

import dev.tapio.bpf.receiver.Wakeup;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsConsumer;
import java.util.Set;
import org.pf4j.Extension;

/** Factory of the {@code ebpf_network} receiver. See {@link EbpfNetworkConfig}. */
@Extension
public final class EbpfNetworkReceiverFactory implements ReceiverFactory<EbpfNetworkConfig> {

  @Override
  public String type() {
    return "ebpf_network";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "TCP connection open/close/failed with bytes, RTT and owning process (and optional"
        + " UDP flows), from kernel tracepoints";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS);
  }

  @Override
  public EbpfNetworkConfig createDefaultConfig() {
    return EbpfNetworkConfig.defaults();
  }

  @Override
  public EbpfNetworkConfig readConfig(ConfigReader r) {
    EbpfNetworkConfig d = createDefaultConfig();
    ConfigReader ports = r.section("ports");
    ConfigReader cidrs = r.section("cidrs");
    ConfigReader sampling = r.section("sampling");
    ConfigReader aggregation = r.section("aggregation");
    ConfigReader udp = r.section("udp");
    EbpfNetworkConfig.Aggregation da = d.aggregation();
    EbpfNetworkConfig.Udp du = d.udp();
    return new EbpfNetworkConfig(
        r.bytes("ring_buffer_size", d.ringBufferSize()),
        ports.stringList("include", d.portsInclude()),
        ports.stringList("exclude", d.portsExclude()),
        cidrs.stringList("include", d.cidrsInclude()),
        cidrs.stringList("exclude", d.cidrsExclude()),
        r.bool("loopback", d.loopback()),
        sampling.integer("open", d.openSampleEvery()),
        sampling.integer("close", d.closeSampleEvery()),
        sampling.integer("failed", d.failedSampleEvery()),
        r.integer("socket_table_size", d.socketTableSize()),
        r.duration("poll_timeout", d.pollTimeout()),
        r.bytes("wakeup_bytes", d.wakeupBytes()),
        r.enumValue("wakeup_policy", Wakeup.class, d.wakeupPolicy()),
        r.enumValue("fallback", EbpfNetworkConfig.Fallback.class, d.fallback()),
        r.integer("cgroup_cache_size", d.cacheSize()),
        new EbpfNetworkConfig.Aggregation(
            aggregation.bool("enabled", da.enabled()),
            aggregation.integer("threshold_per_second", da.thresholdPerSecond()),
            aggregation.duration("short_lived", da.shortLived()),
            aggregation.duration("window", da.window()),
            aggregation.integer("table_size", da.tableSize())),
        new EbpfNetworkConfig.Udp(
            udp.bool("enabled", du.enabled()),
            udp.duration("idle_timeout", du.idleTimeout()),
            udp.integer("table_size", du.tableSize())));
  }

  @Override
  public Component createLogs(ComponentContext context, EbpfNetworkConfig config,
      LogsConsumer next) {
    return new EbpfNetworkReceiver(context, config, next);
  }
}
