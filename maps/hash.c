// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_HASH and BPF_MAP_TYPE_PERCPU_HASH, and the hash table all
 * four hash map types are built on (htab.h explains the table).
 *
 * Elements are preallocated at creation unless BPF_F_NO_PREALLOC. A
 * preallocated map never allocates after creation, so programs can update
 * it from any context; its freed elements go straight back to a per-CPU
 * free list and may be reused before readers are done with them, as in
 * Linux. Without preallocation, elements are allocated on insert (charged
 * to the caller's memory cgroup) and freed after an RCU grace period.
 *
 * A plain hash map replaces a value by linking a new element in front of
 * the old one, so lookups see either the whole old or the whole new value;
 * preallocated maps keep a spare element per CPU for that, so a full map
 * can still be updated. A per-CPU map updates values in place.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>
#include <kbpf/map.h>

#include "htab.h"

#define HTAB_CREATE_FLAG_MASK (BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | \
			       BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | \
			       BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG | \
			       BPF_F_ZERO_SEED)

/*
 * Linux refuses key_size + value_size that would not fit one kmalloc with
 * its 48-byte element header; kbpf keeps the same limit (and errno) with
 * an element header that is no larger.
 */
#define HTAB_ELEM_HDR_LINUX	48

/* The end of a chain: an odd value that names the chain's bucket. */
#define HTAB_NULLS(idx)	((struct htab_elem *)(((unsigned long)(idx) << 1) | 1UL))

/* Under the bucket lock the chain holds still. */
#define htab_deref_locked(p)	rcu_dereference_protected(p, true)

static bool htab_is_nulls(const struct htab_elem *l)
{
	return (unsigned long)l & 1UL;
}

static u32 htab_nulls_bucket(const struct htab_elem *l)
{
	return (unsigned long)l >> 1;
}

/*
 * The bucket hash, kbpf's own: each 8-byte word (the tail zero-padded) is
 * xored in and multiplied by an odd constant, whose high product bits are
 * folded back down; a final xorshift-multiply mix spreads every input bit
 * over the low bits that pick the bucket. The seed is random per map
 * (BPF_F_ZERO_SEED makes it 0), so chain lengths cannot be predicted.
 */
#define HTAB_MUL	0x9e3779b97f4a7c15ULL
#define HTAB_MIX1	0xbf58476d1ce4e5b9ULL
#define HTAB_MIX2	0x94d049bb133111ebULL

static u64 htab_hash_word(u64 h, u64 w)
{
	h = (h ^ w) * HTAB_MUL;
	return h ^ (h >> 29);
}

/*
 * The len (< 8) bytes at p as one word, zero-extended, in the CPU's byte
 * order: whole 4-, 2- and 1-byte loads, so a constant len is one or two.
 */
static __always_inline u64 htab_tail_word(const u8 *p, u32 len)
{
	u64 w = 0;
	u32 shift = 0;
	u32 w32;
	u16 w16;

	if (len & 4) {
		memcpy(&w32, p, sizeof(w32));
		w = w32;
		p += 4;
		shift = 32;
	}
	if (len & 2) {
		memcpy(&w16, p, sizeof(w16));
		w |= (u64)w16 << shift;
		p += 2;
		shift += 16;
	}
	if (len & 1)
		w |= (u64)*p << shift;
	return w;
}

/* Inlined where len is a constant, so the loops unroll to a few words. */
static __always_inline u32 htab_hash(const void *key, u32 len, u32 seed)
{
	const u8 *p = key;
	u64 h = ((u64)seed << 32 | len) * HTAB_MUL;
	u64 w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, sizeof(w));
		h = htab_hash_word(h, w);
	}
	if (len)
		h = htab_hash_word(h, htab_tail_word(p, len));
	h = (h ^ (h >> 31)) * HTAB_MIX1;
	h = (h ^ (h >> 27)) * HTAB_MIX2;
	return (u32)(h ^ (h >> 33));
}

u32 kbpf_htab_hash(const void *key, u32 len, u32 seed)
{
	return htab_hash(key, len, seed);
}

/* ---- Buckets ----------------------------------------------------------- */

/*
 * A program that runs while this CPU holds a bucket lock of this map (say,
 * from a probe inside the update path) must not spin on it: a per-CPU
 * count per slot of buckets turns that into -EBUSY. Slots never split one
 * bucket, even with fewer than HTAB_LOCK_SLOTS buckets.
 */
static int *htab_lock_slot(struct kbpf_htab *htab, u32 hash)
{
	u32 slot = hash & (HTAB_LOCK_SLOTS - 1) & (htab->n_buckets - 1);

	return this_cpu_ptr(htab->map_locked[slot]);
}

int kbpf_htab_lock_bucket(struct kbpf_htab *htab, struct htab_bucket *b,
			  u32 hash, unsigned long *flags)
{
	int *held;

	preempt_disable();
	held = htab_lock_slot(htab, hash);
	if (unlikely(++*held != 1)) {
		--*held;
		preempt_enable();
		return -EBUSY;
	}
	raw_spin_lock_irqsave(&b->lock, *flags);
	return 0;
}

