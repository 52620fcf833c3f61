// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK: keyless maps of max_entries
 * values of value_size bytes, in one preallocated ring. A queue pops its
 * oldest value, a stack its newest; both push at the same end, and a push
 * into a full map with BPF_EXIST drops the oldest value to make room.
 *
 * Programs can push and pop from any context, NMI included, so the ring is
 * guarded by a raw spinlock taken with interrupts off; in NMI only a
 * trylock is safe (the NMI may have interrupted the lock's holder), and a
 * busy lock there answers -EBUSY, as Linux does.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>

#define QS_ACCESS_FLAGS (BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_RDONLY_PROG | \
			 BPF_F_WRONLY_PROG)
#define QS_CREATE_FLAG_MASK (BPF_F_NUMA_NODE | QS_ACCESS_FLAGS)

struct kbpf_queue_stack {
	struct kbpf_map map;
	raw_spinlock_t lock;
	/* Slot the next push writes; values held; both under lock. */
	u32 head;
	u32 count;
	char values[] __aligned(8);
};

static struct kbpf_queue_stack *to_qs(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_queue_stack, map);
}

static int qs_map_alloc_check(union bpf_attr *attr)
{
	/* Linux allows these map types to privileged users only. */
	if (!bpf_capable())
		return -EPERM;
	if (attr->max_entries == 0 || attr->key_size != 0 ||
	    attr->value_size == 0 ||
	    attr->map_flags & ~QS_CREATE_FLAG_MASK ||
	    !kbpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	/* Userspace could not pass a larger value through the syscall. */
	if (attr->value_size > KMALLOC_MAX_SIZE)
		return -E2BIG;
	return 0;
}

static struct kbpf_map *qs_map_alloc(union bpf_attr *attr)
{
	u64 size = sizeof(struct kbpf_queue_stack) +
		   (u64)attr->max_entries * attr->value_size;
	struct kbpf_queue_stack *qs;

	/* Charged to the creator's memcg; too large just fails. */
	qs = kbpf_map_area_alloc(size, kbpf_map_attr_numa_node(attr));
	if (!qs)
		return ERR_PTR(-ENOMEM);
	kbpf_map_init_from_attr(&qs->map, attr);
	raw_spin_lock_init(&qs->lock);
	return &qs->map;
}

static void qs_map_free(struct kbpf_map *map)
{
	kbpf_map_area_free(to_qs(map));
}

static void *qs_slot(struct kbpf_queue_stack *qs, u32 index)
{
	return qs->values + (u64)index * qs->map.value_size;
}

/* Index of the slot n places before the head, wrapping around. */
static u32 qs_before_head(struct kbpf_queue_stack *qs, u32 n)
{
	u32 head = qs->head;

	return head >= n ? head - n : head + qs->map.max_entries - n;
}

static bool qs_lock(struct kbpf_queue_stack *qs, unsigned long *flags)
{
	if (in_nmi())
		return raw_spin_trylock_irqsave(&qs->lock, *flags);
	raw_spin_lock_irqsave(&qs->lock, *flags);
	return true;
}

static long qs_push_elem(struct kbpf_map *map, void *value, u64 flags)
{
	struct kbpf_queue_stack *qs = to_qs(map);
	unsigned long irqflags;

	/* BPF_EXIST asks to make room; nothing else is meaningful here. */
	if (flags & ~(u64)BPF_EXIST)
		return -EINVAL;
	if (!qs_lock(qs, &irqflags))
		return -EBUSY;
	if (qs->count == map->max_entries) {
		if (!(flags & BPF_EXIST)) {
			raw_spin_unlock_irqrestore(&qs->lock, irqflags);
			return -E2BIG;
		}
		/* The oldest value's slot is the one the head writes next. */
		qs->count--;
	}
	memcpy(qs_slot(qs, qs->head), value, map->value_size);
	qs->head = qs->head + 1 == map->max_entries ? 0 : qs->head + 1;
	qs->count++;
	raw_spin_unlock_irqrestore(&qs->lock, irqflags);
	return 0;
}

/*
 * Copy out the oldest (queue) or newest (stack) value, removing it if pop.
 * value is zeroed when there is nothing to return, like Linux.
 */
static long qs_get(struct kbpf_map *map, void *value, bool stack, bool pop)
{
	struct kbpf_queue_stack *qs = to_qs(map);
	unsigned long irqflags;
	u32 index;

	if (!qs_lock(qs, &irqflags)) {
		memset(value, 0, map->value_size);
		return -EBUSY;
	}
	if (!qs->count) {
		raw_spin_unlock_irqrestore(&qs->lock, irqflags);
		memset(value, 0, map->value_size);
		return -ENOENT;
	}
	index = qs_before_head(qs, stack ? 1 : qs->count);
	memcpy(value, qs_slot(qs, index), map->value_size);
	if (pop) {
		qs->count--;
		/* A stack gives its newest slot back: the head steps back. */
		if (stack)
			qs->head = index;
	}
	raw_spin_unlock_irqrestore(&qs->lock, irqflags);
	return 0;
}

static long queue_pop_elem(struct kbpf_map *map, void *value)
{
	return qs_get(map, value, false, true);
}

static long queue_peek_elem(struct kbpf_map *map, void *value)
{
	return qs_get(map, value, false, false);
}

static long stack_pop_elem(struct kbpf_map *map, void *value)
{
	return qs_get(map, value, true, true);
}

static long stack_peek_elem(struct kbpf_map *map, void *value)
{
	return qs_get(map, value, true, false);
}

/* Keyed access makes no sense on these maps: Linux's answers. */
static void *qs_lookup_elem(struct kbpf_map *map, void *key)
{
	return NULL;
}

static long qs_update_elem(struct kbpf_map *map, void *key, void *value,
			   u64 flags)
{
	return -EINVAL;
}

static long qs_delete_elem(struct kbpf_map *map, void *key)
{
	return -EINVAL;
}

static int qs_get_next_key(struct kbpf_map *map, void *key, void *next_key)
{
	return -EINVAL;
}

/* The syscall side: LOOKUP_ELEM peeks, UPDATE_ELEM pushes, LOOKUP_AND_DELETE pops. */
static int queue_copy_value(struct kbpf_map *map, void *key, void *value)
{
	return queue_peek_elem(map, value);
}

static int stack_copy_value(struct kbpf_map *map, void *key, void *value)
{
	return stack_peek_elem(map, value);
}

static long qs_update_value(struct kbpf_map *map, void *key, void *value,
			    u64 flags)
{
	return qs_push_elem(map, value, flags);
}

/* Linux refuses any flag on a pop from the syscall. */
static int queue_lookup_and_delete(struct kbpf_map *map, void *key,
				   void *value, u64 flags)
{
	return flags ? -EINVAL : queue_pop_elem(map, value);
}

static int stack_lookup_and_delete(struct kbpf_map *map, void *key,
				   void *value, u64 flags)
{
	return flags ? -EINVAL : stack_pop_elem(map, value);
}

const struct kbpf_map_ops kbpf_queue_map_ops = {
	.map_alloc_check = qs_map_alloc_check,
	.map_alloc = qs_map_alloc,
	.map_free = qs_map_free,
	.map_get_next_key = qs_get_next_key,
	.map_lookup_elem = qs_lookup_elem,
	.map_update_elem = qs_update_elem,
	.map_delete_elem = qs_delete_elem,
	.map_copy_value = queue_copy_value,
	.map_update_value = qs_update_value,
	.map_lookup_and_delete_elem = queue_lookup_and_delete,
	.map_push_elem = qs_push_elem,
	.map_pop_elem = queue_pop_elem,
	.map_peek_elem = queue_peek_elem,
	.map_meta_equal = kbpf_map_meta_equal,
};

const struct kbpf_map_ops kbpf_stack_map_ops = {
	.map_alloc_check = qs_map_alloc_check,
	.map_alloc = qs_map_alloc,
	.map_free = qs_map_free,
	.map_get_next_key = qs_get_next_key,
	.map_lookup_elem = qs_lookup_elem,
	.map_update_elem = qs_update_elem,
	.map_delete_elem = qs_delete_elem,
	.map_copy_value = stack_copy_value,
	.map_update_value = qs_update_value,
	.map_lookup_and_delete_elem = stack_lookup_and_delete,
	.map_push_elem = qs_push_elem,
	.map_pop_elem = stack_pop_elem,
	.map_peek_elem = stack_peek_elem,
	.map_meta_equal = kbpf_map_meta_equal,
};
