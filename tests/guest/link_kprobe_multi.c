// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_LINK_CREATE with BPF_TRACE_KPROBE_MULTI: a kprobe program loaded
 * for kprobe_multi, attached by symbol or by address to system call
 * functions this test then calls itself. The program counts the calls of
 * this process only (atomically, in an array map) and records
 * bpf_get_func_ip() and bpf_get_attach_cookie():
 * - the count is exactly the number of calls, at entry and at return
 *   (BPF_F_KPROBE_MULTI_RETURN, a kretprobe);
 * - the function's address is /proc/kallsyms', each cookie comes back
 *   with its own function (none given: 0);
 * - an address given twice is probed once (as Linux's fprobe);
 * - bpf_get_stackid()'s kprobe variant unwinds from the probe's registers:
 *   the stack starts in the probed function and reaches do_syscall_64;
 * - closing the link stops the counting; a link pins kbpf.ko;
 * - every attr Linux refuses gets Linux's errno; a symbol or address
 *   inside kbpf.ko is refused (EINVAL), its JIT arena lives there.
 * The cases that run programs run on kbpf's JIT, then its interpreter.
 * Linux's own bpf(2) on Debian's 6.1 has no fprobe: its kprobe_multi
 * answers EOPNOTSUPP, which one case asserts; the attach-type checks it
 * makes before that run on both.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define SYM_A		"__x64_sys_getppid"
#define SYM_B		"__x64_sys_getpid"
#define CALLS		7

#define KT_ATOMIC_ADD64(d, s, o) \
	KT_INSN(BPF_STX | BPF_DW | BPF_ATOMIC, d, s, o, BPF_ADD)
#define KT_JNE_REG(d, s, o)	KT_INSN(BPF_JMP | BPF_JNE | BPF_X, d, s, o, 0)

/* The map's one value: what the program saw, and whom it counts. */
struct seen {
	__u64 count;
	__u64 func_ip;
	__u64 cookie;
	__u64 tgid;
};

static int map_fd = -1;

/* The address of a global text symbol in /proc/kallsyms (module's too), 0 if none. */
static __u64 kallsyms_addr(const char *want, const char *module)
{
	char line[512], name[256], mod[256], type;
	unsigned long long addr;
	__u64 found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		mod[0] = '\0';
		if (sscanf(line, "%llx %c %255s %255s", &addr, &type, name, mod) < 3)
			continue;
		if ((type != 'T' && type != 't') || strcmp(name, want))
			continue;
		if (module && strcmp(mod, module))
			continue;
		found = addr;
		break;
	}
	fclose(f);
	return found;
}

static bool seen_reset(void)
{
	struct seen s = { .tgid = (__u64)getpid() };
	__u32 key = 0;

	return kt_check_ok(kt_map_update(map_fd, &key, &s, 0), "reset the map");
}

static bool seen_read(struct seen *s)
{
	__u32 key = 0;

	return kt_check_ok(kt_map_lookup(map_fd, &key, s, 0), "read the map");
}

/*
 * if (pid_tgid >> 32 == seen.tgid) { seen.func_ip = get_func_ip(ctx);
 * seen.cookie = get_attach_cookie(ctx); seen.count += 1 (atomic); }
 */
static int load_on(const struct kt_be *be, __u32 eat, int map)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_ST(BPF_W, 10, -4, 0),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_LD_MAP_FD(1, map),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(0, 0, 13),
		KT_MOV64_REG(7, 0),
		KT_CALL(BPF_FUNC_get_current_pid_tgid),
		KT_ALU64_IMM(BPF_RSH, 0, 32),
		KT_LDX(BPF_DW, 1, 7, 24),
		KT_JNE_REG(0, 1, 8),
		KT_MOV64_REG(1, 6),
		KT_CALL(BPF_FUNC_get_func_ip),
		KT_STX(BPF_DW, 7, 0, 8),
		KT_MOV64_REG(1, 6),
		KT_CALL(BPF_FUNC_get_attach_cookie),
		KT_STX(BPF_DW, 7, 0, 16),
		KT_MOV64_IMM(1, 1),
		KT_ATOMIC_ADD64(7, 1, 0),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_KPROBE, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns),
			     .expected_attach_type = eat };

	return be_load_prog(be, &l);
}

static int load(const struct kt_be *be, __u32 eat)
{
	return load_on(be, eat, map_fd);
}

