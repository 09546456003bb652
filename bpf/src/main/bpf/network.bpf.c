// SPDX-License-Identifier: GPL-2.0
/* TCP connection lifecycle for Tapio's ebpf_network receiver: open (outbound established,
 * inbound accepted), close (with bytes, retransmits, smoothed RTT), failed (refused, timed out,
 * reset). Tracepoints only: sock/inet_sock_set_state is the core; the accept syscalls' exits
 * name the owner of inbound sockets; tcp_receive_reset / tcp_send_reset mark resets.
 *
 * inet_sock_set_state often runs in softirq context, where the current task is whoever the CPU
 * happened to interrupt. The owner is therefore recorded where it is known — at SYN_SENT (the
 * connect() call, process context) and at accept()'s return — in a bounded LRU table keyed by
 * the socket's address, and every record carries the owner from that table. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "tapio.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define ECONNREFUSED 111

/* Must stay the first and only variable in .rodata: the loader writes it at offset 0. */
const volatile struct tapio_network_config cfg = {
	.open_sample_every = 1,
	.close_sample_every = 1,
	.failed_sample_every = 1,
	.loopback = 1,
	.wakeup_bytes = 1,
};

#include "tapio_ring.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TAPIO_NETWORK_STATS);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* What is known of a socket between its first state change and its close. */
struct sock_owner {
	__u64 start_ns;
	__u64 cgroup_id;
	__u32 pid;
	__u32 tid;
	__u8 direction;
	__u8 owner_known;
	__u8 opened;      /* the open record was emitted */
	__u8 reset;       /* TAPIO_NETWORK_RESET_* */
	__u8 deferred;    /* open held back for aggregation (rate over threshold) */
	__u8 pad[3];
	char comm[TAPIO_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536); /* replaced by the loader */
	__type(key, __u64);
	__type(value, struct sock_owner);
} socks SEC(".maps");

/* In-kernel aggregation: when a CPU sees more than cfg.agg_threshold opens in a second, the
 * open record of each further connection is held back; if it closes within
 * cfg.agg_short_lived_ns it is folded into `aggregates` (open and close both counted as
 * TAPIO_DROP_AGGREGATED), otherwise its open (with its original time) and close are emitted
 * then. The reader drains the generation it retired a window ago, so it never races a fold. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384); /* replaced by the loader */
	__type(key, struct tapio_network_agg_key);
	__type(value, struct tapio_network_agg);
} aggregates SEC(".maps");

/* The generation folds go to (0 or 1), written by the reader. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} agg_gen SEC(".maps");

struct rate_window {
	__u64 start_ns;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rate_window);
} open_rate SEC(".maps");

struct record {
	struct tapio_header h;
	struct tapio_network_conn c;
};

static __always_inline void count(void *map, __u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(map, &slot);
	if (n)
		*n += 1;
}

static __always_inline void set_owner(struct sock_owner *o)
{
	struct task_struct *task = bpf_get_current_task_btf();
	o->pid = BPF_CORE_READ(task, tgid);
	o->tid = BPF_CORE_READ(task, pid);
	o->cgroup_id = bpf_get_current_cgroup_id();
	o->owner_known = 1;
	bpf_get_current_comm(o->comm, sizeof(o->comm));
}

static __always_inline bool port_listed(const volatile __u16 *list, __u16 a, __u16 b)
{
#pragma unroll
	for (int i = 0; i < TAPIO_NETWORK_PORTS; i++) {
		__u16 p = list[i];
		if (p == 0)
			return false;
		if (p == a || p == b)
			return true;
	}
	return false;
}

static __always_inline bool is_loopback(struct tapio_network_conn *c)
{
	if (c->family == AF_INET)
		return c->saddr[0] == 127 || c->daddr[0] == 127;
	/* ::1, or an IPv4-mapped ::ffff:127.x.y.z (dual-stack sockets) */
	__u64 *s = (__u64 *)c->saddr;
	__u64 *d = (__u64 *)c->daddr;
	__u64 one = 0x0100000000000000ULL;         /* last 8 bytes of ::1, little-endian */
	if ((s[0] == 0 && s[1] == one) || (d[0] == 0 && d[1] == one))
		return true;
	/* bytes 8..11 of ::ffff:a.b.c.d, little-endian */
	if (s[0] == 0 && (__u32)s[1] == 0xffff0000U && c->saddr[12] == 127)
		return true;
	if (d[0] == 0 && (__u32)d[1] == 0xffff0000U && c->daddr[12] == 127)
		return true;
	return false;
}

