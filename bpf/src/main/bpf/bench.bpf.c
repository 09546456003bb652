// SPDX-License-Identifier: GPL-2.0
/* Synthetic event generator for benchmarks/: one 64-byte record per getppid(2) of one process (raw
 * sys_enter, filtered by syscall number and pid),
 * so that the ring buffer consumer, not the event source, is what a benchmark measures. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tapio.h"

/* getppid(2)'s number: the raw sys_enter tracepoint sees every syscall of every process. */
#if defined(__TARGET_ARCH_x86)
#define NR_GETPPID 110
#elif defined(__TARGET_ARCH_arm64)
#define NR_GETPPID 173
#else
#error "add getppid's syscall number for this architecture"
#endif

char LICENSE[] SEC("license") = "GPL";

struct tapio_bench_config {
	__u32 filter_pid;   /* only this process (tgid); 0 would count every caller */
	__u32 pad;
	__u64 wakeup_bytes; /* wake the consumer once this much is pending */
};

/* Must stay the first and only variable in .rodata: the loader writes it at offset 0. */
const volatile struct tapio_bench_config cfg = {
	.filter_pid = 0,
	.wakeup_bytes = 1,
};

/* 64 bytes: the header, a sequence number to check order and loss, padding. */
struct tapio_bench {
	struct tapio_header h;
	__u64 seq;
	__u64 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20); /* replaced by the loader */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TAPIO_DROP_REASONS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* The adaptive wake-up threshold, as in tapio_ring.h (0: cfg.wakeup_bytes). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} wakeup SEC(".maps");

/* Next sequence number (in .bss, not .rodata); atomic because the producer may migrate. */
__u64 next_seq = 0;

/* A BTF tracepoint rather than tp/syscalls/sys_enter_getppid: it needs no tracefs mount, and
 * the two compares below are cheap next to a syscall. */
SEC("tp_btf/sys_enter")
int BPF_PROG(tapio_bench, struct pt_regs *regs, long id)
{
	if (id != NR_GETPPID)
		return 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if ((__u32)(pid_tgid >> 32) != cfg.filter_pid)
		return 0;
	/* Queried before the reserve, as the process program does. */
	__u32 zero = 0;
	__u64 *adaptive = bpf_map_lookup_elem(&wakeup, &zero);
	__u64 threshold = adaptive && *adaptive ? *adaptive : cfg.wakeup_bytes;
	/* 1: every record (tapio_ring.h) */
	__u64 flags = threshold <= 1 || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= threshold
		? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	__u64 seq = __sync_fetch_and_add(&next_seq, 1);
	struct tapio_bench *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		__u32 slot = TAPIO_DROP_RINGBUF_FULL;
		__u64 *n = bpf_map_lookup_elem(&drops, &slot);
		if (n)
			*n += 1;
		return 0;
	}
	__u64 uid_gid = bpf_get_current_uid_gid();
	r->h.ktime_ns = bpf_ktime_get_boot_ns();
	r->h.type = TAPIO_EVENT_BENCH;
	r->h.size = sizeof(*r);
	r->h.pid = pid_tgid >> 32;
	r->h.tid = (__u32)pid_tgid;
	r->h.ppid = 0;
	r->h.uid = (__u32)uid_gid;
	r->h.gid = uid_gid >> 32;
	r->h.pad = 0;
	r->h.cgroup_id = bpf_get_current_cgroup_id();
	r->seq = seq;
	r->pad = 0;
	bpf_ringbuf_submit(r, flags);
	return 0;
}

/* The floor under any open-family hook (SecurityOverheadBench): programs that do nothing, on the
 * syscall tracepoints the ebpf_security receiver uses for opens. What they cost is the price of
 * the tracepoints themselves, which no program body can avoid. */
SEC("tracepoint/syscalls/sys_enter_openat")
int tapio_floor_enter_openat(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int tapio_floor_exit_openat(void *ctx)
{
	return 0;
}
