/* The C reference consumer of AgentCpuBench -Dconsumer=c (issue 14): the least a consumer of one
 * of Tapio's real programs must do, so that the Java agent's CPU per event can be given as a
 * ratio to it.
 *
 * It loads network.bpf.o, process.bpf.o or dns.bpf.o with libbpf as the Java receiver does with
 * its default config (dev.tapio.bpf.receiver.EbpfProgram.start): the program's config struct
 * written at offset 0 of .rodata, the `events` ring and the other maps sized as the receiver
 * sizes them, the same programs loaded and attached. It then polls the ring as RingPoller does
 * (ring_buffer__poll with the 50 ms poll timeout, then ring_buffer__consume after a timeout),
 * runs the same adaptive wake-up rule as WakeupPolicy, idle mode included (or a fixed
 * threshold), reads the drop counters once a second, and for each record reads the fields the plugin's decoder reads and
 * formats one text line (`event key=value ...`: addresses as dotted quad / IPv6 text, comm as a
 * string, times as Unix nanoseconds) into a buffer written to /dev/null after each drain.
 *
 * What it does not do, all of it work the Java agent does on top: no attribution of pids to
 * cgroups/containers, no log records (pdata), no batching or export; DNS records are parsed
 * (header and question) but not paired into one dns.query per exchange, nor are TCP slices
 * reassembled; the network program's in-kernel aggregates (`aggregates`, drained by the Java
 * receiver every 10 s) are not read — connections folded there are only counted, from the
 * `drops` map (reason aggregated) — and the UDP flow programs are not loaded, as by default.
 *
 * Prints "ready" once attached. On SIGUSR1 it drains the ring and prints
 *   events=N cpu_ns=T ring_full=N aggregated=N malformed=N
 * (records consumed so far; CPU of this process since "ready", CLOCK_PROCESS_CPUTIME_ID; kernel
 * drops for a full ring; records folded into the network aggregates, an open and a close per
 * connection; records it could not read), and the same line once more on SIGTERM or SIGINT,
 * then exits. The record layouts come from the programs' own tapio.h.
 *
 * usage: agent_reference network|process|dns OBJECT [WAKEUP_BYTES]
 * WAKEUP_BYTES: a fixed wake-up threshold (wakeup_policy: fixed); without it the threshold
 * adapts to the rate as with the receivers' default wakeup_policy: adaptive.
 * build: gcc -O2 -Wall -o agent_reference agent_reference.c -lbpf */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "../../../../bpf/src/main/bpf/tapio.h"

#define POLL_MS 50            /* poll_timeout: 50ms, every receiver's default */
#define RING_BYTES (1 << 20)  /* ring_buffer_size: 1MiB */
#define ARGS_MAX_COUNT 64     /* ebpf_process args_max_count */
#define DNS_TCP_SEND 3        /* dns.bpf.c */
#define DNS_TCP_RECV 4
#define DROP_SLOTS TAPIO_DROP_SLOTS

enum workload { NETWORK, PROCESS, DNS };

/* ---- What the Java receivers configure by default (Ebpf*Config.defaults / kernelConfig) ---- */

static const char *const network_programs[] = {"tapio_network_state", "tapio_network_accept4",
	"tapio_network_accept", "tapio_network_rst_in", "tapio_network_rst_out", NULL};
static const char *const process_programs[] = {"tapio_exec", "tapio_exit", NULL};
static const char *const dns_programs[] = {"tapio_dns_sendto", "tapio_dns_sendmsg",
	"tapio_dns_sendmmsg", "tapio_dns_recvfrom_enter", "tapio_dns_recvfrom_exit",
	"tapio_dns_recvmsg_enter", "tapio_dns_recvmsg_exit", "tapio_dns_write",
	"tapio_dns_writev", "tapio_dns_read_enter", "tapio_dns_read_exit", NULL};

struct map_size {
	const char *name;
	__u32 entries;
};

/* Other maps' capacities, as EbpfNetworkReceiver / EbpfDnsReceiver set them. */
static const struct map_size network_maps[] = {{"socks", 65536}, {"aggregates", 16384},
	{"udp_flows", 1}, {"udp_calls", 1}, {NULL, 0}};
