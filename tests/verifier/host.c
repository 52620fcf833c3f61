// SPDX-License-Identifier: GPL-2.0
/*
 * test_verifier on the host: kbpf_verify() of the shared core, called the
 * way BPF_PROG_LOAD calls it, with maps made through the maps/ ops tables
 * (ASan+UBSan build). The map "fds" the fixups write into LD_IMM64 are
 * indices into this file's table; map_get/map_put count references so a
 * verifier that leaks or over-drops one fails the run. Retval is checked
 * in the guest only (through BPF_PROG_TEST_RUN): no context is built here.
 *
 * Until the verifier is part of the host core (tests/host/host.mk adds
 * verifier/ sources), this builds with KBPF_VT_NO_VERIFIER and reports
 * every case skipped with that reason.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>
#include <kbpf/verifier.h>

#include "vt_run.h"

#define HOST_MAX_MAPS	64
#define HOST_FD_BASE	1000	/* far from real fds: a mixed-up fd shows */

static struct {
	struct kbpf_map *map;
	int refs;	/* taken by kbpf_verify and not yet dropped */
} host_maps[HOST_MAX_MAPS];

static bool host_unpriv;
static int host_ref_errors;

static struct kbpf_map *host_map_get(void *priv, int fd)
{
	int i = fd - HOST_FD_BASE;

	if (i < 0 || i >= HOST_MAX_MAPS || !host_maps[i].map)
		return ERR_PTR(-EBADF);
	host_maps[i].refs++;
	return host_maps[i].map;
}

static void host_map_put(void *priv, struct kbpf_map *map)
{
	int i;

	for (i = 0; i < HOST_MAX_MAPS; i++)
		if (host_maps[i].map == map && host_maps[i].refs > 0) {
			host_maps[i].refs--;
			return;
		}
	host_ref_errors++;
	printf("FAIL host: map_put of a map kbpf_verify holds no reference to\n");
}

static int host_map_create(const struct vt_map_spec *spec)
{
	const struct kbpf_map_ops *ops = kbpf_map_type_ops(spec->map_type);
	union bpf_attr attr;
	struct kbpf_map *map;
	int i, err;

	if (!ops)
		return -EINVAL;	/* what BPF_MAP_CREATE says for an unknown type */
	for (i = 0; i < HOST_MAX_MAPS && host_maps[i].map; i++)
		;
	if (i == HOST_MAX_MAPS)
		return -EMFILE;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = spec->map_type;
	attr.key_size = spec->key_size;
	attr.value_size = spec->value_size;
	attr.max_entries = spec->max_entries;
	attr.map_flags = spec->map_flags;
	err = ops->map_alloc_check ? ops->map_alloc_check(&attr) : 0;
	if (err)
		return err;
	map = ops->map_alloc(&attr);
	if (IS_ERR(map))
		return PTR_ERR(map);
	map->ops = ops;
	refcount_set(&map->refcnt, 1);
	/* test_verifier's map in map: an array of 1 u32 as the template. */
	if (kbpf_map_is_map_in_map(spec->map_type)) {
		struct kbpf_map inner = {
			.ops = kbpf_map_type_ops(BPF_MAP_TYPE_ARRAY),
			.map_type = BPF_MAP_TYPE_ARRAY,
			.key_size = 4, .value_size = 4, .max_entries = 1,
		};

		map->inner_map_meta = kbpf_map_meta_alloc(&inner);
		if (IS_ERR(map->inner_map_meta)) {
			err = PTR_ERR(map->inner_map_meta);
			map->inner_map_meta = NULL;
			ops->map_free(map);
			return err;
		}
	}
	host_maps[i].map = map;
	host_maps[i].refs = 0;
	return HOST_FD_BASE + i;
}

static int host_map_update(int fd, const void *key, const void *value)
{
	struct kbpf_map *map = host_maps[fd - HOST_FD_BASE].map;
	/* Room for a whole test_val even when the map's value is smaller. */
	char buf[64] = { 0 };
	long err;

	memcpy(buf, value, min_t(u32, map->value_size, sizeof(buf)));
	rcu_read_lock();
	err = map->ops->map_update_elem(map, (void *)key, buf, BPF_ANY);
	rcu_read_unlock();
	return err;
}

