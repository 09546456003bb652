/* The shared part of security.bpf.c: its maps, the two-phase syscall bookkeeping (`pending`
 * by thread, EXIT_PROG), and emit(), which applies the filters and the rate limit, walks the
 * executable's path and writes the record. Include after `cfg` and tapio_ring.h. */
#ifndef TAPIO_SECURITY_H
#define TAPIO_SECURITY_H

#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define CLONE_NEW_ANY (0x00000080 | 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 \
		       | 0x10000000 | 0x20000000 | 0x40000000)
#define SIGSYS 31
#define SYS_SECCOMP 1
#define BPF_PROG_LOAD_CMD 5
#define RECORD_FIXED (sizeof(struct tapio_header) + sizeof(struct tapio_security) \
		      + TAPIO_PATH_MAX)

struct pending {
	__u32 rule;      /* the rule this call may report */
	__u16 kind;
	__u16 path_len;
	__u32 target_pid;
	/* prefixlen then path: a struct tapio_sec_path_key in place, the trie's lookup key
	 * without a copy. */
	__u32 prefixlen;
	char path[TAPIO_PATH_MAX];
	__u64 arg[4];
};

/* Calls between their enter and exit that a rule may report, by thread. Only matched calls
 * are stored, so 16384 threads inside such a call at once is far beyond need; were it full, a
 * call would go unreported and uncounted. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);           /* thread id */
	__type(value, struct pending);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending);
} pending_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	/* argv's room doubled: the read's length is masked for the verifier, see emit() */
	__type(value, char[RECORD_FIXED + TAPIO_SEC_EXE_MAX + 2 * TAPIO_SEC_ARGS_MAX]);
} scratch SEC(".maps");
_Static_assert(RECORD_FIXED + TAPIO_SEC_EXE_MAX + TAPIO_SEC_ARGS_MAX < 2048
	       && RECORD_FIXED + TAPIO_SEC_EXE_MAX + 2 * TAPIO_SEC_ARGS_MAX >= 2048,
	       "emit() masks the record size with 2047");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TAPIO_SEC_RULES * TAPIO_SEC_STATS);
	__type(key, __u32);
	__type(value, __u64);
} rule_stats SEC(".maps");

/* The first cfg.path_head_len bytes (at most 8) of every listed prefix, as a little-endian
 * u64 zero-padded: a path whose head is not here cannot match, and skips the trie. Filled by
 * the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u8);
} path_heads SEC(".maps");

/* Path prefixes of sensitive_open and escape_write, filled by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct tapio_sec_path_key);
	__type(value, __u32);
} sensitive_paths SEC(".maps");

/* Executables (file names) whose events are not reported, filled by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[TAPIO_SEC_NAME_MAX]);
	__type(value, __u8);
} excluded_exe SEC(".maps");

/* cgroup v2 ids whose tasks (and their descendants' tasks) are not reported, filled by the
 * loader; looked up only when cfg.exclude_cgroups is set. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u8);
} excluded_cgroups SEC(".maps");

/* Whether the current task's cgroup, or one of its ancestors, is excluded. */
static __always_inline bool cgroup_excluded(void)
{
	for (int level = 0; level < 16; level++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(level);
		if (!id)
			return false;
		if (bpf_map_lookup_elem(&excluded_cgroups, &id))
			return true;
	}
	return false;
}

struct rate_key {
	__u32 tgid;
	__u32 rule;
};
struct rate_window {
	__u64 start_ns;
	__u64 count;
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct rate_key);
	__type(value, struct rate_window);
} rate SEC(".maps");

/* ---- shared helpers ---- */

static __always_inline bool enabled(__u32 rule)
{
	return cfg.enabled & (1u << rule);
}

static __always_inline void stat(__u32 rule, __u32 column)
{
	__u32 slot = rule * TAPIO_SEC_STATS + column;
	__u64 *n = bpf_map_lookup_elem(&rule_stats, &slot);
	if (n)
		*n += 1;
}

/* A fixed-window limit per process and rule: at most cfg.rate_limit[rule] per second. */
static __always_inline bool rate_limited(__u32 tgid, __u32 rule)
{
	if (rule >= TAPIO_SEC_RULES)
		return false;
	__u32 limit = cfg.rate_limit[rule];
	if (limit == 0)
		return false;
	struct rate_key k = { .tgid = tgid, .rule = rule };
	__u64 now = bpf_ktime_get_boot_ns();
	struct rate_window *w = bpf_map_lookup_elem(&rate, &k);
	if (!w || now - w->start_ns >= 1000000000ULL) {
		struct rate_window fresh = { .start_ns = now, .count = 1 };
		bpf_map_update_elem(&rate, &k, &fresh, BPF_ANY);
		return false;
	}
	if (w->count >= limit)
		return true;
	__sync_fetch_and_add(&w->count, 1);
	return false;
}

static __always_inline __u32 tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

/* The per-CPU scratch entry as the last user left it. */
static __always_inline struct pending *scratch_pending(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&pending_scratch, &zero);
}