/* Reads the 4-tuple into c. */
static __always_inline void read_tuple(const struct sock *sk, struct tapio_network_conn *c)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	c->family = family;
	__builtin_memset(c->saddr, 0, sizeof(c->saddr));
	__builtin_memset(c->daddr, 0, sizeof(c->daddr));
	if (family == AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)c->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)c->daddr, sk, __sk_common.skc_daddr);
	} else {
		bpf_core_read(c->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(c->daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	/* Not skc_num: closing releases the port (inet_num = 0) before this tracepoint runs. */
	const struct inet_sock *inet = (const struct inet_sock *)sk;
	c->sport = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
	c->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
}

/* Filters, then sampling; counts what it rejects. */
static __always_inline bool wanted(__u32 type, __u32 every, struct tapio_network_conn *c)
{
	if (every == 0)
		return false;
	if (!cfg.loopback && is_loopback(c)) {
		count_drop(type, TAPIO_DROP_FILTERED);
		return false;
	}
	if (cfg.ports_include[0] && !port_listed(cfg.ports_include, c->sport, c->dport)) {
		count_drop(type, TAPIO_DROP_FILTERED);
		return false;
	}
	if (port_listed(cfg.ports_exclude, c->sport, c->dport)) {
		count_drop(type, TAPIO_DROP_FILTERED);
		return false;
	}
	if (every > 1 && bpf_get_prandom_u32() % every != 0) {
		count_drop(type, TAPIO_DROP_SAMPLED);
		return false;
	}
	return true;
}

static __always_inline __u32 sample_every(__u32 type)
{
	return type == TAPIO_NETWORK_OPEN ? cfg.open_sample_every
		: type == TAPIO_NETWORK_CLOSE ? cfg.close_sample_every : cfg.failed_sample_every;
}

/* Payload bytes of a closing socket. bytes_acked and bytes_received count sequence space: the
 * payload plus, for the active opener, its SYN, plus each FIN once acknowledged / received.
 * A socket missing from the table is taken as passive (no SYN counted). */
static __always_inline void io_bytes(const struct sock *sk, struct sock_owner *o, int oldstate,
				     __u64 *sent_out, __u64 *received_out)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	__u64 sent = BPF_CORE_READ(tp, bytes_acked);
	__u64 received = BPF_CORE_READ(tp, bytes_received);
	if (o && o->direction == TAPIO_NETWORK_OUTBOUND && sent > 0)
		sent--;
	/* Our FIN went out in these states; snd_una == write_seq once it is acked. */
	if ((oldstate == TCP_FIN_WAIT1 || oldstate == TCP_FIN_WAIT2
	     || oldstate == TCP_CLOSING || oldstate == TCP_LAST_ACK)
	    && BPF_CORE_READ(tp, snd_una) == BPF_CORE_READ(tp, write_seq) && sent > 0)
		sent--;
	/* SOCK_DONE: the peer's FIN arrived (tcp_fin). */
	unsigned long flags = BPF_CORE_READ(sk, __sk_common.skc_flags);
	if ((flags & (1UL << bpf_core_enum_value(enum sock_flags, SOCK_DONE))) && received > 0)
		received--;
	*sent_out = sent;
	*received_out = received;
}

/* Emits one record for sk; o is its table entry (NULL when unknown). late: an open held back
 * for aggregation, stamped with its original time. */
static __always_inline void emit(__u32 type, const struct sock *sk, struct sock_owner *o,
				 bool with_stats, int oldstate, bool late)
{
	struct tapio_network_conn c;
	read_tuple(sk, &c);
	if (!wanted(type, sample_every(type), &c))
		return;
	struct record *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_drop(type, TAPIO_DROP_RINGBUF_FULL);
		return;
	}
	__builtin_memcpy(&r->c, &c, sizeof(c));
	r->h.ktime_ns = late && o && o->start_ns ? o->start_ns : bpf_ktime_get_boot_ns();
	r->h.type = type;
	r->h.size = sizeof(*r);
	r->h.ppid = 0;
	r->h.uid = 0;
	r->h.gid = 0;
	r->h.pad = 0;
	if (o) {
		r->h.pid = o->pid;
		r->h.tid = o->tid;
		r->h.cgroup_id = o->cgroup_id;
		r->c.start_ns = o->start_ns;
		r->c.direction = o->direction;
		r->c.owner_known = o->owner_known;
		r->c.reset = o->reset;
		__builtin_memcpy(r->c.comm, o->comm, sizeof(r->c.comm));
	} else {
		r->h.pid = 0;
		r->h.tid = 0;
		r->h.cgroup_id = 0;
		r->c.start_ns = 0;
		r->c.direction = 0;
		r->c.owner_known = 0;
		r->c.reset = 0;
		__builtin_memset(r->c.comm, 0, sizeof(r->c.comm));
	}
	r->c.sk_err = BPF_CORE_READ(sk, sk_err);
	if (with_stats) {
		const struct tcp_sock *tp = (const struct tcp_sock *)sk;
		__u64 sent, received;
		io_bytes(sk, o, oldstate, &sent, &received);
		r->c.bytes_sent = sent;
		r->c.bytes_received = received;
		r->c.retransmits = BPF_CORE_READ(tp, total_retrans);
		r->c.srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	} else {
		r->c.bytes_sent = 0;
		r->c.bytes_received = 0;
		r->c.retransmits = 0;
		r->c.srtt_us = 0;
	}
	bpf_ringbuf_submit(r, wakeup_flags());
}

