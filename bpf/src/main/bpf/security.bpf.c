// SPDX-License-Identifier: GPL-2.0
/* Security detections for Tapio's ebpf_security receiver. Syscall tracepoints and BTF
 * tracepoints only (no kprobes, fentry or LSM here). One section per rule; a syscall with a
 * result is seen twice: its enter stores what it was asked in `pending` (by thread), its exit
 * decides with the result and emits. The loader loads only the programs of enabled rules.
 * Maps and shared helpers: security_common.h; the open family: security_open.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "tapio.h"

char LICENSE[] SEC("license") = "GPL";

/* Must stay the first and only variable in .rodata: the loader writes it at offset 0. */
const volatile struct tapio_security_config cfg = {
	.wakeup_bytes = 1,
	.enabled = 0xffffffff,
};

#include "tapio_ring.h"

#include "security_common.h"

/* ---- security.privilege.setuid: set*uid / set*gid to another id or to root ----
 * kind: 1 setuid 2 setreuid 3 setresuid 4 setfsuid 5 setgid 6 setregid 7 setresgid
 * 8 setfsgid; arg[0..2] the requested ids (real, effective, saved; (u32)-1 = unchanged). */

static __always_inline int setid_enter(struct trace_event_raw_sys_enter *ctx, __u16 kind,
				       int count)
{
	if (!enabled(TAPIO_SEC_SETUID))
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	bool gid = kind >= 5;
	__u32 real = gid ? BPF_CORE_READ(task, cred, gid.val) : BPF_CORE_READ(task, cred, uid.val);
	__u32 eff = gid ? BPF_CORE_READ(task, cred, egid.val) : BPF_CORE_READ(task, cred, euid.val);
	__u32 ids[3] = { ctx->args[0], count > 1 ? ctx->args[1] : -1, count > 2 ? ctx->args[2] : -1 };
	bool interesting = false;
	for (int i = 0; i < 3; i++) {
		if (ids[i] != (__u32)-1 && (ids[i] != real || ids[i] != eff))
			interesting = true;
	}
	if (!interesting)
		return 0;
	struct pending *p = fresh_pending();
	if (!p)
		return 0;
	p->rule = TAPIO_SEC_SETUID;
	p->kind = kind;
	p->arg[0] = ids[0];
	p->arg[1] = ids[1];
	p->arg[2] = ids[2];
	store(p);
	return 0;
}