static __always_inline struct pending *fresh_pending(void)
{
	struct pending *p = scratch_pending();
	if (p) {
		p->rule = TAPIO_SEC_RULES;
		p->kind = 0;
		p->path_len = 0;
		p->target_pid = 0;
		p->arg[0] = p->arg[1] = p->arg[2] = p->arg[3] = 0;
	}
	return p;
}

/* Entries in `pending`: while none, every exit program returns without a hash lookup (most
 * syscalls of the host match no rule). An entry of a task killed inside its syscall is never
 * deleted and keeps this above zero: lookups then always happen, results stay right. */
__u64 pending_entries = 0;

static __always_inline void store(struct pending *p)
{
	__u32 t = tid();
	if (bpf_map_update_elem(&pending, &t, p, BPF_NOEXIST) == 0)
		__sync_fetch_and_add(&pending_entries, 1);
	else
		bpf_map_update_elem(&pending, &t, p, BPF_EXIST);
}

static __always_inline void unstore(__u32 t)
{
	if (bpf_map_delete_elem(&pending, &t) == 0)
		__sync_fetch_and_sub(&pending_entries, 1);
}

static __always_inline void read_user_path(struct pending *p, const char *user)
{
	long n = bpf_probe_read_user_str(p->path, sizeof(p->path), user);
	p->path_len = n > 0 ? (n - 1) & (TAPIO_PATH_MAX - 1) : 0;
}

/* The executable's path as the task sees it (up to its root directory, across mounts):
 * names leaf first in slots of TAPIO_SEC_EXE_SLOT bytes, each NUL-terminated (longer names
 * are cut: TAPIO_SEC_F_EXE_TRUNCATED), empty slots skipped. Fixed slots keep the verifier's
 * states prunable.
 * Returns the bytes used (a multiple of the slot). */
static __always_inline __u32 exe_path(struct task_struct *task, char *out, __u32 *flags)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	if (!exe)
		return 0;
	struct dentry *d = BPF_CORE_READ(exe, f_path.dentry);
	struct vfsmount *vm = BPF_CORE_READ(exe, f_path.mnt);
	struct mount *m = container_of(vm, struct mount, mnt);
	struct dentry *task_root = BPF_CORE_READ(task, fs, root.dentry);
	struct vfsmount *task_root_mnt = BPF_CORE_READ(task, fs, root.mnt);
	/* One slot per step, a mount crossing leaving its slot empty: the loop counter is the
	 * only varying state. */
	int i = 0;
	for (; i < TAPIO_SEC_EXE_SLOTS; i++) {
		if (d == task_root && &m->mnt == task_root_mnt)
			return i * TAPIO_SEC_EXE_SLOT;
		char *dst = out + i * TAPIO_SEC_EXE_SLOT;
		struct dentry *root = BPF_CORE_READ(m, mnt.mnt_root);
		if (d == root) {
			struct mount *parent = BPF_CORE_READ(m, mnt_parent);
			if (parent == m)
				return i * TAPIO_SEC_EXE_SLOT;
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = parent;
			dst[0] = 0;
			continue;
		}
		struct dentry *up = BPF_CORE_READ(d, d_parent);
		if (up == d)
			return i * TAPIO_SEC_EXE_SLOT;
		const unsigned char *name = BPF_CORE_READ(d, d_name.name);
		if (bpf_probe_read_kernel_str(dst, TAPIO_SEC_EXE_SLOT, name) == TAPIO_SEC_EXE_SLOT)
			*flags |= TAPIO_SEC_F_EXE_TRUNCATED;
		d = up;
	}
	*flags |= TAPIO_SEC_F_EXE_TRUNCATED;
	return TAPIO_SEC_EXE_MAX;
}

static __always_inline bool other_mnt_ns(struct task_struct *task)
{
	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) != cfg.host_mnt_ns;
}

