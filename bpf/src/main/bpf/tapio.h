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


/* ebpf_dns: one record per DNS datagram sent or received by a process on a UDP socket whose
 * peer port is configured. Header (type TAPIO_DNS_EVENT_*), then struct tapio_dns, then
 * `captured` bytes of the datagram. The ring and drop array are the dns object's own, so
 * these type numbers only need to be unique within it. */
enum tapio_dns_event {
	TAPIO_DNS_EVENT_SEND = 1,
	TAPIO_DNS_EVENT_RECV = 2,
};
#define TAPIO_DNS_PAYLOAD_MAX 512
#define TAPIO_DNS_PORTS_MAX 8

/* 48 bytes */
struct tapio_dns {
	__u32 fd;
	__u32 length;         /* whole datagram as the syscall saw it */
	__u16 captured;       /* bytes that follow, <= TAPIO_DNS_PAYLOAD_MAX */
	__u16 family;         /* AF_INET or AF_INET6 of the peer */
	__u16 peer_port;      /* host order */
	__u16 local_port;     /* host order; 0 when not yet bound */
	__u8 peer_addr[16];   /* IPv4 in the first 4 bytes */
	char comm[TAPIO_COMM_LEN];
};

struct tapio_dns_config {
	__u16 ports[TAPIO_DNS_PORTS_MAX]; /* host order; 0 = unused slot */
	__u32 sample_every;                /* keep 1 in N transaction ids; 1 keeps all */
	__u32 pad;
	__u64 wakeup_bytes;
};


/* ---- ebpf_network (network.bpf.c) ---- */

/* Event types of the network program (its own numbering: records never mix with other
 * programs' rings); also the drop-slot type index. */
enum tapio_network_event {
	TAPIO_NETWORK_OPEN = 1,
	TAPIO_NETWORK_CLOSE = 2,
	TAPIO_NETWORK_FAILED = 3,
};
#define TAPIO_NETWORK_OUTBOUND 1
#define TAPIO_NETWORK_INBOUND 2
#define TAPIO_NETWORK_RESET_RECEIVED 1
#define TAPIO_NETWORK_RESET_SENT 2
#define TAPIO_NETWORK_PORTS 8

/* Indexes of the network program's per-CPU `stats` array. */
enum tapio_network_stat {
	TAPIO_NETWORK_STAT_UNTRACKED = 0, /* closed sockets not in the table: evicted or older */
	TAPIO_NETWORK_STAT_TRACKED = 1,   /* sockets entered into the table */
	TAPIO_NETWORK_STAT_AGG_FULL = 2,  /* folds refused by a full aggregate table: reported singly */
	TAPIO_NETWORK_STATS = 3,
};

/* open, close, failed: header (pid, cgroup of the socket's owner, 0 when unknown), then this.
 * 96 bytes. */
struct tapio_network_conn {
	__u64 start_ns;       /* established (open/close) or connect (failed), boot ns; 0 unknown */
	__u64 bytes_sent;     /* tcp_sock.bytes_acked (close) */
	__u64 bytes_received; /* tcp_sock.bytes_received (close) */
	__u32 retransmits;    /* tcp_sock.total_retrans (close) */
	__u32 srtt_us;        /* tcp_sock.srtt_us >> 3 (close) */
	__u8 saddr[16];       /* local; IPv4 in the first 4 bytes */
	__u8 daddr[16];       /* peer */
	__u16 sport;          /* local port, host order */
	__u16 dport;          /* peer port, host order */
	__u16 family;         /* AF_INET or AF_INET6 */
	__u8 direction;       /* TAPIO_NETWORK_OUTBOUND / _INBOUND, 0 unknown */
	__u8 owner_known;
	__s32 sk_err;         /* failed: the socket's error (ECONNREFUSED, ETIMEDOUT...) */
	__u32 reset;          /* TAPIO_NETWORK_RESET_* seen on this connection */
	char comm[TAPIO_COMM_LEN];
};

/* Read-only configuration of network.bpf.c, set by the loader in .rodata before load. */
struct tapio_network_config {
	__u32 open_sample_every;   /* keep 1 in N; 0 turns the event off */
	__u32 close_sample_every;
	__u32 failed_sample_every;
	__u32 loopback;            /* 0: drop connections with a loopback end */
	__u64 wakeup_bytes;
	__u16 ports_include[TAPIO_NETWORK_PORTS]; /* 0-terminated; empty = every port */
	__u16 ports_exclude[TAPIO_NETWORK_PORTS]; /* matched against local and peer port */
	__u32 agg_threshold;       /* opens per second per CPU beyond which connections are
				    * deferred for aggregation; 0 turns aggregation off */
	__u32 agg_pad;
	__u64 agg_short_lived_ns;  /* a deferred connection closed within this is folded */
};