#define SETID(name, kind, count) \
	SEC("tp/syscalls/sys_enter_" #name) \
	int tapio_sec_enter_##name(struct trace_event_raw_sys_enter *ctx) \
	{ \
		return setid_enter(ctx, kind, count); \
	} \
	EXIT_PROG(name)

SETID(setuid, 1, 1)
SETID(setreuid, 2, 2)
SETID(setresuid, 3, 3)
SETID(setfsuid, 4, 1)
SETID(setgid, 5, 1)
SETID(setregid, 6, 2)
SETID(setresgid, 7, 3)
SETID(setfsgid, 8, 1)

#include "security_open.h"

/* ---- security.privilege.capset ----
 * arg[0] effective, arg[1] permitted, arg[2] inheritable (64-bit masks), target_pid the
 * header's pid (0: the caller). */

SEC("tp/syscalls/sys_enter_capset")
int tapio_sec_enter_capset(struct trace_event_raw_sys_enter *ctx)
{
	if (!enabled(TAPIO_SEC_CAPSET))
		return 0;
	struct pending *p = fresh_pending();
	if (!p)
		return 0;
	struct { __u32 version; int pid; } hdr = {};
	struct { __u32 effective, permitted, inheritable; } data[2] = {};
	bpf_probe_read_user(&hdr, sizeof(hdr), (void *)ctx->args[0]);
	bpf_probe_read_user(&data, sizeof(data), (void *)ctx->args[1]);
	p->rule = TAPIO_SEC_CAPSET;
	p->kind = 1;
	p->target_pid = hdr.pid;
	p->arg[0] = data[0].effective | (__u64)data[1].effective << 32;
	p->arg[1] = data[0].permitted | (__u64)data[1].permitted << 32;
	p->arg[2] = data[0].inheritable | (__u64)data[1].inheritable << 32;
	store(p);
	return 0;
}
EXIT_PROG(capset)

/* ---- security.injection.ptrace: requests that take control of or write to a process ----
 * kind 1; arg[0] the request, arg[1] the address; target_pid the tracee. */

SEC("tp/syscalls/sys_enter_ptrace")
int tapio_sec_enter_ptrace(struct trace_event_raw_sys_enter *ctx)
{
	if (!enabled(TAPIO_SEC_PTRACE))
		return 0;
	long request = ctx->args[0];
	switch (request) {
	case 4:      /* PTRACE_POKETEXT */
	case 5:      /* PTRACE_POKEDATA */
	case 6:      /* PTRACE_POKEUSER */
	case 13:     /* PTRACE_SETREGS */
	case 15:     /* PTRACE_SETFPREGS */
	case 16:     /* PTRACE_ATTACH */
	case 0x4205: /* PTRACE_SETREGSET */
	case 0x4206: /* PTRACE_SEIZE */
		break;
	default:
		return 0;
	}
	struct pending *p = fresh_pending();
	if (!p)
		return 0;
	p->rule = TAPIO_SEC_PTRACE;
	p->kind = 1;
	p->target_pid = ctx->args[1];
	p->arg[0] = request;
	p->arg[1] = ctx->args[2];
	store(p);
	return 0;
}
EXIT_PROG(ptrace)

/* ---- security.injection.process_vm_writev: writes into another process's memory ----
 * kind 1; target_pid the process written to; ret the bytes written. */

SEC("tp/syscalls/sys_enter_process_vm_writev")
int tapio_sec_enter_process_vm_writev(struct trace_event_raw_sys_enter *ctx)
{
	if (!enabled(TAPIO_SEC_VM_WRITE))
		return 0;
	struct pending *p = fresh_pending();
	if (!p)
		return 0;
	p->rule = TAPIO_SEC_VM_WRITE;
	p->kind = 1;
	p->target_pid = ctx->args[0];
	store(p);
	return 0;
}
EXIT_PROG(process_vm_writev)

/* ---- security.kernel.bpf: BPF_PROG_LOAD ----
 * kind 1; arg[0] the program type (bpf_attr.prog_type). Tapio's own loads are excluded as its
 * own process (cfg.self_tgid). */

SEC("tp/syscalls/sys_enter_bpf")
int tapio_sec_enter_bpf(struct trace_event_raw_sys_enter *ctx)
{
	if (!enabled(TAPIO_SEC_BPF) || ctx->args[0] != BPF_PROG_LOAD_CMD)
		return 0;
	struct pending *p = fresh_pending();
	if (!p)
		return 0;
	__u32 prog_type = 0;
	bpf_probe_read_user(&prog_type, sizeof(prog_type), (void *)ctx->args[1]);
	p->rule = TAPIO_SEC_BPF;
	p->kind = 1;
	p->arg[0] = prog_type;
	store(p);
	return 0;
}
EXIT_PROG(bpf)

/* ---- security.file.setuid_bit: chmod family with S_ISUID or S_ISGID ----
 * kind: 1 chmod 2 fchmod 3 fchmodat 4 fchmodat2; arg[0] the mode; arg[1] the fd (fchmod). */

static __always_inline int chmod_enter(const char *user_path, __u64 mode, __u16 kind, long fd)
{
	if (!enabled(TAPIO_SEC_SETUID_BIT) || !(mode & 06000))
		return 0;
	struct pending *p = fresh_pending();
	if (!p)
		return 0;
	if (user_path)
		read_user_path(p, user_path);
	p->rule = TAPIO_SEC_SETUID_BIT;
	p->kind = kind;
	p->arg[0] = mode & 07777;
	p->arg[1] = fd;
	store(p);
	return 0;
}

SEC("tp/syscalls/sys_enter_chmod")
int tapio_sec_enter_chmod(struct trace_event_raw_sys_enter *ctx)
{
	return chmod_enter((const char *)ctx->args[0], ctx->args[1], 1, -1);
}
EXIT_PROG(chmod)

SEC("tp/syscalls/sys_enter_fchmod")
int tapio_sec_enter_fchmod(struct trace_event_raw_sys_enter *ctx)
{
	return chmod_enter(0, ctx->args[1], 2, ctx->args[0]);
}
EXIT_PROG(fchmod)

SEC("tp/syscalls/sys_enter_fchmodat")
int tapio_sec_enter_fchmodat(struct trace_event_raw_sys_enter *ctx)
{
	return chmod_enter((const char *)ctx->args[1], ctx->args[2], 3, -1);
}
EXIT_PROG(fchmodat)

SEC("tp/syscalls/sys_enter_fchmodat2")
int tapio_sec_enter_fchmodat2(struct trace_event_raw_sys_enter *ctx)
{
	return chmod_enter((const char *)ctx->args[1], ctx->args[2], 4, -1);
}
EXIT_PROG(fchmodat2)

/* ---- security.container.namespace_change: setns, unshare, clone with CLONE_NEW* ----
 * kind: 1 setns 2 unshare 3 clone 4 clone3; arg[0] the flags (setns: nstype), arg[1] the fd
 * (setns). */

static __always_inline int ns_enter(__u64 flags, __u16 kind, long fd)
{
	if (!enabled(TAPIO_SEC_NAMESPACE))
		return 0;
	if (kind != 1 && !(flags & CLONE_NEW_ANY))
		return 0;
	struct pending *p = fresh_pending();
	if (!p)
		return 0;
	p->rule = TAPIO_SEC_NAMESPACE;
	p->kind = kind;
	p->arg[0] = flags;
	p->arg[1] = fd;
	store(p);
	return 0;
}

SEC("tp/syscalls/sys_enter_setns")
int tapio_sec_enter_setns(struct trace_event_raw_sys_enter *ctx)
{
	return ns_enter(ctx->args[1], 1, ctx->args[0]);
}
EXIT_PROG(setns)

SEC("tp/syscalls/sys_enter_unshare")
int tapio_sec_enter_unshare(struct trace_event_raw_sys_enter *ctx)
{
	return ns_enter(ctx->args[0], 2, -1);
}
EXIT_PROG(unshare)

SEC("tp/syscalls/sys_enter_clone")
int tapio_sec_enter_clone(struct trace_event_raw_sys_enter *ctx)
{
	return ns_enter(ctx->args[0], 3, -1);
}
EXIT_PROG(clone) /* the child returns too, on its own thread id: no pending entry */

SEC("tp/syscalls/sys_enter_clone3")
int tapio_sec_enter_clone3(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = 0;
	bpf_probe_read_user(&flags, sizeof(flags), (void *)ctx->args[0]); /* clone_args.flags */
	return ns_enter(flags, 4, -1);
}
EXIT_PROG(clone3)

/* ---- security.container.mount: mount, move_mount, fsmount, open_tree, pivot_root ----
 * kind: 1 mount 2 move_mount 3 fsmount 4 open_tree 5 pivot_root; the path is the target
 * (mount, move_mount), the source tree (open_tree) or the new root (pivot_root); arg[0] the
 * flags. */

static __always_inline int mount_enter(const char *user_path, __u64 flags, __u16 kind)
{
	if (!enabled(TAPIO_SEC_MOUNT))
		return 0;
	struct pending *p = fresh_pending();
	if (!p)
		return 0;
	if (user_path)
		read_user_path(p, user_path);
	p->rule = TAPIO_SEC_MOUNT;
	p->kind = kind;
	p->arg[0] = flags;
	store(p);
	return 0;
}

SEC("tp/syscalls/sys_enter_mount")
int tapio_sec_enter_mount(struct trace_event_raw_sys_enter *ctx)
{
	return mount_enter((const char *)ctx->args[1], ctx->args[3], 1);
}
EXIT_PROG(mount)

SEC("tp/syscalls/sys_enter_move_mount")
int tapio_sec_enter_move_mount(struct trace_event_raw_sys_enter *ctx)
{
	return mount_enter((const char *)ctx->args[3], ctx->args[4], 2);
}
EXIT_PROG(move_mount)

SEC("tp/syscalls/sys_enter_fsmount")
int tapio_sec_enter_fsmount(struct trace_event_raw_sys_enter *ctx)
{
	return mount_enter(0, ctx->args[1], 3);
}
EXIT_PROG(fsmount)

SEC("tp/syscalls/sys_enter_open_tree")
int tapio_sec_enter_open_tree(struct trace_event_raw_sys_enter *ctx)
{
	return mount_enter((const char *)ctx->args[1], ctx->args[2], 4);
}
EXIT_PROG(open_tree)

SEC("tp/syscalls/sys_enter_pivot_root")
int tapio_sec_enter_pivot_root(struct trace_event_raw_sys_enter *ctx)
{
	return mount_enter((const char *)ctx->args[0], 0, 5);
}
EXIT_PROG(pivot_root)

/* ---- security.shell.stdio_socket: dup2/dup3 of an AF_INET/AF_INET6 socket onto fd 0-2,
 * or such a socket as fd 0-2 at exec ----
 * kind: 1 dup2 2 dup3 3 exec (see stdio_at_exec) 4 dup 5 fcntl; arg[0] old fd, arg[1] new fd, arg[2]
 * family, arg[3] the peer port; the peer address is in path (4 or 16 bytes, path_len). */

/* When the task's `fd` is an AF_INET/AF_INET6 socket: its family (arg[2]), peer port (arg[3])
 * and peer address (path, 4 or 16 bytes) into p; 0 otherwise. */
static __always_inline __u16 inet_socket_peer(struct task_struct *task, long fd,
					      struct pending *p)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return 0;
	struct socket *sock = BPF_CORE_READ(f, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != 2 && family != 10)
		return 0;
	p->arg[2] = family;
	p->arg[3] = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == 2) {
		__u32 v4 = 0;
		BPF_CORE_READ_INTO(&v4, sk, __sk_common.skc_daddr);
		__builtin_memcpy(p->path, &v4, sizeof(v4));
		p->path_len = 4;
	} else {
		struct in6_addr v6 = {};
		BPF_CORE_READ_INTO(&v6, sk, __sk_common.skc_v6_daddr);
		__builtin_memcpy(p->path, &v6, sizeof(v6));
		p->path_len = 16;
	}
	return family;
}

