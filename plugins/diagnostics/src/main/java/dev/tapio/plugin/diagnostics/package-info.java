/**
 * The Collector's {@code health_check}, {@code zpages} and {@code pprof} extensions, translated
 * to the JVM.
 *
 * <p>{@code health_check}: the Collector's health endpoint, so that the Kubernetes probes of a
 * Collector chart (HTTP GET {@code /} on 13133) work unchanged. Keys, as the Collector's:
 * {@code endpoint} (default {@code localhost:13133}), {@code path} (default {@code /}),
 * {@code response_body.healthy} / {@code .unhealthy}, {@code check_collector_pipeline.enabled} /
 * {@code interval} (5m) / {@code exporter_failure_threshold} (5). The server settings the
 * Collector shares with its HTTP receivers ({@code tls}, {@code cors}, {@code auth},
 * timeouts…) and {@code use_v2} are refused as not supported yet, with what Tapio does instead
 * (the plugin's README lists them; {@code zpages} refuses the same server settings and
 * {@code expvar}, {@code pprof} its {@code dialer}). Healthy means what the engine's
 * {@code /readyz} means: the pipelines run and no component is in error (degraded components
 * are healthy).
 *
 * <p>{@code zpages} ({@code endpoint}, default {@code localhost:55679}) serves
 * {@code /debug/servicez}, {@code /debug/pipelinez} (wiring, each component's state and its last
 * reason) and {@code /debug/extensionz}; Tapio records no spans of its own, so there is no
 * {@code tracez} or {@code rpcz}.
 *
 * <p>{@code pprof} ({@code endpoint}, default {@code localhost:1777}; {@code save_to_file})
 * serves {@code /debug/pprof/goroutine} (a thread dump), {@code heap} (a class histogram) and
 * {@code profile?seconds=N} (a JFR recording); the Go runtime's {@code block_profile_fraction}
 * and {@code mutex_profile_fraction} are accepted with a warning that they have no JVM
 * equivalent. Both listen on localhost by default: what they show is for operators only.
 */
package dev.tapio.plugin.diagnostics;
