/* The part of every Tapio program that the Java runtime (dev.tapio.bpf.receiver) relies on by
 * name: the `events` ring buffer (resized by the loader), the per-CPU `drops` array indexed
 * type * TAPIO_DROP_REASONS + reason, and the wake-up policy. Include it after the program's
 * `cfg` (which must have a `wakeup_bytes` field). */
#ifndef TAPIO_RING_H
#define TAPIO_RING_H

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20); /* replaced by the loader */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TAPIO_DROP_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(__u32 type, __u32 reason)
{
	__u32 slot = type * TAPIO_DROP_REASONS + reason;
	__u64 *n = bpf_map_lookup_elem(&drops, &slot);
	if (n)
		*n += 1;
}

/* The wake-up threshold in bytes, rewritten by the reader from the rate it measures
 * (dev.tapio.bpf.receiver.WakeupPolicy); 0 until then, and with a fixed policy:
 * cfg.wakeup_bytes applies. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} wakeup SEC(".maps");

/* Wake the consumer only once enough is pending; it also polls with a timeout, which bounds
 * latency. Waking on every record costs several times the throughput. A threshold of 1 wakes at
 * every record (what an idle consumer asks for): the programs query before they reserve, when
 * an empty ring has 0 bytes pending. */
static __always_inline __u64 wakeup_flags(void)
{
	__u32 zero = 0;
	__u64 *adaptive = bpf_map_lookup_elem(&wakeup, &zero);
	__u64 threshold = adaptive && *adaptive ? *adaptive : cfg.wakeup_bytes;
	return threshold <= 1 || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= threshold
		? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

#endif
