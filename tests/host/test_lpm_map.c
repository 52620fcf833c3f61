// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_LPM_TRIE (maps/lpm_trie.c): creation rules, longest-prefix
 * lookups, update flags, deletes that collapse intermediate nodes, the
 * postorder key walk Linux's tools/testing/selftests/bpf/test_lpm_map.c
 * expects, a fixed-seed random run against a model (a plain list of
 * prefixes searched linearly), and threads updating and deleting while
 * others look up.
 */
#include "maptest.h"
#include "../../maps/lpm_trie.h"

#define KEY_MAX 260

struct tkey {
	u32 prefixlen;
	u8 data[KEY_MAX - 4];
};

static struct tkey k4(u32 prefixlen, u8 a, u8 b, u8 c, u8 d)
{
	struct tkey k = { .prefixlen = prefixlen, .data = { a, b, c, d } };

	return k;
}

static struct kbpf_map *lpm_create(u32 data_size, u32 value_size, u32 max)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_LPM_TRIE, 4 + data_size,
					   value_size, max, BPF_F_NO_PREALLOC);

	BUG_ON(IS_ERR(map));
	return map;
}

/*
 * The map sees a key of exactly key_size bytes on the heap, as the
 * syscall side's copy is, so that ASan catches a read past its data.
 */
static struct tkey *exact_key(struct kbpf_map *map, const struct tkey *k)
{
	struct tkey *e = malloc(map->key_size);

	BUG_ON(!e);
	memcpy(e, k, map->key_size);
	return e;
}

static u32 *lookup_u32(struct kbpf_map *map, struct tkey k)
{
	struct tkey *e = exact_key(map, &k);
	u32 *v = tmap_lookup(map, e);

	free(e);
	return v;
}

static long upd(struct kbpf_map *map, struct tkey k, u32 v, u64 flags)
{
	struct tkey *e = exact_key(map, &k);
	long ret = tmap_update(map, e, &v, flags);

	free(e);
	return ret;
}

static long del(struct kbpf_map *map, struct tkey k)
{
	struct tkey *e = exact_key(map, &k);
	long ret = tmap_delete(map, e);

	free(e);
	return ret;
}

/* Walk the trie and check its invariants; returns the nodes seen. */
static u32 check_node(struct kbpf_lpm_trie *t, struct kbpf_lpm_node *n,
		      u32 parent_len, u32 *entries)
{
	u32 count = 1, i;

	if (!n)
		return 0;
	EXPECT_TRUE(parent_len == U32_MAX || n->prefixlen > parent_len);
	EXPECT_TRUE(n->prefixlen <= t->max_prefixlen);
	if (n->flags & KBPF_LPM_NODE_IM)
		EXPECT_TRUE(n->child[0] && n->child[1]);
	else
		(*entries)++;
	for (i = 0; i < 2; i++) {
		struct kbpf_lpm_node *c = n->child[i];

		if (!c)
			continue;
		/* A child extends its parent's prefix by bit i. */
		EXPECT_EQ((c->data[n->prefixlen / 8] >> (7 - n->prefixlen % 8)) & 1,
			  i);
		count += check_node(t, c, n->prefixlen, entries);
	}
	return count;
}

static void check_trie(struct kbpf_map *map)
{
	struct kbpf_lpm_trie *t = kbpf_to_lpm_trie(map);
	u32 entries = 0, nodes;

	nodes = check_node(t, t->root, U32_MAX, &entries);
	EXPECT_EQ(nodes, t->n_nodes);
	EXPECT_EQ(entries, t->n_entries);
	/* Intermediate nodes only where prefixes part: fewer than entries. */
	EXPECT_TRUE(nodes <= (entries ? 2 * entries - 1 : 0));
}