/* The kernel filters (loopback, ports) without counting: emit() counts them. */
static __always_inline bool passes_filters(struct tapio_network_conn *c)
{
	if (!cfg.loopback && is_loopback(c))
		return false;
	if (cfg.ports_include[0] && !port_listed(cfg.ports_include, c->sport, c->dport))
		return false;
	return !port_listed(cfg.ports_exclude, c->sport, c->dport);
}

/* Counts an open on this CPU; true once this second's count is over the threshold. */
static __always_inline bool over_rate(void)
{
	__u32 zero = 0;
	struct rate_window *w = bpf_map_lookup_elem(&open_rate, &zero);
	if (!w)
		return false;
	__u64 now = bpf_ktime_get_ns();
	if (now - w->start_ns >= 1000000000ULL) {
		w->start_ns = now;
		w->count = 0;
	}
	return ++w->count > cfg.agg_threshold;
}

/* The open of a connection: emitted, or held back while the open rate is too high. */
static __always_inline void open_conn(const struct sock *sk, struct sock_owner *o)
{
	if (o && cfg.agg_threshold) {
		struct tapio_network_conn c;
		read_tuple(sk, &c);
		if (passes_filters(&c) && over_rate()) {
			o->deferred = 1;
			return;
		}
	}
	emit(TAPIO_NETWORK_OPEN, sk, o, false, 0, false);
}