static const struct map_size process_maps[] = {{NULL, 0}};
static const struct map_size dns_maps[] = {{"udp_queries", 20000}, {NULL, 0}}; /* 2 x max_pending */

/* Fills the program's config struct; returns its size, and the configured wakeup_bytes. None of
 * these three receivers filters out the agent's own pid (only ebpf_security has self_tgid). */
static size_t kernel_config(enum workload w, void *out, __u64 *wakeup)
{
	switch (w) {
	case NETWORK: {
		struct tapio_network_config *c = out;
		memset(c, 0, sizeof(*c));
		c->open_sample_every = 1;
		c->close_sample_every = 1;
		c->failed_sample_every = 1;
		c->loopback = 1;
		c->wakeup_bytes = *wakeup ? *wakeup : 4096;
		/* ports include/exclude: empty */
		c->agg_threshold = 5000;                 /* aggregation on, 5000 opens/s per CPU */
		c->agg_short_lived_ns = 1000000000ull;   /* short_lived: 1s */
		*wakeup = c->wakeup_bytes;
		return sizeof(*c);
	}
	case PROCESS: {
		struct tapio_process_config *c = out;
		memset(c, 0, sizeof(*c));
		c->exec_sample_every = 1;
		c->exit_sample_every = 1;
		c->fork_sample_every = 0;   /* fork: false */
		c->filter_pid = 0;          /* no filters */
		c->filter_cgroup_id = 0;
		c->args_max_bytes = 1024;
		c->wakeup_bytes = *wakeup ? *wakeup : 4096;
		*wakeup = c->wakeup_bytes;
		return sizeof(*c);
	}
	case DNS: {
		struct tapio_dns_config *c = out;
		memset(c, 0, sizeof(*c));
		c->ports[0] = 53;
		c->sample_every = 1;
		c->wakeup_bytes = *wakeup ? *wakeup : 16 * 1024;
		*wakeup = c->wakeup_bytes;
		return sizeof(*c);
	}
	}
	return 0;
}

/* ---- Output: lines appended to a reused buffer, written to /dev/null ---- */

static char out[1 << 16];
static size_t out_len;
static int null_fd;
#define LINE_ROOM 16384 /* more than any one line: a record is at most ~4.5 KiB, DNS names 1 KiB */

static void flush_out(void)
{
	if (out_len > 0) {
		ssize_t n = write(null_fd, out, out_len);
		(void)n;
		out_len = 0;
	}
}

#define PUT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

static char *put_u64(char *p, __u64 v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_i64(char *p, __s64 v)
{
	if (v < 0) {
		*p++ = '-';
		return put_u64(p, (__u64)0 - (__u64)v);
	}
	return put_u64(p, (__u64)v);
}

static char *put_ipv4(char *p, const __u8 *a)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_u64(p, a[i]);
	}
	return p;
}

