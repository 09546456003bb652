// SPDX-License-Identifier: GPL-2.0
/* DNS datagrams for Tapio's ebpf_dns receiver, captured at the syscall tracepoints so that the
 * process (and so its container) that asked is known: sendto/sendmsg at entry (the buffer and
 * destination are arguments), recvfrom/recvmsg at exit (the kernel has filled the buffer and
 * the sender's address). Only UDP sockets whose peer port is configured are kept; the peer comes
 * from the syscall's sockaddr, or from the socket itself when connected (glibc's resolver
 * connects, then sends with no address). Parsing is the reader's job: here only the first
 * TAPIO_DNS_PAYLOAD_MAX bytes are copied.
 *
 * A response read with no address on an unconnected socket (Python's sendto then recv(), which
 * is recvfrom with a NULL address; recvmsg with no msg_name) shows its peer nowhere: neither
 * the call nor the socket has it. Such a socket's queries are remembered in `udp_queries` by
 * (process, socket, transaction id) when sent, and a receive with no address is kept only when
 * it carries the id of one of them, which it then takes out of the table.
 *
 * DNS over TCP: the same hooks plus write/writev (entry) and read (entry+exit) also keep TCP
 * sockets whose peer port is configured. Each call's bytes (up to TAPIO_DNS_PAYLOAD_MAX) are one
 * record of type TAPIO_DNS_EVENT_TCP_*: a slice of the stream, which the reader reassembles per
 * (pid, fd) and cuts at the 2-byte length prefixes. read/write fire for every fd on the host, so
 * they bail out after the inode mode when the fd is not a socket.
 *
 * Not captured: sendmmsg beyond its first two messages, recvmmsg, readv, writev beyond its
 * first two iovecs, iovecs after the first of sendmsg/recvmsg. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "tapio.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define SOCK_DGRAM 2
#define IPPROTO_UDP 17
#define IPPROTO_TCP 6

/* TCP slices: same layout as TAPIO_DNS_EVENT_SEND/RECV (tapio.h), `length` is the bytes the call
 * wrote or read, `captured` the first of them that follow. Kept here so as not to edit tapio.h
 * while another program's block changes there. */
#define TAPIO_DNS_EVENT_TCP_SEND 3
#define TAPIO_DNS_EVENT_TCP_RECV 4
#define S_IFMT 00170000
#define S_IFSOCK 0140000

/* Must stay the first and only variable in .rodata: the loader writes it at offset 0. */
const volatile struct tapio_dns_config cfg = {
	.ports = {53},
	.sample_every = 1,
	.wakeup_bytes = 1,
};

#include "tapio_ring.h"

#define RECORD_MAX (sizeof(struct tapio_header) + sizeof(struct tapio_dns) + TAPIO_DNS_PAYLOAD_MAX)

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[RECORD_MAX]);
} scratch SEC(".maps");

/* Indexes of the per-CPU `stats` array, read by the receiver (EbpfDnsReceiver.STAT_*). */
enum tapio_dns_stat {
	TAPIO_DNS_STAT_TRACKED = 0,   /* queries on unconnected sockets entered in udp_queries */
	TAPIO_DNS_STAT_ANSWERED = 1,  /* entries taken out by their response */
	TAPIO_DNS_STAT_UNTRACKED = 2, /* entries that could not be stored: a recv() of their
				       * response is not seen and the query is reported as a timeout */
	TAPIO_DNS_STATS = 3,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TAPIO_DNS_STATS);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void count_stat(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&stats, &slot);
	if (n)
		*n += 1;
}

/* A query sent on an unconnected UDP socket, awaiting its response. The socket is its struct
 * sock's address: with the process and the id, a response can only match a query this process
 * sent on this very socket. 16 bytes, padding zeroed (hash keys compare every byte). */
struct udp_query_key {
	__u64 sk;
	__u32 tgid;
	__u16 id;     /* transaction id, as on the wire */
	__u16 pad;
};