/* Folds a closing connection into its aggregate; false when the table is full. */
static __noinline bool fold(const struct sock *sk, struct sock_owner *o, int oldstate,
			    __u64 duration)
{
	struct tapio_network_conn c;
	read_tuple(sk, &c);
	struct tapio_network_agg_key k;
	__builtin_memset(&k, 0, sizeof(k));
	__u32 zero = 0;
	__u32 *gen = bpf_map_lookup_elem(&agg_gen, &zero);
	k.gen = gen ? (__u8)*gen : 0;
	k.pid = o->pid;
	k.family = c.family;
	k.direction = o->direction;
	k.port = o->direction == TAPIO_NETWORK_INBOUND ? c.sport : c.dport;
	__builtin_memcpy(k.addr, c.daddr, sizeof(k.addr));
	__u64 sent, received;
	io_bytes(sk, o, oldstate, &sent, &received);
	__u64 retrans = BPF_CORE_READ((const struct tcp_sock *)sk, total_retrans);
	struct tapio_network_agg *v = bpf_map_lookup_elem(&aggregates, &k);
	if (!v) {
		struct tapio_network_agg n;
		__builtin_memset(&n, 0, sizeof(n));
		n.count = 1;
		n.bytes_sent = sent;
		n.bytes_received = received;
		n.duration_ns = duration;
		n.retransmits = retrans;
		n.cgroup_id = o->cgroup_id;
		__builtin_memcpy(n.comm, o->comm, sizeof(n.comm));
		if (bpf_map_update_elem(&aggregates, &k, &n, BPF_NOEXIST) == 0)
			return true;
		/* Another CPU created it meanwhile, or the table is full. */
		v = bpf_map_lookup_elem(&aggregates, &k);
		if (!v) {
			count(&stats, TAPIO_NETWORK_STAT_AGG_FULL);
			return false;
		}
	}
	__sync_fetch_and_add(&v->count, 1);
	__sync_fetch_and_add(&v->bytes_sent, sent);
	__sync_fetch_and_add(&v->bytes_received, received);
	__sync_fetch_and_add(&v->duration_ns, duration);
	__sync_fetch_and_add(&v->retransmits, retrans);
	return true;
}

static __always_inline struct sock_owner *track(__u64 key, __u8 direction, bool owner)
{
	struct sock_owner o = {};
	o.start_ns = bpf_ktime_get_boot_ns();
	o.direction = direction;
	if (owner)
		set_owner(&o);
	if (bpf_map_update_elem(&socks, &key, &o, BPF_ANY) != 0)
		return NULL;
	count(&stats, TAPIO_NETWORK_STAT_TRACKED);
	return bpf_map_lookup_elem(&socks, &key);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tapio_network_state, const struct sock *sk, const int oldstate, const int newstate)
{
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	__u64 key = (__u64)sk;
	struct sock_owner *o;

	if (newstate == TCP_SYN_SENT) {
		/* connect(): the only transition of an outbound socket in process context. */
		track(key, TAPIO_NETWORK_OUTBOUND, true);
		return 0;
	}
	if (newstate == TCP_ESTABLISHED && oldstate == TCP_SYN_SENT) {
		o = bpf_map_lookup_elem(&socks, &key);
		if (!o)
			o = track(key, TAPIO_NETWORK_OUTBOUND, false);
		else
			o->start_ns = bpf_ktime_get_boot_ns();
		if (o)
			o->opened = 1;
		open_conn(sk, o);
		return 0;
	}
	if (newstate == TCP_ESTABLISHED && oldstate == TCP_SYN_RECV) {
		/* Inbound: softirq, owner unknown until accept() returns it (which, with TCP Fast
		 * Open, can come first: keep that entry). */
		if (!bpf_map_lookup_elem(&socks, &key))
			track(key, TAPIO_NETWORK_INBOUND, false);
		return 0;
	}
	if (newstate != TCP_CLOSE)
		return 0;
	if (oldstate == TCP_SYN_SENT) {
		o = bpf_map_lookup_elem(&socks, &key);
		emit(TAPIO_NETWORK_FAILED, sk, o, false, oldstate, false);
		bpf_map_delete_elem(&socks, &key);
		return 0;
	}
	if (oldstate == TCP_SYN_RECV || oldstate == TCP_LISTEN || oldstate == TCP_CLOSE
	    || oldstate == TCP_NEW_SYN_RECV) {
		bpf_map_delete_elem(&socks, &key);
		return 0;
	}
	o = bpf_map_lookup_elem(&socks, &key);
	if (!o)
		count(&stats, TAPIO_NETWORK_STAT_UNTRACKED);
	if (o && o->deferred) {
		__u64 duration = bpf_ktime_get_boot_ns() - o->start_ns;
		if (!o->reset && duration < cfg.agg_short_lived_ns
		    && fold(sk, o, oldstate, duration)) {
			count_drop(TAPIO_NETWORK_OPEN, TAPIO_DROP_AGGREGATED);
			count_drop(TAPIO_NETWORK_CLOSE, TAPIO_DROP_AGGREGATED);
			bpf_map_delete_elem(&socks, &key);
			return 0;
		}
		emit(TAPIO_NETWORK_OPEN, sk, o, false, 0, true);
	}
	emit(TAPIO_NETWORK_CLOSE, sk, o, true, oldstate, false);
	if (o && o->reset)
		emit(TAPIO_NETWORK_FAILED, sk, o, false, oldstate, false);
	bpf_map_delete_elem(&socks, &key);
	return 0;
}