static char *put_ipv6(char *p, const __u8 *a)
{
	char s[INET6_ADDRSTRLEN];
	if (!inet_ntop(AF_INET6, a, s, sizeof(s)))
		return PUT(p, "?");
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

/* At most n bytes, up to the first NUL (comm, paths). */
static char *put_bytes(char *p, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	memcpy(p, s, len);
	return p + len;
}

static int v4_mapped(const __u8 *a)
{
	static const __u8 prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return memcmp(a, prefix, 12) == 0;
}

/* ---- Per record: read and format ---- */

static enum workload workload;
static __u64 boot_to_unix_ns;
static __u64 records, ring_bytes, malformed;

static char *network_line(char *p, const void *data, size_t len)
{
	const struct tapio_header *h = data;
	const struct tapio_network_conn *c = (const void *)(h + 1);
	if (len < sizeof(*h) + sizeof(*c) || h->type < TAPIO_NETWORK_OPEN
	    || h->type > TAPIO_NETWORK_FAILED) {
		malformed++;
		return p;
	}
	/* Dual-stack sockets carry IPv4 as ::ffff:a.b.c.d: written as the IPv4 it is. */
	int v4 = c->family == AF_INET;
	int mapped = !v4 && v4_mapped(c->saddr) && v4_mapped(c->daddr);
	p = h->type == TAPIO_NETWORK_OPEN ? PUT(p, "network.connection.open")
		: h->type == TAPIO_NETWORK_CLOSE ? PUT(p, "network.connection.close")
		: PUT(p, "network.connection.failed");
	p = PUT(p, " time=");
	p = put_u64(p, h->ktime_ns + boot_to_unix_ns);
	if (c->direction == TAPIO_NETWORK_OUTBOUND)
		p = PUT(p, " direction=outbound");
	else if (c->direction == TAPIO_NETWORK_INBOUND)
		p = PUT(p, " direction=inbound");
	p = PUT(p, " local=");
	p = v4 ? put_ipv4(p, c->saddr) : mapped ? put_ipv4(p, c->saddr + 12) : put_ipv6(p, c->saddr);
	p = PUT(p, " local_port=");
	p = put_u64(p, c->sport);
	p = PUT(p, " peer=");
	p = v4 ? put_ipv4(p, c->daddr) : mapped ? put_ipv4(p, c->daddr + 12) : put_ipv6(p, c->daddr);
	p = PUT(p, " peer_port=");
	p = put_u64(p, c->dport);
	p = v4 || mapped ? PUT(p, " transport=tcp type=ipv4") : PUT(p, " transport=tcp type=ipv6");
	if (h->type != TAPIO_NETWORK_OPEN && c->start_ns) {
		p = PUT(p, " duration_ns=");
		p = put_i64(p, (__s64)(h->ktime_ns - c->start_ns));
	}
	if (h->type == TAPIO_NETWORK_CLOSE) {
		p = PUT(p, " bytes_sent=");
		p = put_u64(p, c->bytes_sent);
		p = PUT(p, " bytes_received=");
		p = put_u64(p, c->bytes_received);
		p = PUT(p, " retransmits=");
		p = put_u64(p, c->retransmits);
		p = PUT(p, " srtt_us=");
		p = put_u64(p, c->srtt_us);
	} else if (h->type == TAPIO_NETWORK_FAILED) {
		p = PUT(p, " error.sk_err=");
		p = put_i64(p, c->sk_err);
	}
	if (c->reset & 3) {
		p = PUT(p, " reset=");
		p = put_u64(p, c->reset & 3);
	}
	if (c->owner_known) {
		p = PUT(p, " pid=");
		p = put_u64(p, h->pid);
		p = PUT(p, " comm=");
		p = put_bytes(p, c->comm, TAPIO_COMM_LEN);
		if (h->cgroup_id) {
			p = PUT(p, " cgroup_id=");
			p = put_u64(p, h->cgroup_id);
		}
	}
	*p++ = '\n';
	return p;
}

static char *process_line(char *p, const void *data, size_t len)
{
	const struct tapio_header *h = data;
	if (len < sizeof(*h)) {
		malformed++;
		return p;
	}
	if (h->type == TAPIO_EVENT_EXEC) {
		const struct tapio_exec *e = (const void *)(h + 1);
		const char *var = (const char *)(e + 1);
		if (len < sizeof(*h) + sizeof(*e)
		    || sizeof(*h) + sizeof(*e) + e->filename_len + e->args_len > len) {
			malformed++;
			return p;
		}
		p = PUT(p, "process.exec time=");
		p = put_u64(p, h->ktime_ns + boot_to_unix_ns);
		p = PUT(p, " pid=");
		p = put_u64(p, h->pid);
		p = PUT(p, " ppid=");
		p = put_u64(p, h->ppid);
		p = PUT(p, " uid=");
		p = put_u64(p, h->uid);
		p = PUT(p, " gid=");
		p = put_u64(p, h->gid);
		p = PUT(p, " path=");
		memcpy(p, var, e->filename_len);
		p += e->filename_len;
		/* The executable's name: the path's last part. */
		const char *slash = memrchr(var, '/', e->filename_len);
		const char *name = slash ? slash + 1 : var;
		size_t name_len = var + e->filename_len - name;
		p = PUT(p, " name=");
		memcpy(p, name, name_len);
		p += name_len;
		p = PUT(p, " comm=");
		p = put_bytes(p, e->comm, TAPIO_COMM_LEN);
		/* argv: NUL-separated; at most ARGS_MAX_COUNT kept, joined by spaces. */
		const char *a = var + e->filename_len;
		const char *end = a + e->args_len;
		int count = 0;
		int truncated = (e->flags & TAPIO_EXEC_ARGS_TRUNCATED) != 0;
		p = PUT(p, " args=");
		while (a < end) {
			const char *nul = memchr(a, 0, end - a);
			const char *arg_end = nul ? nul : end;
			if (count == ARGS_MAX_COUNT) {
				truncated = 1;
				break;
			}
			if (count++)
				*p++ = ' ';
			memcpy(p, a, arg_end - a);
			p += arg_end - a;
			a = arg_end + 1;
		}
		if (truncated)
			p = PUT(p, " args_truncated=true");
		p = PUT(p, " start=");
		p = put_u64(p, e->start_ns + boot_to_unix_ns);
	} else if (h->type == TAPIO_EVENT_EXIT) {
		const struct tapio_exit *x = (const void *)(h + 1);
		if (len < sizeof(*h) + sizeof(*x)) {
			malformed++;
			return p;
		}
		p = PUT(p, "process.exit time=");
		p = put_u64(p, h->ktime_ns + boot_to_unix_ns);
		p = PUT(p, " pid=");
		p = put_u64(p, h->pid);
		p = PUT(p, " ppid=");
		p = put_u64(p, h->ppid);
		p = PUT(p, " comm=");
		p = put_bytes(p, x->comm, TAPIO_COMM_LEN);
		int signal = x->exit_code & 0x7f;
		if (signal) {
			p = PUT(p, " signal=");
			p = put_u64(p, signal);
			if (x->exit_code & 0x80)
				p = PUT(p, " core_dumped=true");
		} else {
			p = PUT(p, " code=");
			p = put_u64(p, (x->exit_code >> 8) & 0xff);
		}
		p = PUT(p, " lifetime_ns=");
		p = put_i64(p, (__s64)(h->ktime_ns - x->start_ns));
	} else if (h->type == TAPIO_EVENT_FORK) {
		const struct tapio_fork *f = (const void *)(h + 1);
		if (len < sizeof(*h) + sizeof(*f)) {
			malformed++;
			return p;
		}
		p = PUT(p, "process.fork time=");
		p = put_u64(p, h->ktime_ns + boot_to_unix_ns);
		p = PUT(p, " pid=");
		p = put_u64(p, f->child_pid);
		p = PUT(p, " ppid=");
		p = put_u64(p, h->pid);
	} else {
		malformed++;
		return p;
	}
	if (h->cgroup_id) {
		p = PUT(p, " cgroup_id=");
		p = put_u64(p, h->cgroup_id);
	}
	*p++ = '\n';
	return p;
}

/* The DNS message's question name at `at` as dotted text (labels escaped as DnsParser does);
 * NULL when malformed. *after: the offset after the name where it started. Compression
 * pointers must go strictly backwards, so the walk ends. */
static char *put_dns_name(char *p, const __u8 *b, unsigned cap, unsigned at, unsigned *after)
{
	unsigned pos = at, floor = at, wire = 0;
	int end = -1;
	char *start = p;
	for (;;) {
		if (pos >= cap)
			return NULL;
		unsigned n = b[pos];
		if (n == 0) {
			if (end < 0)
				end = pos + 1;
			break;
		}
		if ((n & 0xc0) == 0xc0) {
			if (pos + 1 >= cap)
				return NULL;
			unsigned target = ((n & 0x3f) << 8) | b[pos + 1];
			if (target >= floor || target < 12)
				return NULL;
			if (end < 0)
				end = pos + 2;
			pos = floor = target;
			continue;
		}
		if (n & 0xc0)
			return NULL;
		wire += n + 1;
		if (wire + 1 > 255 || pos + 1 + n > cap)
			return NULL;
		if (p > start)
			*p++ = '.';
		for (unsigned i = 0; i < n; i++) {
			__u8 c = b[pos + 1 + i];
			if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
				*p++ = (char)c;
			} else {
				*p++ = '\\';
				*p++ = (char)('0' + c / 100);
				*p++ = (char)('0' + c / 10 % 10);
				*p++ = (char)('0' + c % 10);
			}
		}
		pos += 1 + n;
	}
	if (p == start)
		*p++ = '.';
	*after = end;
	return p;
}