/* The server the query went to: the peer reported with a response that came without one. */
struct udp_query_peer {
	__u16 family;
	__u16 port;   /* host order */
	__u32 pad;
	__u8 addr[16];
};

/* LRU, sized by the loader at twice max_pending (EbpfDnsConfig.udpQueriesTableSize): entries of
 * queries never answered are not taken out, and age out here. Evicting an entry still awaited
 * takes about max_pending newer queries in flight on unconnected sockets, by when the reader's
 * pending map has evicted its query (counted `evicted`). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 20480); /* replaced by the loader */
	__type(key, struct udp_query_key);
	__type(value, struct udp_query_peer);
} udp_queries SEC(".maps");

/* A receive in flight, from entry (where the user pointers are) to exit (where the data is). */
struct recv_args {
	__u64 buf;      /* recvfrom: the buffer; recvmsg: the user_msghdr */
	__u64 addr;     /* recvfrom: the sockaddr the kernel fills, or 0 */
	__u32 fd;
	__u32 is_msg;   /* 0 recvfrom, 1 recvmsg, 2 read */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct recv_args);
} recvs SEC(".maps");

static __always_inline bool port_wanted(__u16 port)
{
	if (port == 0)
		return false;
#pragma unroll
	for (int i = 0; i < TAPIO_DNS_PORTS_MAX; i++) {
		if (cfg.ports[i] == port)
			return true;
	}
	return false;
}

/* The UDP or TCP sock behind fd of the current task, or NULL; *tcp tells which. Cheapest test
 * first: most read/write calls are on files and pipes and stop at the inode mode. */
static __always_inline struct sock *sock_of(__u32 fd, bool *tcp)
{
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
	struct socket *sock = BPF_CORE_READ(f, private_data);
	if (!sock)
		return NULL;
	struct sock *sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return NULL;
	__u16 proto = BPF_CORE_READ(sk, sk_protocol);
	if (proto == IPPROTO_UDP) {
		*tcp = false;
		return sk;
	}
	if (proto == IPPROTO_TCP) {
		*tcp = true;
		return sk;
	}
	return NULL;
}

/* Fills the peer from a user sockaddr (sendto/recvfrom/msg_name) when there is one, else from
 * the connected socket. Returns false when the peer port is not one we watch. */
static __always_inline bool peer_of(struct sock *sk, __u64 uaddr, struct tapio_dns *d)
{
	d->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (uaddr) {
		struct sockaddr_in6 sa = {};
		if (bpf_probe_read_user(&sa, sizeof(sa), (void *)uaddr) < 0)
			return false;
		d->family = sa.sin6_family;
		d->peer_port = bpf_ntohs(sa.sin6_port);
		if (sa.sin6_family == AF_INET) {
			struct sockaddr_in *in = (void *)&sa;
			__builtin_memcpy(d->peer_addr, &in->sin_addr.s_addr, 4);
		} else if (sa.sin6_family == AF_INET6) {
			__builtin_memcpy(d->peer_addr, &sa.sin6_addr, 16);
		} else {
			return false;
		}
	} else {
		d->family = BPF_CORE_READ(sk, __sk_common.skc_family);
		d->peer_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (d->family == AF_INET) {
			__be32 a = BPF_CORE_READ(sk, __sk_common.skc_daddr);
			__builtin_memcpy(d->peer_addr, &a, 4);
		} else if (d->family == AF_INET6) {
			BPF_CORE_READ_INTO(&d->peer_addr, sk, __sk_common.skc_v6_daddr);
		} else {
			return false;
		}
	}
	return port_wanted(d->peer_port);
}

/* A receive with no address on an unconnected socket: true, with the peer filled in from the
 * table, when the datagram's first two bytes are the id of a query this process sent on this
 * socket; the entry is taken out. Anything else read that way is not DNS to us. */