TEST(lpm_create_rules)
{
	u32 t = BPF_MAP_TYPE_LPM_TRIE, np = BPF_F_NO_PREALLOC;
	u32 vmax = KMALLOC_MAX_SIZE - 256 - 40;

	EXPECT_EQ(tmap_check(t, 8, 4, 1, np), 0);
	EXPECT_EQ(tmap_check(t, 8, 4, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(t, 4, 4, 1, np), -EINVAL);
	EXPECT_EQ(tmap_check(t, 5, 4, 1, np), 0);
	EXPECT_EQ(tmap_check(t, 260, 4, 1, np), 0);
	EXPECT_EQ(tmap_check(t, 261, 4, 1, np), -EINVAL);
	EXPECT_EQ(tmap_check(t, 8, 0, 1, np), -EINVAL);
	EXPECT_EQ(tmap_check(t, 8, vmax, 1, np), 0);
	EXPECT_EQ(tmap_check(t, 8, vmax + 1, 1, np), -EINVAL);
	EXPECT_EQ(tmap_check(t, 8, 4, 0, np), -EINVAL);
	EXPECT_EQ(tmap_check(t, 8, 4, 1, np | BPF_F_NUMA_NODE), 0);
	EXPECT_EQ(tmap_check(t, 8, 4, 1, np | BPF_F_RDONLY), 0);
	EXPECT_EQ(tmap_check(t, 8, 4, 1, np | BPF_F_WRONLY_PROG), 0);
	EXPECT_EQ(tmap_check(t, 8, 4, 1, np | BPF_F_RDONLY_PROG |
			     BPF_F_WRONLY_PROG), -EINVAL);
	EXPECT_EQ(tmap_check(t, 8, 4, 1, np | BPF_F_ZERO_SEED), -EINVAL);
	EXPECT_EQ(tmap_check(t, 8, 4, 1, np | BPF_F_MMAPABLE), -EINVAL);
	kbpf_shim_set_caps(0);
	EXPECT_EQ(tmap_check(t, 8, 4, 1, np), -EPERM);
	kbpf_shim_set_caps(~0ULL);
}

/* test_lpm_map.c's test_lpm_ipaddr and test_lpm_delete, in kbpf's words. */
TEST(lpm_longest_match_and_delete)
{
	struct kbpf_map *map = lpm_create(4, 4, 100);
	u32 *v;

	EXPECT_NULL(lookup_u32(map, k4(32, 192, 168, 0, 1)));
	EXPECT_EQ(upd(map, k4(16, 192, 168, 0, 0), 1, BPF_ANY), 0);
	EXPECT_EQ(upd(map, k4(24, 192, 168, 0, 0), 2, BPF_ANY), 0);
	EXPECT_EQ(upd(map, k4(24, 192, 168, 128, 0), 3, BPF_ANY), 0);
	EXPECT_EQ(upd(map, k4(24, 192, 168, 1, 0), 4, BPF_ANY), 0);
	EXPECT_EQ(upd(map, k4(23, 192, 168, 0, 0), 5, BPF_ANY), 0);
	check_trie(map);

	v = lookup_u32(map, k4(32, 192, 168, 128, 23));
	EXPECT_TRUE(v && *v == 3);
	v = lookup_u32(map, k4(32, 192, 168, 0, 1));
	EXPECT_TRUE(v && *v == 2);
	v = lookup_u32(map, k4(32, 192, 168, 1, 1));
	EXPECT_TRUE(v && *v == 4);
	v = lookup_u32(map, k4(32, 192, 168, 2, 1));
	EXPECT_TRUE(v && *v == 1);
	/* A lookup key's own prefixlen bounds the match. */
	v = lookup_u32(map, k4(23, 192, 168, 1, 1));
	EXPECT_TRUE(v && *v == 5);
	v = lookup_u32(map, k4(20, 192, 168, 1, 1));
	EXPECT_TRUE(v && *v == 1);
	EXPECT_NULL(lookup_u32(map, k4(15, 192, 168, 1, 1)));
	EXPECT_NULL(lookup_u32(map, k4(33, 192, 168, 1, 1)));
	EXPECT_NULL(lookup_u32(map, k4(32, 10, 0, 0, 1)));
	EXPECT_NULL(lookup_u32(map, k4(32, 192, 255, 0, 0)));

	EXPECT_EQ(del(map, k4(16, 192, 255, 0, 0)), -ENOENT);
	EXPECT_EQ(del(map, k4(33, 192, 168, 0, 0)), -EINVAL);
	/* No such entry (the /23 above the /24s was intermediate, now is one). */
	EXPECT_EQ(del(map, k4(22, 192, 168, 0, 0)), -ENOENT);
	EXPECT_EQ(del(map, k4(23, 192, 168, 0, 0)), 0);
	v = lookup_u32(map, k4(32, 192, 168, 0, 1));
	EXPECT_TRUE(v && *v == 2);
	EXPECT_EQ(del(map, k4(24, 192, 168, 0, 0)), 0);
	v = lookup_u32(map, k4(32, 192, 168, 0, 1));
	EXPECT_TRUE(v && *v == 1);
	EXPECT_EQ(del(map, k4(24, 192, 168, 1, 0)), 0);
	v = lookup_u32(map, k4(32, 192, 168, 1, 1));
	EXPECT_TRUE(v && *v == 1);
	EXPECT_EQ(del(map, k4(16, 192, 168, 0, 0)), 0);
	EXPECT_NULL(lookup_u32(map, k4(32, 192, 168, 1, 1)));
	v = lookup_u32(map, k4(32, 192, 168, 128, 1));
	EXPECT_TRUE(v && *v == 3);
	EXPECT_EQ(del(map, k4(24, 192, 168, 128, 0)), 0);
	EXPECT_NULL(lookup_u32(map, k4(32, 192, 168, 128, 1)));
	EXPECT_EQ(del(map, k4(24, 192, 168, 128, 0)), -ENOENT);
	check_trie(map);
	EXPECT_EQ(kbpf_to_lpm_trie(map)->n_nodes, 0);
	tmap_destroy(map);
}

TEST(lpm_update_flags)
{
	struct kbpf_map *map = lpm_create(4, 4, 2);
	u32 *v;

	EXPECT_EQ(upd(map, k4(8, 10, 0, 0, 0), 1, 3), -EINVAL);
	EXPECT_EQ(upd(map, k4(33, 10, 0, 0, 0), 1, BPF_ANY), -EINVAL);
	EXPECT_EQ(upd(map, k4(8, 10, 0, 0, 0), 1, BPF_EXIST), -ENOENT);
	EXPECT_EQ(upd(map, k4(8, 10, 0, 0, 0), 1, BPF_NOEXIST), 0);
	EXPECT_EQ(upd(map, k4(8, 10, 0, 0, 0), 2, BPF_NOEXIST), -EEXIST);
	EXPECT_EQ(upd(map, k4(8, 10, 0, 0, 0), 3, BPF_EXIST), 0);
	v = lookup_u32(map, k4(32, 10, 1, 2, 3));
	EXPECT_TRUE(v && *v == 3);
	/* Two entries that part at bit 7 need an intermediate node. */
	EXPECT_EQ(upd(map, k4(8, 11, 0, 0, 0), 4, BPF_ANY), 0);
	EXPECT_EQ(kbpf_to_lpm_trie(map)->n_nodes, 3);
	/* Full: a new key is refused, an existing one still replaced. */
	EXPECT_EQ(upd(map, k4(16, 10, 1, 0, 0), 5, BPF_ANY), -ENOSPC);
	EXPECT_EQ(upd(map, k4(7, 10, 0, 0, 0), 5, BPF_NOEXIST), -ENOSPC);
	/* The intermediate /7 is no entry either: refused when full. */
	EXPECT_EQ(upd(map, k4(7, 10, 0, 0, 0), 5, BPF_ANY), -ENOSPC);
	EXPECT_EQ(upd(map, k4(8, 11, 0, 0, 0), 6, BPF_ANY), 0);
	v = lookup_u32(map, k4(32, 11, 1, 2, 3));
	EXPECT_TRUE(v && *v == 6);
	EXPECT_EQ(del(map, k4(8, 11, 0, 0, 0)), 0);
	/* Its intermediate parent went with it. */
	EXPECT_EQ(kbpf_to_lpm_trie(map)->n_nodes, 1);
	/* An intermediate node becomes an entry in place. */
	EXPECT_EQ(upd(map, k4(8, 11, 0, 0, 0), 4, BPF_ANY), 0);
	EXPECT_EQ(upd(map, k4(7, 10, 0, 0, 0), 7, BPF_EXIST), -ENOENT);
	EXPECT_EQ(del(map, k4(8, 10, 0, 0, 0)), 0);
	EXPECT_EQ(upd(map, k4(7, 10, 0, 0, 0), 7, BPF_ANY), 0);
	check_trie(map);
	EXPECT_EQ(kbpf_to_lpm_trie(map)->n_nodes, 2);
	tmap_destroy(map);
}

/* Deleting a node with two children keeps it as an intermediate node. */
TEST(lpm_delete_collapses)
{
	struct kbpf_map *map = lpm_create(4, 4, 10);
	struct kbpf_lpm_trie *t = kbpf_to_lpm_trie(map);
	u32 *v;

	EXPECT_EQ(upd(map, k4(16, 10, 0, 0, 0), 1, BPF_ANY), 0);
	EXPECT_EQ(upd(map, k4(24, 10, 0, 0, 0), 2, BPF_ANY), 0);
	EXPECT_EQ(upd(map, k4(24, 10, 0, 128, 0), 3, BPF_ANY), 0);
	EXPECT_EQ(t->n_nodes, 3);
	EXPECT_EQ(del(map, k4(16, 10, 0, 0, 0)), 0);
	EXPECT_EQ(t->n_nodes, 3);
	EXPECT_EQ(t->n_entries, 2);
	EXPECT_NULL(lookup_u32(map, k4(32, 10, 0, 1, 0)));
	check_trie(map);
	/* Its last-but-one child leaves: the intermediate /16 goes too. */
	EXPECT_EQ(del(map, k4(24, 10, 0, 0, 0)), 0);
	EXPECT_EQ(t->n_nodes, 1);
	v = lookup_u32(map, k4(32, 10, 0, 128, 9));
	EXPECT_TRUE(v && *v == 3);
	/* A node with one child is replaced by that child. */
	EXPECT_EQ(upd(map, k4(8, 10, 0, 0, 0), 4, BPF_ANY), 0);
	EXPECT_EQ(t->n_nodes, 2);
	EXPECT_EQ(del(map, k4(8, 10, 0, 0, 0)), 0);
	EXPECT_EQ(t->n_nodes, 1);
	check_trie(map);
	tmap_destroy(map);
}

static bool key_is(const struct tkey *k, u32 prefixlen, u8 a, u8 b, u8 c, u8 d)
{
	return k->prefixlen == prefixlen && k->data[0] == a && k->data[1] == b &&
	       k->data[2] == c && k->data[3] == d;
}

/* The walk test_lpm_map.c's test_lpm_get_next_key makes, five keys deep. */
TEST(lpm_get_next_key_postorder)
{
	struct kbpf_map *map = lpm_create(4, 4, 100);
	struct tkey k, next;

	EXPECT_EQ(tmap_next_key(map, NULL, &next), -ENOENT);
	EXPECT_EQ(upd(map, k4(16, 192, 168, 0, 0), 0, BPF_ANY), 0);
	EXPECT_EQ(tmap_next_key(map, NULL, &next), 0);
	EXPECT_TRUE(key_is(&next, 16, 192, 168, 0, 0));
	EXPECT_EQ(tmap_next_key(map, &next, &k), -ENOENT);
	EXPECT_EQ(upd(map, k4(24, 192, 168, 128, 0), 0, BPF_ANY), 0);
	EXPECT_EQ(upd(map, k4(24, 192, 168, 0, 0), 0, BPF_ANY), 0);
	EXPECT_EQ(upd(map, k4(24, 192, 168, 1, 0), 0, BPF_ANY), 0);
	EXPECT_EQ(upd(map, k4(28, 192, 168, 1, 128), 0, BPF_ANY), 0);

	EXPECT_EQ(tmap_next_key(map, NULL, &k), 0);
	EXPECT_TRUE(key_is(&k, 24, 192, 168, 0, 0));
	EXPECT_EQ(tmap_next_key(map, &k, &k), 0);
	EXPECT_TRUE(key_is(&k, 28, 192, 168, 1, 128));
	EXPECT_EQ(tmap_next_key(map, &k, &k), 0);
	EXPECT_TRUE(key_is(&k, 24, 192, 168, 1, 0));
	EXPECT_EQ(tmap_next_key(map, &k, &k), 0);
	EXPECT_TRUE(key_is(&k, 24, 192, 168, 128, 0));
	EXPECT_EQ(tmap_next_key(map, &k, &k), 0);
	EXPECT_TRUE(key_is(&k, 16, 192, 168, 0, 0));
	EXPECT_EQ(tmap_next_key(map, &k, &k), -ENOENT);

	/* A key not in the map, or an invalid one, restarts the walk. */
	k = k4(22, 192, 168, 1, 0);
	EXPECT_EQ(tmap_next_key(map, &k, &next), 0);
	EXPECT_TRUE(key_is(&next, 24, 192, 168, 0, 0));
	k = k4(33, 192, 168, 1, 0);
	EXPECT_EQ(tmap_next_key(map, &k, &next), 0);
	EXPECT_TRUE(key_is(&next, 24, 192, 168, 0, 0));
	tmap_destroy(map);
}

/* ---- Random operations against a model ---------------------------------- */

#define MODEL_N 512

struct lpm_model {
	struct tkey keys[MODEL_N];
	u32 values[MODEL_N];
	u32 n;
};

static unsigned int mbit(const u8 *data, u32 i)
{
	return (data[i / 8] >> (7 - i % 8)) & 1;
}

/* Leading bits a and b share, at most limit. */
static u32 mcommon(const u8 *a, const u8 *b, u32 limit)
{
	u32 i;

	for (i = 0; i < limit; i++)
		if (mbit(a, i) != mbit(b, i))
			break;
	return i;
}

static int model_find(struct lpm_model *m, const struct tkey *k)
{
	u32 i;

	for (i = 0; i < m->n; i++)
		if (m->keys[i].prefixlen == k->prefixlen &&
		    mcommon(m->keys[i].data, k->data, k->prefixlen) == k->prefixlen)
			return i;
	return -1;
}

static int model_lookup(struct lpm_model *m, const struct tkey *k)
{
	int best = -1;
	u32 i;

	for (i = 0; i < m->n; i++) {
		u32 len = m->keys[i].prefixlen;

		if (len <= k->prefixlen &&
		    mcommon(m->keys[i].data, k->data, len) == len &&
		    (best < 0 || len > m->keys[best].prefixlen))
			best = i;
	}
	return best;
}

/* Postorder: a covering prefix after what it covers, else bit 0 first. */
static int model_cmp(const struct tkey *a, const struct tkey *b)
{
	u32 limit = min(a->prefixlen, b->prefixlen);
	u32 c = mcommon(a->data, b->data, limit);

	if (c == limit)
		return a->prefixlen > b->prefixlen ? -1 :
		       a->prefixlen < b->prefixlen;
	return mbit(a->data, c) ? 1 : -1;
}

static void random_key(struct trng *r, struct tkey *k, u32 data_size,
		       bool full)
{
	u32 i, max = data_size * 8;

	memset(k, 0, sizeof(*k));
	/* Few distinct high bits, so prefixes overlap a lot. */
	for (i = 0; i < data_size; i++)
		k->data[i] = i < 2 ? (u8)(trng_below(r, 4) << 6 |
				     trng_below(r, 4)) : (u8)trng_next(r);
	k->prefixlen = full ? max : trng_below(r, max + 1);
}

static void check_walk(struct kbpf_map *map, struct lpm_model *m,
		       u32 data_size)
{
	struct tkey k, next;
	u32 seen = 0;
	int err, i;

	for (err = tmap_next_key(map, NULL, &next); !err;
	     err = tmap_next_key(map, &k, &next)) {
		i = model_find(m, &next);
		if (!EXPECT_TRUE(i >= 0))
			return;
		if (seen && !EXPECT_EQ(model_cmp(&k, &next), -1))
			return;
		k = next;
		if (++seen > m->n)
			break;
	}
	EXPECT_EQ(err, -ENOENT);
	EXPECT_EQ(seen, m->n);
}

static void lpm_random_run(u32 data_size, u64 seed)
{
	struct kbpf_map *map = lpm_create(data_size, 4, MODEL_N);
	struct lpm_model *m = calloc(1, sizeof(*m));
	struct trng rng = trng_seed(seed);
	struct tkey k;
	int i, idx;
	u32 *v;
	long ret;

	BUG_ON(!m);
	for (i = 0; i < 6000; i++) {
		u32 op = trng_below(&rng, 10);

		random_key(&rng, &k, data_size, op >= 6);
		idx = model_find(m, &k);
		if (op < 4) {
			u32 value = trng_next(&rng);

			ret = upd(map, k, value, BPF_ANY);
			if (idx < 0 && m->n == MODEL_N) {
				if (!EXPECT_EQ(ret, -ENOSPC))
					break;
				continue;
			}
			if (!EXPECT_EQ(ret, 0))
				break;
			if (idx < 0) {
				idx = m->n++;
				m->keys[idx] = k;
			}
			/* The map keeps the latest key bytes, as Linux does. */
			m->keys[idx] = k;
			m->values[idx] = value;
		} else if (op < 6) {
			ret = del(map, k);
			if (!EXPECT_EQ(ret, idx < 0 ? -ENOENT : 0))
				break;
			if (idx >= 0) {
				m->keys[idx] = m->keys[m->n - 1];
				m->values[idx] = m->values[m->n - 1];
				m->n--;
			}
		} else {
			if (op == 9)
				k.prefixlen = trng_below(&rng, data_size * 8 + 1);
			idx = model_lookup(m, &k);
			v = lookup_u32(map, k);
			if (idx < 0 ? !EXPECT_NULL(v) :
			    !(EXPECT_NONNULL(v) && EXPECT_EQ(*v, m->values[idx])))
				break;
		}
		if (i % 1000 == 999) {
			check_trie(map);
			check_walk(map, m, data_size);
		}
	}
	check_trie(map);
	check_walk(map, m, data_size);
	tmap_destroy(map);
	free(m);
}

TEST(lpm_random_against_model)
{
	static const u32 sizes[] = { 1, 2, 3, 4, 8, 16, 17, 256 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		lpm_random_run(sizes[i], 7 + i);
}

/* ---- Word-at-a-time compares against the bitwise model ------------------- */

static const u32 lpm_sizes[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 24, 31, 32, 33,
	255, 256,
};

/* Every bit position on short data; on long data, those at word edges. */
static bool lpm_tried(u32 bit, u32 size)
{
	return size <= 33 || bit % 64 <= 2 || bit % 64 >= 62 ||
	       bit >= size * 8 - 1;
}

static u8 *random_bytes(struct trng *r, u32 n)
{
	u8 *p = malloc(n);
	u32 i;

	BUG_ON(!p);
	for (i = 0; i < n; i++)
		p[i] = (u8)trng_next(r);
	return p;
}

/* A node as lpm_node_alloc() lays it out: data, zeroes to value_off. */
static struct kbpf_lpm_node *model_node(const u8 *data, u32 size,
					u32 prefixlen)
{
	u32 padded = round_up(size, 8);
	struct kbpf_lpm_node *n = calloc(1, sizeof(*n) + padded);

	BUG_ON(!n);
	n->prefixlen = prefixlen;
	memcpy(n->data, data, size);
	return n;
}

/* Word w of key data is its bits 64w to 64w + 63, zero past the data. */
TEST(lpm_key_word_is_the_bits)
{
	struct trng rng = trng_seed(91);
	u32 size, w, b, bit, want;
	unsigned int i;
	u64 word;
	u8 *data;

	for (i = 0; i < ARRAY_SIZE(lpm_sizes); i++) {
		size = lpm_sizes[i];
		/* Exactly size bytes: ASan sees any read past them. */
		data = random_bytes(&rng, size);
		for (w = 0; w * 8 < size; w++) {
			word = kbpf_lpm_key_word(data, w, size);
			for (b = 0; b < 64; b++) {
				bit = w * 64 + b;
				want = bit < size * 8 ? mbit(data, bit) : 0;
				if (!EXPECT_EQ((word >> (63 - b)) & 1, want))
					break;
			}
		}
		free(data);
	}
}

/*
 * kbpf_lpm_common_bits() for every limit and every first differing bit
 * (and none) on short data, and around every word edge on long data.
 */
TEST(lpm_common_bits_every_boundary)
{
	struct trng rng = trng_seed(92);
	u32 size, max, flip, limit, want;
	struct kbpf_lpm_node *node;
	unsigned int i;
	u8 *data, *key;

	for (i = 0; i < ARRAY_SIZE(lpm_sizes); i++) {
		size = lpm_sizes[i];
		max = size * 8;
		data = random_bytes(&rng, size);
		key = random_bytes(&rng, size);
		node = model_node(data, size, max);
		for (flip = 0; flip <= max; flip++) {
			if (flip < max && !lpm_tried(flip, size))
				continue;
			memcpy(key, data, size);
			if (flip < max) {
				key[flip / 8] ^= 0x80 >> flip % 8;
				/* What follows the first difference does not count. */
				if (flip + 1 < max && trng_below(&rng, 2))
					key[(flip + 1) / 8] ^= 0x80 >> (flip + 1) % 8;
			}
			for (limit = 0; limit <= max; limit++) {
				if (!lpm_tried(limit, size) && limit != flip &&
				    limit != flip + 1)
					continue;
				want = mcommon(data, key, limit);
				if (!EXPECT_EQ(kbpf_lpm_common_bits(node, key, size,
								    limit), want))
					goto next;
			}
		}
next:
		free(node);
		free(key);
		free(data);
	}
}

/*
 * Entries at prefix lengths around every word boundary (and, for short
 * data, every length), all of them or one in three, their bits past the
 * prefix random; then lookups of the data with one bit flipped (where
 * lengths are missing, the flipped bit is one the walk compares rather
 * than one that picks a child), and of the data itself at every length,
 * each checked against the model, and deletes in random order.
 */
static void lpm_lengths_run(u32 size, bool sparse, struct trng *rng)
{
	u32 max = size * 8, plen, b, i;
	struct kbpf_map *map = lpm_create(size, 4, max + 1);
	struct lpm_model *m = calloc(1, sizeof(*m));
	u8 *data = random_bytes(rng, size);
	struct tkey k;
	int idx;
	u32 *v;

	BUG_ON(!m);
	for (plen = 0; plen <= max; plen++) {
		if (!lpm_tried(plen, size) ||
		    (sparse && trng_below(rng, 3) && plen != max))
			continue;
		memset(&k, 0, sizeof(k));
		k.prefixlen = plen;
		for (b = 0; b < size; b++)
			k.data[b] = (u8)trng_next(rng);
		for (b = 0; b < plen; b++)
			if (mbit(k.data, b) != mbit(data, b))
				k.data[b / 8] ^= 0x80 >> b % 8;
		if (!EXPECT_EQ(upd(map, k, plen, BPF_NOEXIST), 0))
			goto out;
		m->keys[m->n] = k;
		m->values[m->n++] = plen;
	}
	check_trie(map);
	for (b = 0; b <= 2 * max + 1; b++) {
		if (!lpm_tried(b < max ? b : b - max, size))
			continue;
		memset(&k, 0, sizeof(k));
		memcpy(k.data, data, size);
		if (b < max) {
			/* Every bit flipped in a full-length key. */
			k.prefixlen = max;
			k.data[b / 8] ^= 0x80 >> b % 8;
		} else {
			/* Every length of the unflipped data. */
			k.prefixlen = b - max;
		}
		idx = model_lookup(m, &k);
		v = lookup_u32(map, k);
		if (k.prefixlen > max ? !EXPECT_NULL(v) :
		    idx < 0 ? !EXPECT_NULL(v) :
		    !(EXPECT_NONNULL(v) && EXPECT_EQ(*v, m->values[idx])))
			goto out;
	}
	while (m->n) {
		i = trng_below(rng, m->n);
		k = m->keys[i];
		if (!EXPECT_EQ(del(map, k), 0))
			goto out;
		m->keys[i] = m->keys[m->n - 1];
		m->values[i] = m->values[m->n - 1];
		m->n--;
		/* The deleted prefix now finds the next shorter one left. */
		idx = model_lookup(m, &k);
		v = lookup_u32(map, k);
		if (idx < 0 ? !EXPECT_NULL(v) :
		    !(EXPECT_NONNULL(v) && EXPECT_EQ(*v, m->values[idx])))
			goto out;
	}
	check_trie(map);
	EXPECT_EQ(kbpf_to_lpm_trie(map)->n_nodes, 0);
out:
	tmap_destroy(map);
	free(data);
	free(m);
}

TEST(lpm_lookup_every_prefix_length)
{
	struct trng rng = trng_seed(93);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lpm_sizes); i++) {
		lpm_lengths_run(lpm_sizes[i], false, &rng);
		lpm_lengths_run(lpm_sizes[i], true, &rng);
	}
}

