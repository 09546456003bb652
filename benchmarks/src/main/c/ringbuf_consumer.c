/* The physical reference for EbpfRingBench: libbpf's own ring buffer consumer
 * (ring_buffer__new / ring_buffer__poll, one callback per record) on bench.bpf.o.
 *
 * It loads the object itself, filtered to the pid of the producer (the Java harness, so both
 * consumers see the same producer), prints "ready", then consumes until every one of COUNT
 * records is either consumed or counted as dropped by the kernel, and prints one line:
 *   consumed=N dropped=N done_ns=T cpu_ns=T bad_seq=N
 * done_ns is CLOCK_MONOTONIC (the clock of Java's System.nanoTime); cpu_ns is this thread's CPU.
 *
 * usage: ringbuf_consumer OBJECT PID COUNT RING_BYTES WAKEUP_BYTES POLL_MS */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct bench_config {
	uint32_t filter_pid;
	uint32_t pad;
	uint64_t wakeup_bytes;
};

/* The fields the Java decoder reads, copied out as it copies them into its reused buffer. */
struct decoded {
	uint64_t ktime_ns, cgroup_id, seq;
	uint32_t type, size, pid, tid, uid, gid;
};

static struct decoded last;
static uint64_t consumed, bad_seq, expect_seq;

static int on_record(void *ctx, void *data, size_t len)
{
	const unsigned char *d = data;
	if (len < 64)
		return 0;
	memcpy(&last.ktime_ns, d, 8);
	memcpy(&last.type, d + 8, 4);
	memcpy(&last.size, d + 12, 4);
	memcpy(&last.pid, d + 16, 4);
	memcpy(&last.tid, d + 20, 4);
	memcpy(&last.uid, d + 28, 4);
	memcpy(&last.gid, d + 32, 4);
	memcpy(&last.cgroup_id, d + 40, 8);
	memcpy(&last.seq, d + 48, 8);
	/* Sequence gaps are kernel drops; a record behind the expected one would be a bug. */
	if (last.seq < expect_seq)
		bad_seq++;
	expect_seq = last.seq + 1;
	consumed++;
	return 0;
}

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t drops_of(int fd)
{
	int cpus = libbpf_num_possible_cpus();
	uint64_t values[cpus];
	uint32_t key = 0; /* TAPIO_DROP_RINGBUF_FULL */
	if (bpf_map_lookup_elem(fd, &key, values) != 0)
		return 0;
	uint64_t sum = 0;
	for (int i = 0; i < cpus; i++)
		sum += values[i];
	return sum;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: %s OBJECT PID COUNT RING_BYTES WAKEUP_BYTES POLL_MS\n", argv[0]);
		return 2;
	}
	const char *path = argv[1];
	uint32_t pid = strtoul(argv[2], NULL, 10);
	uint64_t count = strtoull(argv[3], NULL, 10);
	uint32_t ring_bytes = strtoul(argv[4], NULL, 10);
	uint64_t wakeup = strtoull(argv[5], NULL, 10);
	int poll_ms = atoi(argv[6]);

	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct bpf_map *rodata = bpf_object__find_map_by_name(obj, ".rodata");
	size_t rsz = 0;
	struct bench_config *cfg = rodata ? (struct bench_config *)bpf_map__initial_value(rodata, &rsz) : NULL;
	if (!cfg || rsz < sizeof(*cfg)) {
		fprintf(stderr, "no .rodata config in %s\n", path);
		return 1;
	}
	cfg->filter_pid = pid;
	cfg->wakeup_bytes = wakeup;
	struct bpf_map *events = bpf_object__find_map_by_name(obj, "events");
	if (!events || bpf_map__set_max_entries(events, ring_bytes) != 0) {
		fprintf(stderr, "cannot size the ring buffer to %u\n", ring_bytes);
		return 1;
	}
	int err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load: %s\n", strerror(-err));
		return 1;
	}
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "tapio_bench");
	struct bpf_link *link = prog ? bpf_program__attach(prog) : NULL;
	if (!link) {
		fprintf(stderr, "attach: %s\n", strerror(errno));
		return 1;
	}
	int drops_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "drops"));
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(events), on_record, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "ring_buffer__new: %s\n", strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	uint64_t cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	uint64_t dropped = 0, idle_since = 0;
	for (;;) {
		/* ring_buffer__poll consumes only when epoll reported data; after a timeout the
		 * records submitted without a wake-up are read by ring_buffer__consume. */
		int n = ring_buffer__poll(rb, poll_ms);
		if (n == 0)
			n = ring_buffer__consume(rb);
		if (n < 0 && n != -EINTR) {
			fprintf(stderr, "poll: %s\n", strerror(-n));
			return 1;
		}
		if (consumed >= count)
			break;
		if (n == 0) {
			dropped = drops_of(drops_fd);
			if (consumed + dropped >= count)
				break;
			uint64_t t = now_ns(CLOCK_MONOTONIC);
			if (!idle_since)
				idle_since = t;
			else if (t - idle_since > 30000000000ull) {
				fprintf(stderr, "gave up: %llu consumed, %llu dropped of %llu\n",
					(unsigned long long)consumed, (unsigned long long)dropped,
					(unsigned long long)count);
				break;
			}
		} else {
			idle_since = 0;
		}
	}
	uint64_t done = now_ns(CLOCK_MONOTONIC);
	uint64_t cpu = now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	dropped = drops_of(drops_fd);
	printf("consumed=%llu dropped=%llu done_ns=%llu cpu_ns=%llu bad_seq=%llu\n",
	       (unsigned long long)consumed, (unsigned long long)dropped,
	       (unsigned long long)done, (unsigned long long)cpu, (unsigned long long)bad_seq);
	fflush(stdout);
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
