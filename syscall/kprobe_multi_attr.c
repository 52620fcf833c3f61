// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of a kprobe_multi BPF_LINK_CREATE that need no kernel: its
 * attr checks and the handling of repeated symbols and addresses
 * (include/kbpf/kprobe_multi.h says which Linux behaviour each mirrors).
 */
#include <kbpf/kapi.h>
#include <kbpf/kprobe_multi.h>

int kbpf_kprobe_multi_check_attr(const union bpf_attr *attr)
{
	bool has_syms = attr->link_create.kprobe_multi.syms;
	bool has_addrs = attr->link_create.kprobe_multi.addrs;
	u32 cnt = attr->link_create.kprobe_multi.cnt;

	if (attr->link_create.kprobe_multi.flags & ~BPF_F_KPROBE_MULTI_RETURN)
		return -EINVAL;
	if (has_syms == has_addrs)
		return -EINVAL;
	if (!cnt)
		return -EINVAL;
	if (cnt > KBPF_KPROBE_MULTI_MAX_CNT)
		return -E2BIG;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int kbpf_kprobe_multi_syms_unique(const char *const *syms, u32 cnt)
{
	const char **sorted;
	int err = 0;
	u32 i;

	sorted = kvcalloc(cnt, sizeof(*sorted), GFP_KERNEL);
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, syms, cnt * sizeof(*sorted));
	sort(sorted, cnt, sizeof(*sorted), name_cmp, NULL);
	for (i = 1; i < cnt; i++) {
		if (!strcmp(sorted[i - 1], sorted[i])) {
			err = -ESRCH;
			break;
		}
	}
	kvfree(sorted);
	return err;
}

/* An address and where it was given: sorting by both puts the earliest first. */
struct addr_at {
	unsigned long addr;
	u32 idx;
};

static int addr_at_cmp(const void *a, const void *b)
{
	const struct addr_at *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return 0;
}

int kbpf_kprobe_multi_mark_dups(const unsigned long *addrs, u32 cnt,
				bool *dup)
{
	struct addr_at *at;
	u32 i;

	at = kvcalloc(cnt, sizeof(*at), GFP_KERNEL);
	if (!at)
		return -ENOMEM;
	for (i = 0; i < cnt; i++) {
		at[i].addr = addrs[i];
		at[i].idx = i;
	}
	sort(at, cnt, sizeof(*at), addr_at_cmp, NULL);
	for (i = 0; i < cnt; i++)
		dup[at[i].idx] = i && at[i].addr == at[i - 1].addr;
	kvfree(at);
	return 0;
}
