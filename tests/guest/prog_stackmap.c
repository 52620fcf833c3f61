// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_STACK_TRACE, bpf_get_stackid() and bpf_get_stack() through
 * the ioctl: creation rules and the element commands, then a raw
 * tracepoint program run by BPF_PROG_TEST_RUN taking its own kernel stack
 * (the flags come from the tracepoint's first argument). The stack must
 * hold kernel text addresses reaching up to the system call (resolved
 * through /proc/kallsyms), the same stack must get the same id, get_stack
 * must see the callers get_stackid saw, skipping must drop frames from
 * the top, and a second stack in a one-bucket map must collide (EEXIST)
 * unless BPF_F_REUSE_STACKID. Every case runs on kbpf and on Linux's
 * bpf(2) (kt_dual.h), with kbpf's JIT and with its interpreter; user
 * stacks, which kbpf does not offer, only on kbpf.
 */
#include <stdio.h>
#include <string.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define ST		BPF_MAP_TYPE_STACK_TRACE
#define DEPTH		32	/* frames a value holds */
#define KERNEL_HALF	0xffff800000000000ULL

static bool create_fails(const struct kt_be *be, __u32 key_size,
			 __u32 value_size, __u32 max, __u32 flags, int err,
			 const char *what)
{
	int fd = be_map_create(be, ST, key_size, value_size, max, flags);

	if (fd >= 0)
		close(fd);
	return kt_check_errno(fd, err, what);
}

static bool create_works(const struct kt_be *be, __u32 value_size, __u32 max,
			 __u32 flags, const char *what)
{
	int fd = be_map_create(be, ST, 4, value_size, max, flags);

	if (fd >= 0)
		close(fd);
	return kt_check_ok(fd, what);
}

static bool c_create_rules(const struct kt_be *be)
{
	const __u32 bid = sizeof(struct bpf_stack_build_id);

	return create_works(be, 8, 1, 0, "plain") &&
	       create_works(be, 127 * 8, 3, 0, "127 frames") &&
	       create_works(be, 2 * bid, 1, BPF_F_STACK_BUILD_ID, "build id") &&
	       create_works(be, 8, 1, BPF_F_RDONLY, "rdonly") &&
	       create_fails(be, 8, 8, 1, 0, EINVAL, "key_size 8") &&
	       create_fails(be, 4, 4, 1, 0, EINVAL, "value_size 4") &&
	       create_fails(be, 4, 12, 1, 0, EINVAL, "value_size 12") &&
	       create_fails(be, 4, 128 * 8, 1, 0, EINVAL, "128 frames") &&
	       create_fails(be, 4, 8, 0, 0, EINVAL, "max_entries 0") &&
	       create_fails(be, 4, 8, 1, BPF_F_RDONLY_PROG, EINVAL, "rdonly_prog") &&
	       create_fails(be, 4, 8, 1, BPF_F_NO_PREALLOC, EINVAL, "no_prealloc") &&
	       create_fails(be, 4, bid + 8, 1, BPF_F_STACK_BUILD_ID, EINVAL,
			    "build id, partial record") &&
	       create_fails(be, 4, 8, (1u << 31) + 1, 0, E2BIG,
			    "max_entries past 2^31");
}

static bool c_elem_commands(const struct kt_be *be)
{
	int fd = be_map_create(be, ST, 4, 8, 3, 0);
	__u64 value = 0;
	__u32 key = 0, next;
	bool ok;

	if (!kt_check_ok(fd, "create"))
		return false;
	ok = kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, &value, 0),
			    EINVAL, "update") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, &value, 0),
			    ENOENT, "lookup of an empty id") &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, fd, &key, NULL, 0),
			    ENOENT, "delete of an empty id") &&
	     kt_check_errno(be_next_key(be, fd, NULL, &next), ENOENT,
			    "next key of an empty map");
	/* 3 entries: 4 buckets; id 4 is past them. */
	key = 4;
	ok = ok &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, fd, &key, NULL, 0),
			    E2BIG, "delete past the buckets") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, &value, 0),
			    ENOENT, "lookup past the buckets");
	close(fd);
	return ok;
}