static void host_map_close(int fd)
{
	int i = fd - HOST_FD_BASE;

	if (host_maps[i].refs) {
		host_ref_errors++;
		printf("FAIL host: %d map references left after kbpf_verify_release\n",
		       host_maps[i].refs);
	}
	host_maps[i].map->ops->map_free(host_maps[i].map);
	host_maps[i].map = NULL;
}

#ifdef KBPF_VT_NO_VERIFIER
static int host_prog_load(struct vt_load *ld)
{
	(void)host_map_get;	/* kept building: the verifier will call them */
	(void)host_map_put;
	return -ENOSYS;
}
#else
static int host_prog_load(struct vt_load *ld)
{
	struct kbpf_verify_args a = {
		.insns = ld->insns,
		.insn_cnt = ld->insn_cnt,
		.prog_type = ld->prog_type,
		.expected_attach_type = ld->expected_attach_type,
		.prog_flags = ld->prog_flags,
		.gpl_compatible = true,		/* test_verifier loads as "GPL" */
		/* test_verifier's admin: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN. */
		.allow_ptr_leaks = !host_unpriv,
		.bpf_capable = !host_unpriv,
		.perfmon_capable = !host_unpriv,
		.log_buf = ld->log,
		.log_size = ld->log ? ld->log_size : 0,
		.log_level = ld->log ? ld->log_level : 0,
		.map_get = host_map_get,
		.map_put = host_map_put,
		.no_prune = ld->no_prune,
	};
	int err;

	/* BPF_PROG_LOAD's own gates before the verifier (syscall.c). */
	if (!ld->insn_cnt || ld->insn_cnt > (host_unpriv ? KBPF_MAXINSNS :
					     KBPF_COMPLEXITY_LIMIT_INSNS))
		return -E2BIG;
	if (host_unpriv && ld->prog_type != BPF_PROG_TYPE_SOCKET_FILTER &&
	    ld->prog_type != BPF_PROG_TYPE_CGROUP_SKB)
		return -EPERM;
	/* bpf_prog_load_fixup_attach_type(): cgroup_sock defaults to sock create. */
	if (ld->prog_type == BPF_PROG_TYPE_CGROUP_SOCK && !a.expected_attach_type)
		a.expected_attach_type = BPF_CGROUP_INET_SOCK_CREATE;

	err = kbpf_verify(&a);
	if (err)
		return err;
	if (a.xlated && a.xlated_cnt) {
		ld->xlated = malloc(a.xlated_cnt * sizeof(*a.xlated));
		if (ld->xlated) {
			memcpy(ld->xlated, a.xlated,
			       a.xlated_cnt * sizeof(*a.xlated));
			ld->xlated_cnt = a.xlated_cnt;
		}
	}
	kbpf_verify_release(&a);
	return 0;
}
#endif

static int host_prog_run(int prog, const void *data, u32 size, u32 *retval)
{
	return -EOPNOTSUPP;	/* retval: guest only (BPF_PROG_TEST_RUN) */
}

static void host_prog_close(int prog)
{
}

/*
 * Linux's test_verifier runs without CAP_SYS_ADMIN, and its unprivileged
 * pass without CAP_NET_ADMIN, CAP_PERFMON and CAP_BPF too: context rules
 * that ask bpf_capable() see the shim's capabilities, so drop them alike.
 */
static void host_set_unpriv(bool unpriv)
{
	u64 admin = 1ULL << CAP_NET_ADMIN | 1ULL << CAP_PERFMON |
		    1ULL << CAP_BPF;

	host_unpriv = unpriv;
	kbpf_shim_set_caps(~(1ULL << CAP_SYS_ADMIN) & (unpriv ? ~admin : ~0ULL));
}

static const struct vt_place host_place = {
	.name = "host",
	.no_prog_handles = true,
	.map_create = host_map_create,
	.map_update = host_map_update,
	.map_close = host_map_close,
	.prog_load = host_prog_load,
	.prog_run = host_prog_run,
	.prog_close = host_prog_close,
	.set_unpriv = host_set_unpriv,
	.no_load_reason = "verifier missing (no kbpf_verify in the host core yet)",
	.errors = &host_ref_errors,
	.fork_each_case = true,
	.can_skip_pruning = true,
};

int main(int argc, char **argv)
{
	struct vt_options opt;
	int failed;

	if (vt_parse_args(argc, argv, &opt))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	kbpf_shim_thread_init(0);
	failed = vt_run_all(&host_place, &opt);
	kbpf_shim_thread_exit();
	return failed ? 1 : 0;
}