/* The program on Linux's bpf(2), with a map of Linux's. */
static int load_linux(void)
{
	int map = be_map_create(&kt_be_linux, BPF_MAP_TYPE_ARRAY, 4,
				sizeof(struct seen), 1, 0);
	int fd;

	if (map < 0)
		return map;
	fd = load_on(&kt_be_linux, BPF_TRACE_KPROBE_MULTI, map);
	close(map);
	return fd;
}

/* A plain kprobe program (r0 = 0), for the attach type checks. */
static int load_plain(const struct kt_be *be, __u32 type)
{
	const struct bpf_insn insns[] = { KT_MOV64_IMM(0, 0), KT_EXIT() };
	struct kt_load l = { .type = type, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns) };

	return be_load_prog(be, &l);
}

struct kmulti {
	__u32 attach_type;
	__u32 flags;
	__u32 cnt;
	const char *const *syms;
	const __u64 *addrs;
	const __u64 *cookies;
};

static long link_create(const struct kt_be *be, int prog_fd,
			const struct kmulti *k)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.link_create.prog_fd = (__u32)prog_fd;
	attr.link_create.attach_type = k->attach_type ? k->attach_type :
				       BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.flags = k->flags;
	attr.link_create.kprobe_multi.cnt = k->cnt;
	attr.link_create.kprobe_multi.syms = kt_ptr(k->syms);
	attr.link_create.kprobe_multi.addrs = kt_ptr(k->addrs);
	attr.link_create.kprobe_multi.cookies = kt_ptr(k->cookies);
	return be_call(be, BPF_LINK_CREATE, &attr);
}

static void call_a(int n)
{
	while (n--)
		syscall(SYS_getppid);
}

static void call_b(int n)
{
	while (n--)
		syscall(SYS_getpid);
}

static __u64 addr_a, addr_b;
static bool linux_ok;
/* "" on the JIT, "_interp" on kbpf's interpreter (jit_enable=0). */
static const char *engine = "";

static void verdict(const char *name, bool ok)
{
	char full[96];

	snprintf(full, sizeof(full), "%s%s", name, engine);
	kt_verdict(full, ok);
}

/* Attach k, call A CALLS times, check the count, ip and cookie, close. */
static bool count_case(const struct kmulti *k, __u64 want_cookie,
		       const char *what)
{
	int prog = load(&kt_be_kbpf, BPF_TRACE_KPROBE_MULTI);
	struct seen s;
	long link;
	bool ok;

	if (!kt_check_ok(prog, "PROG_LOAD"))
		return false;
	ok = seen_reset();
	link = link_create(&kt_be_kbpf, prog, k);
	close(prog);
	if (!kt_check_ok(link, what))
		return false;
	call_a(CALLS);
	ok = ok && seen_read(&s) &&
	     kt_check_u64(s.count, CALLS, "calls counted") &&
	     kt_check_u64(s.func_ip, addr_a, "bpf_get_func_ip = kallsyms") &&
	     kt_check_u64(s.cookie, want_cookie, "bpf_get_attach_cookie");
	close((int)link);
	call_a(3);
	return ok && seen_read(&s) &&
	       kt_check_u64(s.count, CALLS, "count after the link's close");
}

static void t_entry_by_symbol(void)
{
	const char *const syms[] = { SYM_A };
	const __u64 cookies[] = { 0x1234567890abcdefULL };
	struct kmulti k = { .cnt = 1, .syms = syms, .cookies = cookies };

	verdict("entry_by_symbol", count_case(&k, cookies[0], "LINK_CREATE"));
}

static void t_entry_by_addr(void)
{
	const __u64 addrs[] = { addr_a };
	struct kmulti k = { .cnt = 1, .addrs = addrs };

	verdict("entry_by_addr_no_cookie", count_case(&k, 0, "LINK_CREATE"));
}

static void t_return(void)
{
	const char *const syms[] = { SYM_A };
	const __u64 cookies[] = { 77 };
	struct kmulti k = { .flags = BPF_F_KPROBE_MULTI_RETURN, .cnt = 1,
			    .syms = syms, .cookies = cookies };

	verdict("return_kretprobe", count_case(&k, 77, "LINK_CREATE"));
}