static char *dns_line(char *p, const void *data, size_t len)
{
	const struct tapio_header *h = data;
	const struct tapio_dns *d = (const void *)(h + 1);
	const __u8 *b = (const __u8 *)(d + 1);
	if (len < sizeof(*h) + sizeof(*d) || d->captured > TAPIO_DNS_PAYLOAD_MAX
	    || sizeof(*h) + sizeof(*d) + d->captured > len || h->type < TAPIO_DNS_EVENT_SEND
	    || h->type > DNS_TCP_RECV) {
		malformed++;
		return p;
	}
	char *line = p;
	int send = h->type == TAPIO_DNS_EVENT_SEND || h->type == DNS_TCP_SEND;
	p = send ? PUT(p, "dns.send time=") : PUT(p, "dns.recv time=");
	p = put_u64(p, h->ktime_ns + boot_to_unix_ns);
	p = PUT(p, " pid=");
	p = put_u64(p, h->pid);
	p = PUT(p, " fd=");
	p = put_u64(p, d->fd);
	p = PUT(p, " comm=");
	p = put_bytes(p, d->comm, TAPIO_COMM_LEN);
	p = PUT(p, " server=");
	if (d->family != AF_INET6)
		p = put_ipv4(p, d->peer_addr);
	else if (v4_mapped(d->peer_addr))
		p = put_ipv4(p, d->peer_addr + 12);
	else
		p = put_ipv6(p, d->peer_addr);
	p = PUT(p, " server_port=");
	p = put_u64(p, d->peer_port);
	if (h->cgroup_id) {
		p = PUT(p, " cgroup_id=");
		p = put_u64(p, h->cgroup_id);
	}
	if (h->type == DNS_TCP_SEND || h->type == DNS_TCP_RECV) {
		/* A slice of a TCP stream: not reassembled here (the benchmark's DNS is UDP). */
		p = PUT(p, " transport=tcp bytes=");
		p = put_u64(p, d->captured);
		*p++ = '\n';
		return p;
	}
	/* The DNS header and first question, with DnsParser's sanity checks. */
	unsigned cap = d->captured;
	unsigned length = d->length > cap ? d->length : cap;
	if (cap < 12) {
		malformed++;
		return line;
	}
	unsigned id = b[0] << 8 | b[1];
	unsigned flags = b[2] << 8 | b[3];
	unsigned qd = b[4] << 8 | b[5];
	unsigned an = b[6] << 8 | b[7];
	if (qd == 0 || (__u64)qd * 5 + (__u64)an * 11 > length - 12) {
		malformed++;
		return line;
	}
	p = PUT(p, " transport=udp id=");
	p = put_u64(p, id);
	p = (flags & 0x8000) ? PUT(p, " response=true rcode=") : PUT(p, " response=false rcode=");
	p = put_u64(p, flags & 0xf);
	p = PUT(p, " name=");
	unsigned after;
	p = put_dns_name(p, b, cap, 12, &after);
	if (!p || after + 4 > cap) {
		malformed++;
		return line;
	}
	p = PUT(p, " qtype=");
	p = put_u64(p, b[after] << 8 | b[after + 1]);
	p = PUT(p, " answers=");
	p = put_u64(p, an);
	*p++ = '\n';
	return p;
}

