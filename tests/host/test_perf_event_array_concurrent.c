// SPDX-License-Identifier: GPL-2.0
/*
 * PERF_EVENT_ARRAY (maps/perf_event_array.c) under threads, checked
 * against a model: producers on three CPUs call bpf_perf_event_output()
 * with BPF_F_CURRENT_CPU while a swapper moves each CPU's slot between two
 * perf buffers and empties it for a moment now and then, and a walker runs
 * get_next_key. Every output that returned 0 must be in exactly one of
 * its CPU's two buffers, once, in order; every other output must have
 * found the slot empty (-ENOENT). The buffers are big enough that nothing
 * is lost.
 */
#include <kbpf/perf_buffer.h>
#include <kbpf/helpers.h>

#include "maptest.h"

extern struct kbpf_perf_buffer *kbpf_host_perf_buffers[];

#define PRODUCERS	3	/* CPUs 1..3: tthread index + 1 */
#define SAMPLES		2000	/* 24-byte records: 48000 bytes per CPU */
#define PAGES		16	/* 64 KiB: room for all of them */
#define SWAPPER		PRODUCERS
#define WALKER		(PRODUCERS + 1)

struct pea_run {
	struct kbpf_map *map;
	const struct kbpf_func_proto *output;
	/* buffers [cpu][0 or 1]; host "fd" of each is 2 * cpu + which */
	struct kbpf_perf_buffer *pb[PRODUCERS + 1][2];
	/* The model: what each output returned. */
	long ret[PRODUCERS + 1][SAMPLES];
	int producers_left;
};

static u32 pb_fd(u32 cpu, u32 which)
{
	return 2 * cpu + which;
}

static void pea_producer(struct pea_run *run, u32 cpu)
{
	u64 data;
	u32 seq;

	for (seq = 0; seq < SAMPLES; seq++) {
		data = (u64)cpu << 32 | seq;
		rcu_read_lock();
		run->ret[cpu][seq] = (long)run->output->func(0,
				(unsigned long)run->map, BPF_F_CURRENT_CPU,
				(unsigned long)&data, sizeof(data));
		rcu_read_unlock();
	}
	__atomic_sub_fetch(&run->producers_left, 1, __ATOMIC_RELEASE);
}

static void pea_swapper(struct pea_run *run)
{
	struct trng r = trng_seed(5);
	u32 cpu, fd;

	while (__atomic_load_n(&run->producers_left, __ATOMIC_ACQUIRE)) {
		cpu = 1 + trng_below(&r, PRODUCERS);
		rcu_read_lock();
		/*
		 * Now and then the slot is emptied, and filled again at once:
		 * a producer sees it empty only in between, so outputs land
		 * however the threads are scheduled.
		 */
		if (!trng_below(&r, 4))
			EXPECT_EQ(tmap_delete(run->map, &cpu), 0);
		fd = pb_fd(cpu, trng_below(&r, 2));
		EXPECT_EQ(tmap_update_sys(run->map, &cpu, &fd, BPF_ANY), 0);
		rcu_read_unlock();
	}
}

static void pea_walker(struct pea_run *run)
{
	u32 key, next, n;
	int err;

	while (__atomic_load_n(&run->producers_left, __ATOMIC_ACQUIRE)) {
		n = 0;
		for (err = tmap_next_key(run->map, NULL, &next); !err;
		     err = tmap_next_key(run->map, &key, &next)) {
			key = next;
			if (!EXPECT_TRUE(key == n++))
				return;
		}
		EXPECT_EQ(n, run->map->max_entries);
	}
}

static void pea_thread(int index, void *arg)
{
	struct pea_run *run = arg;

	if (index < PRODUCERS)
		pea_producer(run, index + 1);
	else if (index == SWAPPER)
		pea_swapper(run);
	else
		pea_walker(run);
}

