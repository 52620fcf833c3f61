// SPDX-License-Identifier: GPL-2.0
/*
 * Map-in-map templates: what ARRAY_OF_MAPS and HASH_OF_MAPS remember of
 * the map inner_map_fd named at creation, which every map stored in them
 * must match, and which the verifier checks lookups in an inner map
 * against (a lookup in the outer map returns a map like the template).
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>

struct kbpf_map *kbpf_map_meta_alloc(const struct kbpf_map *inner)
{
	struct kbpf_map *meta;

	/* One level only: an inner map cannot itself hold maps. */
	if (inner->inner_map_meta)
		return ERR_PTR(-EINVAL);
	if (!inner->ops->map_meta_equal)
		return ERR_PTR(-ENOTSUPP);
	meta = kzalloc(sizeof(*meta), GFP_USER | __GFP_ACCOUNT);
	if (!meta)
		return ERR_PTR(-ENOMEM);
	meta->ops = inner->ops;
	meta->map_type = inner->map_type;
	meta->key_size = inner->key_size;
	meta->value_size = inner->value_size;
	meta->max_entries = inner->max_entries;
	meta->map_flags = inner->map_flags;
	meta->bypass_spec_v1 = inner->bypass_spec_v1;
	meta->numa_node = NUMA_NO_NODE;
	return meta;
}

void kbpf_map_meta_free(struct kbpf_map *meta)
{
	kfree(meta);
}

bool kbpf_map_meta_equal(const struct kbpf_map *meta,
			 const struct kbpf_map *map)
{
	return meta->map_type == map->map_type &&
	       meta->key_size == map->key_size &&
	       meta->value_size == map->value_size &&
	       meta->map_flags == map->map_flags;
}

bool kbpf_array_map_meta_equal(const struct kbpf_map *meta,
			       const struct kbpf_map *map)
{
	if (!kbpf_map_meta_equal(meta, map))
		return false;
	/* Without BPF_F_INNER_MAP programs may rely on the template's size. */
	return (meta->map_flags & BPF_F_INNER_MAP) ||
	       meta->max_entries == map->max_entries;
}
