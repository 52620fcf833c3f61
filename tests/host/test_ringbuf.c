// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_RINGBUF (maps/ringbuf.c): creation checks, the record
 * layout a userspace consumer sees through the mmap view (the pages
 * map_mmap_area() hands to kmod/), reserve/submit/discard/output/query,
 * the wake-up policy (BPF_RB_NO_WAKEUP, BPF_RB_FORCE_WAKEUP, default),
 * wraparound through the double-mapped data, and concurrent producers
 * against a consumer written the way libbpf's ring_buffer__consume() is.
 */
#include <kbpf/ringbuf.h>

#include "maptest.h"
#include "../../maps/ringbuf_internal.h"

#define RB_SIZE		4096

/* What userspace maps: consumer page, producer page, data twice. */
struct rb_view {
	unsigned long *cons;
	unsigned long *prod;
	u8 *data;
	u64 mask;
};

static struct rb_view rb_view(struct kbpf_map *map)
{
	struct rb_view v = {};
	u64 size = 0;
	u8 *p;

	p = map->ops->map_mmap_area(map, 0, 1, true, &size);
	BUG_ON(IS_ERR(p));
	v.cons = (unsigned long *)p;
	v.prod = (unsigned long *)(p + PAGE_SIZE);
	v.data = p + 2 * PAGE_SIZE;
	v.mask = map->max_entries - 1;
	BUG_ON(size != 2 * PAGE_SIZE + 2 * (u64)map->max_entries);
	return v;
}

static struct kbpf_map *rb_create(u32 size)
{
	return tmap_create(BPF_MAP_TYPE_RINGBUF, 0, 0, size, 0);
}

static int rb_wakeups(struct kbpf_map *map)
{
	return atomic_read(&container_of(map, struct kbpf_ringbuf, map)->waitq.wakeups);
}

/*
 * One record as a consumer reads it: 1 for a sample (copied to buf), 2
 * for a discarded one, 0 if the next one is busy or there is none.
 */
static int rb_consume_one(struct rb_view *v, void *buf, u32 *len)
{
	unsigned long cons = smp_load_acquire(v->cons);
	unsigned long prod = smp_load_acquire(v->prod);
	struct kbpf_ringbuf_hdr *hdr;
	u32 l;

	if (cons >= prod)
		return 0;
	hdr = (void *)(v->data + (cons & v->mask));
	l = smp_load_acquire(&hdr->len);
	if (l & BPF_RINGBUF_BUSY_BIT)
		return 0;
	*len = l & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
	if (!(l & BPF_RINGBUF_DISCARD_BIT))
		memcpy(buf, (u8 *)hdr + BPF_RINGBUF_HDR_SZ, *len);
	smp_store_release(v->cons, cons + round_up(*len + BPF_RINGBUF_HDR_SZ, 8));
	return l & BPF_RINGBUF_DISCARD_BIT ? 2 : 1;
}

TEST(ringbuf_create_checks)
{
	EXPECT_EQ(kbpf_map_type_ops(BPF_MAP_TYPE_RINGBUF), &kbpf_ringbuf_map_ops);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0), 0);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 0, 1 << 20, 0), 0);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, BPF_F_NUMA_NODE), 0);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 4, 0, 4096, 0), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 4, 4096, 0), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 0, 0, 0), -EINVAL);
	/* A power of two, and a multiple of the page size. */
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 0, 3 * 4096, 0), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 0, 2048, 0), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 0, 4095, 0), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, BPF_F_NO_PREALLOC),
		  -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, BPF_F_MMAPABLE),
		  -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, BPF_F_RDONLY_PROG),
		  -EINVAL);
}

TEST(ringbuf_no_elements)
{
	struct kbpf_map *map = rb_create(RB_SIZE);
	u32 key = 0, next;

	ASSERT_TRUE(!IS_ERR(map));
	EXPECT_EQ(PTR_ERR(tmap_lookup(map, &key)), -ENOTSUPP);
	EXPECT_EQ(tmap_update(map, &key, &key, 0), -ENOTSUPP);
	EXPECT_EQ(tmap_delete(map, &key), -ENOTSUPP);
	EXPECT_EQ(tmap_next_key(map, NULL, &next), -ENOTSUPP);
	tmap_destroy(map);
}