static __always_inline bool take_query(struct sock *sk, __u64 ubuf, struct tapio_dns *d)
{
	struct udp_query_key key = {.sk = (__u64)sk, .tgid = bpf_get_current_pid_tgid() >> 32};
	if (bpf_probe_read_user(&key.id, sizeof(key.id), (void *)ubuf) < 0)
		return false;
	struct udp_query_peer *p = bpf_map_lookup_elem(&udp_queries, &key);
	if (!p)
		return false;
	d->family = p->family;
	d->peer_port = p->port;
	__builtin_memcpy(d->peer_addr, p->addr, sizeof(d->peer_addr));
	if (bpf_map_delete_elem(&udp_queries, &key) == 0)
		count_stat(TAPIO_DNS_STAT_ANSWERED);
	return true;
}

/* After a send or receive with an address on an unconnected socket: a query is remembered for
 * a response that may come with none; a response takes its query out, however it was read. */
static __always_inline void track_query(struct sock *sk, __u32 type, const char *payload,
					struct tapio_dns *d)
{
	struct udp_query_key key = {.sk = (__u64)sk, .tgid = bpf_get_current_pid_tgid() >> 32};
	__builtin_memcpy(&key.id, payload, sizeof(key.id));
	if (type != TAPIO_DNS_EVENT_SEND) {
		if (bpf_map_delete_elem(&udp_queries, &key) == 0)
			count_stat(TAPIO_DNS_STAT_ANSWERED);
		return;
	}
	struct udp_query_peer p = {.family = d->family, .port = d->peer_port};
	__builtin_memcpy(p.addr, d->peer_addr, sizeof(p.addr));
	count_stat(bpf_map_update_elem(&udp_queries, &key, &p, BPF_ANY) == 0
		   ? TAPIO_DNS_STAT_TRACKED : TAPIO_DNS_STAT_UNTRACKED);
}

/* Copies the datagram (UDP) or stream slice (TCP) and emits the record; `type` is
 * TAPIO_DNS_EVENT_SEND or _RECV, turned into its _TCP_ twin on a TCP socket. tcp_only: the
 * read/write hooks, which have no business with UDP. */
static __always_inline void emit(__u32 type, __u32 fd, __u64 ubuf, __u64 len, __u64 uaddr,
				 bool tcp_only)
{
	if (len < 1)
		return;
	bool tcp = false;
	struct sock *sk = sock_of(fd, &tcp);
	if (!sk)
		return;
	if (tcp) {
		/* A TCP peer is the connection's; sendto/recvfrom addresses mean nothing there. */
		uaddr = 0;
		type = type == TAPIO_DNS_EVENT_SEND ? TAPIO_DNS_EVENT_TCP_SEND : TAPIO_DNS_EVENT_TCP_RECV;
	} else if (tcp_only || len < 12) { /* shorter than a DNS header */
		return;
	}
	__u32 zero = 0;
	char *buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return;
	struct tapio_header *h = (void *)buf;
	struct tapio_dns *d = (void *)(buf + sizeof(*h));
	char *payload = buf + sizeof(*h) + sizeof(*d);
	__builtin_memset(d->peer_addr, 0, sizeof(d->peer_addr));
	bool unconnected = !tcp && BPF_CORE_READ(sk, __sk_common.skc_dport) == 0;
	if (!peer_of(sk, uaddr, d)) {
		if (!unconnected || uaddr || type != TAPIO_DNS_EVENT_RECV || !take_query(sk, ubuf, d))
			return;
	}
	__u32 want = len > TAPIO_DNS_PAYLOAD_MAX ? TAPIO_DNS_PAYLOAD_MAX : len;
	want &= (2 * TAPIO_DNS_PAYLOAD_MAX - 1); /* the verifier's bound */
	if (want > TAPIO_DNS_PAYLOAD_MAX)
		want = TAPIO_DNS_PAYLOAD_MAX;
	if (want < 1 || bpf_probe_read_user(payload, want, (void *)ubuf) < 0)
		return;
	/* Sampling by transaction id keeps a query and its response together. A TCP slice need not
	 * start at a message, so the reader samples those after reassembly. */
	if (!tcp && cfg.sample_every > 1) {
		__u16 id = ((__u8)payload[0] << 8) | (__u8)payload[1];
		if (id % cfg.sample_every != 0) {
			count_drop(type, TAPIO_DROP_SAMPLED);
			return;
		}
	}
	if (unconnected && uaddr)
		track_query(sk, type, payload, d);
	d->fd = fd;
	d->length = len > 0xffffffff ? 0xffffffff : len;
	d->captured = want;
	struct task_struct *task = bpf_get_current_task_btf();
	/* The process's name, not the thread's: resolvers often run on named worker threads. */
	BPF_CORE_READ_STR_INTO(&d->comm, task, group_leader, comm);
	__u64 uid_gid = bpf_get_current_uid_gid();
	h->ktime_ns = bpf_ktime_get_boot_ns();
	h->type = type;
	h->pid = BPF_CORE_READ(task, tgid);
	h->tid = BPF_CORE_READ(task, pid);
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->pad = 0;
	h->cgroup_id = bpf_get_current_cgroup_id();
	__u32 size = sizeof(*h) + sizeof(*d) + want;
	if (size > RECORD_MAX)
		size = RECORD_MAX;
	h->size = size;
	if (bpf_ringbuf_output(&events, buf, size, wakeup_flags()) < 0)
		count_drop(type, TAPIO_DROP_RINGBUF_FULL);
}