void kbpf_htab_unlock_bucket(struct kbpf_htab *htab, struct htab_bucket *b,
			     u32 hash, unsigned long flags)
{
	raw_spin_unlock_irqrestore(&b->lock, flags);
	--*htab_lock_slot(htab, hash);
	preempt_enable();
}

/*
 * Keys of 4 and 8 bytes (the usual u32 and u64 ids) compare as one word,
 * inline, where the compiler knows key_size; others call memcmp().
 */
static __always_inline bool htab_key_equal(const void *a, const void *b,
					   u32 key_size)
{
	switch (key_size) {
	case 4:
		return !memcmp(a, b, 4);
	case 8:
		return !memcmp(a, b, 8);
	default:
		return !memcmp(a, b, key_size);
	}
}

static __always_inline bool htab_elem_has(struct htab_elem *l, u32 hash,
					  const void *key, u32 key_size)
{
	return READ_ONCE(l->hash) == hash && htab_key_equal(l->key, key, key_size);
}

static bool htab_elem_is(struct kbpf_htab *htab, struct htab_elem *l,
			 u32 hash, const void *key)
{
	return htab_elem_has(l, hash, key, htab->map.key_size);
}

struct htab_elem *kbpf_htab_find_locked(struct kbpf_htab *htab,
					struct htab_bucket *b, u32 hash,
					const void *key)
{
	struct htab_elem *l;

	for (l = htab_deref_locked(b->first); !htab_is_nulls(l);
	     l = htab_deref_locked(l->next))
		if (htab_elem_is(htab, l, hash, key))
			return l;
	return NULL;
}

static __always_inline struct htab_elem *
htab_find_rcu(struct kbpf_htab *htab, u32 hash, const void *key, u32 key_size)
{
	struct htab_bucket *b = htab_bucket(htab, hash);
	struct htab_elem *l;

again:
	for (l = rcu_dereference(b->first); !htab_is_nulls(l);
	     l = rcu_dereference(l->next))
		if (htab_elem_has(l, hash, key, key_size))
			return l;
	/* A reused element carried the walk into another chain. */
	if (unlikely(htab_nulls_bucket(l) != (hash & (htab->n_buckets - 1))))
		goto again;
	return NULL;
}

struct htab_elem *kbpf_htab_find_rcu(struct kbpf_htab *htab, u32 hash,
				     const void *key)
{
	return htab_find_rcu(htab, hash, key, htab->map.key_size);
}

/* Add l in front of the chain; its key and value are visible first. */
void kbpf_htab_link(struct htab_bucket *b, struct htab_elem *l)
{
	RCU_INIT_POINTER(l->next, htab_deref_locked(b->first));
	rcu_assign_pointer(b->first, l);
}

/* Take l out of the chain. Readers on it go on along its old next. */
bool kbpf_htab_unlink(struct htab_bucket *b, struct htab_elem *l)
{
	struct htab_elem __rcu **pprev = &b->first;
	struct htab_elem *cur;

	for (cur = htab_deref_locked(*pprev); !htab_is_nulls(cur);
	     pprev = &cur->next, cur = htab_deref_locked(*pprev)) {
		if (cur == l) {
			RCU_INIT_POINTER(*pprev, htab_deref_locked(l->next));
			return true;
		}
	}
	return false;
}

/* ---- Values ------------------------------------------------------------ */

void kbpf_htab_pcpu_copy_in(struct kbpf_htab *htab, void __percpu *pptr,
			    const void *value, bool onallcpus)
{
	u32 size = htab_pcpu_size(htab), off = 0;
	int cpu;

	if (!onallcpus) {
		memcpy(this_cpu_ptr(pptr), value, htab->map.value_size);
		return;
	}
	for_each_possible_cpu(cpu) {
		kbpf_map_long_memcpy(per_cpu_ptr(pptr, cpu), value + off, size);
		off += size;
	}
}

/*
 * A new element's per-CPU value. A program gives only its own CPU's copy;
 * the other CPUs' start at zero, so no CPU sees a previous element's data.
 */
void kbpf_htab_pcpu_init(struct kbpf_htab *htab, void __percpu *pptr,
			 const void *value, bool onallcpus)
{
	u32 size = htab_pcpu_size(htab);
	int cpu, me;

	if (onallcpus) {
		kbpf_htab_pcpu_copy_in(htab, pptr, value, true);
		return;
	}
	me = raw_smp_processor_id();
	for_each_possible_cpu(cpu) {
		void *slot = per_cpu_ptr(pptr, cpu);

		memset(slot, 0, size);
		if (cpu == me)
			memcpy(slot, value, htab->map.value_size);
	}
}

/*
 * HASH_OF_MAPS: the inner map l holds a reference to (its value slot is
 * pointer-sized, see htab_value_bytes()), NULL for other types. Read
 * before l can be reused for another key.
 */
static void *htab_fd_ptr(struct kbpf_htab *htab, struct htab_elem *l)
{
	if (htab->map.map_type != BPF_MAP_TYPE_HASH_OF_MAPS)
		return NULL;
	return READ_ONCE(*(void **)htab_elem_value(htab, l));
}

static void htab_put_fd_ptr(struct kbpf_htab *htab, void *ptr)
{
	if (ptr && htab->map.fd_ops)
		htab->map.fd_ops->put(&htab->map, ptr);
}

