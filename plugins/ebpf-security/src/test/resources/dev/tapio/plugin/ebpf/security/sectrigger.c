/* Test helper of the ebpf_security tests: performs the actions named on its command line, in
 * order, each exactly once, and prints one line per action with its result. Built by the tests
 * with cc; not shipped. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long poked = 1;

static void report(const char *what, long rc)
{
	printf("%s %ld %s\n", what, rc, rc < 0 ? strerror(errno) : "ok");
	fflush(stdout);
}

/* ptrace ATTACH + POKEDATA and one process_vm_writev into a child of ours. */
static void inject(void)
{
	pid_t child = fork();
	if (child == 0) {
		for (;;)
			pause();
	}
	report("ptrace_attach", ptrace(PTRACE_ATTACH, child, 0, 0));
	waitpid(child, 0, 0);
	report("ptrace_pokedata", ptrace(PTRACE_POKEDATA, child, (void *)&poked, (void *)2));
	report("ptrace_detach", ptrace(PTRACE_DETACH, child, 0, 0));
	long v = 3;
	struct iovec local = { &v, sizeof(v) };
	struct iovec remote = { (void *)&poked, sizeof(v) };
	report("process_vm_writev", process_vm_writev(child, &local, 1, &remote, 1, 0));
	kill(child, SIGKILL);
	waitpid(child, 0, 0);
}

static void bpf_load(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	long fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	report("bpf_prog_load", fd);
	if (fd >= 0)
		close(fd);
}

static void capset_same(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	syscall(SYS_capget, &h, d);
	report("capset", syscall(SYS_capset, &h, d));
}

/* A filter that answers getppid with `action` and allows everything else. */
static void seccomp_on_getppid(unsigned int action)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 4, filter };
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	report("seccomp", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
	syscall(SYS_getppid); /* dies here */
	report("survived", 0);
}

static void reverse_shell(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	report("connect", connect(s, (struct sockaddr *)&a, sizeof(a)));
	int saved = dup(2);
	dup2(s, 0);
	dup2(s, 1);
	dup3(s, 2, 0);
	dup2(saved, 2);
	dprintf(saved, "dup 3 ok\n");
}

/* The same shell through dup and fcntl(F_DUPFD): a socket lands on a freed 0 and 1. Controls:
 * dup of the socket onto a high fd, F_DUPFD with a minimum of 10, F_GETFL. */
static void reverse_shell_dup(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	report("connect", connect(s, (struct sockaddr *)&a, sizeof(a)));
	int saved0 = dup(0), saved1 = dup(1);
	int high = dup(s);
	int min10 = fcntl(s, F_DUPFD, 10);
	int fl = fcntl(s, F_GETFL);
	close(0);
	int zero = dup(s);
	close(1);
	int one = fcntl(s, F_DUPFD_CLOEXEC, 0);
	dup2(saved0, 0);
	dup2(saved1, 1);
	printf("dup %d fcntl %d (controls: dup %d, F_DUPFD 10 %d, F_GETFL %d)\n", zero, one, high,
	       min10, fl >= 0);
	fflush(stdout);
}

/* A shell-like start with its stdin on a connection: dup2 onto 0, then exec. */
static void exec_socket_stdio(int port, const char *image, char **env)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	report("connect", connect(s, (struct sockaddr *)&a, sizeof(a)));
	dup2(s, 0);
	close(s);
	char *argv[] = { (char *)image, NULL };
	execve(image, argv, env);
	report("execve", -1);
}

static void memfd_exec(const char *image, char **env)
{
	int fd = memfd_create("tapio-test", MFD_CLOEXEC);
	int in = open(image, O_RDONLY);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		write(fd, buf, n);
	close(in);
	char *argv[] = { "fileless", NULL };
	fexecve(fd, argv, env);
	report("fexecve", -1);
}

int main(int argc, char **argv, char **env)
{
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i];
		if (!strcmp(op, "setuid")) {
			report(op, setuid(atoi(argv[++i])));
		} else if (!strcmp(op, "setgid")) {
			report(op, setgid(atoi(argv[++i])));
		} else if (!strcmp(op, "open_read")) {
			int fd = open(argv[++i], O_RDONLY);
			report(op, fd);
			if (fd >= 0)
				close(fd);
		} else if (!strcmp(op, "open_write")) {
			int fd = open(argv[++i], O_WRONLY);
			report(op, fd);
			if (fd >= 0)
				close(fd);
		} else if (!strcmp(op, "inject")) {
			inject();
		} else if (!strcmp(op, "bpf")) {
			bpf_load();
		} else if (!strcmp(op, "capset")) {
			capset_same();
		} else if (!strcmp(op, "seccomp_kill")) {
			seccomp_on_getppid(SECCOMP_RET_KILL_PROCESS);
		} else if (!strcmp(op, "seccomp_trap")) {
			seccomp_on_getppid(SECCOMP_RET_TRAP);
		} else if (!strcmp(op, "seccomp_errno")) {
			seccomp_on_getppid(SECCOMP_RET_ERRNO | 1);
		} else if (!strcmp(op, "reverse_shell")) {
			reverse_shell(atoi(argv[++i]));
		} else if (!strcmp(op, "reverse_shell_dup")) {
			reverse_shell_dup(atoi(argv[++i]));
		} else if (!strcmp(op, "exec_socket_stdio")) {
			int port = atoi(argv[++i]);
			exec_socket_stdio(port, argv[++i], env);
		} else if (!strcmp(op, "dup_pipe")) {
			int p[2];
			pipe(p);
			int saved = dup(1);
			report(op, dup2(p[1], 1));
			dup2(saved, 1);
		} else if (!strcmp(op, "nice")) {
			errno = 0;
			int v = nice(-1);
			report(op, v == -1 && errno ? -1 : v);
		} else if (!strcmp(op, "unshare_uts")) {
			report(op, unshare(CLONE_NEWUTS));
		} else if (!strcmp(op, "unshare_mount")) {
			report("unshare", unshare(CLONE_NEWNS));
			report("mount_private", mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL));
			report("mount_tmpfs", mount("tapio", argv[++i], "tmpfs", 0, NULL));
		} else if (!strcmp(op, "finit_module")) {
			report(op, syscall(SYS_finit_module, -1, "", 0));
		} else if (!strcmp(op, "chmod")) {
			const char *path = argv[++i];
			report(op, syscall(SYS_chmod, path, strtol(argv[++i], 0, 8)));
		} else if (!strcmp(op, "memfd_exec")) {
			memfd_exec(argv[++i], env);
		} else {
			fprintf(stderr, "unknown action %s\n", op);
			return 2;
		}
	}
	return 0;
}
