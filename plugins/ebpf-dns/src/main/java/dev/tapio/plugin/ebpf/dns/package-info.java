/**
 * The {@code ebpf_dns} receiver (logs): one {@code dns.query} record per DNS exchange over UDP
 * or TCP made by a process on this host, with the process and container that asked. See the module's
 * README.md for what is captured and what is not.
 *
 * <pre>{@code
 * receivers:
 *   ebpf_dns:
 *     ports: [53]                 # peer (server) UDP and TCP ports, at most 8
 *     ring_buffer_size: 1MiB      # power of two, 4KiB..1GiB
 *     timeout: 5s                 # unanswered this long: a record with error.type=timeout
 *     max_pending: 10000          # queries awaiting a response; beyond, the oldest is evicted
 *     sampling: 1                 # keep 1 in N transaction ids
 *     poll_timeout: 50ms
 *     wakeup_bytes: 16KiB
 *     fallback: degraded          # degraded: start without events; none: fail the start
 *     cgroup_cache_size: 4096
 *     tcp_streams: 4096           # TCP streams being reassembled (LRU)
 * }</pre>
 *
 * <p>Drops: in the kernel {@code tapio_events_dropped_total{program=dns_send|dns_recv|
 * dns_tcp_send|dns_tcp_recv, reason=ring_buffer_full|sampled}}; in the reader {@code malformed},
 * {@code evicted}, {@code unmatched}, {@code unexpected}, {@code sampled} (TCP), {@code
 * tcp_desync}, {@code tcp_stale}, and {@code refused}/{@code shutdown} from the pipeline.
 *
 * <p>Matching: the reader pairs a query and its response by (pid, fd, transaction id). A
 * response read with no address on an unconnected socket (Python's {@code sendto} then
 * {@code recv()}) carries no server port to select it by, so the kernel keeps it only when it
 * answers a query remembered for that process, socket and id ({@code udp_queries}, twice
 * {@code max_pending} entries, LRU); a query that table refused is counted in {@code
 * tapio_ebpf_dns_untracked_queries}.
 */
package dev.tapio.plugin.ebpf.dns;