/* newfd -1: not known before the exit (dup, fcntl). */
static __always_inline int stdio_dup_enter(long oldfd, long newfd, __u16 kind)
{
	if (!enabled(TAPIO_SEC_STDIO_SOCKET) || oldfd < 0)
		return 0;
	struct pending *p = fresh_pending();
	if (!p || !inet_socket_peer(bpf_get_current_task_btf(), oldfd, p))
		return 0;
	p->rule = TAPIO_SEC_STDIO_SOCKET;
	p->kind = kind;
	p->arg[0] = oldfd;
	p->arg[1] = newfd;
	store(p);
	return 0;
}

/* dup2/dup3: the new fd is the caller's, known at entry. */
static __always_inline int dup_enter(long oldfd, long newfd, __u16 kind)
{
	if (newfd < 0 || newfd > 2)
		return 0;
	return stdio_dup_enter(oldfd, newfd, kind);
}

/* At exec (kind 3): the first of fds 0-2 that is an inet socket, e.g. a shell started by
 * `nc -e` or socat with its stdio on the connection. arg[0] = arg[1] = that fd. */
static __always_inline void stdio_at_exec(struct task_struct *task, struct pending *p)
{
	for (long fd = 0; fd < 3; fd++) {
		if (inet_socket_peer(task, fd, p)) {
			p->arg[0] = fd;
			p->arg[1] = fd;
			emit(TAPIO_SEC_STDIO_SOCKET, 3, 0, p->arg, p->path, p->path_len, 0);
			return;
		}
	}
}