/* accept()/accept4() returned fd: find its sock and name its owner. */
static __always_inline int accepted(long fd)
{
	if (fd < 0)
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) < 0 || !f)
		return 0;
	struct socket *so = BPF_CORE_READ(f, private_data);
	if (!so)
		return 0;
	struct sock *sk = BPF_CORE_READ(so, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	__u64 key = (__u64)sk;
	struct sock_owner *o = bpf_map_lookup_elem(&socks, &key);
	if (!o)
		o = track(key, TAPIO_NETWORK_INBOUND, false);
	if (!o || o->opened)
		return 0;
	set_owner(o);
	o->opened = 1;
	open_conn(sk, o);
	return 0;
}

SEC("tp/syscalls/sys_exit_accept4")
int tapio_network_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return accepted(ctx->ret);
}

SEC("tp/syscalls/sys_exit_accept")
int tapio_network_accept(struct trace_event_raw_sys_exit *ctx)
{
	return accepted(ctx->ret);
}

static __always_inline void mark_reset(const struct sock *sk, __u8 flag)
{
	if (!sk)
		return;
	__u64 key = (__u64)sk;
	struct sock_owner *o = bpf_map_lookup_elem(&socks, &key);
	if (o)
		o->reset |= flag;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(tapio_network_rst_in, struct sock *sk)
{
	mark_reset(sk, TAPIO_NETWORK_RESET_RECEIVED);
	return 0;
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(tapio_network_rst_out, const struct sock *sk)
{
	mark_reset(sk, TAPIO_NETWORK_RESET_SENT);
	return 0;
}

/* ---- Optional UDP flows (programs tapio_network_udp_*, loaded only with udp.enabled) ----
 *
 * Per-flow accounting at the syscall tracepoints, where the process is the current task:
 * sendto/sendmsg/recvfrom/recvmsg. The entry finds the UDP sock behind the fd (fd -> file ->
 * socket -> sock) and keeps it with the user pointers until the exit, where the return value is
 * the payload size and a receive's sender address has been filled in. The peer is the syscall's
 * address, or the socket's own when connected. Counters live in the LRU hash `udp_flows`, read
 * and deleted by the receiver once a flow is idle; nothing goes through the ring. */

#define IPPROTO_UDP 17
#define SOCK_DGRAM 2
#define UDP_SEND 0
#define UDP_RECV 1
#define S_IFMT 00170000
#define S_IFSOCK 0140000

struct udp_call {
	__u64 sk;
	__u64 uaddr;    /* sendto/recvfrom: the sockaddr (or 0); *msg: the user_msghdr */
	__u32 is_msg;
	__u32 dir;      /* UDP_SEND / UDP_RECV */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct udp_call);
} udp_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384); /* replaced by the loader */
	__type(key, struct tapio_network_udp_key);
	__type(value, struct tapio_network_udp_flow);
} udp_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TAPIO_NETWORK_UDP_STATS);
	__type(key, __u32);
	__type(value, __u64);
} udp_stats SEC(".maps");

