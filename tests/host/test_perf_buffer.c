// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf perf buffers (maps/perf_buffer.c), PERF_EVENT_ARRAY (maps/
 * perf_event_array.c) and bpf_perf_event_output (helpers/perf_event.c):
 * the records a perf-style consumer reads through the mapped area
 * (PERF_RECORD_SAMPLE with padded raw data, PERF_RECORD_LOST after
 * drops, records wrapping at the end), wake-ups every wakeup_events
 * samples, the map's rules and the helper's errors.
 */
#include <kbpf/perf_buffer.h>
#include <kbpf/helpers.h>

#include "maptest.h"

extern struct kbpf_perf_buffer *kbpf_host_perf_buffers[];

struct reader {
	struct perf_event_mmap_page *page;
	u8 *data;
	u64 size;
};

static struct reader reader_of(struct kbpf_perf_buffer *pb)
{
	struct reader r;
	u64 size;

	r.page = kbpf_perf_buffer_area(pb, &size);
	r.data = (u8 *)r.page + r.page->data_offset;
	r.size = r.page->data_size;
	BUG_ON(size != PAGE_SIZE + r.size);
	return r;
}

/* The next record into buf (whole, header included); its type, or 0. */
static u32 read_record(struct reader *r, void *buf, u32 bufsize)
{
	u64 head = smp_load_acquire(&r->page->data_head);
	u64 tail = r->page->data_tail, off, first;
	struct perf_event_header *h = buf;
	u32 i;

	if (tail == head)
		return 0;
	for (i = 0; i < sizeof(*h); i++)
		((u8 *)buf)[i] = r->data[(tail + i) & (r->size - 1)];
	BUG_ON(h->size > bufsize || h->size < sizeof(*h));
	off = tail & (r->size - 1);
	first = min_t(u64, h->size, r->size - off);
	memcpy(buf, r->data + off, first);
	memcpy((u8 *)buf + first, r->data, h->size - first);
	smp_store_release(&r->page->data_tail, tail + h->size);
	return h->type;
}

struct sample {
	struct perf_event_header header;
	u32 size;
	u8 data[];
};

TEST(perf_buffer_alloc_checks)
{
	struct kbpf_perf_buffer *pb;

	EXPECT_EQ(PTR_ERR(kbpf_perf_buffer_alloc(-1, 1, 0)), -EINVAL);
	EXPECT_EQ(PTR_ERR(kbpf_perf_buffer_alloc(NR_CPUS, 1, 0)), -EINVAL);
	EXPECT_EQ(PTR_ERR(kbpf_perf_buffer_alloc(0, 0, 0)), -EINVAL);
	EXPECT_EQ(PTR_ERR(kbpf_perf_buffer_alloc(0, 3, 0)), -EINVAL);
	EXPECT_EQ(PTR_ERR(kbpf_perf_buffer_alloc(0, KBPF_PERF_BUFFER_MAX_PAGES * 2,
						 0)), -EINVAL);
	pb = kbpf_perf_buffer_alloc(1, 2, 0);
	ASSERT_TRUE(!IS_ERR(pb));
	EXPECT_EQ(kbpf_perf_buffer_cpu(pb), 1);
	kbpf_perf_buffer_put(pb);
}

TEST(perf_buffer_records_lost_and_wrap)
{
	struct kbpf_perf_buffer *pb = kbpf_perf_buffer_alloc(0, 1, 0);
	u8 msg[100], buf[256];
	struct sample *s = (struct sample *)buf;
	struct reader r;
	int i, n;

	ASSERT_TRUE(!IS_ERR(pb));
	r = reader_of(pb);
	for (i = 0; i < (int)sizeof(msg); i++)
		msg[i] = i + 1;
	/* 5 bytes of raw data: u32 size 12 (padded), 24-byte record. */
	EXPECT_EQ(kbpf_perf_buffer_output(pb, msg, 5, NULL, 0, NULL), 0);
	EXPECT_EQ(r.page->data_head, 24);
	EXPECT_EQ(read_record(&r, buf, sizeof(buf)), PERF_RECORD_SAMPLE);
	EXPECT_EQ(s->header.size, 24);
	EXPECT_EQ(s->header.misc, PERF_RECORD_MISC_KERNEL);
	EXPECT_EQ(s->size, 12);
	EXPECT_MEM_EQ(s->data, msg, 5);
	EXPECT_TRUE(!memcmp(s->data + 5, (u8[7]){ 0 }, 7));
	EXPECT_EQ(read_record(&r, buf, sizeof(buf)), 0);

	/* 112-byte records (100 + 4 + 8 rounded) until full, then drops. */
	for (n = 0; kbpf_perf_buffer_output(pb, msg, 100, NULL, 0, NULL) == 0; n++)
		;
	EXPECT_EQ(n, PAGE_SIZE / 112);
	EXPECT_EQ(kbpf_perf_buffer_output(pb, msg, 100, NULL, 0, NULL), -ENOSPC);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(read_record(&r, buf, sizeof(buf)), PERF_RECORD_SAMPLE);
		EXPECT_MEM_EQ(s->data, msg, 100);
	}
	/* Room again: the LOST record first (two drops), then the sample, wrapped. */
	EXPECT_EQ(kbpf_perf_buffer_output(pb, msg, 100, NULL, 0, NULL), 0);
	EXPECT_EQ(read_record(&r, buf, sizeof(buf)), PERF_RECORD_LOST);
	EXPECT_EQ(((struct perf_event_header *)buf)->size, 24);
	EXPECT_EQ(((u64 *)buf)[2], 2);
	EXPECT_EQ(read_record(&r, buf, sizeof(buf)), PERF_RECORD_SAMPLE);
	EXPECT_EQ(s->size, 100);
	EXPECT_MEM_EQ(s->data, msg, 100);
	for (i = 0; i < 40; i++) {
		msg[0] = i;
		ASSERT_EQ(kbpf_perf_buffer_output(pb, msg, 100, NULL, 0, NULL), 0);
		ASSERT_EQ(read_record(&r, buf, sizeof(buf)), PERF_RECORD_SAMPLE);
		EXPECT_MEM_EQ(s->data, msg, 100);
	}
	EXPECT_EQ(kbpf_perf_buffer_output(pb, msg, U16_MAX, NULL, 0, NULL), -E2BIG);
	kbpf_perf_buffer_put(pb);
}

