/* Shared between the BPF programs and, by layout, the Java decoders in dev.tapio.bpf.
 * Every record starts with struct tapio_header; multi-byte fields are little-endian (host). */
#ifndef TAPIO_H
#define TAPIO_H

#define TAPIO_COMM_LEN 16

enum tapio_event_type {
	TAPIO_EVENT_EXEC = 1,
	TAPIO_EVENT_EXIT = 2,
	TAPIO_EVENT_FORK = 3,
	TAPIO_EVENT_BENCH = 100,
};

/* Index into the per-CPU drop counter array: type * TAPIO_DROP_REASONS + reason. */
enum tapio_drop_reason {
	TAPIO_DROP_RINGBUF_FULL = 0,
	TAPIO_DROP_SAMPLED = 1,
	TAPIO_DROP_FILTERED = 2,
	TAPIO_DROP_AGGREGATED = 3, /* folded into an in-kernel aggregate, not lost */
	TAPIO_DROP_REASONS = 4,
};
#define TAPIO_DROP_SLOTS 32

/* 48 bytes */
struct tapio_header {
	__u64 ktime_ns;   /* bpf_ktime_get_boot_ns() at the event */
	__u32 type;
	__u32 size;       /* whole record, header included */
	__u32 pid;        /* thread group id: the process */
	__u32 tid;
	__u32 ppid;       /* real parent's thread group id */
	__u32 uid;
	__u32 gid;
	__u32 pad;
	__u64 cgroup_id;  /* cgroup v2 id of the task */
};

#define TAPIO_PATH_MAX 256
#define TAPIO_ARGS_MAX 4096

/* exec: header, then this, then `filename_len` bytes of path, then `args_len` bytes of
 * NUL-separated argv. */
struct tapio_exec {
	__u64 start_ns;       /* task start, boot-time ns */
	__u16 filename_len;
	__u16 args_len;
	__u16 args_count;     /* 0: the reader splits args at NULs */
	__u16 flags;          /* TAPIO_EXEC_* */
	char comm[TAPIO_COMM_LEN];
};
#define TAPIO_EXEC_ARGS_TRUNCATED 1
#define TAPIO_EXEC_FILENAME_TRUNCATED 2

/* exit: header, then this. */
struct tapio_exit {
	__u64 start_ns;
	__s32 exit_code;      /* raw wait status: (code << 8) | signal */
	__u32 pad;
	char comm[TAPIO_COMM_LEN];
};

/* fork: header (the parent), then this. */
struct tapio_fork {
	__u32 child_pid;
	__u32 pad;
	__u64 child_start_ns;
};

/* Read-only configuration, set by the loader in .rodata before load. */
struct tapio_process_config {
	__u32 exec_sample_every;   /* keep 1 in N; 0 turns the event off */
	__u32 exit_sample_every;
	__u32 fork_sample_every;
	__u32 filter_pid;          /* only this process (tgid) when non-zero */
	__u64 filter_cgroup_id;    /* only this cgroup when non-zero */
	__u32 args_max_bytes;      /* <= TAPIO_ARGS_MAX */
	__u32 pad;
	__u64 wakeup_bytes;        /* wake the consumer once this much is pending */
};

#endif
