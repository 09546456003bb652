package dev.tapio.plugin.ebpf.security;

import dev.tapio.bpf.receiver.Wakeup;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsConsumer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/** Factory of the {@code ebpf_security} receiver. See {@link EbpfSecurityConfig}. */
@Extension
public final class EbpfSecurityReceiverFactory implements ReceiverFactory<EbpfSecurityConfig> {

  @Override
  public String type() {
    return "ebpf_security";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "security detections (privilege, injection, container escape, sensitive files,"
        + " fileless exec, seccomp, reverse shells) from kernel tracepoints";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS);
  }

  @Override
  public EbpfSecurityConfig createDefaultConfig() {
    return EbpfSecurityConfig.defaults();
  }

  @Override
  public EbpfSecurityConfig readConfig(ConfigReader r) {
    EbpfSecurityConfig d = createDefaultConfig();
    // Every rule's section is asked for, so a key that names no rule is reported as unknown,
    // with the file, line and column, and the nearest rule name suggested.
    ConfigReader rules = r.section("rules");
    Map<SecurityRule, EbpfSecurityConfig.Rule> read = new EnumMap<>(SecurityRule.class);
    for (SecurityRule rule : SecurityRule.values()) {
      ConfigReader s = rules.section(rule.key());
      EbpfSecurityConfig.Rule def = d.rules().get(rule);
      read.put(rule, new EbpfSecurityConfig.Rule(s.bool("enabled", def.enabled()),
          s.integer("rate_limit", def.rateLimit()),
          s.bool("report_failures", def.reportFailures())));
    }
    ConfigReader open = rules.section(SecurityRule.SENSITIVE_OPEN.key());
    ConfigReader escape = rules.section(SecurityRule.ESCAPE_WRITE.key());
    ConfigReader fileless = rules.section(SecurityRule.FILELESS.key());
    ConfigReader exclude = r.section("exclude");
    ConfigReader scope = r.section("scope");
    return new EbpfSecurityConfig(read,
        open.stringList("read_paths", d.readPaths()),
        open.stringList("write_paths", d.writePaths()),
        escape.stringList("paths", d.escapePaths()),
        fileless.stringList("allowed_names", d.filelessAllowed()),
        capabilities(rules.section(SecurityRule.CAPABILITY_USE.key()), d.capabilities()),
        rules.section(SecurityRule.CAPABILITY_USE.key()).bool("denied_only",
            d.capabilitiesDeniedOnly()),
        rules.section(SecurityRule.MODULE_LOAD.key()).bool("syscall_fallback",
            d.moduleSyscallFallback()),
        rules.section(SecurityRule.STDIO_SOCKET.key()).bool("fcntl", d.stdioFcntl()),
        r.enumValue("open_hook", EbpfSecurityConfig.OpenHook.class, d.openHook()),
        exclude.bool("self", d.excludeSelf()),
        exclude.stringList("executables", d.excludeExecutables()),
        cgroupIds(exclude, d.excludeCgroupIds()),
        scope.bool("containers_only", d.containersOnly()),
        r.bytes("ring_buffer_size", d.ringBufferSize()),
        r.duration("poll_timeout", d.pollTimeout()),
        r.bytes("wakeup_bytes", d.wakeupBytes()),
        r.enumValue("wakeup_policy", Wakeup.class, d.wakeupPolicy()),
        r.integer("cgroup_cache_size", d.cacheSize()),
        r.section("audit").bool("enabled", d.audit()));
  }

  // Numbers (YAML integers or strings of digits): a cgroup v2 id is a 64-bit inode number.
  private static List<Long> cgroupIds(ConfigReader r, List<Long> defaults) {
    List<String> ids = r.stringList("cgroup_ids", null);
    if (ids == null) {
      return defaults;
    }
    List<Long> out = new ArrayList<>();
    for (String id : ids) {
      try {
        long v = Long.parseUnsignedLong(id.strip());
        if (v == 0) {
          throw new NumberFormatException();
        }
        out.add(v);
      } catch (NumberFormatException e) {
        r.error("cgroup_ids", "'" + id + "' is not a cgroup id (a positive number: the inode"
            + " of the cgroup v2 directory, `stat -c %i <dir>`, as records carry it in"
            + " linux.cgroup.id)");
      }
    }
    return out;
  }

  // Names as in capabilities(7), with or without the CAP_ prefix, any case.
  private static List<Integer> capabilities(ConfigReader r, List<Integer> defaults) {
    List<String> names = r.stringList("capabilities", null);
    if (names == null) {
      return defaults;
    }
    List<Integer> out = new ArrayList<>();
    for (String name : names) {
      int cap = SecurityEvents.capability(name);
      if (cap < 0) {
        r.error("capabilities", "unknown capability '" + name + "'; valid: "
            + String.join(", ", SecurityEvents.capabilityNames()));
      } else {
        out.add(cap);
      }
    }
    return out;
  }

  @Override
  public Component createLogs(ComponentContext context, EbpfSecurityConfig config,
      LogsConsumer next) {
    return new EbpfSecurityReceiver(context, config, next);
  }
}
