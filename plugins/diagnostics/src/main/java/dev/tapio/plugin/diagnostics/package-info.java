/**
 * The Collector's {@code zpages} and {@code pprof} extensions, translated to the JVM.
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