/* The UDP sock behind fd of the current task, or NULL. */
static __always_inline struct sock *udp_sock_of(long fd)
{
	if (fd < 0)
		return NULL;
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) < 0 || !f)
		return NULL;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	struct socket *so = BPF_CORE_READ(f, private_data);
	if (!so || BPF_CORE_READ(so, type) != SOCK_DGRAM)
		return NULL;
	struct sock *sk = BPF_CORE_READ(so, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_UDP)
		return NULL;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return NULL;
	return sk;
}

static __always_inline int udp_enter(long fd, __u64 uaddr, __u32 is_msg, __u32 dir)
{
	struct sock *sk = udp_sock_of(fd);
	if (!sk)
		return 0;
	struct udp_call c = {.sk = (__u64)sk, .uaddr = uaddr, .is_msg = is_msg, .dir = dir};
	__u64 id = bpf_get_current_pid_tgid();
	bpf_map_update_elem(&udp_calls, &id, &c, BPF_ANY);
	return 0;
}

static __always_inline bool udp_addr_loopback(__u16 family, const __u8 *a)
{
	if (family == AF_INET)
		return a[0] == 127;
	const __u64 *w = (const __u64 *)a;
	if (w[0] != 0)
		return false;
	return w[1] == 0x0100000000000000ULL
		|| ((__u32)w[1] == 0xffff0000U && a[12] == 127);
}