void kbpf_htab_copy_out(struct kbpf_htab *htab, struct htab_elem *l,
			void *value)
{
	u32 size = htab_pcpu_size(htab), off = 0;
	void *ptr = htab_fd_ptr(htab, l);
	int cpu;

	/* HASH_OF_MAPS: userspace sees the inner map's id. */
	if (ptr && htab->map.fd_ops) {
		*(u32 *)value = htab->map.fd_ops->sys_lookup(ptr);
		return;
	}
	if (!htab->percpu) {
		memcpy(value, htab_elem_value(htab, l), htab->map.value_size);
		return;
	}
	for_each_possible_cpu(cpu) {
		kbpf_map_long_memcpy(value + off, per_cpu_ptr(l->pptr, cpu),
				     size);
		off += size;
	}
}

/*
 * Syscall lookup: the value of key, copied while no writer touched the
 * element (a reuse for another key, an in-place per-CPU update).
 */
int kbpf_htab_copy_value(struct kbpf_map *map, void *key, void *value)
{
	struct kbpf_htab *htab = to_htab(map);
	u32 hash = kbpf_htab_hash(key, map->key_size, htab->hashrnd);
	struct htab_elem *l;
	u32 seq;

	for (;;) {
		l = kbpf_htab_find_rcu(htab, hash, key);
		if (!l)
			return -ENOENT;
		/* Pairs with htab_write_end(): key and value after seq. */
		seq = smp_load_acquire(&l->seq);
		if (seq & 1 || !htab_elem_is(htab, l, hash, key))
			continue;
		kbpf_htab_copy_out(htab, l, value);
		/* Pairs with htab_write_begin(): the copy before the recheck. */
		smp_rmb();
		if (READ_ONCE(l->seq) == seq)
			return 0;
	}
}

/* Copy l's key to dst; false if a writer got in the way. */
static bool htab_copy_key(struct kbpf_htab *htab, struct htab_elem *l,
			  void *dst)
{
	/* The same protocol as kbpf_htab_copy_value(). */
	u32 seq = smp_load_acquire(&l->seq);

	if (seq & 1)
		return false;
	memcpy(dst, l->key, htab->map.key_size);
	/* Pairs with htab_write_begin(). */
	smp_rmb();
	return READ_ONCE(l->seq) == seq;
}

/*
 * Keys in bucket order, then chain order. A key not in the map (or none)
 * restarts from the first key, as in Linux.
 */
