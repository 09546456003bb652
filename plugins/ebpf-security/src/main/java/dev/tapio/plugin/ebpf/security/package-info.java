/**
 * The {@code ebpf_security} receiver (logs): security detections from syscall and BTF
 * tracepoints, one log record per event with the rule's name, category and severity, the process
 * (pid, parent, executable path at event time, user ids) and its container. See the module's
 * README.md for the rules, their hooks, attributes and blind spots.
 *
 * <pre>{@code
 * receivers:
 *   ebpf_security:
 *     rules:
 *       setuid: {enabled: true, rate_limit: 100, report_failures: true}
 *       sensitive_open:
 *         read_paths: [/etc/shadow, /root/.ssh/]     # literal prefixes, at most 64 bytes
 *         write_paths: [/etc/passwd, /etc/cron]
 *       escape_write: {paths: [/proc/sys/kernel/core_pattern]}
 *       fileless: {allowed_names: ["memfd:runc_cloned"]}
 *       capability_use: {enabled: true, capabilities: [sys_module], denied_only: true}  # off
 *       module_load: {syscall_fallback: false}   # true: every syscall, kernels w/o modules
 *     open_hook: syscalls                          # or raw (x86-64), see the README
 *     exclude: {self: true, executables: [/usr/sbin/sshd], cgroup_ids: []}
 *     scope: {containers_only: false}
 *     ring_buffer_size: 1MiB
 *     poll_timeout: 50ms
 *     wakeup_bytes: 16KiB
 *     cgroup_cache_size: 4096
 * }</pre>
 *
 * <p>Counters: {@code tapio_security_rule_matched{rule}}, {@code
 * tapio_security_rule_emitted{rule}} and {@code tapio_events_dropped{program=security_<rule>,
 * reason=rate_limited|filtered|ring_buffer_full}}: for each rule, matched = emitted +
 * rate_limited + filtered + ring_buffer_full.
 */
package dev.tapio.plugin.ebpf.security;