TEST(ringbuf_record_layout)
{
	struct kbpf_map *map = rb_create(RB_SIZE);
	struct kbpf_ringbuf_hdr *hdr;
	struct rb_view v;
	u8 buf[64];
	u32 len;
	char *s;

	ASSERT_TRUE(!IS_ERR(map));
	v = rb_view(map);
	EXPECT_EQ(*v.cons, 0);
	EXPECT_EQ(*v.prod, 0);
	EXPECT_EQ(kbpf_ringbuf_output(map, "hello", 5, 0), 0);
	/* 8-byte header, 5 bytes rounded up to 8. */
	EXPECT_EQ(*v.prod, 16);
	hdr = (void *)v.data;
	EXPECT_EQ(hdr->len, 5);
	/* pg_off: the data's first page is the ring's fourth. */
	EXPECT_EQ(hdr->pg_off, 3);
	EXPECT_MEM_EQ(v.data + 8, "hello", 5);

	/* Reserved: busy, and the consumer stops there. */
	s = kbpf_ringbuf_reserve(map, 20, 0);
	ASSERT_NONNULL(s);
	EXPECT_EQ((u8 *)s, v.data + 16 + 8);
	hdr = (void *)(v.data + 16);
	EXPECT_EQ(hdr->len, 20 | BPF_RINGBUF_BUSY_BIT);
	EXPECT_EQ(*v.prod, 16 + 8 + 24);
	EXPECT_EQ(rb_consume_one(&v, buf, &len), 1);
	EXPECT_EQ(len, 5);
	EXPECT_MEM_EQ(buf, "hello", 5);
	EXPECT_EQ(rb_consume_one(&v, buf, &len), 0);
	memcpy(s, "twenty bytes, really", 20);
	kbpf_ringbuf_submit(s, 0);
	EXPECT_EQ(hdr->len, 20);
	EXPECT_EQ(rb_consume_one(&v, buf, &len), 1);
	EXPECT_MEM_EQ(buf, "twenty bytes, really", 20);

	/* Discarded: the consumer skips it, the length stays. */
	s = kbpf_ringbuf_reserve(map, 3, 0);
	ASSERT_NONNULL(s);
	kbpf_ringbuf_discard(s, 0);
	hdr = (void *)(s - 8);
	EXPECT_EQ(hdr->len, 3 | BPF_RINGBUF_DISCARD_BIT);
	EXPECT_EQ(rb_consume_one(&v, buf, &len), 2);
	EXPECT_EQ(len, 3);
	EXPECT_EQ(*v.cons, *v.prod);

	/* An empty sample is a record too. */
	EXPECT_EQ(kbpf_ringbuf_output(map, NULL, 0, 0), 0);
	EXPECT_EQ(rb_consume_one(&v, buf, &len), 1);
	EXPECT_EQ(len, 0);
	tmap_destroy(map);
}

TEST(ringbuf_limits_and_flags)
{
	struct kbpf_map *map = rb_create(RB_SIZE);
	u8 rec[56] = { 1, 2, 3 };
	struct rb_view v;
	void *s;
	int n = 0;

	ASSERT_TRUE(!IS_ERR(map));
	v = rb_view(map);
	/* Unknown flags: reserve fails, output says EINVAL. */
	EXPECT_NULL(kbpf_ringbuf_reserve(map, 8, 1));
	EXPECT_EQ(kbpf_ringbuf_output(map, "x", 1, 4), -EINVAL);
	/* A record may never take the whole ring (Linux keeps a byte free). */
	EXPECT_NULL(kbpf_ringbuf_reserve(map, RB_SIZE - 8, 0));
	EXPECT_NULL(kbpf_ringbuf_reserve(map, RB_SIZE, 0));
	EXPECT_NULL(kbpf_ringbuf_reserve(map, (u64)U32_MAX / 4 + 1, 0));
	EXPECT_NULL(kbpf_ringbuf_reserve(map, U64_MAX, 0));
	s = kbpf_ringbuf_reserve(map, RB_SIZE - 16, 0);
	ASSERT_NONNULL(s);
	kbpf_ringbuf_discard(s, 0);
	*v.cons = *v.prod;
	/* Fill with 64-byte records: 63 fit (4032 bytes), the 64th does not. */
	while (kbpf_ringbuf_output(map, rec, 56, BPF_RB_NO_WAKEUP) == 0)
		n++;
	EXPECT_EQ(n, 63);
	EXPECT_EQ(kbpf_ringbuf_output(map, rec, 56, 0), -EAGAIN);
	EXPECT_EQ(kbpf_ringbuf_query(map, BPF_RB_AVAIL_DATA), 63 * 64);
	EXPECT_EQ(kbpf_ringbuf_query(map, BPF_RB_RING_SIZE), RB_SIZE);
	EXPECT_EQ(kbpf_ringbuf_query(map, BPF_RB_CONS_POS), *v.cons);
	EXPECT_EQ(kbpf_ringbuf_query(map, BPF_RB_PROD_POS), *v.prod);
	EXPECT_EQ(kbpf_ringbuf_query(map, 99), 0);
	EXPECT_EQ(map->ops->map_poll(map, NULL, NULL), EPOLLIN | EPOLLRDNORM);
	*v.cons = *v.prod;
	EXPECT_EQ(map->ops->map_poll(map, NULL, NULL), 0);
	EXPECT_EQ(kbpf_ringbuf_query(map, BPF_RB_AVAIL_DATA), 0);
	tmap_destroy(map);
}