/* The same address twice: one probe, one run per call. */
static void t_repeated_addr(void)
{
	const __u64 addrs[] = { addr_a, addr_a };
	const __u64 cookies[] = { 5, 6 };
	struct kmulti k = { .cnt = 2, .addrs = addrs, .cookies = cookies };

	verdict("repeated_addr_probed_once", count_case(&k, 5, "LINK_CREATE"));
}

/* Two functions, a cookie each: each call reports its own. */
static bool two_functions(bool ret)
{
	const char *const syms[] = { SYM_B, SYM_A };
	const __u64 cookies[] = { 22, 11 };
	struct kmulti k = { .cnt = 2, .syms = syms, .cookies = cookies,
			    .flags = ret ? BPF_F_KPROBE_MULTI_RETURN : 0 };
	int prog = load(&kt_be_kbpf, BPF_TRACE_KPROBE_MULTI);
	struct seen s;
	long link;
	bool ok;

	if (!kt_check_ok(prog, "PROG_LOAD"))
		return false;
	ok = seen_reset();
	link = link_create(&kt_be_kbpf, prog, &k);
	close(prog);
	if (!kt_check_ok(link, "LINK_CREATE"))
		return false;
	call_b(2);
	ok = ok && seen_read(&s) &&
	     kt_check_u64(s.count, 2, "B's calls") &&
	     kt_check_u64(s.func_ip, addr_b, "B's address") &&
	     kt_check_u64(s.cookie, 22, "B's cookie");
	call_a(3);
	ok = ok && seen_read(&s) &&
	     kt_check_u64(s.count, 5, "A's calls added") &&
	     kt_check_u64(s.func_ip, addr_a, "A's address") &&
	     kt_check_u64(s.cookie, 11, "A's cookie");
	close((int)link);
	return ok;
}

static void t_two_functions(void)
{
	verdict("two_functions_own_cookies", two_functions(false));
	verdict("two_functions_own_cookies_return", two_functions(true));
}

/* ---- bpf_get_stackid() from a kprobe ------------------------------------- */

#define DEPTH 32	/* frames a stack map value holds */

/* For each ip, the text symbol it falls in (the closest at or below it). */
static void resolve(const __u64 *ips, int n, char names[][128])
{
	unsigned long long best[DEPTH] = { 0 }, addr;
	char line[512], type, name[128];
	FILE *f = fopen("/proc/kallsyms", "r");
	int i;

	for (i = 0; i < n; i++)
		strcpy(names[i], "?");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &addr, &type, name) != 3 ||
		    (type != 'T' && type != 't'))
			continue;
		for (i = 0; i < n; i++) {
			if (addr <= ips[i] && addr >= best[i]) {
				best[i] = addr;
				strcpy(names[i], name);
			}
		}
	}
	fclose(f);
}

/*
 * seen.cookie = bpf_get_stackid(ctx, stacks, 0) for this process's calls:
 * the kprobe variant of the helper, unwinding from the probe's pt_regs.
 */
static int load_stackid(int stacks)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_ST(BPF_W, 10, -4, 0),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_LD_MAP_FD(1, map_fd),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(0, 0, 13),
		KT_MOV64_REG(7, 0),
		KT_CALL(BPF_FUNC_get_current_pid_tgid),
		KT_ALU64_IMM(BPF_RSH, 0, 32),
		KT_LDX(BPF_DW, 1, 7, 24),
		KT_JNE_REG(0, 1, 8),
		KT_MOV64_REG(1, 6),
		KT_LD_MAP_FD(2, stacks),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_get_stackid),
		KT_STX(BPF_DW, 7, 0, 16),
		KT_MOV64_IMM(1, 1),
		KT_ATOMIC_ADD64(7, 1, 0),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_KPROBE, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns),
			     .expected_attach_type = BPF_TRACE_KPROBE_MULTI };

	return be_load_prog(&kt_be_kbpf, &l);
}

