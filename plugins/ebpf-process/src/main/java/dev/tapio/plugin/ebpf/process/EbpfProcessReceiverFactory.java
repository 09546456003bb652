package dev.tapio.plugin.ebpf.process;

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

/** Factory of the {@code ebpf_process} receiver. See {@link EbpfProcessConfig}. */
@Extension
public final class EbpfProcessReceiverFactory implements ReceiverFactory<EbpfProcessConfig> {

  @Override
  public String type() {
    return "ebpf_process";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "process exec/exit/fork from kernel tracepoints, with a /proc fallback";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS);
  }

  @Override
  public EbpfProcessConfig createDefaultConfig() {
    return EbpfProcessConfig.defaults();
  }

  @Override
  public EbpfProcessConfig readConfig(ConfigReader r) {
    EbpfProcessConfig d = createDefaultConfig();
    ConfigReader events = r.section("events");
    ConfigReader sampling = r.section("sampling");
    ConfigReader filter = r.section("filter");
    return new EbpfProcessConfig(
        r.bytes("ring_buffer_size", d.ringBufferSize()),
        events.bool("exec", d.exec()),
        events.bool("exit", d.exit()),
        events.bool("fork", d.fork()),
        sampling.integer("exec", d.execSampleEvery()),
        sampling.integer("exit", d.exitSampleEvery()),
        sampling.integer("fork", d.forkSampleEvery()),
        filter.integer("pid", d.filterPid()),
        filter.longValue("cgroup_id", d.filterCgroupId()),
        r.integer("args_max_bytes", d.argsMaxBytes()),
        r.integer("args_max_count", d.argsMaxCount()),
        r.duration("poll_timeout", d.pollTimeout()),
        r.bytes("wakeup_bytes", d.wakeupBytes()),
        r.enumValue("wakeup_policy", Wakeup.class, d.wakeupPolicy()),
        r.enumValue("fallback", EbpfProcessConfig.Fallback.class, d.fallback()),
        r.duration("procfs_interval", d.procfsInterval()),
        r.integer("cgroup_cache_size", d.cacheSize()));
  }

  @Override
  public Component createLogs(ComponentContext context, EbpfProcessConfig config,
      LogsConsumer next) {
    return new EbpfProcessReceiver(context, config, next);
  }
}