/* ---- Threads ------------------------------------------------------------ */

#define LPM_WRITERS	3
#define LPM_READERS	3
#define LPM_ROUNDS	3000

struct lpm_shared {
	struct kbpf_map *map;
	atomic_t writers_left;
};

/*
 * Stable entries 10.x.0.0/16 (value x) never change; writer w inserts and
 * deletes 10.x.y.0/24 (value x << 8 | y) for y = w mod LPM_WRITERS. A
 * reader's 10.x.y.z must find one of the two, never anything else.
 */
static void lpm_thread(int index, void *arg)
{
	struct lpm_shared *s = arg;
	struct trng rng = trng_seed(50 + index);
	int i;

	if (index < LPM_WRITERS) {
		for (i = 0; i < LPM_ROUNDS; i++) {
			u8 x = trng_below(&rng, 16);
			u8 y = index + LPM_WRITERS * trng_below(&rng, 80);
			long ret;

			if (trng_below(&rng, 2)) {
				ret = upd(s->map, k4(24, 10, x, y, 0),
					  x << 8 | y, BPF_ANY);
				EXPECT_EQ(ret, 0);
			} else {
				ret = del(s->map, k4(24, 10, x, y, 0));
				EXPECT_TRUE(ret == 0 || ret == -ENOENT);
			}
		}
		atomic_dec(&s->writers_left);
		return;
	}
	while (atomic_read(&s->writers_left)) {
		u8 x = trng_below(&rng, 16), y = trng_below(&rng, 256);
		u32 got;

		rcu_read_lock();
		{
			struct tkey k = k4(32, 10, x, y, 7);
			u32 *v = s->map->ops->map_lookup_elem(s->map, &k);

			got = v ? READ_ONCE(*v) : U32_MAX;
		}
		rcu_read_unlock();
		if (!EXPECT_TRUE(got == x || got == (u32)(x << 8 | y)))
			return;
	}
}

TEST(lpm_threads_readers_see_consistent_trie)
{
	struct lpm_shared s;
	struct tkey k, next;
	u32 x, n = 0;
	int err;

	s.map = lpm_create(4, 4, 16 + 16 * 256);
	atomic_set(&s.writers_left, LPM_WRITERS);
	for (x = 0; x < 16; x++)
		EXPECT_EQ(upd(s.map, k4(16, 10, x, 0, 0), x, BPF_NOEXIST), 0);
	tthread_run(LPM_WRITERS + LPM_READERS, lpm_thread, &s);
	check_trie(s.map);
	for (err = tmap_next_key(s.map, NULL, &next); !err;
	     err = tmap_next_key(s.map, &k, &next)) {
		k = next;
		n++;
	}
	EXPECT_EQ(n, kbpf_to_lpm_trie(s.map)->n_entries);
	/* Let the writers' RCU frees run before the map goes. */
	rcu_barrier();
	tmap_destroy(s.map);
}
