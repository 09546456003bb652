/* The open family of security.bpf.c: security.file.sensitive_open,
 * security.container.escape_write and security.injection.proc_mem, on the open/openat/openat2/
 * creat syscall tracepoints or (open_hook: raw) on the raw syscall tracepoints. Included by
 * security.bpf.c after security_common.h: one object. */
#ifndef TAPIO_SECURITY_OPEN_H
#define TAPIO_SECURITY_OPEN_H

/* ---- security.file.sensitive_open, security.container.escape_write,
 * security.injection.proc_mem: the open family ----
 * kind: 1 open 2 openat 3 openat2 4 creat; arg[0] the open flags. The path is the string the
 * caller passed: relative paths are not resolved, symlinks not followed. */

static __always_inline bool ends_with(const char *s, __u32 len, const char *suffix, __u32 n)
{
	if (len < n)
		return false;
	for (__u32 i = 0; i < n; i++) {
		if (s[(len - n + i) & (TAPIO_PATH_MAX - 1)] != suffix[i])
			return false;
	}
	return true;
}

/* Whether the trie can hold a prefix of this path: its head (first cfg.path_head_len bytes,
 * the shortest listed prefix's length up to 8) is a listed prefix's head. Most opens of a
 * host (/usr, /lib, /proc/self, /etc/ld.so.cache...) stop here, before the trie. */
static __always_inline bool may_be_listed(const char *path, __u32 len)
{
	__u32 n = cfg.path_head_len;
	if (n == 0)
		return true; /* a prefix shorter than 2 bytes: every path may match */
	if (len < n || n > 8)
		return false;
	__u64 head = 0;
	__builtin_memcpy(&head, path, 8);
	if (n < 8)
		head &= (1ULL << (n * 8)) - 1;
	return bpf_map_lookup_elem(&path_heads, &head) != 0;
}

/* Whether a read-only open of a path starting with these 8 bytes can match no rule: only the
 * read list applies to it, and its head is no listed prefix's head (or a NUL ends the path
 * before the shortest listed prefix). Decided without copying the path. */
static __always_inline bool read_head_unlisted(__u64 head)
{
	__u32 n = cfg.path_head_len;
	if (n == 0)
		return false;
	if (n > 8)
		return true;
	for (__u32 i = 0; i < 8; i++) {
		if (i < n && ((head >> (i * 8)) & 0xff) == 0)
			return true;
	}
	if (n < 8)
		head &= (1ULL << (n * 8)) - 1;
	return bpf_map_lookup_elem(&path_heads, &head) == 0;
}

static __always_inline int open_enter(const char *user_path, __u64 flags, __u16 kind)
{
	if (!(cfg.enabled & ((1u << TAPIO_SEC_SENSITIVE_OPEN) | (1u << TAPIO_SEC_ESCAPE_WRITE)
			     | (1u << TAPIO_SEC_PROC_MEM))))
		return 0;
	/* The hot path: every open of the host. Most are read-only opens of paths no list holds
	 * (/usr, /lib, /proc/self...): those end after an 8-byte read and one hash lookup. A path
	 * whose 8 bytes cannot be read at once (it ends near an unmapped page) takes the full
	 * copy below. Fields are set only once a rule matched. */
	bool write = flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC);
	__u64 head;
	if (!write && bpf_probe_read_user(&head, sizeof(head), user_path) == 0
	    && read_head_unlisted(head))
		return 0;
	struct pending *p = scratch_pending();
	if (!p)
		return 0;
	long n = bpf_probe_read_user_str(p->path, sizeof(p->path), user_path);
	__u32 len = n > 0 ? (n - 1) & (TAPIO_PATH_MAX - 1) : 0;
	__u32 rules = 0;
	if (len > 1 && may_be_listed(p->path, len)) {
		/* The trie's longest prefix of the path's first bytes, keyed in place. */
		p->prefixlen = (len > TAPIO_SEC_PREFIX_MAX ? TAPIO_SEC_PREFIX_MAX : len) * 8;
		__u32 *lists = bpf_map_lookup_elem(&sensitive_paths, &p->prefixlen);
		if (lists) {
			if ((*lists & TAPIO_SEC_PATH_READ)
			    || ((*lists & TAPIO_SEC_PATH_WRITE) && write))
				rules |= 1u << TAPIO_SEC_SENSITIVE_OPEN;
			if ((*lists & TAPIO_SEC_PATH_ESCAPE) && write)
				rules |= 1u << TAPIO_SEC_ESCAPE_WRITE;
		}
	}
	if (write && ends_with(p->path, len, "/release_agent", 14))
		rules |= 1u << TAPIO_SEC_ESCAPE_WRITE;
	if (write && len > 10 && p->path[0] == '/' && p->path[1] == 'p' && p->path[2] == 'r'
	    && p->path[3] == 'o' && p->path[4] == 'c' && p->path[5] == '/'
	    && ends_with(p->path, len, "/mem", 4))
		rules |= 1u << TAPIO_SEC_PROC_MEM;
	/* One record per open: an escape write before /proc/<pid>/mem before a listed path. */
	rules &= cfg.enabled;
	if (rules & (1u << TAPIO_SEC_ESCAPE_WRITE))
		p->rule = TAPIO_SEC_ESCAPE_WRITE;
	else if (rules & (1u << TAPIO_SEC_PROC_MEM))
		p->rule = TAPIO_SEC_PROC_MEM;
	else if (rules)
		p->rule = TAPIO_SEC_SENSITIVE_OPEN;
	else
		return 0;
	p->kind = kind;
	p->path_len = len;
	p->target_pid = 0;
	p->arg[0] = flags;
	p->arg[1] = p->arg[2] = p->arg[3] = 0;
	store(p);
	return 0;
}