TEST(perf_buffer_wakeup_events)
{
	struct kbpf_perf_buffer *pb = kbpf_perf_buffer_alloc(0, 1, 3);
	u8 msg[8] = { 0 };
	int i;

	ASSERT_TRUE(!IS_ERR(pb));
	for (i = 1; i <= 7; i++) {
		EXPECT_EQ(kbpf_perf_buffer_output(pb, msg, 8, NULL, 0, NULL), 0);
		/* Readable once every third sample, and once per wake-up. */
		EXPECT_EQ(kbpf_perf_buffer_poll(pb, NULL, NULL),
			  i % 3 ? 0 : EPOLLIN | EPOLLRDNORM);
	}
	kbpf_perf_buffer_put(pb);
}

static unsigned long ctx_copy(void *dst, const void *ctx, unsigned long off,
			      unsigned long len)
{
	memcpy(dst, (const u8 *)ctx + off, len);
	return 0;
}

TEST(perf_buffer_ctx_bytes)
{
	struct kbpf_perf_buffer *pb = kbpf_perf_buffer_alloc(0, 1, 0);
	u8 meta[3] = { 9, 8, 7 }, pkt[40], buf[128];
	struct sample *s = (struct sample *)buf;
	struct reader r;
	int i;

	ASSERT_TRUE(!IS_ERR(pb));
	r = reader_of(pb);
	for (i = 0; i < 40; i++)
		pkt[i] = 100 + i;
	EXPECT_EQ(kbpf_perf_buffer_output(pb, meta, 3, pkt, 40, ctx_copy), 0);
	EXPECT_EQ(read_record(&r, buf, sizeof(buf)), PERF_RECORD_SAMPLE);
	EXPECT_EQ(s->size, 44);
	EXPECT_MEM_EQ(s->data, meta, 3);
	EXPECT_MEM_EQ(s->data + 3, pkt, 40);
	kbpf_perf_buffer_put(pb);
}

TEST(perf_event_array_map_and_helper)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 4, 0);
	struct kbpf_perf_buffer *pb0 = kbpf_perf_buffer_alloc(0, 1, 0);
	struct kbpf_perf_buffer *pb1 = kbpf_perf_buffer_alloc(1, 1, 0);
	const struct kbpf_func_proto *fn;
	u32 key, fd, next, val;
	u64 data = 0x1122334455667788ULL;
	u8 buf[64];
	struct reader r;

	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 8, 4, 0), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 8, 4, 4, 0), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0, 0), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 4,
			     BPF_F_PRESERVE_ELEMS), 0);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 4,
			     BPF_F_RDONLY_PROG), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 4,
			     BPF_F_MMAPABLE), -EINVAL);
	ASSERT_TRUE(!IS_ERR(map) && !IS_ERR(pb0) && !IS_ERR(pb1));
	kbpf_host_perf_buffers[3] = pb0;
	kbpf_host_perf_buffers[4] = pb1;

	key = 0;
	fd = 3;
	EXPECT_EQ(tmap_update_sys(map, &key, &fd, BPF_NOEXIST), -EINVAL);
	fd = 5;
	EXPECT_EQ(tmap_update_sys(map, &key, &fd, BPF_ANY), -EBADF);
	fd = 3;
	EXPECT_EQ(tmap_update_sys(map, &key, &fd, BPF_ANY), 0);
	key = 4;
	EXPECT_EQ(tmap_update_sys(map, &key, &fd, BPF_ANY), -E2BIG);
	key = 1;
	fd = 4;
	EXPECT_EQ(tmap_update_sys(map, &key, &fd, BPF_ANY), 0);
	EXPECT_EQ(tmap_lookup_sys(map, &key, &val), -ENOTSUPP);
	EXPECT_EQ(tmap_next_key(map, NULL, &next), 0);
	EXPECT_EQ(next, 0);
	key = 3;
	EXPECT_EQ(tmap_next_key(map, &key, &next), -ENOENT);

	fn = kbpf_get_func_proto_caps(BPF_PROG_TYPE_KPROBE,
				      BPF_FUNC_perf_event_output, ~0u);
	ASSERT_NONNULL(fn);
	EXPECT_TRUE(fn->gpl_only);