/* The stack starts in the probed function and reaches the system call. */
static bool stackid_case(void)
{
	const char *const syms[] = { SYM_A };
	struct kmulti k = { .cnt = 1, .syms = syms };
	int stacks = kt_map_create(BPF_MAP_TYPE_STACK_TRACE, 4, DEPTH * 8, 16, 0);
	char names[DEPTH][128];
	__u64 ips[DEPTH];
	struct seen s;
	__u32 id;
	int prog, i, n;
	long link;
	bool ok, syscall_seen = false;

	if (!kt_check_ok(stacks, "STACK_TRACE map"))
		return false;
	prog = load_stackid(stacks);
	ok = kt_check_ok(prog, "PROG_LOAD") && seen_reset();
	link = ok ? link_create(&kt_be_kbpf, prog, &k) : -1;
	ok = ok && kt_check_ok(link, "LINK_CREATE");
	if (ok) {
		call_a(2);
		close((int)link);
	}
	ok = ok && seen_read(&s) && kt_check_u64(s.count, 2, "calls") &&
	     kt_check_true((__s64)s.cookie >= 0, "bpf_get_stackid() >= 0");
	id = (__u32)s.cookie;
	memset(ips, 0, sizeof(ips));
	ok = ok && kt_check_ok(kt_map_lookup(stacks, &id, ips, 0), "the stack");
	if (ok) {
		for (n = 0; n < DEPTH && ips[n]; n++)
			;
		resolve(ips, n, names);
		for (i = 1; i < n; i++)
			syscall_seen |= !strcmp(names[i], "do_syscall_64");
		if (!n || strcmp(names[0], SYM_A))
			ok = kt_whyf("top frame %#llx in %s, not %s",
				     (unsigned long long)ips[0],
				     n ? names[0] : "(none)", SYM_A);
		else if (!syscall_seen)
			ok = kt_whyf("no do_syscall_64 among %d frames (second: %s)",
				     n, n > 1 ? names[1] : "(none)");
	}
	if (prog >= 0)
		close(prog);
	close(stacks);
	return ok;
}