/* Key of the network program's `aggregates` hash: connections of one owner to one peer
 * address and service port (the peer's port when outbound, the local port when inbound), in
 * one generation (`agg_gen`: the reader flips it each window and drains the retired one).
 * 32 bytes, padding zeroed (hash keys compare every byte). */
struct tapio_network_agg_key {
	__u32 pid;            /* owner's tgid, 0 unknown */
	__u16 port;
	__u16 family;
	__u8 direction;       /* TAPIO_NETWORK_OUTBOUND / _INBOUND */
	__u8 gen;
	__u16 pad;
	__u8 addr[16];        /* peer; IPv4 in the first 4 bytes */
	__u32 pad2;
};

/* Value of `aggregates`, updated with atomic adds. 64 bytes. */
struct tapio_network_agg {
	__u64 count;          /* connections folded */
	__u64 bytes_sent;     /* payload, as in the close record */
	__u64 bytes_received;
	__u64 duration_ns;    /* sum of established -> close */
	__u64 retransmits;
	__u64 cgroup_id;      /* owner's, from the first connection */
	char comm[TAPIO_COMM_LEN];
};


/* ---- ebpf_network UDP flows (network.bpf.c, programs tapio_network_udp_*) ---- */

/* Drop-slot type index of UDP datagrams rejected by the kernel filters (loopback, ports). */
#define TAPIO_NETWORK_FLOW 4

/* Indexes of the network program's per-CPU `udp_stats` array (read by the flow scanner only). */
enum tapio_network_udp_stat {
	TAPIO_NETWORK_UDP_STAT_CREATED = 0, /* flow entries inserted into `udp_flows` */
	/* inserts the LRU table refused (no free node): the flow's datagram is not counted */
	TAPIO_NETWORK_UDP_STAT_INSERT_FAILED = 1,
	TAPIO_NETWORK_UDP_STATS = 2,
};

/* Key of the LRU hash `udp_flows`: one process's datagrams on one socket to or from one peer.
 * 32 bytes, padding zeroed (hash keys compare every byte). */
struct tapio_network_udp_key {
	__u64 sk;             /* the struct sock's address */
	__u32 pid;            /* tgid of the sender / receiver */
	__u16 peer_port;      /* host order */
	__u16 family;         /* of the peer address: AF_INET or AF_INET6 (maybe v4-mapped) */
	__u8 peer_addr[16];   /* IPv4 in the first 4 bytes */
};

/* Value of `udp_flows`: counters updated with atomic adds. 96 bytes. */
struct tapio_network_udp_flow {
	__u64 first_ns;       /* boot ns of the first datagram */
	__u64 last_ns;        /* boot ns of the latest datagram */
	__u64 bytes_sent;     /* payload bytes, from the syscalls' return values */
	__u64 bytes_received;
	__u64 packets_sent;
	__u64 packets_received;
	__u64 cgroup_id;      /* of the task at the first datagram */
	__u8 local_addr[16];  /* the socket's bound address at the first datagram (may be any) */
	__u16 local_port;     /* host order */
	__u16 pad[3];
	char comm[TAPIO_COMM_LEN];
};


/* ---- ebpf_security (security.bpf.c) ---- */

/* Rule ids: the `rule` of each record, the bit in `enabled` and the row of `rule_stats`. */
enum tapio_security_rule {
	TAPIO_SEC_SETUID = 0,
	TAPIO_SEC_SENSITIVE_OPEN = 1,
	TAPIO_SEC_ESCAPE_WRITE = 2,
	TAPIO_SEC_PROC_MEM = 3,
	TAPIO_SEC_CAPSET = 4,
	TAPIO_SEC_PTRACE = 5,
	TAPIO_SEC_VM_WRITE = 6,
	TAPIO_SEC_BPF = 7,
	TAPIO_SEC_SETUID_BIT = 8,
	TAPIO_SEC_FILELESS = 9,
	TAPIO_SEC_NAMESPACE = 10,
	TAPIO_SEC_MOUNT = 11,
	TAPIO_SEC_SECCOMP = 12,
	TAPIO_SEC_STDIO_SOCKET = 13,
	TAPIO_SEC_MODULE_LOAD = 14,
	TAPIO_SEC_EXEC_RAISED = 15,
	TAPIO_SEC_CAPABILITY = 16,
	TAPIO_SEC_SELINUX = 17,
	TAPIO_SEC_RULES = 24, /* rows of rule_stats and rate_limit: room for rules to come */
};