/* Mark each sample in pb's ring; false on a stranger, a loss or disorder. */
static bool drain(struct kbpf_perf_buffer *pb, u32 cpu, u8 *seen)
{
	struct perf_event_mmap_page *page;
	u64 size, head, tail, data;
	struct perf_event_header h;
	long last = -1;
	u8 *ring;
	u32 seq;

	page = kbpf_perf_buffer_area(pb, &size);
	ring = (u8 *)page + page->data_offset;
	head = smp_load_acquire(&page->data_head);
	/* Nothing wrapped: records lie whole from offset 0 on. */
	if (!EXPECT_TRUE(head <= page->data_size))
		return false;
	for (tail = page->data_tail; tail < head; tail += h.size) {
		memcpy(&h, ring + tail, sizeof(h));
		if (!EXPECT_EQ(h.type, PERF_RECORD_SAMPLE) ||
		    !EXPECT_EQ(h.size, 24))
			return false;
		memcpy(&data, ring + tail + sizeof(h) + sizeof(u32), sizeof(data));
		seq = (u32)data;
		if (!EXPECT_EQ(data >> 32, cpu) || !EXPECT_TRUE(seq < SAMPLES) ||
		    !EXPECT_TRUE((long)seq > last))
			return false;
		last = seq;
		seen[seq]++;
	}
	smp_store_release(&page->data_tail, tail);
	return true;
}

TEST(perf_event_array_concurrent_outputs)
{
	struct pea_run *run = calloc(1, sizeof(*run));
	static u8 seen[SAMPLES];
	u32 cpu, which, seq, fd, ok_outputs, landed = 0;

	ASSERT_NONNULL(run);
	run->producers_left = PRODUCERS;
	run->map = tmap_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 8, 0);
	ASSERT_TRUE(!IS_ERR(run->map));
	run->output = kbpf_get_func_proto_caps(BPF_PROG_TYPE_KPROBE,
					       BPF_FUNC_perf_event_output, ~0u);
	ASSERT_NONNULL(run->output);
	for (cpu = 1; cpu <= PRODUCERS; cpu++) {
		for (which = 0; which < 2; which++) {
			run->pb[cpu][which] = kbpf_perf_buffer_alloc(cpu, PAGES, 0);
			ASSERT_TRUE(!IS_ERR(run->pb[cpu][which]));
			kbpf_host_perf_buffers[pb_fd(cpu, which)] =
				run->pb[cpu][which];
		}
		fd = pb_fd(cpu, 0);
		ASSERT_EQ(tmap_update_sys(run->map, &cpu, &fd, BPF_ANY), 0);
	}

	tthread_run(PRODUCERS + 2, pea_thread, run);

	for (cpu = 1; cpu <= PRODUCERS; cpu++) {
		memset(seen, 0, sizeof(seen));
		for (which = 0; which < 2; which++)
			ASSERT_TRUE(drain(run->pb[cpu][which], cpu, seen));
		ok_outputs = 0;
		for (seq = 0; seq < SAMPLES; seq++) {
			long ret = run->ret[cpu][seq];

			ok_outputs += !ret;
			if (!EXPECT_TRUE(ret == 0 || ret == -ENOENT) ||
			    !EXPECT_EQ(seen[seq], ret ? 0 : 1)) {
				fprintf(stderr, "  cpu %u seq %u\n", cpu, seq);
				break;
			}
		}
		landed += ok_outputs;
	}
	/*
	 * Not a run in which every output found its slot empty: a slot is
	 * empty only between the swapper's delete and its next update.
	 */
	EXPECT_TRUE(landed > 0);
	tmap_destroy(run->map);
	for (cpu = 1; cpu <= PRODUCERS; cpu++) {
		for (which = 0; which < 2; which++) {
			kbpf_host_perf_buffers[pb_fd(cpu, which)] = NULL;
			kbpf_perf_buffer_put(run->pb[cpu][which]);
		}
	}
	free(run);
}