/* /sys/module/kbpf/refcnt, -1 if unreadable. */
static long module_refs(void)
{
	FILE *f = fopen("/sys/module/kbpf/refcnt", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* The link file pins kbpf.ko (its owner), beside the program it holds. */
static void t_link_pins_module(void)
{
	const char *const syms[] = { SYM_A };
	struct kmulti k = { .cnt = 1, .syms = syms };
	int prog = load(&kt_be_kbpf, BPF_TRACE_KPROBE_MULTI);
	long link, with, without;
	bool ok;

	if (!kt_check_ok(prog, "PROG_LOAD")) {
		kt_verdict("link_pins_module", false);
		return;
	}
	link = link_create(&kt_be_kbpf, prog, &k);
	close(prog);
	if (!kt_check_ok(link, "LINK_CREATE")) {
		kt_verdict("link_pins_module", false);
		return;
	}
	with = module_refs();
	close((int)link);
	/* The program's free runs after an RCU grace period. */
	usleep(200 * 1000);
	without = module_refs();
	ok = kt_check_true(with >= 0 && without >= 0, "/sys/module/kbpf/refcnt");
	if (ok && with < without + 2)
		ok = kt_whyf("refcnt %ld with the link, %ld after: the link and its program should each hold one",
			     with, without);
	kt_verdict("link_pins_module", ok);
}

static bool attach_fails(int prog, const struct kmulti *k, int err,
			 const char *what)
{
	long link = link_create(&kt_be_kbpf, prog, k);

	if (link >= 0)
		close((int)link);
	return kt_check_errno(link, err, what);
}

static void t_bad_attrs(void)
{
	static char long_name[600];
	const char *const one[] = { SYM_A };
	const char *const unknown[] = { "kbpf_no_such_function_anywhere" };
	const char *const twice[] = { SYM_A, SYM_B, SYM_A };
	const char *const too_long[] = { long_name };
	const char *const own_sym[] = { "kbpf_sys_bpf" };
	const __u64 addrs[] = { addr_a };
	const __u64 own_addr[] = { kallsyms_addr("kbpf_sys_bpf", "[kbpf]") };
	const __u64 not_text[] = { 1 };
	void *hole = kt_unmapped();
	int prog = load(&kt_be_kbpf, BPF_TRACE_KPROBE_MULTI);
	int plain = load_plain(&kt_be_kbpf, BPF_PROG_TYPE_KPROBE);
	int sock = load_plain(&kt_be_kbpf, BPF_PROG_TYPE_SOCKET_FILTER);
	bool ok;

	memset(long_name, 'a', sizeof(long_name) - 1);
	ok = kt_check_ok(prog, "PROG_LOAD kprobe_multi") &&
	     kt_check_ok(plain, "PROG_LOAD kprobe") &&
	     kt_check_ok(sock, "PROG_LOAD socket filter") &&
	     kt_check_true(own_addr[0], "kbpf_sys_bpf in /proc/kallsyms");
	if (ok) {
		struct kmulti k = { .cnt = 1, .syms = one };

		ok = attach_fails(plain, &k, EINVAL, "plain kprobe program") &&
		     attach_fails(sock, &k, EINVAL, "socket filter program") &&
		     attach_fails(map_fd, &k, EINVAL, "a map fd") &&
		     attach_fails(999, &k, EBADF, "a closed fd");
		k.attach_type = BPF_PERF_EVENT;
		ok = ok && attach_fails(prog, &k, EINVAL, "kprobe_multi as perf event") &&
		     attach_fails(plain, &k, EOPNOTSUPP,
				  "perf event link (kbpf has no perf events)");
		k.attach_type = BPF_CGROUP_INET_INGRESS;
		ok = ok && attach_fails(plain, &k, EINVAL, "kprobe as cgroup");
	}
	if (ok) {
		struct kmulti k = { .cnt = 1, .syms = one, .flags = 2 };

		ok = attach_fails(prog, &k, EINVAL, "unknown flag");
		k = (struct kmulti){ .cnt = 1, .syms = one, .addrs = addrs };
		ok = ok && attach_fails(prog, &k, EINVAL, "syms and addrs");
		k = (struct kmulti){ .cnt = 1 };
		ok = ok && attach_fails(prog, &k, EINVAL, "neither syms nor addrs");
		k = (struct kmulti){ .cnt = 0, .syms = one };
		ok = ok && attach_fails(prog, &k, EINVAL, "cnt 0");
		k = (struct kmulti){ .cnt = (1U << 20) + 1, .syms = one };
		ok = ok && attach_fails(prog, &k, E2BIG, "cnt past 2^20");
		k = (struct kmulti){ .cnt = 1, .syms = hole };
		ok = ok && attach_fails(prog, &k, EFAULT, "syms unmapped");
		k = (struct kmulti){ .cnt = 1, .addrs = hole };
		ok = ok && attach_fails(prog, &k, EFAULT, "addrs unmapped");
		k = (struct kmulti){ .cnt = 1, .syms = one, .cookies = hole };
		ok = ok && attach_fails(prog, &k, EFAULT, "cookies unmapped");
	}
	if (ok) {
		struct kmulti k = { .cnt = 1, .syms = unknown };

		ok = attach_fails(prog, &k, ESRCH, "unknown symbol");
		k = (struct kmulti){ .cnt = 3, .syms = twice };
		ok = ok && attach_fails(prog, &k, ESRCH, "a symbol twice");
		k = (struct kmulti){ .cnt = 1, .syms = too_long };
		ok = ok && attach_fails(prog, &k, E2BIG, "a 599-byte name");
		k = (struct kmulti){ .cnt = 1, .syms = own_sym };
		ok = ok && attach_fails(prog, &k, EINVAL, "a symbol inside kbpf.ko");
		k = (struct kmulti){ .cnt = 1, .addrs = own_addr };
		ok = ok && attach_fails(prog, &k, EINVAL, "an address inside kbpf.ko");
		k.flags = BPF_F_KPROBE_MULTI_RETURN;
		ok = ok && attach_fails(prog, &k, EINVAL,
					"a return probe inside kbpf.ko");
		k = (struct kmulti){ .cnt = 1, .addrs = not_text };
		ok = ok && attach_fails(prog, &k, EINVAL, "address 1");
	}
	kt_verdict("bad_attrs", ok);
	if (prog >= 0)
		close(prog);
	if (plain >= 0)
		close(plain);
	if (sock >= 0)
		close(sock);
}

/* A failed attach leaves nothing behind: the program still counts nothing. */
static void t_failed_attach_leaves_no_probe(void)
{
	const char *const syms[] = { SYM_A, "kbpf_no_such_function_anywhere" };
	struct kmulti k = { .cnt = 2, .syms = syms };
	int prog = load(&kt_be_kbpf, BPF_TRACE_KPROBE_MULTI);
	struct seen s;
	bool ok;

	if (!kt_check_ok(prog, "PROG_LOAD")) {
		kt_verdict("failed_attach_leaves_no_probe", false);
		return;
	}
	ok = seen_reset() && attach_fails(prog, &k, ESRCH, "second symbol unknown");
	call_a(4);
	ok = ok && seen_read(&s) && kt_check_u64(s.count, 0, "calls counted");
	close(prog);
	kt_verdict("failed_attach_leaves_no_probe", ok);
}

/* The attach-type checks Linux makes before kprobe_multi's own. */
static bool c_attach_type_checks(const struct kt_be *be)
{
	const char *const one[] = { SYM_A };
	struct kmulti k = { .cnt = 1, .syms = one,
			    .attach_type = BPF_PERF_EVENT };
	int prog = be == &kt_be_linux ? load_linux() :
		   load(be, BPF_TRACE_KPROBE_MULTI);
	long link;
	bool ok;

	if (!kt_check_ok(prog, "PROG_LOAD"))
		return false;
	link = link_create(be, prog, &k);
	ok = kt_check_errno(link, EINVAL, "kprobe_multi program as perf event");
	k.attach_type = BPF_TRACE_FENTRY;
	link = link_create(be, prog, &k);
	ok = ok && kt_check_errno(link, EINVAL, "kprobe_multi program as fentry");
	close(prog);
	return ok;
}

/* Linux's own answer on this kernel: EOPNOTSUPP without CONFIG_FPROBE. */
static void t_linux_without_fprobe(void)
{
	const char *const one[] = { SYM_A };
	struct kmulti k = { .cnt = 1, .syms = one };
	int prog;
	long link;

	if (!linux_ok) {
		kt_skip("kprobe_multi@linux", "the kernel's bpf(2) is not usable here");
		return;
	}
	prog = load_linux();
	if (!kt_check_ok(prog, "PROG_LOAD")) {
		kt_verdict("kprobe_multi@linux", false);
		return;
	}
	link = link_create(&kt_be_linux, prog, &k);
	if (link >= 0) {
		close((int)link);
		kt_skip("kprobe_multi@linux", "this kernel has fprobe: Linux attaches too");
	} else {
		kt_verdict("kprobe_multi@linux",
			   kt_check_errno(link, EOPNOTSUPP, "LINK_CREATE"));
	}
	close(prog);
}

/* Every case that runs a program from a probe. */
static void run_programs(void)
{
	t_entry_by_symbol();
	t_entry_by_addr();
	t_return();
	t_repeated_addr();
	t_two_functions();
	verdict("get_stackid_from_kprobe", stackid_case());
}

int main(int argc, char **argv)
{
	const char *const one[] = { SYM_A };
	struct kmulti k = { .cnt = 1, .syms = one };
	int prog;
	long link;

	(void)argc;
	if (!kt_dual_setup(argv[0], "link_kprobe_multi", &linux_ok))
		return kt_done();
	addr_a = kallsyms_addr(SYM_A, NULL);
	addr_b = kallsyms_addr(SYM_B, NULL);
	if (!addr_a || !addr_b) {
		kt_skip("link_kprobe_multi", "no %s or %s in /proc/kallsyms",
			SYM_A, SYM_B);
		return kt_done();
	}
	map_fd = kt_array_create(sizeof(struct seen), 1, 0);
	if (map_fd < 0) {
		kt_fail("map_create", "%s", kt_errname(errno));
		return kt_done();
	}
	/* A kernel without kprobes: nothing here can work. */
	prog = load(&kt_be_kbpf, BPF_TRACE_KPROBE_MULTI);
	if (prog < 0) {
		kt_fail("prog_load", "%s", kt_errname(errno));
		return kt_done();
	}
	link = link_create(&kt_be_kbpf, prog, &k);
	close(prog);
	if (link < 0 && (errno == ENOSYS || errno == EOPNOTSUPP)) {
		kt_skip("link_kprobe_multi", "no kprobes in this kernel: %s",
			kt_errname(errno));
		return kt_done();
	}
	if (link >= 0)
		close((int)link);

	run_programs();
	t_link_pins_module();
	t_failed_attach_leaves_no_probe();
	t_bad_attrs();
	kt_dual("attach_type_checks", c_attach_type_checks, linux_ok);
	t_linux_without_fprobe();
	/* The same runs on kbpf's interpreter. */
	if (!kt_set_jit(0)) {
		kt_fail("interp", "cannot set jit_enable=0");
		return kt_done();
	}
	engine = "_interp";
	run_programs();
	kt_verdict("jit_enable_restored", kt_set_jit(1));
	close(map_fd);
	return kt_done();
}