static int on_record(void *ctx, void *data, size_t len)
{
	records++;
	ring_bytes += (len + 8 + 7) & ~(size_t)7; /* what the consumer position moves: header + data */
	if (out_len + LINE_ROOM > sizeof(out))
		flush_out();
	char *p = out + out_len;
	p = workload == NETWORK ? network_line(p, data, len)
		: workload == PROCESS ? process_line(p, data, len) : dns_line(p, data, len);
	out_len = p - out;
	return 0;
}

/* ---- The adaptive wake-up: dev.tapio.bpf.receiver.WakeupPolicy's rule ---- */

struct wakeup_policy {
	int map_fd;            /* the program's `wakeup` array; -1: fixed threshold */
	__u64 idle;            /* the configured wakeup_bytes */
	__u64 window_start_ns;
	__u64 window_bytes_at;
	__u64 window_records_at;
	__u64 threshold;
	int idle_mode;         /* woken at the first record, polling every IDLE_POLL_MS */
};

#define IDLE_POLL_MS 500

/* Wake-up interval 0.75 ms x (100k / rate)^2, between 0.75 ms and the poll timeout; the bytes
 * that interval brings, between 1 and a quarter of the ring; the idle threshold without records. */
static __u64 wakeup_threshold(double events_per_s, double bytes_per_s, __u64 idle)
{
	if (events_per_s <= 0 || bytes_per_s <= 0)
		return idle;
	double ratio = 100000.0 / events_per_s;
	double interval = 750000.0 * ratio * ratio;
	double max_interval = POLL_MS * 1e6 > 750000.0 ? POLL_MS * 1e6 : 750000.0;
	if (interval < 750000.0)
		interval = 750000.0;
	if (interval > max_interval)
		interval = max_interval;
	__s64 bytes = (__s64)(bytes_per_s * interval / 1e9);
	__s64 max = RING_BYTES / 4;
	return bytes < 1 ? 1 : bytes > max ? (__u64)max : (__u64)bytes;
}