int kbpf_htab_get_next_key(struct kbpf_map *map, void *key, void *next_key)
{
	struct kbpf_htab *htab = to_htab(map);
	struct htab_elem *l, *next;
	u32 hash = 0, i;

	if (key)
		hash = kbpf_htab_hash(key, map->key_size, htab->hashrnd);
again:
	i = 0;
	if (key) {
		l = kbpf_htab_find_rcu(htab, hash, key);
		if (l) {
			next = rcu_dereference(l->next);
			if (!htab_is_nulls(next)) {
				if (!htab_copy_key(htab, next, next_key))
					goto again;
				return 0;
			}
			i = (hash & (htab->n_buckets - 1)) + 1;
		}
	}
	for (; i < htab->n_buckets; i++) {
		next = rcu_dereference(htab->buckets[i].first);
		if (!htab_is_nulls(next)) {
			if (!htab_copy_key(htab, next, next_key))
				goto again;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * bpf_for_each_map_elem(), as Linux's bpf_for_each_hash_elem(): every
 * bucket in order, each chain under RCU without its lock, so the callback
 * may update or delete elements of this very map. An element deleted or
 * reused under the walk may end it early or show an element twice, as in
 * Linux; the key and value are the element's own, in place.
 */
long kbpf_htab_visit_elems(struct kbpf_map *map, u64 callback,
				 void *callback_ctx)
{
	struct kbpf_htab *htab = to_htab(map);
	struct htab_elem *l;
	long num_elems = 0;
	u32 i;

	for (i = 0; i < htab->n_buckets; i++) {
		for (l = rcu_dereference(htab->buckets[i].first);
		     !htab_is_nulls(l); l = rcu_dereference(l->next)) {
			void *val = htab->percpu ? this_cpu_ptr(l->pptr) :
				    htab_elem_value(htab, l);

			num_elems++;
			if (kbpf_callback_call(callback, (unsigned long)map,
					       (unsigned long)l->key,
					       (unsigned long)val,
					       (unsigned long)callback_ctx, 0))
				return num_elems;
		}
	}
	return num_elems;
}

/* ---- Elements ---------------------------------------------------------- */

static struct htab_elem *htab_elem_at(struct kbpf_htab *htab, u32 i)
{
	return htab->elems + (u64)i * htab->elem_size;
}

/* Preallocated elements: max_entries, plus the spares of a plain HASH. */
static u32 htab_nr_elems(struct kbpf_htab *htab)
{
	u32 n = htab->map.max_entries;

	if (!htab->percpu && !htab->lru)
		n += num_possible_cpus();
	return n;
}

/*
 * No-prealloc: may run with a bucket lock held, so it must not sleep. Not
 * GFP_ATOMIC either: its __GFP_HIGH lets the charge go past the memory
 * cgroup's memory.max; with GFP_NOWAIT the insert fails there with ENOMEM,
 * as Linux's (its element cache refills with GFP_NOWAIT).
 */
static struct htab_elem *htab_elem_alloc(struct kbpf_htab *htab)
{
	gfp_t gfp = GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT;
	struct htab_elem *l;

	l = kmalloc_node(htab->elem_size, gfp, htab->map.numa_node);
	if (!l)
		return NULL;
	l->seq = 0;
	l->pptr = NULL;
	if (htab->percpu) {
		l->pptr = __alloc_percpu_gfp(htab_pcpu_size(htab), 8, gfp);
		if (!l->pptr) {
			kfree(l);
			return NULL;
		}
	}
	return l;
}

static void htab_elem_free(struct htab_elem *l)
{
	free_percpu(l->pptr);
	kfree(l);
}

static void htab_elem_free_rcu(struct rcu_head *rcu)
{
	htab_elem_free(container_of(rcu, struct htab_elem, rcu));
}

/*
 * The element that will hold key, filled in: this CPU's spare when it
 * replaces l_old in a preallocated map (l_old becomes the spare), a free
 * preallocated one, or a new allocation. Bucket lock held.
 */
static struct htab_elem *htab_new_elem(struct kbpf_htab *htab,
				       const void *key, const void *value,
				       u32 hash, bool onallcpus,
				       struct htab_elem *l_old)
{
	struct kbpf_freelist_node *node;
	struct htab_elem *l, **spare;

	if (htab->prealloc && l_old) {
		spare = this_cpu_ptr(htab->extra_elems);
		l = *spare;
		*spare = l_old;
	} else if (htab->prealloc) {
		node = kbpf_freelist_pop(&htab->freelist);
		if (!node)
			return ERR_PTR(-E2BIG);
		l = container_of(node, struct htab_elem, fnode);
	} else {
		/* Replacing keeps the count: the old element is on its way out. */
		if (!l_old && (u32)atomic_inc_return(&htab->count) >
			      htab->map.max_entries) {
			atomic_dec(&htab->count);
			return ERR_PTR(-E2BIG);
		}
		l = htab_elem_alloc(htab);
		if (!l) {
			if (!l_old)
				atomic_dec(&htab->count);
			return ERR_PTR(-ENOMEM);
		}
	}

	htab_write_begin(l);
	memcpy(l->key, key, htab->map.key_size);
	WRITE_ONCE(l->hash, hash);
	if (htab->percpu)
		kbpf_htab_pcpu_init(htab, l->pptr, value, onallcpus);
	else
		memcpy(htab_elem_value(htab, l), value, htab_value_bytes(htab));
	htab_write_end(l);
	return l;
}

/* l left the table (bucket lock dropped): recycle it or free it after RCU. */
static void htab_retire(struct kbpf_htab *htab, struct htab_elem *l)
{
	/* Its inner map goes with it (HASH_OF_MAPS), before any reuse. */
	htab_put_fd_ptr(htab, htab_fd_ptr(htab, l));
	if (htab->prealloc) {
		kbpf_freelist_push(&htab->freelist, &l->fnode);
		return;
	}
	atomic_dec(&htab->count);
	call_rcu(&l->rcu, htab_elem_free_rcu);
}

/* ---- HASH and PERCPU_HASH ops ------------------------------------------ */

static void *htab_map_lookup_elem(struct kbpf_map *map, void *key)
{
	struct kbpf_htab *htab = to_htab(map);
	struct htab_elem *l;

	l = kbpf_htab_find_rcu(htab, kbpf_htab_hash(key, map->key_size,
						    htab->hashrnd), key);
	return l ? htab_elem_value(htab, l) : NULL;
}

/*
 * The call an inlined lookup makes (Linux's __htab_map_lookup_elem): the
 * element of key in map (r1, r2), or 0. A helper in form, so both
 * runtimes call it like any other. Hashing and the walk are inlined into
 * it, and 4- and 8-byte keys get their own copy with key_size constant.
 */
static __always_inline u64 htab_lookup_raw(u64 r1, u64 r2, u32 key_size)
{
	struct kbpf_htab *htab = to_htab((struct kbpf_map *)(unsigned long)r1);
	void *key = (void *)(unsigned long)r2;

	return (unsigned long)htab_find_rcu(htab,
			htab_hash(key, key_size, htab->hashrnd), key, key_size);
}

u64 kbpf_htab_lookup_raw(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	return htab_lookup_raw(r1, r2, map->key_size);
}

static u64 htab_lookup_raw_key4(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return htab_lookup_raw(r1, r2, 4);
}

static u64 htab_lookup_raw_key8(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return htab_lookup_raw(r1, r2, 8);
}

kbpf_helper_t kbpf_htab_lookup_for(u32 key_size)
{
	if (key_size == 4)
		return htab_lookup_raw_key4;
	if (key_size == 8)
		return htab_lookup_raw_key8;
	return kbpf_htab_lookup_raw;
}

int kbpf_htab_gen_lookup_call(struct kbpf_map *map, struct bpf_insn *insn)
{
	s32 imm;

	if (!kbpf_call_imm(kbpf_htab_lookup_for(map->key_size), &imm))
		return -EOPNOTSUPP;
	*insn = BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, imm);
	return 0;
}

/* Linux's htab_map_gen_lookup(): the element, then its value's offset. */
static int htab_map_gen_lookup(struct kbpf_map *map, struct bpf_insn *buf)
{
	struct bpf_insn *insn = buf;

	if (kbpf_htab_gen_lookup_call(map, insn++))
		return -EOPNOTSUPP;
	*insn++ = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1);
	*insn++ = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0,
				offsetof(struct htab_elem, key) +
				round_up(map->key_size, 8));
	return insn - buf;
}