SEC("tp/syscalls/sys_enter_dup2")
int tapio_sec_enter_dup2(struct trace_event_raw_sys_enter *ctx)
{
	return dup_enter(ctx->args[0], ctx->args[1], 1);
}
EXIT_PROG(dup2)

SEC("tp/syscalls/sys_enter_dup3")
int tapio_sec_enter_dup3(struct trace_event_raw_sys_enter *ctx)
{
	return dup_enter(ctx->args[0], ctx->args[1], 2);
}
EXIT_PROG(dup3)

/* dup(old) and fcntl(old, F_DUPFD[_CLOEXEC], min <= 2): the new fd is the lowest free one (not
 * below min), known only at exit, where a socket landing on 0-2 is recorded and any other
 * result dropped unseen (not a match). */
static __always_inline int dup_lowest_enter(long oldfd, __u16 kind)
{
	return stdio_dup_enter(oldfd, -1, kind);
}

static __always_inline int dup_lowest_exit(long ret)
{
	__u32 t;
	struct pending *p = current_pending(&t);
	if (!p)
		return 0;
	if (p->rule == TAPIO_SEC_STDIO_SOCKET && ret > 2) {
		unstore(t);
		return 0;
	}
	p->arg[1] = ret;
	return pending_finish(p, t, ret);
}

SEC("tp/syscalls/sys_enter_dup")
int tapio_sec_enter_dup(struct trace_event_raw_sys_enter *ctx)
{
	return dup_lowest_enter(ctx->args[0], 4);
}

SEC("tp/syscalls/sys_exit_dup")
int tapio_sec_exit_dup(struct trace_event_raw_sys_exit *ctx)
{
	return dup_lowest_exit(ctx->ret);
}