/* Filters, rate limit, then one record to the ring; counts each outcome. */
static __always_inline void emit(__u32 rule, __u16 kind, __s64 ret, __u64 *arg,
				 const char *path, __u16 path_len, __u32 target_pid)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = BPF_CORE_READ(task, tgid);
	stat(rule, TAPIO_SEC_STAT_MATCHED);
	if (cfg.self_tgid && tgid == cfg.self_tgid) {
		stat(rule, TAPIO_SEC_STAT_FILTERED);
		return;
	}
	if (cfg.exclude_cgroups && cgroup_excluded()) {
		stat(rule, TAPIO_SEC_STAT_FILTERED);
		return;
	}
	__u32 flags = other_mnt_ns(task) ? TAPIO_SEC_F_OTHER_MNT_NS : 0;
	if (cfg.containers_only && !(flags & TAPIO_SEC_F_OTHER_MNT_NS)) {
		stat(rule, TAPIO_SEC_STAT_FILTERED);
		return;
	}
	__u32 zero = 0;
	char *buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return;
	struct tapio_header *h = (void *)buf;
	struct tapio_security *e = (void *)(buf + sizeof(*h));
	char *exe = buf + RECORD_FIXED;
	__u32 exe_len = exe_path(task, exe, &flags);
	if (exe_len > TAPIO_SEC_EXE_MAX)
		exe_len = TAPIO_SEC_EXE_MAX;
	/* The leaf name is the executable's file name: the exclusion key. */
	char key[TAPIO_SEC_NAME_MAX] = {};
	if (exe_len > 0) {
		bpf_probe_read_kernel_str(key, sizeof(key), exe);
		if (bpf_map_lookup_elem(&excluded_exe, key)) {
			stat(rule, TAPIO_SEC_STAT_FILTERED);
			return;
		}
	}
	if (rate_limited(tgid, rule)) {
		stat(rule, TAPIO_SEC_STAT_RATE_LIMITED);
		return;
	}
	__u64 uid_gid = bpf_get_current_uid_gid();
	h->ktime_ns = bpf_ktime_get_boot_ns();
	h->type = rule;
	h->pid = tgid;
	h->tid = BPF_CORE_READ(task, pid);
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->pad = 0;
	h->cgroup_id = bpf_get_current_cgroup_id();
	e->rule = rule;
	e->kind = kind;
	e->exe_len = exe_len;
	e->flags = flags;
	e->target_pid = target_pid;
	e->ret = ret;
	e->arg[0] = arg[0];
	e->arg[1] = arg[1];
	e->arg[2] = arg[2];
	e->arg[3] = arg[3];
	e->euid = BPF_CORE_READ(task, cred, euid.val);
	e->egid = BPF_CORE_READ(task, cred, egid.val);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	char *p = buf + sizeof(*h) + sizeof(*e);
	path_len &= TAPIO_PATH_MAX - 1;
	e->path_len = path_len;
	if (path && path_len)
		bpf_probe_read_kernel(p, path_len, path);
	/* argv as the process has it now, read from its own memory (the current task): the
	 * first TAPIO_SEC_ARGS_MAX bytes; none for kernel threads or when not paged in. */
	__u32 args_len = 0;
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	if (mm) {
		unsigned long start = BPF_CORE_READ(mm, arg_start);
		unsigned long end = BPF_CORE_READ(mm, arg_end);
		args_len = end > start ? end - start : 0;
		if (args_len > TAPIO_SEC_ARGS_MAX) {
			args_len = TAPIO_SEC_ARGS_MAX;
			e->flags |= TAPIO_SEC_F_ARGS_TRUNCATED;
		}
		/* The mask changes nothing (args_len <= TAPIO_SEC_ARGS_MAX) but bounds the length
		 * for the verifier, which loses the comparison above across the compiler's moves;
		 * the empty asm keeps the compiler from dropping the mask as redundant. */
		__u32 n = args_len;
		asm volatile("" : "+r"(n));
		n &= 2 * TAPIO_SEC_ARGS_MAX - 1;
		if (n > 0 && bpf_probe_read_user(exe + exe_len, n, (void *)start) < 0)
			args_len = 0;
	}
	e->args_len = args_len;
	e->pad16 = 0;
	e->pad32 = 0;
	/* At most RECORD_FIXED + EXE_MAX + ARGS_MAX (< 2048, asserted below); the mask is for the
	 * verifier, as above. */
	__u32 size = RECORD_FIXED + exe_len + args_len;
	asm volatile("" : "+r"(size));
	size &= 2047;
	h->size = size;
	if (bpf_ringbuf_output(&events, buf, size, wakeup_flags()) < 0)
		stat(rule, TAPIO_SEC_STAT_RING_FULL);
	else
		stat(rule, TAPIO_SEC_STAT_EMITTED);
}

/* The current thread's pending entry (its id into *t), or 0: most calls find nothing pending
 * anywhere and end at the counter. */
static __always_inline struct pending *current_pending(__u32 *t)
{
	if (!pending_entries)
		return 0;
	*t = tid();
	return bpf_map_lookup_elem(&pending, t);
}

/* One record for the rule the enter kept, with the result; the entry is released. Failed calls
 * are reported only for rules configured so (cfg.failures). */
static __always_inline int pending_finish(struct pending *p, __u32 t, long ret)
{
	__u32 rule = p->rule;
	if (rule >= TAPIO_SEC_RULES) {
		unstore(t);
		return 0;
	}
	if (ret < 0 && !(cfg.failures & (1u << rule))) {
		stat(rule, TAPIO_SEC_STAT_MATCHED);
		stat(rule, TAPIO_SEC_STAT_FILTERED);
	} else {
		emit(rule, p->kind, ret, p->arg, p->path, p->path_len, p->target_pid);
	}
	unstore(t);
	return 0;
}

/* The exit of every two-phase syscall. */
static __always_inline int pending_exit(long ret)
{
	__u32 t;
	struct pending *p = current_pending(&t);
	return p ? pending_finish(p, t, ret) : 0;
}

#define EXIT_PROG(name) \
	SEC("tp/syscalls/sys_exit_" #name) \
	int tapio_sec_exit_##name(struct trace_event_raw_sys_exit *ctx) \
	{ \
		return pending_exit(ctx->ret); \
	}

#endif