SEC("tp/syscalls/sys_enter_sendto")
int tapio_dns_sendto(struct trace_event_raw_sys_enter *ctx)
{
	emit(TAPIO_DNS_EVENT_SEND, ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[4], false);
	return 0;
}

/* The first iovec and the name of a user_msghdr. */
static __always_inline bool read_msg(__u64 umsg, __u64 *base, __u64 *len, __u64 *name)
{
	struct user_msghdr m = {};
	if (bpf_probe_read_user(&m, sizeof(m), (void *)umsg) < 0 || !m.msg_iov || m.msg_iovlen < 1)
		return false;
	struct iovec iov = {};
	if (bpf_probe_read_user(&iov, sizeof(iov), m.msg_iov) < 0)
		return false;
	*base = (__u64)iov.iov_base;
	*len = iov.iov_len;
	*name = (__u64)m.msg_name;
	return true;
}

SEC("tp/syscalls/sys_enter_sendmsg")
int tapio_dns_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	__u64 base, len, name;
	if (read_msg(ctx->args[1], &base, &len, &name))
		emit(TAPIO_DNS_EVENT_SEND, ctx->args[0], base, len, name, false);
	return 0;
}

/* glibc's resolver and dig send A and AAAA in one sendmmsg; the first two messages are read. */
SEC("tp/syscalls/sys_enter_sendmmsg")
int tapio_dns_sendmmsg(struct trace_event_raw_sys_enter *ctx)
{
	__u64 vec = ctx->args[1];
	__u64 vlen = ctx->args[2];
	__u64 base, len, name;
	if (vlen >= 1 && read_msg(vec, &base, &len, &name))
		emit(TAPIO_DNS_EVENT_SEND, ctx->args[0], base, len, name, false);
	if (vlen >= 2 && read_msg(vec + sizeof(struct mmsghdr), &base, &len, &name))
		emit(TAPIO_DNS_EVENT_SEND, ctx->args[0], base, len, name, false);
	return 0;
}

static __always_inline void recv_enter(__u32 fd, __u64 buf, __u64 addr, __u32 is_msg)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct recv_args a = {.buf = buf, .addr = addr, .fd = fd, .is_msg = is_msg};
	bpf_map_update_elem(&recvs, &id, &a, BPF_ANY);
}