TEST(ringbuf_mmap_area)
{
	struct kbpf_map *map = rb_create(2 * RB_SIZE);
	u64 size;

	ASSERT_TRUE(!IS_ERR(map));
	/* Writable: the consumer page alone. */
	EXPECT_EQ(PTR_ERR(map->ops->map_mmap_area(map, 0, 2, true, &size)),
		  -EPERM);
	EXPECT_EQ(PTR_ERR(map->ops->map_mmap_area(map, 1, 1, true, &size)),
		  -EPERM);
	EXPECT_FALSE(IS_ERR(map->ops->map_mmap_area(map, 1, 5, false, &size)));
	EXPECT_EQ(size, 2 * PAGE_SIZE + 4 * RB_SIZE);
	tmap_destroy(map);
}

TEST(ringbuf_wakeup_policy)
{
	struct kbpf_map *map = rb_create(RB_SIZE);
	struct rb_view v;
	void *a, *b;
	u32 len;
	u8 buf[16];

	ASSERT_TRUE(!IS_ERR(map));
	v = rb_view(map);
	/* The consumer waits on this record: wake it. */
	EXPECT_EQ(kbpf_ringbuf_output(map, "a", 1, 0), 0);
	EXPECT_EQ(rb_wakeups(map), 1);
	/* Not the one it waits on (it has not consumed the first). */
	EXPECT_EQ(kbpf_ringbuf_output(map, "b", 1, 0), 0);
	EXPECT_EQ(rb_wakeups(map), 1);
	EXPECT_EQ(kbpf_ringbuf_output(map, "c", 1, BPF_RB_FORCE_WAKEUP), 0);
	EXPECT_EQ(rb_wakeups(map), 2);
	while (rb_consume_one(&v, buf, &len))
		;
	EXPECT_EQ(kbpf_ringbuf_output(map, "d", 1, BPF_RB_NO_WAKEUP), 0);
	EXPECT_EQ(rb_wakeups(map), 2);
	rb_consume_one(&v, buf, &len);
	/* Out of order commits: only the record at the consumer wakes. */
	a = kbpf_ringbuf_reserve(map, 4, 0);
	b = kbpf_ringbuf_reserve(map, 4, 0);
	kbpf_ringbuf_submit(b, 0);
	EXPECT_EQ(rb_wakeups(map), 2);
	EXPECT_EQ(rb_consume_one(&v, buf, &len), 0);	/* a is busy */
	kbpf_ringbuf_discard(a, 0);
	EXPECT_EQ(rb_wakeups(map), 3);
	EXPECT_EQ(rb_consume_one(&v, buf, &len), 2);
	EXPECT_EQ(rb_consume_one(&v, buf, &len), 1);
	tmap_destroy(map);
}