/* ---- Programs ------------------------------------------------------------ */

/* r0 = bpf_get_stackid(ctx, map, args[0]) */
static int load_stackid(const struct kt_be *be, int map_fd)
{
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_DW, 3, 1, 0),
		KT_LD_MAP_FD(2, map_fd),
		KT_CALL(BPF_FUNC_get_stackid),
		KT_EXIT(),
	};

	return be_load_raw_tp(be, insns, KT_ARRAY_SIZE(insns));
}

/* r0 = bpf_get_stack(ctx, &array[0], DEPTH * 8, args[0]), -1 without it */
static int load_get_stack(const struct kt_be *be, int array_fd)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_ST(BPF_W, 10, -4, 0),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_LD_MAP_FD(1, array_fd),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(0, 0, 6),
		KT_MOV64_REG(1, 6),
		KT_MOV64_REG(2, 0),
		KT_MOV64_IMM(3, DEPTH * 8),
		KT_LDX(BPF_DW, 4, 6, 0),
		KT_CALL(BPF_FUNC_get_stack),
		KT_EXIT(),
		KT_MOV64_IMM(0, -1),
		KT_EXIT(),
	};

	return be_load_raw_tp(be, insns, KT_ARRAY_SIZE(insns));
}

/* Run with args[0] = flags; the program's return value, sign-extended. */
static bool run(const struct kt_be *be, int prog_fd, __u64 flags, long *ret)
{
	return be_run_raw_tp(be, prog_fd, &flags, 1, ret);
}

/* ---- /proc/kallsyms ------------------------------------------------------- */

/* The text symbol each ip falls in (the closest one at or below it). */
static void resolve(const __u64 *ips, int n, char names[][128])
{
	unsigned long long best[DEPTH] = { 0 }, addr;
	char line[256], type, name[128];
	FILE *f = fopen("/proc/kallsyms", "r");
	int i;

	for (i = 0; i < n; i++)
		names[i][0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &addr, &type, name) != 3 ||
		    (type != 't' && type != 'T'))
			continue;
		for (i = 0; i < n; i++)
			if (addr <= ips[i] && addr > best[i]) {
				best[i] = addr;
				snprintf(names[i], 128, "%s", name);
			}
	}
	fclose(f);
}

static bool has_frame(char names[][128], int n, const char *sym)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], sym))
			return true;
	return false;
}

/*
 * A kernel stack from a raw tracepoint's test run: kernel addresses all,
 * up to the system call: the ioctl for kbpf, bpf(2) for Linux; kbpf's
 * also passes through its test run command, above the program's frame.
 */
static bool plausible(const struct kt_be *be, const __u64 *ips, int n,
		      int *prog_frames)
{
	char names[DEPTH][128];
	int i;

	if (!kt_check_true(n >= 4, "at least 4 frames"))
		return false;
	for (i = 0; i < n; i++)
		if (!kt_check_true(ips[i] >= KERNEL_HALF, "a kernel address"))
			return false;
	resolve(ips, n, names);
	/* The frames in program images: kbpf's JIT arena, Linux's bpf_prog_*. */
	for (*prog_frames = 0; *prog_frames < n; ++*prog_frames)
		if (strcmp(names[*prog_frames], "kbpf_arena_text") &&
		    strncmp(names[*prog_frames], "bpf_prog_", 9))
			break;
	/* Each frame once: the top one is not repeated. */
	if (!kt_check_true(ips[0] != ips[1], "no repeated top frame"))
		goto show;
	if (be == &kt_be_kbpf ?
	    kt_check_true(has_frame(names, n, "kbpf_cmd_prog_test_run"),
			  "kbpf_cmd_prog_test_run in the stack") &&
	    kt_check_true(has_frame(names, n, "__x64_sys_ioctl"),
			  "__x64_sys_ioctl in the stack") :
	    kt_check_true(has_frame(names, n, "__sys_bpf"),
			  "__sys_bpf in the stack"))
		return true;
show:
	for (i = 0; i < n; i++)
		fprintf(stderr, "# %s frame %d: %llx %s\n", be->suffix, i,
			(unsigned long long)ips[i], names[i]);
	return false;
}