/* The peer of a datagram into k: the user sockaddr when given, else the connected socket's. */
static __always_inline bool udp_peer(struct sock *sk, __u64 uaddr,
				     struct tapio_network_udp_key *k)
{
	if (uaddr) {
		struct sockaddr_in6 sa = {};
		if (bpf_probe_read_user(&sa, sizeof(sa), (void *)uaddr) < 0
		    && bpf_probe_read_user(&sa, sizeof(struct sockaddr_in), (void *)uaddr) < 0)
			return false;
		k->family = sa.sin6_family;
		k->peer_port = bpf_ntohs(sa.sin6_port);
		if (sa.sin6_family == AF_INET) {
			struct sockaddr_in *in = (void *)&sa;
			__builtin_memcpy(k->peer_addr, &in->sin_addr.s_addr, 4);
		} else if (sa.sin6_family == AF_INET6) {
			__builtin_memcpy(k->peer_addr, &sa.sin6_addr, 16);
		} else {
			return false;
		}
	} else {
		k->family = BPF_CORE_READ(sk, __sk_common.skc_family);
		k->peer_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (k->family == AF_INET)
			BPF_CORE_READ_INTO((__u32 *)k->peer_addr, sk, __sk_common.skc_daddr);
		else
			bpf_core_read(k->peer_addr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	return k->peer_port != 0;
}

static __always_inline int udp_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct udp_call *pc = bpf_map_lookup_elem(&udp_calls, &id);
	if (!pc)
		return 0;
	struct udp_call c = *pc;
	bpf_map_delete_elem(&udp_calls, &id);
	if (ret <= 0)
		return 0;
	struct sock *sk = (struct sock *)c.sk;
	__u64 uaddr = c.uaddr;
	if (c.is_msg) {
		/* The address of a recvmsg is there once the call returns. */
		struct user_msghdr m = {};
		if (bpf_probe_read_user(&m, sizeof(m), (void *)c.uaddr) < 0)
			return 0;
		uaddr = m.msg_name && m.msg_namelen > 0 ? (__u64)m.msg_name : 0;
	}
	struct tapio_network_udp_key k;
	__builtin_memset(&k, 0, sizeof(k));
	if (!udp_peer(sk, uaddr, &k))
		return 0;
	__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	__u8 laddr[16] = {};
	__u16 sfamily = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (sfamily == AF_INET)
		BPF_CORE_READ_INTO((__u32 *)laddr, sk, __sk_common.skc_rcv_saddr);
	else
		bpf_core_read(laddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
	if (!cfg.loopback && (udp_addr_loopback(k.family, k.peer_addr)
			      || udp_addr_loopback(sfamily, laddr))) {
		count_drop(TAPIO_NETWORK_FLOW, TAPIO_DROP_FILTERED);
		return 0;
	}
	if ((cfg.ports_include[0] && !port_listed(cfg.ports_include, lport, k.peer_port))
	    || port_listed(cfg.ports_exclude, lport, k.peer_port)) {
		count_drop(TAPIO_NETWORK_FLOW, TAPIO_DROP_FILTERED);
		return 0;
	}
	k.sk = c.sk;
	k.pid = id >> 32;
	__u64 now = bpf_ktime_get_boot_ns();
	struct tapio_network_udp_flow *v = bpf_map_lookup_elem(&udp_flows, &k);
	if (!v) {
		struct tapio_network_udp_flow n;
		__builtin_memset(&n, 0, sizeof(n));
		n.first_ns = now;
		n.last_ns = now;
		n.cgroup_id = bpf_get_current_cgroup_id();
		n.local_port = lport;
		__builtin_memcpy(n.local_addr, laddr, sizeof(n.local_addr));
		bpf_get_current_comm(n.comm, sizeof(n.comm));
		long err = bpf_map_update_elem(&udp_flows, &k, &n, BPF_NOEXIST);
		if (err == 0)
			count(&udp_stats, TAPIO_NETWORK_UDP_STAT_CREATED);
		/* -EEXIST: another CPU created it meanwhile. Anything else: a small LRU table under
		 * pressure found no free node (-ENOMEM): counted, as the flow is lost. */
		else if (err != -17)
			count(&udp_stats, TAPIO_NETWORK_UDP_STAT_INSERT_FAILED);
		v = bpf_map_lookup_elem(&udp_flows, &k);
		if (!v)
			return 0;
	}
	if (c.dir == UDP_SEND) {
		__sync_fetch_and_add(&v->packets_sent, 1);
		__sync_fetch_and_add(&v->bytes_sent, ret);
	} else {
		__sync_fetch_and_add(&v->packets_received, 1);
		__sync_fetch_and_add(&v->bytes_received, ret);
	}
	v->last_ns = now;
	return 0;
}

SEC("tp/syscalls/sys_enter_sendto")
int tapio_network_udp_sendto(struct trace_event_raw_sys_enter *ctx)
{
	return udp_enter(ctx->args[0], ctx->args[4], 0, UDP_SEND);
}

SEC("tp/syscalls/sys_exit_sendto")
int tapio_network_udp_sendto_exit(struct trace_event_raw_sys_exit *ctx)
{
	return udp_exit(ctx->ret);
}

SEC("tp/syscalls/sys_enter_sendmsg")
int tapio_network_udp_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	return udp_enter(ctx->args[0], ctx->args[1], 1, UDP_SEND);
}

SEC("tp/syscalls/sys_exit_sendmsg")
int tapio_network_udp_sendmsg_exit(struct trace_event_raw_sys_exit *ctx)
{
	return udp_exit(ctx->ret);
}

SEC("tp/syscalls/sys_enter_recvfrom")
int tapio_network_udp_recvfrom(struct trace_event_raw_sys_enter *ctx)
{
	return udp_enter(ctx->args[0], ctx->args[4], 0, UDP_RECV);
}

SEC("tp/syscalls/sys_exit_recvfrom")
int tapio_network_udp_recvfrom_exit(struct trace_event_raw_sys_exit *ctx)
{
	return udp_exit(ctx->ret);
}

SEC("tp/syscalls/sys_enter_recvmsg")
int tapio_network_udp_recvmsg(struct trace_event_raw_sys_enter *ctx)
{
	return udp_enter(ctx->args[0], ctx->args[1], 1, UDP_RECV);
}

SEC("tp/syscalls/sys_exit_recvmsg")
int tapio_network_udp_recvmsg_exit(struct trace_event_raw_sys_exit *ctx)
{
	return udp_exit(ctx->ret);
}