#define F_DUPFD_CMD 0
#define F_DUPFD_CLOEXEC_CMD 1030

SEC("tp/syscalls/sys_enter_fcntl")
int tapio_sec_enter_fcntl(struct trace_event_raw_sys_enter *ctx)
{
	long cmd = ctx->args[1];
	if ((cmd != F_DUPFD_CMD && cmd != F_DUPFD_CLOEXEC_CMD) || (unsigned long)ctx->args[2] > 2)
		return 0;
	return dup_lowest_enter(ctx->args[0], 5);
}

SEC("tp/syscalls/sys_exit_fcntl")
int tapio_sec_exit_fcntl(struct trace_event_raw_sys_exit *ctx)
{
	return dup_lowest_exit(ctx->ret);
}

/* ---- security.seccomp.violation: SIGSYS with code SYS_SECCOMP (KILL and TRAP actions) ----
 * kind 1; arg[0] the syscall number, arg[1] the audit arch, arg[2] the signal's delivery
 * result. The siginfo may be a sentinel (SEND_SIG_NOINFO 0, SEND_SIG_PRIV 1): not read then. */

SEC("tp_btf/signal_generate")
int BPF_PROG(tapio_sec_seccomp, int sig, struct kernel_siginfo *info, struct task_struct *t,
	     int group, int result)
{
	if (sig != SIGSYS || (unsigned long)info <= 1 || !enabled(TAPIO_SEC_SECCOMP))
		return 0;
	if (BPF_CORE_READ(info, si_code) != SYS_SECCOMP)
		return 0;
	__u64 arg[4] = {};
	arg[0] = BPF_CORE_READ(info, _sifields._sigsys._syscall);
	arg[1] = BPF_CORE_READ(info, _sifields._sigsys._arch);
	arg[2] = result;
	emit(TAPIO_SEC_SECCOMP, 1, 0, arg, 0, 0, 0);
	return 0;
}

/* ---- security.lsm.denial from SELinux: avc/selinux_audited, where SELinux is active ----
 * kind 1; arg[0] the requested, arg[1] the denied, arg[2] the audited permission bits of the
 * class; ret the AVC's result (0: permissive, allowed anyway). path: scontext, tcontext and
 * tclass, each NUL-terminated in its fixed slot (the reader splits at the same offsets). Audited
 * grants (auditallow, denied 0) are not denials: not reported. */

#define TAPIO_SEC_SELINUX_TCONTEXT 104
#define TAPIO_SEC_SELINUX_TCLASS 208

SEC("tp/avc/selinux_audited")
int tapio_sec_selinux(struct trace_event_raw_selinux_audited *ctx)
{
	if (!enabled(TAPIO_SEC_SELINUX) || ctx->denied == 0)
		return 0;
	struct pending *p = fresh_pending();
	if (!p)
		return 0;
	/* __data_loc: the string's offset in the record in the low 16 bits. */
	bpf_probe_read_kernel_str(p->path, TAPIO_SEC_SELINUX_TCONTEXT,
				  (void *)ctx + (ctx->__data_loc_scontext & 0xffff));
	bpf_probe_read_kernel_str(p->path + TAPIO_SEC_SELINUX_TCONTEXT,
				  TAPIO_SEC_SELINUX_TCLASS - TAPIO_SEC_SELINUX_TCONTEXT,
				  (void *)ctx + (ctx->__data_loc_tcontext & 0xffff));
	bpf_probe_read_kernel_str(p->path + TAPIO_SEC_SELINUX_TCLASS,
				  TAPIO_PATH_MAX - 1 - TAPIO_SEC_SELINUX_TCLASS,
				  (void *)ctx + (ctx->__data_loc_tclass & 0xffff));
	p->arg[0] = ctx->requested;
	p->arg[1] = ctx->denied;
	p->arg[2] = ctx->audited;
	emit(TAPIO_SEC_SELINUX, 1, ctx->result, p->arg, p->path, TAPIO_PATH_MAX - 1, 0);
	return 0;
}

