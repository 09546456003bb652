package dev.tapio.plugin.resourcedetection;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.Processors;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;
import dev.tapio.plugin.resourcedetection.ResourceDetectionConfig.DetectorType;
import dev.tapio.plugin.resourcedetection.ResourceDetectionConfig.HostnameSource;
import dev.tapio.plugin.resourcedetection.ResourceDetectionConfig.K8sNodeSettings;
import dev.tapio.plugin.resourcedetection.ResourceDetectionConfig.SystemSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.pf4j.Extension;

/** Creates {@code resourcedetection} processors. Stateless and thread-safe. */
@Extension
public final class ResourceDetectionFactory implements ProcessorFactory<ResourceDetectionConfig> {
  private static final String NO_DETECTOR = "no detector for this platform; use env or system";
  private static final String NO_HTTP_CLIENT = "Tapio's detectors call no HTTP endpoint, so"
      + " there is no HTTP client to configure";
  private static final Map<String, String> UNSUPPORTED_KEYS = unsupportedCollectorKeys();

  private final HostView host;

  public ResourceDetectionFactory() {
    this(HostView.SYSTEM);
  }

  /**
   * For tests: detectors read {@code environment} instead of the process's variables and the
   * files below {@code root} instead of those below {@code /}.
   */
  ResourceDetectionFactory(Function<String, String> environment, Path root) {
    this(new HostView(environment, root));
  }

  private ResourceDetectionFactory(HostView host) {
    this.host = host;
  }

  @Override
  public String type() {
    return "resourcedetection";
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return UNSUPPORTED_KEYS;
  }

  /** The Collector's detector sections and HTTP client keys (confighttp) Tapio does not read. */
  private static Map<String, String> unsupportedCollectorKeys() {
    Map<String, String> keys = new HashMap<>();
    for (String detector : List.of("akamai", "aks", "alibaba_ecs", "azure", "consul",
        "digitalocean", "docker", "ec2", "ecs", "eks", "elasticbeanstalk", "gcp", "heroku",
        "hetzner", "ibmcloud_classic", "ibmcloud_vpc", "kubeadm", "lambda", "nova", "openshift",
        "oraclecloud", "scaleway", "tencent_cvm", "upcloud", "vultr")) {
      keys.put(detector, NO_DETECTOR);
    }
    for (String client : List.of("auth", "compression", "compression_params", "cookies",
        "disable_keep_alives", "endpoint", "force_attempt_http2", "headers",
        "http2_ping_timeout", "http2_read_idle_timeout", "idle_conn_timeout",
        "max_conns_per_host", "max_idle_conns", "max_idle_conns_per_host", "middlewares",
        "proxy_url", "read_buffer_size", "tls", "write_buffer_size")) {
      keys.put(client, NO_HTTP_CLIENT);
    }
    keys.put("k8s_api", "Tapio still names this detector k8snode, the Collector's name before"
        + " k8s_api; write k8snode");
    keys.put("fail_on_missing_metadata", "it concerns the cloud detectors, which Tapio does not"
        + " have; a detector that fails always fails the start");
    return Map.copyOf(keys);
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Adds attributes of the host (env, system, k8snode), detected at start, to every"
        + " resource";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES);
  }

  @Override
  public ResourceDetectionConfig createDefaultConfig() {
    return ResourceDetectionConfig.defaults();
  }

  @Override
  public ResourceDetectionConfig readConfig(ConfigReader reader) {
    List<DetectorType> detectors = detectors(reader);
    boolean override = reader.bool("override", true);
    Duration timeout = reader.duration("timeout", ResourceDetectionConfig.DEFAULT_TIMEOUT);
    if (reader.duration("refresh_interval", Duration.ZERO).isPositive()) {
      reader.warning("refresh_interval", "Tapio detects once, at start, and does not refresh;"
          + " remove refresh_interval (restart to detect again)");
    }
    return new ResourceDetectionConfig(detectors, override, timeout,
        system(reader.section("system")), k8snode(reader.section("k8snode")));
  }

  private static List<DetectorType> detectors(ConfigReader reader) {
    List<String> names = reader.stringList("detectors", List.of(DetectorType.ENV.configName()));
    List<DetectorType> detectors = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).strip();
      DetectorType type = DetectorType.byName(name);
      if (type == null) {
        reader.error("detectors." + i, "unknown detector '" + name + "'; Tapio's detectors are "
            + DetectorType.names() + " (the Collector's cloud and container detectors are not"
            + " built in)");
      } else if (detectors.contains(type)) {
        reader.error("detectors." + i, "'" + name + "' is listed twice");
      } else {
        detectors.add(type);
      }
    }
    return detectors;
  }

  private static SystemSettings system(ConfigReader system) {
    List<String> names = system.stringList("hostname_sources", List.of());
    List<HostnameSource> sources = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).strip();
      HostnameSource source = HostnameSource.byName(name);
      if (source != null) {
        sources.add(source);
      } else if (name.equals("cname")) {
        system.error("hostname_sources." + i, "'cname' is not supported: Java cannot ask the"
            + " system resolver for a canonical name; use dns, lookup or os");
      } else {
        system.error("hostname_sources." + i, "unknown hostname source '" + name
            + "'; valid sources: dns, os, lookup");
      }
    }
    return new SystemSettings(
        sources.isEmpty() ? SystemSettings.DEFAULT_HOSTNAME_SOURCES : sources,
        SystemDetector.ATTRIBUTES.read(system));
  }

  private static K8sNodeSettings k8snode(ConfigReader k8snode) {
    String variable = k8snode.string("node_from_env_var", "").strip();
    // The Collector's API client settings; Tapio's detector does not call the API server.
    k8snode.string("auth_type", "");
    return new K8sNodeSettings(
        variable.isEmpty() ? K8sNodeSettings.DEFAULT_NODE_FROM_ENV_VAR : variable,
        K8sNodeDetector.ATTRIBUTES.read(k8snode));
  }

  @Override
  public LogsProcessor createLogs(ComponentContext context, ResourceDetectionConfig config,
      LogsConsumer next) {
    var p = new ResourceDetectionProcessor<Logs>(config, host, context.logger(),
        Logs::resourceLogs, Logs::copy, next::consumeLogs);
    return Processors.logs(p, p::consume, Capabilities.MUTATES);
  }

  @Override
  public MetricsProcessor createMetrics(ComponentContext context,
      ResourceDetectionConfig config, MetricsConsumer next) {
    var p = new ResourceDetectionProcessor<Metrics>(config, host, context.logger(),
        Metrics::resourceMetrics, Metrics::copy, next::consumeMetrics);
    return Processors.metrics(p, p::consume, Capabilities.MUTATES);
  }

  @Override
  public TracesProcessor createTraces(ComponentContext context, ResourceDetectionConfig config,
      TracesConsumer next) {
    var p = new ResourceDetectionProcessor<Traces>(config, host, context.logger(),
        Traces::resourceSpans, Traces::copy, next::consumeTraces);
    return Processors.traces(p, p::consume, Capabilities.MUTATES);
  }
}