static void *htab_percpu_map_lookup_elem(struct kbpf_map *map, void *key)
{
	struct kbpf_htab *htab = to_htab(map);
	struct htab_elem *l;

	l = kbpf_htab_find_rcu(htab, kbpf_htab_hash(key, map->key_size,
						    htab->hashrnd), key);
	return l ? this_cpu_ptr(l->pptr) : NULL;
}

/* Another CPU's copy, for bpf_map_lookup_percpu_elem. */
static void *htab_percpu_map_lookup_percpu_elem(struct kbpf_map *map,
						void *key, u32 cpu)
{
	struct kbpf_htab *htab = to_htab(map);
	struct htab_elem *l;

	if (cpu >= nr_cpu_ids)
		return NULL;
	l = kbpf_htab_find_rcu(htab, kbpf_htab_hash(key, map->key_size,
						    htab->hashrnd), key);
	return l ? per_cpu_ptr(l->pptr, cpu) : NULL;
}

static long htab_map_update_elem(struct kbpf_map *map, void *key,
				 void *value, u64 flags)
{
	struct kbpf_htab *htab = to_htab(map);
	struct htab_elem *l_new, *l_old;
	unsigned long irqflags;
	struct htab_bucket *b;
	void *old_ptr = NULL;
	u32 hash;
	int ret;

	if (unlikely((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	/* No kbpf map value carries a bpf_spin_lock (yet). */
	if (unlikely(flags & BPF_F_LOCK))
		return -EINVAL;
	hash = kbpf_htab_hash(key, map->key_size, htab->hashrnd);
	b = htab_bucket(htab, hash);
	ret = kbpf_htab_lock_bucket(htab, b, hash, &irqflags);
	if (ret)
		return ret;

	l_old = kbpf_htab_find_locked(htab, b, hash, key);
	ret = htab_check_flags(l_old, flags);
	if (ret)
		goto unlock;
	l_new = htab_new_elem(htab, key, value, hash, false, l_old);
	if (IS_ERR(l_new)) {
		ret = PTR_ERR(l_new);
		goto unlock;
	}
	/* New before old goes: a lookup meanwhile finds one of the two. */
	kbpf_htab_link(b, l_new);
	if (l_old) {
		kbpf_htab_unlink(b, l_old);
		/* l_old may be this CPU's spare now: read it while locked. */
		old_ptr = htab_fd_ptr(htab, l_old);
	}
unlock:
	kbpf_htab_unlock_bucket(htab, b, hash, irqflags);
	htab_put_fd_ptr(htab, old_ptr);
	if (!ret && l_old && !htab->prealloc)
		call_rcu(&l_old->rcu, htab_elem_free_rcu);
	return ret;
}

static long htab_percpu_update(struct kbpf_map *map, void *key, void *value,
			       u64 flags, bool onallcpus)
{
	struct kbpf_htab *htab = to_htab(map);
	struct htab_elem *l_new, *l_old;
	unsigned long irqflags;
	struct htab_bucket *b;
	u32 hash;
	int ret;

	/* BPF_F_LOCK too: a per-CPU value has no lock to take. */
	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	hash = kbpf_htab_hash(key, map->key_size, htab->hashrnd);
	b = htab_bucket(htab, hash);
	ret = kbpf_htab_lock_bucket(htab, b, hash, &irqflags);
	if (ret)
		return ret;

	l_old = kbpf_htab_find_locked(htab, b, hash, key);
	ret = htab_check_flags(l_old, flags);
	if (ret)
		goto unlock;
	if (l_old) {
		htab_write_begin(l_old);
		kbpf_htab_pcpu_copy_in(htab, l_old->pptr, value, onallcpus);
		htab_write_end(l_old);
		goto unlock;
	}
	l_new = htab_new_elem(htab, key, value, hash, onallcpus, NULL);
	if (IS_ERR(l_new))
		ret = PTR_ERR(l_new);
	else
		kbpf_htab_link(b, l_new);
unlock:
	kbpf_htab_unlock_bucket(htab, b, hash, irqflags);
	return ret;
}

static long htab_percpu_map_update_elem(struct kbpf_map *map, void *key,
					void *value, u64 flags)
{
	return htab_percpu_update(map, key, value, flags, false);
}

static long htab_percpu_map_update_value(struct kbpf_map *map, void *key,
					 void *value, u64 flags)
{
	return htab_percpu_update(map, key, value, flags, true);
}

static long htab_map_delete_elem(struct kbpf_map *map, void *key)
{
	struct kbpf_htab *htab = to_htab(map);
	unsigned long irqflags;
	struct htab_bucket *b;
	struct htab_elem *l;
	u32 hash;
	int ret;

	hash = kbpf_htab_hash(key, map->key_size, htab->hashrnd);
	b = htab_bucket(htab, hash);
	ret = kbpf_htab_lock_bucket(htab, b, hash, &irqflags);
	if (ret)
		return ret;
	l = kbpf_htab_find_locked(htab, b, hash, key);
	if (l)
		kbpf_htab_unlink(b, l);
	else
		ret = -ENOENT;
	kbpf_htab_unlock_bucket(htab, b, hash, irqflags);
	if (l)
		htab_retire(htab, l);
	return ret;
}

static int htab_map_lookup_and_delete_elem(struct kbpf_map *map, void *key,
					   void *value, u64 flags)
{
	struct kbpf_htab *htab = to_htab(map);
	unsigned long irqflags;
	struct htab_bucket *b;
	struct htab_elem *l;
	u32 hash;
	int ret;

	hash = kbpf_htab_hash(key, map->key_size, htab->hashrnd);
	b = htab_bucket(htab, hash);
	ret = kbpf_htab_lock_bucket(htab, b, hash, &irqflags);
	if (ret)
		return ret;
	l = kbpf_htab_find_locked(htab, b, hash, key);
	if (l) {
		kbpf_htab_copy_out(htab, l, value);
		kbpf_htab_unlink(b, l);
	} else {
		ret = -ENOENT;
	}
	kbpf_htab_unlock_bucket(htab, b, hash, irqflags);
	if (l)
		htab_retire(htab, l);
	return ret;
}

/* l left the table: back to the LRU's free lists, the free list, or freed. */
void kbpf_htab_elem_retire(struct kbpf_htab *htab, struct htab_elem *l)
{
	if (htab->lru)
		kbpf_lru_push_free(&htab->lru_lists, &l->lru);
	else
		htab_retire(htab, l);
}

/*
 * One bucket of a batch lookup: the whole chain or nothing, so a batch
 * never splits a bucket and its token (the bucket index) stays valid
 * however the map changes in between. Deleted elements are retired only
 * once the lock is dropped: the LRU's free lists take locks of their own.
 */
int kbpf_htab_batch_bucket(struct kbpf_map *map, u32 bucket, void *keys,
			   void *values, void **scratch, u32 room,
			   bool do_delete)
{
	struct kbpf_htab *htab = to_htab(map);
	u32 value_size = kbpf_map_value_size(map);
	unsigned long irqflags;
	struct htab_bucket *b;
	struct htab_elem *l;
	u32 n = 0, i;
	int ret;

	if (bucket >= htab->n_buckets)
		return -ENOENT;
	b = &htab->buckets[bucket];
	/* Most buckets are empty: look before taking the lock. */
	if (htab_is_nulls(rcu_dereference(b->first)))
		return 0;
	ret = kbpf_htab_lock_bucket(htab, b, bucket, &irqflags);
	if (ret)
		return ret;
	for (l = htab_deref_locked(b->first); !htab_is_nulls(l);
	     l = htab_deref_locked(l->next))
		n++;
	if (n > room || !n)
		goto out;
	i = 0;
	for (l = htab_deref_locked(b->first); !htab_is_nulls(l);
	     l = htab_deref_locked(l->next)) {
		memcpy(keys + (u64)i * map->key_size, l->key, map->key_size);
		kbpf_htab_copy_out(htab, l, values + (u64)i * value_size);
		scratch[i++] = l;
	}
	if (do_delete)
		for (i = 0; i < n; i++)
			kbpf_htab_unlink(b, scratch[i]);
out:
	kbpf_htab_unlock_bucket(htab, b, bucket, irqflags);
	if (do_delete && n <= room)
		for (i = 0; i < n; i++)
			kbpf_htab_elem_retire(htab, scratch[i]);
	return n;
}

/* ---- Creation and destruction ------------------------------------------ */

int kbpf_htab_alloc_check(union bpf_attr *attr)
{
	bool percpu = attr->map_type == BPF_MAP_TYPE_PERCPU_HASH ||
		      attr->map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	bool lru = attr->map_type == BPF_MAP_TYPE_LRU_HASH ||
		   attr->map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	/* Per-CPU LRU lists, unrelated to per-CPU values. */
	bool percpu_lru = attr->map_flags & BPF_F_NO_COMMON_LRU;
	bool prealloc = !(attr->map_flags & BPF_F_NO_PREALLOC);
	int numa_node = kbpf_map_attr_numa_node(attr);

	/* Linux's order of checks, so every attr gets Linux's errno. */
	if (lru && !bpf_capable())
		return -EPERM;
	/* A predictable hash is a local DoS: for debugging by the admin only. */
	if ((attr->map_flags & BPF_F_ZERO_SEED) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (attr->map_flags & ~HTAB_CREATE_FLAG_MASK ||
	    !kbpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	if (!lru && percpu_lru)
		return -EINVAL;
	if (lru && !prealloc)
		return -ENOTSUPP;
	if (numa_node != NUMA_NO_NODE && (percpu || percpu_lru))
		return -EINVAL;
	if (!attr->max_entries || !attr->key_size || !attr->value_size)
		return -EINVAL;
	if ((u64)attr->key_size + attr->value_size >=
	    KMALLOC_MAX_SIZE - HTAB_ELEM_HDR_LINUX)
		return -E2BIG;
	if (percpu && round_up(attr->value_size, 8) > PCPU_MIN_UNIT_SIZE)
		return -E2BIG;
	return 0;
}

static void htab_free_elems(struct kbpf_htab *htab)
{
	u32 i, n = htab_nr_elems(htab);

	if (htab->percpu) {
		for (i = 0; i < n; i++) {
			free_percpu(htab_elem_at(htab, i)->pptr);
			cond_resched();
		}
	}
	kbpf_map_area_free(htab->elems);
}

static int htab_prealloc(struct kbpf_htab *htab)
{
	u32 i, n = htab_nr_elems(htab);
	int err = -ENOMEM, cpu;

	htab->elems = kbpf_map_area_alloc((u64)htab->elem_size * n,
					  htab->map.numa_node);
	if (!htab->elems)
		return -ENOMEM;
	for (i = 0; htab->percpu && i < n; i++) {
		htab_elem_at(htab, i)->pptr =
			__alloc_percpu_gfp(htab_pcpu_size(htab), 8, GFP_USER |
					   __GFP_NOWARN | __GFP_ACCOUNT);
		if (!htab_elem_at(htab, i)->pptr)
			goto err_free_elems;
		cond_resched();
	}

	if (htab->lru) {
		err = kbpf_lru_init(&htab->lru_lists,
				    htab->map.map_flags & BPF_F_NO_COMMON_LRU,
				    offsetof(struct htab_elem, hash) -
				    offsetof(struct htab_elem, lru),
				    kbpf_htab_lru_evict, htab);
		if (err)
			goto err_free_elems;
		kbpf_lru_populate(&htab->lru_lists,
				  htab->elems + offsetof(struct htab_elem, lru),
				  htab->elem_size, n);
		return 0;
	}

	err = kbpf_freelist_init(&htab->freelist);
	if (err)
		goto err_free_elems;
	kbpf_freelist_populate(&htab->freelist,
			       htab->elems + offsetof(struct htab_elem, fnode),
			       htab->elem_size, htab->map.max_entries);
	if (htab->percpu)
		return 0;
	err = -ENOMEM;
	htab->extra_elems = __alloc_percpu_gfp(sizeof(struct htab_elem *),
					       __alignof__(struct htab_elem *),
					       GFP_USER | __GFP_ACCOUNT);
	if (!htab->extra_elems)
		goto err_freelist;
	i = htab->map.max_entries;
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(htab->extra_elems, cpu) = htab_elem_at(htab, i++);
	return 0;

err_freelist:
	kbpf_freelist_destroy(&htab->freelist);
err_free_elems:
	htab_free_elems(htab);
	return err;
}

/*
 * BPF_F_NO_COMMON_LRU splits the elements evenly over the CPUs: round
 * max_entries up to a multiple of the CPU count, or down if that overflows.
 */
static u32 htab_round_to_cpus(u32 max_entries)
{
	u32 ncpus = num_possible_cpus();
	u64 up = DIV_ROUND_UP((u64)max_entries, ncpus) * ncpus;

	return up <= U32_MAX ? (u32)up : max_entries / ncpus * ncpus;
}

struct kbpf_map *kbpf_htab_alloc(union bpf_attr *attr)
{
	int numa_node = kbpf_map_attr_numa_node(attr);
	struct kbpf_htab *htab;
	int err;
	u32 i;

	BUILD_BUG_ON(sizeof(struct htab_elem) > HTAB_ELEM_HDR_LINUX);
	htab = kzalloc_node(sizeof(*htab), GFP_USER | __GFP_ACCOUNT, numa_node);
	if (!htab)
		return ERR_PTR(-ENOMEM);
	kbpf_map_init_from_attr(&htab->map, attr);
	htab->percpu = attr->map_type == BPF_MAP_TYPE_PERCPU_HASH ||
		       attr->map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	htab->lru = attr->map_type == BPF_MAP_TYPE_LRU_HASH ||
		    attr->map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	htab->prealloc = !(attr->map_flags & BPF_F_NO_PREALLOC);
	if (attr->map_flags & BPF_F_NO_COMMON_LRU)
		htab->map.max_entries = htab_round_to_cpus(attr->max_entries);

	err = -E2BIG;
	if (htab->map.max_entries > 1U << 31)
		goto err_free;
	htab->n_buckets = roundup_pow_of_two(htab->map.max_entries);
	if (htab->n_buckets > U32_MAX / sizeof(struct htab_bucket))
		goto err_free;
	htab->elem_size = sizeof(struct htab_elem) +
			  round_up(htab->map.key_size, 8);
	if (!htab->percpu)
		htab->elem_size += round_up(htab->map.value_size, 8);

	err = -ENOMEM;
	htab->buckets = kbpf_map_area_alloc((u64)htab->n_buckets *
					    sizeof(struct htab_bucket),
					    numa_node);
	if (!htab->buckets)
		goto err_free;
	for (i = 0; i < htab->n_buckets; i++) {
		RCU_INIT_POINTER(htab->buckets[i].first, HTAB_NULLS(i));
		raw_spin_lock_init(&htab->buckets[i].lock);
	}
	for (i = 0; i < HTAB_LOCK_SLOTS; i++) {
		htab->map_locked[i] = __alloc_percpu_gfp(sizeof(int),
							 sizeof(int),
							 GFP_USER |
							 __GFP_ACCOUNT);
		if (!htab->map_locked[i])
			goto err_free_locked;
	}
	htab->hashrnd = attr->map_flags & BPF_F_ZERO_SEED ? 0 :
			get_random_u32();
	if (htab->prealloc) {
		err = htab_prealloc(htab);
		if (err)
			goto err_free_locked;
	}
	return &htab->map;

err_free_locked:
	for (i = 0; i < HTAB_LOCK_SLOTS; i++)
		free_percpu(htab->map_locked[i]);
	kbpf_map_area_free(htab->buckets);
err_free:
	kfree(htab);
	return ERR_PTR(err);
}

/* No-prealloc: every element still linked. Nothing can reach the map now. */
static void htab_free_linked(struct kbpf_htab *htab)
{
	struct htab_elem *l, *next;
	u32 i;

	for (i = 0; i < htab->n_buckets; i++) {
		for (l = htab_deref_locked(htab->buckets[i].first);
		     !htab_is_nulls(l); l = next) {
			next = htab_deref_locked(l->next);
			htab_elem_free(l);
		}
		cond_resched();
	}
}

/* HASH_OF_MAPS: drop the inner map of every element still linked. */
static void htab_put_fd_ptrs(struct kbpf_htab *htab)
{
	struct htab_elem *l;
	u32 i;

	if (htab->map.map_type != BPF_MAP_TYPE_HASH_OF_MAPS)
		return;
	for (i = 0; i < htab->n_buckets; i++) {
		for (l = htab_deref_locked(htab->buckets[i].first);
		     !htab_is_nulls(l); l = htab_deref_locked(l->next))
			htab_put_fd_ptr(htab, htab_fd_ptr(htab, l));
		cond_resched();
	}
}

void kbpf_htab_free(struct kbpf_map *map)
{
	struct kbpf_htab *htab = to_htab(map);
	int i;

	htab_put_fd_ptrs(htab);
	if (htab->prealloc) {
		htab_free_elems(htab);
		if (htab->lru)
			kbpf_lru_destroy(&htab->lru_lists);
		else
			kbpf_freelist_destroy(&htab->freelist);
		free_percpu(htab->extra_elems);
	} else {
		htab_free_linked(htab);
	}
	for (i = 0; i < HTAB_LOCK_SLOTS; i++)
		free_percpu(htab->map_locked[i]);
	kbpf_map_area_free(htab->buckets);
	kfree(htab);
}

const struct kbpf_map_ops kbpf_htab_map_ops = {
	.map_alloc_check = kbpf_htab_alloc_check,
	.map_alloc = kbpf_htab_alloc,
	.map_free = kbpf_htab_free,
	.map_get_next_key = kbpf_htab_get_next_key,
	.map_lookup_elem = htab_map_lookup_elem,
	.map_gen_lookup = htab_map_gen_lookup,
	.map_update_elem = htab_map_update_elem,
	.map_delete_elem = htab_map_delete_elem,
	.map_copy_value = kbpf_htab_copy_value,
	.map_lookup_and_delete_elem = htab_map_lookup_and_delete_elem,
	.map_batch_cmds = KBPF_HTAB_BATCH_CMDS,
	.map_batch_bucket = kbpf_htab_batch_bucket,
	.map_meta_equal = kbpf_map_meta_equal,
	.map_for_each_callback = kbpf_htab_visit_elems,
};

const struct kbpf_map_ops kbpf_htab_percpu_map_ops = {
	.map_alloc_check = kbpf_htab_alloc_check,
	.map_alloc = kbpf_htab_alloc,
	.map_free = kbpf_htab_free,
	.map_get_next_key = kbpf_htab_get_next_key,
	.map_lookup_elem = htab_percpu_map_lookup_elem,
	.map_lookup_percpu_elem = htab_percpu_map_lookup_percpu_elem,
	.map_update_elem = htab_percpu_map_update_elem,
	.map_delete_elem = htab_map_delete_elem,
	.map_copy_value = kbpf_htab_copy_value,
	.map_update_value = htab_percpu_map_update_value,
	.map_lookup_and_delete_elem = htab_map_lookup_and_delete_elem,
	.map_batch_cmds = KBPF_HTAB_BATCH_CMDS,
	.map_batch_bucket = kbpf_htab_batch_bucket,
	.map_meta_equal = kbpf_map_meta_equal,
	.map_for_each_callback = kbpf_htab_visit_elems,
};

/* For HASH_OF_MAPS (maps/htab_of_maps.c), which adds fds around them. */
void *kbpf_htab_lookup_elem(struct kbpf_map *map, void *key)
{
	return htab_map_lookup_elem(map, key);
}

long kbpf_htab_update_elem(struct kbpf_map *map, void *key, void *value,
			   u64 flags)
{
	return htab_map_update_elem(map, key, value, flags);
}

long kbpf_htab_delete_elem(struct kbpf_map *map, void *key)
{
	return htab_map_delete_elem(map, key);
}