static __u64 now_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void write_threshold(struct wakeup_policy *w, __u64 next)
{
	__u32 zero = 0;
	if (bpf_map_update_elem(w->map_fd, &zero, &next, BPF_ANY) == 0)
		w->threshold = next;
}

/* Every 100 ms: the rate of the window, and the new threshold when it moved by over an eighth;
 * a window without records goes idle (threshold 1: woken at the first record, polling every
 * IDLE_POLL_MS), which the first records leave for the configured threshold. */
static void adapt(struct wakeup_policy *w, __u64 now)
{
	if (w->map_fd < 0)
		return;
	if (w->idle_mode && records > w->window_records_at) {
		write_threshold(w, w->idle);
		w->idle_mode = 0;
		w->window_start_ns = now;
		w->window_bytes_at = ring_bytes;
		w->window_records_at = records;
		return;
	}
	if (now - w->window_start_ns < 100000000ull)
		return;
	double seconds = (now - w->window_start_ns) / 1e9;
	int quiet = records == w->window_records_at;
	__u64 next = quiet ? 1 : wakeup_threshold((records - w->window_records_at) / seconds,
						  (ring_bytes - w->window_bytes_at) / seconds, w->idle);
	w->window_start_ns = now;
	w->window_bytes_at = ring_bytes;
	w->window_records_at = records;
	__u64 diff = next > w->threshold ? next - w->threshold : w->threshold - next;
	if (quiet ? next != w->threshold : diff > w->threshold / 8)
		write_threshold(w, next);
	w->idle_mode = quiet;
}

/* ---- Drop counters: per-CPU u64 slots, type * TAPIO_DROP_REASONS + reason ---- */

static __u64 drops[DROP_SLOTS];

static void read_drops(int fd)
{
	int cpus = libbpf_num_possible_cpus();
	__u64 values[cpus];
	for (__u32 slot = 0; slot < DROP_SLOTS; slot++) {
		if (bpf_map_lookup_elem(fd, &slot, values) != 0)
			continue;
		__u64 sum = 0;
		for (int i = 0; i < cpus; i++)
			sum += values[i];
		drops[slot] = sum;
	}
}

static __u64 dropped(int reason)
{
	__u64 sum = 0;
	for (int slot = reason; slot < DROP_SLOTS; slot += TAPIO_DROP_REASONS)
		sum += drops[slot];
	return sum;
}

/* ---- Main loop ---- */

static volatile sig_atomic_t stop, report;

static void on_stop(int sig)
{
	stop = 1;
}

static void on_report(int sig)
{
	report = 1;
}

static void print_counts(int drops_fd, __u64 cpu0)
{
	read_drops(drops_fd);
	printf("events=%llu cpu_ns=%llu ring_full=%llu aggregated=%llu malformed=%llu\n",
	       (unsigned long long)records,
	       (unsigned long long)(now_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0),
	       (unsigned long long)dropped(TAPIO_DROP_RINGBUF_FULL),
	       (unsigned long long)dropped(TAPIO_DROP_AGGREGATED), (unsigned long long)malformed);
	fflush(stdout);
}