TEST(ringbuf_wraparound)
{
	struct kbpf_map *map = rb_create(RB_SIZE);
	u8 sample[200], buf[200];
	struct rb_view v;
	unsigned long pos;
	u32 len, i, round;
	u8 *s;

	ASSERT_TRUE(!IS_ERR(map));
	v = rb_view(map);
	for (i = 0; i < sizeof(sample); i++)
		sample[i] = (u8)(i * 7 + 3);
	/* 200-byte samples (208 with the header) cross the end many times. */
	for (round = 0; round < 100; round++) {
		pos = *v.prod;
		s = kbpf_ringbuf_reserve(map, sizeof(sample), 0);
		ASSERT_NONNULL(s);
		EXPECT_EQ(s, v.data + (pos & v.mask) + 8);
		memcpy(s, sample, sizeof(sample));
		kbpf_ringbuf_submit(s, 0);
		/* A sample running past the end continues at the start. */
		if ((pos & v.mask) + 8 + sizeof(sample) > RB_SIZE)
			EXPECT_EQ(v.data[0],
				  sample[RB_SIZE - (pos & v.mask) - 8]);
		ASSERT_EQ(rb_consume_one(&v, buf, &len), 1);
		ASSERT_EQ(len, sizeof(sample));
		EXPECT_MEM_EQ(buf, sample, sizeof(sample));
		sample[0]++;
	}
	EXPECT_EQ(*v.prod, 100 * 208);
	tmap_destroy(map);
}

/* Producers write (thread, seq, seq...) records; one consumer checks them. */
#define PRODUCERS	4
#define PER_PRODUCER	20000

struct rb_run {
	struct kbpf_map *map;
	struct rb_view v;
	atomic_t done;
	u32 next_seq[PRODUCERS];
	u64 records, discards, errors;
};

static void rb_producer(int index, void *arg)
{
	struct rb_run *run = arg;
	u32 seq, words, w, rec[32];
	u32 *s;

	for (seq = 0; seq < PER_PRODUCER;) {
		words = 2 + (seq * 7 + index) % 30;
		rec[0] = index;
		rec[1] = seq;
		for (w = 2; w < words; w++)
			rec[w] = seq ^ (w << 16);
		if (seq % 3 == 0) {
			if (kbpf_ringbuf_output(run->map, rec, words * 4, 0))
				continue;	/* full: let the consumer catch up */
			seq++;
			continue;
		}
		s = kbpf_ringbuf_reserve(run->map, words * 4, 0);
		if (!s)
			continue;
		memcpy(s, rec, words * 4);
		/* Every fifth reserved one is thrown away, with its seq. */
		if (seq % 5 == 1)
			kbpf_ringbuf_discard(s, BPF_RB_NO_WAKEUP);
		else
			kbpf_ringbuf_submit(s, 0);
		seq++;
	}
	atomic_inc(&run->done);
}

static void rb_consumer(struct rb_run *run)
{
	u32 buf[32], len, w, t, seq;
	int r;

	for (;;) {
		bool finished = atomic_read(&run->done) == PRODUCERS;

		r = rb_consume_one(&run->v, buf, &len);
		if (!r) {
			if (finished && *run->v.cons == *run->v.prod)
				break;
			continue;
		}
		if (r == 2) {
			run->discards++;
			continue;
		}
		t = buf[0];
		seq = buf[1];
		if (t >= PRODUCERS || seq < run->next_seq[t] ||
		    len != 4 * (2 + (seq * 7 + t) % 30)) {
			run->errors++;
			continue;
		}
		/* Discarded seqs are the only gaps. */
		for (; run->next_seq[t] < seq; run->next_seq[t]++)
			if (run->next_seq[t] % 5 != 1 || run->next_seq[t] % 3 == 0)
				run->errors++;
		run->next_seq[t] = seq + 1;
		for (w = 2; w < len / 4; w++)
			if (buf[w] != (seq ^ (w << 16)))
				run->errors++;
		run->records++;
	}
}

static void rb_thread(int index, void *arg)
{
	if (index == PRODUCERS)
		rb_consumer(arg);
	else
		rb_producer(index, arg);
}

TEST(ringbuf_concurrent_producers)
{
	static struct rb_run run;
	u64 want_discards = 0;
	u32 seq;

	run.map = rb_create(4 * RB_SIZE);
	ASSERT_TRUE(!IS_ERR(run.map));
	run.v = rb_view(run.map);
	tthread_run(PRODUCERS + 1, rb_thread, &run);
	for (seq = 0; seq < PER_PRODUCER; seq++)
		if (seq % 3 && seq % 5 == 1)
			want_discards++;
	EXPECT_EQ(run.errors, 0);
	EXPECT_EQ(run.discards, PRODUCERS * want_discards);
	EXPECT_EQ(run.records + run.discards, (u64)PRODUCERS * PER_PRODUCER);
	tmap_destroy(run.map);
}
