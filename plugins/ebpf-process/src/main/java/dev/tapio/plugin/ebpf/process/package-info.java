/**
 * The {@code ebpf_process} receiver (logs): {@code process.exec}, {@code process.exit} and,
 * when enabled, {@code process.fork} from the kernel's {@code sched_process_*} BTF tracepoints,
 * read from a BPF ring buffer without per-event upcalls, attributed to containers, pods and
 * systemd units from {@code /proc/<pid>/cgroup}.
 *
 * <pre>{@code
 * receivers:
 *   ebpf_process:
 *     ring_buffer_size: 1MiB      # power of two, 4KiB..1GiB
 *     events: {exec: true, exit: true, fork: false}
 *     sampling: {exec: 1, exit: 1, fork: 1}   # keep 1 in N, in the kernel
 *     filter: {pid: 0, cgroup_id: 0}         # 0 = everything
 *     args_max_bytes: 1024        # argv bytes read per exec (<= 4096)
 *     args_max_count: 64          # argv entries kept
 *     poll_timeout: 50ms          # latency bound: pending records are read at least this often
 *     wakeup_bytes: 4KiB          # the kernel wakes the reader early once this much is pending
 *     fallback: proc              # proc: poll /proc when eBPF cannot load; none: fail the start
 *     procfs_interval: 1s
 *     cgroup_cache_size: 4096
 * }</pre>
 *
 * <p>Drops are counted where they happen: in the kernel ({@code
 * tapio_events_dropped_total{program, reason=ring_buffer_full|sampled|filtered}}), and when the
 * pipeline refuses ({@code refused}, {@code shutdown}). Also {@code
 * tapio_ebpf_program_loaded{program}}, {@code tapio_ebpf_load_failures_total{program}} and
 * {@code tapio_ring_buffer_usage_percent{program}}.
 */
package dev.tapio.plugin.ebpf.process;