/* Columns of the per-CPU `rule_stats` array: row rule * TAPIO_SEC_STATS + column. */
enum tapio_security_stat {
	TAPIO_SEC_STAT_MATCHED = 0,      /* the rule's condition held */
	TAPIO_SEC_STAT_EMITTED = 1,      /* a record reached the ring */
	TAPIO_SEC_STAT_RATE_LIMITED = 2, /* suppressed by the per-process rate limit */
	TAPIO_SEC_STAT_FILTERED = 3,     /* excluded: own process, executable, scope, failed call */
	TAPIO_SEC_STAT_RING_FULL = 4,    /* lost: the ring was full */
	TAPIO_SEC_STATS = 5,
};

/* Values of the `sensitive_paths` LPM trie: which rules a path prefix belongs to. */
#define TAPIO_SEC_PATH_READ 1   /* sensitive_open, any access */
#define TAPIO_SEC_PATH_WRITE 2  /* sensitive_open, write access only */
#define TAPIO_SEC_PATH_ESCAPE 4 /* escape_write, write access only */
#define TAPIO_SEC_PREFIX_MAX 64

/* Key of `sensitive_paths`: prefixlen in bits, then the path's first bytes. */
struct tapio_sec_path_key {
	__u32 prefixlen;
	char path[TAPIO_SEC_PREFIX_MAX];
};

/* Key of `excluded_exe`: the executable file's name (its dentry), NUL-padded. */
#define TAPIO_SEC_NAME_MAX 32

/* flags of struct tapio_security */
#define TAPIO_SEC_F_OTHER_MNT_NS 1  /* the task's mount namespace is not the host's */
#define TAPIO_SEC_F_PATH_TRUNCATED 2
#define TAPIO_SEC_F_EXE_TRUNCATED 4
#define TAPIO_SEC_F_ARGS_TRUNCATED 8

/* One record per emitted event: header, this (80 bytes), `path` (TAPIO_PATH_MAX bytes, of which
 * path_len are used), then exe_len bytes of the executable's path: names of
 * TAPIO_SEC_EXE_SLOT bytes each, NUL-terminated, leaf first (the reader reverses them). Meaning of arg[] and kind per rule: see security.bpf.c. */
struct tapio_security {
	__u16 rule;
	__u16 kind;          /* which syscall of the rule's family (per-rule numbering) */
	__u16 path_len;
	__u16 exe_len;
	__u32 flags;         /* TAPIO_SEC_F_* */
	__u32 target_pid;    /* ptrace, process_vm_writev, capset: the other process */
	__s64 ret;           /* the syscall's result; 0 for events without one */
	__u64 arg[4];
	__u32 euid;
	__u32 egid;
	char comm[TAPIO_COMM_LEN];
	__u16 args_len;      /* argv bytes (NUL-separated) after the executable path */
	__u16 pad16;
	__u32 pad32;
};
/* Then the path (TAPIO_PATH_MAX), the executable's path (exe_len) and argv (args_len). */
#define TAPIO_SEC_ARGS_MAX 512
#define TAPIO_SEC_EXE_SLOT 48
#define TAPIO_SEC_EXE_SLOTS 16
#define TAPIO_SEC_EXE_MAX (TAPIO_SEC_EXE_SLOT * TAPIO_SEC_EXE_SLOTS)

/* Read-only configuration of security.bpf.c, set by the loader in .rodata before load. */
struct tapio_security_config {
	__u64 wakeup_bytes;
	__u32 enabled;          /* bit per rule */
	__u32 failures;         /* bit per rule: also report calls that failed */
	__u32 self_tgid;        /* excluded when non-zero */
	__u32 containers_only;  /* only tasks outside the host's mount namespace */
	__u64 host_mnt_ns;      /* inode number of the host's mount namespace */
	__u32 rate_limit[TAPIO_SEC_RULES]; /* events per second per process; 0 = no limit */
	__u32 path_head_len;    /* bytes of a path looked up in `path_heads`, 1..8; 0: no filter */
	__u32 exclude_cgroups;  /* non-zero: `excluded_cgroups` holds cgroup v2 ids to drop */
	__u64 capabilities;     /* capability_use: bit per capability reported */
	__u32 capabilities_denied_only;
	__u32 pad2;
};

#endif