static int frames(const __u64 *v, int max)
{
	int n = 0;

	while (n < max && v[n])
		n++;
	return n;
}

static bool c_stackid(const struct kt_be *be)
{
	int map = be_map_create(be, ST, 4, DEPTH * 8, 64, 0);
	int arr = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, DEPTH * 8, 1, 0);
	int sid = -1, gs = -1, n, n2, i, p, p2;
	__u64 stack[DEPTH], buf[DEPTH], buf2[DEPTH];
	long id, id2, len, len2;
	__u32 key = 0;
	bool ok = false;

	if (!kt_check_ok(map, "create") || !kt_check_ok(arr, "create array"))
		goto out;
	sid = load_stackid(be, map);
	gs = load_get_stack(be, arr);
	if (!kt_check_ok(sid, "load get_stackid") ||
	    !kt_check_ok(gs, "load get_stack") ||
	    !run(be, sid, 0, &id) || !run(be, sid, 0, &id2))
		goto out;
	if (!kt_check_true(id >= 0 && id < 64, "a stack id") ||
	    !kt_check_u64(id2, id, "the same stack's id"))
		goto out;
	key = id;
	if (!kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, map, &key, stack, 0),
			 "lookup of the id"))
		goto out;
	n = frames(stack, DEPTH);
	if (!plausible(be, stack, n, &p))
		goto out;
	/* get_stack: another call site in the program, the same callers. */
	key = 0;
	if (!run(be, gs, 0, &len) ||
	    !kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, buf, 0),
			 "array lookup"))
		goto out;
	n2 = frames(buf, DEPTH);
	if (!kt_check_u64(len, n2 * 8, "get_stack's length") ||
	    !kt_check_u64(n2, n, "as many frames as get_stackid's") ||
	    !plausible(be, buf, n2, &p2) ||
	    !kt_check_u64(p2, p, "as many frames in program images"))
		goto out;
	/*
	 * The frames in the programs' images differ (the call sites, and
	 * kbpf's JIT entry stub of each image); their callers are the same.
	 */
	for (i = p; i < n; i++)
		if (!kt_check_u64(buf[i], stack[i], "a caller's frame"))
			goto out;
	/* Skipping one frame drops the top one. */
	if (!run(be, gs, 1, &len2) ||
	    !kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, buf2, 0),
			 "array lookup") ||
	    !kt_check_u64(len2, len - 8, "skip 1: one frame less") ||
	    !kt_check_mem(buf2, buf + 1, len2, "skip 1: the frames after"))
		goto out;
	/* Flags the helpers refuse; the buffer is cleared. */
	ok = run(be, gs, 1ULL << 20, &len) &&
	     kt_check_u64(len, -EINVAL, "get_stack, unknown flag") &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, buf, 0),
			 "array lookup") &&
	     kt_check_fill(buf, 0, sizeof(buf), "cleared") &&
	     run(be, sid, 1ULL << 12, &id) &&
	     kt_check_u64(id, -EINVAL, "get_stackid, unknown flag") &&
	     run(be, sid, 255, &id) &&
	     kt_check_u64(id, -EFAULT, "get_stackid, skipping everything");
out:
	if (sid >= 0)
		close(sid);
	if (gs >= 0)
		close(gs);
	if (arr >= 0)
		close(arr);
	if (map >= 0)
		close(map);
	return ok;
}

/*
 * One bucket, one element: a different stack collides, and replacing it
 * needs a spare element the map does not have (Linux takes the new one
 * before it gives the old one back).
 */