SEC("tp/syscalls/sys_enter_open")
int tapio_sec_enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter((const char *)ctx->args[0], ctx->args[1], 1);
}
EXIT_PROG(open)

SEC("tp/syscalls/sys_enter_openat")
int tapio_sec_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter((const char *)ctx->args[1], ctx->args[2], 2);
}
EXIT_PROG(openat)

SEC("tp/syscalls/sys_enter_openat2")
int tapio_sec_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = 0;
	bpf_probe_read_user(&flags, sizeof(flags), (void *)ctx->args[2]); /* open_how.flags */
	return open_enter((const char *)ctx->args[1], flags, 3);
}
EXIT_PROG(openat2)

SEC("tp/syscalls/sys_enter_creat")
int tapio_sec_enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter((const char *)ctx->args[0], O_CREAT | O_WRONLY | O_TRUNC, 4);
}
EXIT_PROG(creat)

/* The open family on the raw syscall tracepoints instead (rules.sensitive_open.hook: raw,
 * x86-64): no per-call trace record is built, but every syscall of the host runs these two
 * programs, which return at once for other syscall numbers (and, at exit, while nothing is
 * pending). Loaded instead of the four enter/exit pairs above, never with them. */

#define NR_OPEN 2
#define NR_CREAT 85
#define NR_OPENAT 257
#define NR_OPENAT2 437

SEC("tp_btf/sys_enter")
int BPF_PROG(tapio_sec_raw_open_enter, struct pt_regs *regs, long id)
{
	switch (id) {
	case NR_OPENAT:
		return open_enter((const char *)PT_REGS_PARM2_CORE_SYSCALL(regs),
				  PT_REGS_PARM3_CORE_SYSCALL(regs), 2);
	case NR_OPEN:
		return open_enter((const char *)PT_REGS_PARM1_CORE_SYSCALL(regs),
				  PT_REGS_PARM2_CORE_SYSCALL(regs), 1);
	case NR_CREAT:
		return open_enter((const char *)PT_REGS_PARM1_CORE_SYSCALL(regs),
				  O_CREAT | O_WRONLY | O_TRUNC, 4);
	case NR_OPENAT2: {
		__u64 flags = 0;
		bpf_probe_read_user(&flags, sizeof(flags),
				    (void *)PT_REGS_PARM3_CORE_SYSCALL(regs));
		return open_enter((const char *)PT_REGS_PARM2_CORE_SYSCALL(regs), flags, 3);
	}
	default:
		return 0;
	}
}

SEC("tp_btf/sys_exit")
int BPF_PROG(tapio_sec_raw_open_exit, struct pt_regs *regs, long ret)
{
	if (!pending_entries)
		return 0;
	long id = BPF_CORE_READ(regs, orig_ax);
	if (id != NR_OPENAT && id != NR_OPEN && id != NR_CREAT && id != NR_OPENAT2)
		return 0;
	return pending_exit(ret);
}

#endif