static __always_inline void recv_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct recv_args *a = bpf_map_lookup_elem(&recvs, &id);
	if (!a)
		return;
	struct recv_args args = *a;
	bpf_map_delete_elem(&recvs, &id);
	if (ret <= 0)
		return;
	if (args.is_msg == 1) {
		__u64 base, len, name;
		if (!read_msg(args.buf, &base, &len, &name))
			return;
		/* The datagram fills the first iovec first; only that one is read. */
		emit(TAPIO_DNS_EVENT_RECV, args.fd, base, (__u64)ret < len ? (__u64)ret : len, name,
		     false);
	} else {
		emit(TAPIO_DNS_EVENT_RECV, args.fd, args.buf, ret, args.addr, args.is_msg == 2);
	}
}

SEC("tp/syscalls/sys_enter_recvfrom")
int tapio_dns_recvfrom_enter(struct trace_event_raw_sys_enter *ctx)
{
	recv_enter(ctx->args[0], ctx->args[1], ctx->args[4], 0);
	return 0;
}

SEC("tp/syscalls/sys_exit_recvfrom")
int tapio_dns_recvfrom_exit(struct trace_event_raw_sys_exit *ctx)
{
	recv_exit(ctx->ret);
	return 0;
}

SEC("tp/syscalls/sys_enter_recvmsg")
int tapio_dns_recvmsg_enter(struct trace_event_raw_sys_enter *ctx)
{
	recv_enter(ctx->args[0], ctx->args[1], 0, 1);
	return 0;
}

SEC("tp/syscalls/sys_exit_recvmsg")
int tapio_dns_recvmsg_exit(struct trace_event_raw_sys_exit *ctx)
{
	recv_exit(ctx->ret);
	return 0;
}

/* The watched TCP socket behind fd, or NULL: read's entry keeps only those, so that the exit of
 * every other read on the host is one failed map lookup. */
static __always_inline bool tcp_wanted(__u32 fd)
{
	bool tcp = false;
	struct sock *sk = sock_of(fd, &tcp);
	if (!sk || !tcp)
		return false;
	return port_wanted(bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport)));
}

SEC("tp/syscalls/sys_enter_write")
int tapio_dns_write(struct trace_event_raw_sys_enter *ctx)
{
	emit(TAPIO_DNS_EVENT_SEND, ctx->args[0], ctx->args[1], ctx->args[2], 0, true);
	return 0;
}

/* libuv (dig, BIND tools) writes the length prefix and the message as two iovecs. */
SEC("tp/syscalls/sys_enter_writev")
int tapio_dns_writev(struct trace_event_raw_sys_enter *ctx)
{
	__u32 fd = ctx->args[0];
	__u64 vec = ctx->args[1];
	__u64 n = ctx->args[2];
	if (n < 1 || !tcp_wanted(fd))
		return 0;
	struct iovec iov = {};
	if (bpf_probe_read_user(&iov, sizeof(iov), (void *)vec) == 0)
		emit(TAPIO_DNS_EVENT_SEND, fd, (__u64)iov.iov_base, iov.iov_len, 0, true);
	if (n >= 2 && bpf_probe_read_user(&iov, sizeof(iov), (void *)(vec + sizeof(iov))) == 0)
		emit(TAPIO_DNS_EVENT_SEND, fd, (__u64)iov.iov_base, iov.iov_len, 0, true);
	return 0;
}

SEC("tp/syscalls/sys_enter_read")
int tapio_dns_read_enter(struct trace_event_raw_sys_enter *ctx)
{
	if (tcp_wanted(ctx->args[0]))
		recv_enter(ctx->args[0], ctx->args[1], 0, 2);
	return 0;
}

SEC("tp/syscalls/sys_exit_read")
int tapio_dns_read_exit(struct trace_event_raw_sys_exit *ctx)
{
	recv_exit(ctx->ret);
	return 0;
}