static int wanted(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s network|process|dns OBJECT [WAKEUP_BYTES]\n", argv[0]);
		return 2;
	}
	const char *const *programs;
	const struct map_size *maps;
	if (strcmp(argv[1], "network") == 0) {
		workload = NETWORK;
		programs = network_programs;
		maps = network_maps;
	} else if (strcmp(argv[1], "process") == 0) {
		workload = PROCESS;
		programs = process_programs;
		maps = process_maps;
	} else if (strcmp(argv[1], "dns") == 0) {
		workload = DNS;
		programs = dns_programs;
		maps = dns_maps;
	} else {
		fprintf(stderr, "workload: network, process or dns, not %s\n", argv[1]);
		return 2;
	}
	const char *path = argv[2];
	__u64 wakeup = argc == 4 ? strtoull(argv[3], NULL, 10) : 0;
	int adaptive = argc == 3;

	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* The config struct at offset 0 of .rodata, as BpfObject.setReadOnlyConfig writes it. */
	union {
		struct tapio_network_config network;
		struct tapio_process_config process;
		struct tapio_dns_config dns;
	} config;
	size_t config_size = kernel_config(workload, &config, &wakeup);
	struct bpf_map *rodata = bpf_object__find_map_by_name(obj, ".rodata");
	size_t rodata_size = 0;
	/* libbpf 1.1 returns it const; it is the writable copy loaded as .rodata */
	void *initial = rodata ? (void *)bpf_map__initial_value(rodata, &rodata_size) : NULL;
	if (!initial || rodata_size < config_size) {
		fprintf(stderr, "%s: no .rodata of at least %zu bytes\n", path, config_size);
		return 1;
	}
	memcpy(initial, &config, config_size);
	struct bpf_map *events = bpf_object__find_map_by_name(obj, "events");
	if (!events || bpf_map__set_max_entries(events, RING_BYTES) != 0) {
		fprintf(stderr, "cannot size the ring buffer\n");
		return 1;
	}
	for (const struct map_size *m = maps; m->name; m++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, m->name);
		if (!map || bpf_map__set_max_entries(map, m->entries) != 0) {
			fprintf(stderr, "cannot size map %s\n", m->name);
			return 1;
		}
	}
	/* Load only what the receiver attaches by default (not fork, not the UDP flow hooks). */
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, wanted(programs, bpf_program__name(prog)));
	int err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load %s: %s\n", path, strerror(-err));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (!wanted(programs, bpf_program__name(prog)))
			continue;
		if (!bpf_program__attach(prog)) {
			fprintf(stderr, "attach %s: %s\n", bpf_program__name(prog), strerror(errno));
			return 1;
		}
		/* The links live until exit, which detaches them. */
	}
	int drops_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "drops"));
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(events), on_record, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "ring_buffer__new: %s\n", strerror(errno));
		return 1;
	}
	null_fd = open("/dev/null", O_WRONLY);
	if (null_fd < 0) {
		perror("/dev/null");
		return 1;
	}
	struct sigaction sa = {0};
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_report;
	sigaction(SIGUSR1, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM); /* a harness that dies does not leave it attached */

	/* The programs' clock (CLOCK_BOOTTIME) to Unix time, measured once. */
	boot_to_unix_ns = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_BOOTTIME);
	struct wakeup_policy policy = {
		.map_fd = adaptive ? bpf_map__fd(bpf_object__find_map_by_name(obj, "wakeup")) : -1,
		.idle = wakeup,
		.window_start_ns = now_ns(CLOCK_MONOTONIC),
		.threshold = wakeup,
	};
	__u64 cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	__u64 next_drop_read = now_ns(CLOCK_MONOTONIC);
	printf("ready\n");
	fflush(stdout);

	while (!stop) {
		/* Data, a timeout or a signal: read whatever is pending (poll consumes only when
		 * epoll saw data; records submitted without a wake-up need consume). */
		int n = ring_buffer__poll(rb, policy.idle_mode && IDLE_POLL_MS > POLL_MS
					  ? IDLE_POLL_MS : POLL_MS);
		if (n == 0 || n == -EINTR)
			n = ring_buffer__consume(rb);
		if (n < 0 && n != -EINTR) {
			fprintf(stderr, "poll: %s\n", strerror(-n));
			return 1;
		}
		flush_out();
		__u64 now = now_ns(CLOCK_MONOTONIC);
		adapt(&policy, now);
		if (now >= next_drop_read) {
			read_drops(drops_fd);
			next_drop_read = now + 1000000000ull;
		}
		if (report) {
			report = 0;
			print_counts(drops_fd, cpu0);
		}
	}
	ring_buffer__consume(rb);
	flush_out();
	print_counts(drops_fd, cpu0);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
