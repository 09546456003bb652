// SPDX-License-Identifier: GPL-2.0
/* Process lifecycle events for Tapio's ebpf_process receiver: exec (with argv), exit, fork.
 * BTF tracepoints only: they load where fentry/kprobes do not. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tapio.h"

char LICENSE[] SEC("license") = "GPL";

/* Must stay the first and only variable in .rodata: the loader writes it at offset 0. */
const volatile struct tapio_process_config cfg = {
	.exec_sample_every = 1,
	.exit_sample_every = 1,
	.fork_sample_every = 0,
	.args_max_bytes = 1024,
	.wakeup_bytes = 1,
};

#include "tapio_ring.h"

#define EXEC_MAX (sizeof(struct tapio_header) + sizeof(struct tapio_exec) + TAPIO_PATH_MAX \
		  + TAPIO_ARGS_MAX)

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[EXEC_MAX]);
} scratch SEC(".maps");

/* Filters and sampling, in that order; counts what it rejects. */
static __always_inline bool wanted(__u32 type, __u32 every, struct task_struct *task)
{
	if (every == 0)
		return false;
	if (cfg.filter_pid && BPF_CORE_READ(task, tgid) != cfg.filter_pid) {
		count_drop(type, TAPIO_DROP_FILTERED);
		return false;
	}
	if (cfg.filter_cgroup_id && bpf_get_current_cgroup_id() != cfg.filter_cgroup_id) {
		count_drop(type, TAPIO_DROP_FILTERED);
		return false;
	}
	if (every > 1 && bpf_get_prandom_u32() % every != 0) {
		count_drop(type, TAPIO_DROP_SAMPLED);
		return false;
	}
	return true;
}

static __always_inline void fill_header(struct tapio_header *h, __u32 type, __u32 size,
					struct task_struct *task)
{
	__u64 uid_gid = bpf_get_current_uid_gid();
	h->ktime_ns = bpf_ktime_get_boot_ns();
	h->type = type;
	h->size = size;
	h->pid = BPF_CORE_READ(task, tgid);
	h->tid = BPF_CORE_READ(task, pid);
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->pad = 0;
	h->cgroup_id = bpf_get_current_cgroup_id();
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tapio_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	if (!wanted(TAPIO_EVENT_EXEC, cfg.exec_sample_every, task))
		return 0;
	__u32 zero = 0;
	char *buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return 0;
	struct tapio_header *h = (void *)buf;
	struct tapio_exec *e = (void *)(buf + sizeof(*h));
	char *var = buf + sizeof(*h) + sizeof(*e);

	e->start_ns = BPF_CORE_READ(task, start_boottime);
	e->flags = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));

	const char *filename = BPF_CORE_READ(bprm, filename);
	long n = bpf_probe_read_kernel_str(var, TAPIO_PATH_MAX, filename);
	if (n < 0)
		n = 0;
	if (n == TAPIO_PATH_MAX)
		e->flags |= TAPIO_EXEC_FILENAME_TRUNCATED;
	__u32 flen = n > 0 ? n - 1 : 0; /* without the NUL */
	flen &= TAPIO_PATH_MAX - 1;
	e->filename_len = flen;

	unsigned long arg_start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(task, mm, arg_end);
	__u32 want = arg_end > arg_start ? arg_end - arg_start : 0;
	__u32 max = cfg.args_max_bytes;
	if (max > TAPIO_ARGS_MAX)
		max = TAPIO_ARGS_MAX;
	if (want > max) {
		want = max;
		e->flags |= TAPIO_EXEC_ARGS_TRUNCATED;
	}
	if (want > TAPIO_ARGS_MAX) /* keeps the verifier's bound */
		want = TAPIO_ARGS_MAX;
	char *args = var + flen;
	if (want > 0 && bpf_probe_read_user(args, want, (void *)arg_start) < 0)
		want = 0;

	/* Splitting argv at its NULs and the argument-count limit are the reader's job: a loop
	 * over up to 4 KiB here costs more verifier budget than it saves. */
	e->args_len = want;
	e->args_count = 0;

	__u32 size = sizeof(*h) + sizeof(*e) + flen + want;
	if (size > EXEC_MAX)
		size = EXEC_MAX;
	fill_header(h, TAPIO_EVENT_EXEC, size, task);
	if (bpf_ringbuf_output(&events, buf, size, wakeup_flags()) < 0)
		count_drop(TAPIO_EVENT_EXEC, TAPIO_DROP_RINGBUF_FULL);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tapio_exit, struct task_struct *p)
{
	struct task_struct *task = bpf_get_current_task_btf();
	/* One event per process: when its leader thread exits. */
	if (BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid))
		return 0;
	if (!wanted(TAPIO_EVENT_EXIT, cfg.exit_sample_every, task))
		return 0;
	struct {
		struct tapio_header h;
		struct tapio_exit e;
	} *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_drop(TAPIO_EVENT_EXIT, TAPIO_DROP_RINGBUF_FULL);
		return 0;
	}
	fill_header(&r->h, TAPIO_EVENT_EXIT, sizeof(*r), task);
	r->e.start_ns = BPF_CORE_READ(task, start_boottime);
	r->e.exit_code = BPF_CORE_READ(task, exit_code);
	r->e.pad = 0;
	bpf_get_current_comm(r->e.comm, sizeof(r->e.comm));
	bpf_ringbuf_submit(r, wakeup_flags());
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tapio_fork, struct task_struct *parent, struct task_struct *child)
{
	/* New processes only, not threads. */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	if (!wanted(TAPIO_EVENT_FORK, cfg.fork_sample_every, task))
		return 0;
	struct {
		struct tapio_header h;
		struct tapio_fork f;
	} *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_drop(TAPIO_EVENT_FORK, TAPIO_DROP_RINGBUF_FULL);
		return 0;
	}
	fill_header(&r->h, TAPIO_EVENT_FORK, sizeof(*r), task);
	r->f.child_pid = BPF_CORE_READ(child, tgid);
	r->f.pad = 0;
	r->f.child_start_ns = BPF_CORE_READ(child, start_boottime);
	bpf_ringbuf_submit(r, wakeup_flags());
	return 0;
}