static bool c_collision(const struct kt_be *be)
{
	int map = be_map_create(be, ST, 4, DEPTH * 8, 1, 0), sid = -1;
	__u64 stack[DEPTH], stack2[DEPTH];
	__u32 key = 0;
	long id;
	bool ok = false;

	if (!kt_check_ok(map, "create"))
		return false;
	sid = load_stackid(be, map);
	if (!kt_check_ok(sid, "load") || !run(be, sid, 0, &id) ||
	    !kt_check_u64(id, 0, "the only id") ||
	    !kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, map, &key, stack, 0),
			 "lookup") ||
	    !run(be, sid, 1, &id) ||
	    !kt_check_u64(id, -EEXIST, "another stack, same bucket") ||
	    !run(be, sid, BPF_F_FAST_STACK_CMP, &id) ||
	    !kt_check_u64(id, 0, "the first stack again") ||
	    !run(be, sid, 1 | BPF_F_REUSE_STACKID, &id) ||
	    !kt_check_u64(id, -ENOMEM, "replacing without a spare element") ||
	    !kt_check_ok(be_elem(be, BPF_MAP_DELETE_ELEM, map, &key, NULL, 0),
			 "delete") ||
	    !kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, map, &key, stack2, 0),
			    ENOENT, "lookup after delete") ||
	    !run(be, sid, 1, &id) ||
	    !kt_check_u64(id, 0, "the other stack, after the delete") ||
	    !kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, map, &key, stack2, 0),
			 "lookup"))
		goto out;
	ok = kt_check_mem(stack2, stack + 1, (frames(stack, DEPTH) - 1) * 8,
			  "the stack without its top frame");
out:
	if (sid >= 0)
		close(sid);
	close(map);
	return ok;
}

/* kbpf has no user stack walker (README): EOPNOTSUPP, buffer cleared. */
static bool c_user_stack_unsupported(const struct kt_be *be)
{
	int map = be_map_create(be, ST, 4, DEPTH * 8, 4, 0);
	int arr = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, DEPTH * 8, 1, 0);
	int sid = -1, gs = -1;
	__u64 buf[DEPTH];
	__u32 key = 0;
	long ret;
	bool ok = false;

	if (!kt_check_ok(map, "create") || !kt_check_ok(arr, "create array"))
		goto out;
	sid = load_stackid(be, map);
	gs = load_get_stack(be, arr);
	ok = kt_check_ok(sid, "load") && kt_check_ok(gs, "load") &&
	     run(be, sid, BPF_F_USER_STACK, &ret) &&
	     kt_check_u64(ret, -EOPNOTSUPP, "get_stackid, user stack") &&
	     run(be, gs, BPF_F_USER_STACK, &ret) &&
	     kt_check_u64(ret, -EOPNOTSUPP, "get_stack, user stack") &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, buf, 0),
			 "array lookup") &&
	     kt_check_fill(buf, 0, sizeof(buf), "cleared");
out:
	if (sid >= 0)
		close(sid);
	if (gs >= 0)
		close(gs);
	if (arr >= 0)
		close(arr);
	if (map >= 0)
		close(map);
	return ok;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	linux_ok = kt_linux_bpf_usable();
	kt_dual("stackmap_create_rules", c_create_rules, linux_ok);
	kt_dual("stackmap_elem_commands", c_elem_commands, linux_ok);
	if (!kt_verifier_present()) {
		kt_skip("programs", "no verifier in this build: PROG_LOAD answers EOPNOTSUPP");
		return kt_done();
	}
	kt_dual("stackmap_stackid_and_get_stack", c_stackid, linux_ok);
	kt_dual("stackmap_collision", c_collision, linux_ok);
	kt_verdict("stackmap_user_stack_unsupported",
		   c_user_stack_unsupported(&kt_be_kbpf));
	if (!kt_set_jit(0)) {
		kt_fail("stackmap_interp", "cannot set jit_enable=0");
		return kt_done();
	}
	kt_verdict("stackmap_stackid_and_get_stack_interp", c_stackid(&kt_be_kbpf));
	kt_verdict("stackmap_collision_interp", c_collision(&kt_be_kbpf));
	kt_verdict("jit_enable_restored", kt_set_jit(1));
	return kt_done();
}