#define OUT(flags) ((long)fn->func(0, (unsigned long)map, (flags),	\
				  (unsigned long)&data, sizeof(data)))
	kbpf_shim_cpu = 0;
	EXPECT_EQ(OUT(BPF_F_CURRENT_CPU), 0);
	EXPECT_EQ(OUT(1), -EOPNOTSUPP);
	EXPECT_EQ(OUT(2), -ENOENT);
	EXPECT_EQ(OUT(4), -E2BIG);
	EXPECT_EQ(OUT(1ULL << 32), -EINVAL);
	kbpf_shim_cpu = 1;
	EXPECT_EQ(OUT(BPF_F_CURRENT_CPU), 0);
	kbpf_shim_cpu = 0;
	r = reader_of(pb0);
	EXPECT_EQ(read_record(&r, buf, sizeof(buf)), PERF_RECORD_SAMPLE);
	EXPECT_MEM_EQ(((struct sample *)buf)->data, &data, 8);
	EXPECT_EQ(read_record(&r, buf, sizeof(buf)), 0);
	r = reader_of(pb1);
	EXPECT_EQ(read_record(&r, buf, sizeof(buf)), PERF_RECORD_SAMPLE);

	key = 1;
	EXPECT_EQ(tmap_delete(map, &key), 0);
	EXPECT_EQ(tmap_delete(map, &key), -ENOENT);
	key = 9;
	EXPECT_EQ(tmap_delete(map, &key), -E2BIG);
	kbpf_host_perf_buffers[3] = NULL;
	kbpf_host_perf_buffers[4] = NULL;
	kbpf_perf_buffer_put(pb0);
	kbpf_perf_buffer_put(pb1);
	/* pb0 is still in slot 0: the map's free drops the last reference. */
	tmap_destroy(map);
}

/*
 * Closing a map file drops the buffers stored through it (Linux's
 * perf_event_fd_array_release()), not others', and nothing with
 * BPF_F_PRESERVE_ELEMS.
 */
static void release_case(u32 flags)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
					   4, flags);
	struct kbpf_perf_buffer *pb = kbpf_perf_buffer_alloc(0, 1, 0);
	/* Two map files: only their addresses matter. */
	static struct { int x; } file_a, file_b;
	struct file *a = (struct file *)&file_a, *b = (struct file *)&file_b;
	bool keep = flags & BPF_F_PRESERVE_ELEMS;
	u32 key, fd = 3;

	ASSERT_TRUE(!IS_ERR(map) && !IS_ERR(pb));
	kbpf_host_perf_buffers[3] = pb;
	for (key = 0; key < 4; key++)
		EXPECT_EQ(map->ops->map_update_file(map, key % 2 ? b : a, &key,
						    &fd, BPF_ANY), 0);
	map->ops->map_release(map, a);
	for (key = 0; key < 4; key++)
		EXPECT_EQ(tmap_delete(map, &key), key % 2 || keep ? 0 : -ENOENT);
	/* A file's release spares a slot another file updated since. */
	key = 0;
	EXPECT_EQ(map->ops->map_update_file(map, a, &key, &fd, BPF_ANY), 0);
	EXPECT_EQ(map->ops->map_update_file(map, b, &key, &fd, BPF_ANY), 0);
	map->ops->map_release(map, a);
	EXPECT_EQ(tmap_delete(map, &key), 0);
	kbpf_host_perf_buffers[3] = NULL;
	kbpf_perf_buffer_put(pb);
	tmap_destroy(map);
}

TEST(perf_event_array_release_by_map_file)
{
	release_case(0);
	release_case(BPF_F_PRESERVE_ELEMS);
}

/* The mapped page is writable: a consumer scribbling data_head misleads only itself. */
TEST(perf_buffer_head_is_kernel_owned)
{
	struct kbpf_perf_buffer *pb = kbpf_perf_buffer_alloc(0, 1, 0);
	u8 msg[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, buf[64];
	struct reader r;

	ASSERT_TRUE(!IS_ERR(pb));
	r = reader_of(pb);
	EXPECT_EQ(kbpf_perf_buffer_output(pb, msg, 8, NULL, 0, NULL), 0);
	WRITE_ONCE(r.page->data_head, 4000);
	EXPECT_EQ(kbpf_perf_buffer_output(pb, msg, 8, NULL, 0, NULL), 0);
	EXPECT_EQ(r.page->data_head, 48);
	EXPECT_EQ(read_record(&r, buf, sizeof(buf)), PERF_RECORD_SAMPLE);
	EXPECT_EQ(read_record(&r, buf, sizeof(buf)), PERF_RECORD_SAMPLE);
	EXPECT_MEM_EQ(((struct sample *)buf)->data, msg, 8);
	kbpf_perf_buffer_put(pb);
}