/* ---- security.exec.fileless and security.privilege.exec_raised: at exec ----
 * fileless: the executed file has no link (memfd, deleted); path is the file's name (memfd:x).
 * exec_raised: after exec the effective uid or gid differs from the real one (set-id file),
 * or a non-root process holds effective capabilities (file capabilities). arg[0] euid,
 * arg[1] egid, arg[2] effective capabilities; path the filename exec was given. */

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tapio_sec_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (!(cfg.enabled & ((1u << TAPIO_SEC_FILELESS) | (1u << TAPIO_SEC_EXEC_RAISED)
			     | (1u << TAPIO_SEC_STDIO_SOCKET))))
		return 0;
	struct pending *pe = fresh_pending();
	if (!pe)
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	if (enabled(TAPIO_SEC_FILELESS)
	    && BPF_CORE_READ(bprm, file, f_path.dentry, d_inode, __i_nlink) == 0) {
		const unsigned char *name = BPF_CORE_READ(bprm, file, f_path.dentry, d_name.name);
		long n = bpf_probe_read_kernel_str(pe->path, sizeof(pe->path), name);
		pe->path_len = n > 0 ? (n - 1) & (TAPIO_PATH_MAX - 1) : 0;
		emit(TAPIO_SEC_FILELESS, 1, 0, pe->arg, pe->path, pe->path_len, 0);
	}
	if (enabled(TAPIO_SEC_EXEC_RAISED)) {
		__u32 uid = BPF_CORE_READ(task, cred, uid.val);
		__u32 euid = BPF_CORE_READ(task, cred, euid.val);
		__u32 gid = BPF_CORE_READ(task, cred, gid.val);
		__u32 egid = BPF_CORE_READ(task, cred, egid.val);
		kernel_cap_t caps = BPF_CORE_READ(task, cred, cap_effective);
		if (uid != euid || gid != egid || (uid != 0 && caps.val != 0)) {
			const char *filename = BPF_CORE_READ(bprm, filename);
			long n = bpf_probe_read_kernel_str(pe->path, sizeof(pe->path), filename);
			pe->path_len = n > 0 ? (n - 1) & (TAPIO_PATH_MAX - 1) : 0;
			pe->arg[0] = euid;
			pe->arg[1] = egid;
			pe->arg[2] = caps.val;
			emit(TAPIO_SEC_EXEC_RAISED, 1, 0, pe->arg, pe->path, pe->path_len, 0);
		}
	}
	if (enabled(TAPIO_SEC_STDIO_SOCKET)) {
		pe = fresh_pending();
		if (pe)
			stdio_at_exec(task, pe);
	}
	return 0;
}

/* ---- security.kernel.module_load: init_module / finit_module attempts ----
 * kind: 1 init_module 2 finit_module; an attempt, seen at syscall entry. Kernels without
 * module support have no per-syscall tracepoint for them: the raw_syscalls variant, loaded
 * only then, checks the syscall number (x86-64) on every syscall. */

SEC("tp/syscalls/sys_enter_init_module")
int tapio_sec_enter_init_module(struct trace_event_raw_sys_enter *ctx)
{
	__u64 arg[4] = {};
	emit(TAPIO_SEC_MODULE_LOAD, 1, 0, arg, 0, 0, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_finit_module")
int tapio_sec_enter_finit_module(struct trace_event_raw_sys_enter *ctx)
{
	__u64 arg[4] = { ctx->args[0] };
	emit(TAPIO_SEC_MODULE_LOAD, 2, 0, arg, 0, 0, 0);
	return 0;
}

SEC("tp/raw_syscalls/sys_enter")
int tapio_sec_module_syscall(struct trace_event_raw_sys_enter *ctx)
{
	long id = ctx->id;
	if (id != 175 && id != 313) /* __NR_init_module, __NR_finit_module on x86-64 */
		return 0;
	__u64 arg[4] = { id == 313 ? ctx->args[0] : 0 };
	emit(TAPIO_SEC_MODULE_LOAD, id == 313 ? 2 : 1, 0, arg, 0, 0, 0);
	return 0;
}

/* ---- security.privilege.capability_use: capability checks (off by default: noisy) ----
 * kind 1; arg[0] the capability; ret 0 when granted, else the denial (-EPERM). Only the
 * capabilities in cfg.capabilities, only denials with cfg.capabilities_denied_only. */

SEC("tp_btf/cap_capable")
int BPF_PROG(tapio_sec_capable, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	if (!enabled(TAPIO_SEC_CAPABILITY) || cap < 0 || cap > 63
	    || !(cfg.capabilities & (1ULL << cap)))
		return 0;
	if (cfg.capabilities_denied_only && ret == 0)
		return 0;
	__u64 arg[4] = { cap };
	emit(TAPIO_SEC_CAPABILITY, 1, ret, arg, 0, 0, 0);
	return 0;
}
