/**
 * The {@code ebpf_network} receiver (logs): TCP connection lifecycle for IPv4 and IPv6 from
 * kernel tracepoints ({@code tp_btf/inet_sock_set_state}, {@code tp_btf/tcp_receive_reset},
 * {@code tp_btf/tcp_send_reset}, {@code syscalls/sys_exit_accept[4]}), read from a BPF ring
 * buffer without per-event upcalls, attributed to the owning process and its container.
 *
 * <pre>{@code
 * receivers:
 *   ebpf_network:
 *     ring_buffer_size: 1MiB      # power of two, 4KiB..1GiB
 *     ports: {include: [], exclude: []}   # local or peer port; at most 8 each; in the kernel
 *     cidrs: {include: [], exclude: []}   # peer address prefixes; in the receiver (counted
 *                                         # as dropped{reason=filtered})
 *     loopback: true              # report connections with a loopback end (127/8, ::1,
 *                                 # ::ffff:127/104); on by default so local tests see traffic
 *     sampling: {open: 1, close: 1, failed: 1}   # keep 1 in N, in the kernel
 *     socket_table_size: 65536    # kernel LRU table of socket owners; power of two >= 4096
 *     poll_timeout: 50ms          # latency bound
 *     wakeup_bytes: 4KiB          # the kernel wakes the reader early once this much is pending
 *     fallback: degraded          # degraded: run without events when eBPF cannot load; none: fail
 *     cgroup_cache_size: 4096
 *     aggregation:                # fold short-lived connections when the open rate is too high
 *       enabled: true
 *       threshold_per_second: 5000   # opens per second per CPU reported individually
 *       short_lived: 1s           # held-back connections closing within this are folded
 *       window: 10s               # aggregates are read and emitted this often
 *       table_size: 16384         # kernel aggregate entries; full: reported singly, counted
 *     udp:                        # per-flow UDP accounting; off: its programs are not loaded
 *       enabled: false
 *       idle_timeout: 30s         # a flow idle this long becomes a network.flow record
 *       table_size: 16384         # kernel LRU flow table; evictions counted
 * }</pre>
 *
 * <p>Records ({@code event.name}): {@code network.connection.open} (outbound: SYN_SENT to
 * ESTABLISHED; inbound: when accept() returns the socket), {@code network.connection.close}
 * (to CLOSE from an established state, with {@code network.connection.duration} in seconds
 * since established, {@code network.io.bytes_sent} = {@code tcp_sock.bytes_acked}, {@code
 * network.io.bytes_received} = {@code tcp_sock.bytes_received} — payload bytes only, the SYN and
 * FIN are not counted — {@code tcp.retransmits} = {@code total_retrans}, {@code tcp.srtt_us}),
 * and {@code network.connection.failed} (severity WARN; SYN_SENT to CLOSE with {@code
 * error.type} from the socket's error: {@code connection_refused}, {@code timeout}, {@code
 * host_unreachable}, {@code network_unreachable}, {@code cancelled} (closed by the application
 * while connecting), {@code _OTHER}; and after the close record of a connection that saw a reset,
 * {@code error.type=reset} with {@code network.connection.reset=received|sent|both}). Every
 * record has {@code network.connection.direction} ({@code outbound}/{@code inbound}), {@code
 * network.local.address/port}, {@code network.peer.address/port}, {@code network.transport=tcp},
 * {@code network.type=ipv4|ipv6} (IPv4-mapped addresses of dual-stack sockets are reported as
 * IPv4), and, when the owner is known, {@code process.pid}, {@code process.executable.name}
 * (the kernel's comm), {@code linux.cgroup.id} and container attribution.
 *
 * <p>Owner: state changes mostly run in softirq context, so the program records the owner where
 * it runs in process context (connect()'s SYN_SENT, accept()'s return) in an LRU table keyed by
 * socket; a close of a socket not in it (evicted, or older than the receiver) still yields a close
 * record without process, and is counted in {@code tapio_ebpf_network_untracked_closes}.
 *
 * <p>Aggregation: past {@code threshold_per_second} opens on a CPU in the current second, opens
 * are held back; a connection closing within {@code short_lived} is folded in the kernel into a
 * {@code network.connection.aggregate} record per (owner, peer address, service port,
 * direction) with {@code network.connection.count}, byte totals, mean {@code
 * network.connection.duration}, {@code tcp.retransmits} total and {@code
 * tapio.aggregation.window}; its open and close are counted as {@code aggregated}.
 *
 * <p>UDP flows ({@code udp.enabled}): the syscall tracepoints {@code sendto}, {@code sendmsg},
 * {@code recvfrom}, {@code recvmsg} (entry and exit) count datagrams and payload bytes each way
 * per (process, socket, peer) in a kernel LRU table; {@link UdpFlows} reports each flow idle for
 * {@code idle_timeout} (and every flow at shutdown) as a {@code network.flow} record with {@code
 * network.transport=udp}, {@code network.io.packets_sent/received}, {@code
 * network.io.bytes_sent/received}, {@code network.connection.duration} (first to last datagram)
 * and {@code network.flow.end_reason} ({@code idle}/{@code shutdown}); entries the LRU evicted
 * are counted in {@code tapio_ebpf_network_udp_flows_evicted}.
 *
 * <p>Drops are counted where they happen: {@code tapio_events_dropped_total{program=network_open|
 * network_close|network_failed|network_flow, reason=ring_buffer_full|sampled|filtered|aggregated}} in the
 * kernel, and
 * {@code filtered} (CIDRs), {@code refused}, {@code shutdown} in the receiver.
 */
package dev.tapio.plugin.ebpf.network;
