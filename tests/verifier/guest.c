// SPDX-License-Identifier: GPL-2.0
/*
 * test_verifier in a guest, through /dev/kbpf: real maps (BPF_MAP_CREATE),
 * BPF_PROG_LOAD with the verifier log, the unprivileged half with the
 * capabilities test_verifier drops (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN;
 * CAP_SYS_ADMIN stays off throughout, as in test_verifier) and kbpf's
 * unprivileged_bpf parameter on, xlated programs through
 * BPF_OBJ_GET_INFO_BY_FD, retval through BPF_PROG_TEST_RUN.
 *
 * Besides test_verifier's summary lines it prints KBPF-TEST lines for
 * tests/guest/run.sh: one FAIL per failing case, one SKIP per skip
 * reason, one PASS for the cases that matched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "kbpf.h"
#include "vt_run.h"
#include "bench.h"

#define UNPRIV_PARAM	"/sys/module/kbpf/parameters/unprivileged_bpf"
#define VT_TEST_RUN_OUT	(64 * 4)

static struct __user_cap_data_struct guest_caps[2];
static int guest_errors;
static char guest_no_load[160];

static long bpf(int cmd, union bpf_attr *attr)
{
	long ret = kbpf_sys_bpf(cmd, attr, sizeof(*attr));

	return ret < 0 ? -errno : ret;
}

/* Creates spec's map through call: /dev/kbpf here, Linux's bpf(2) in bench.c. */
int vt_guest_map_create(const struct vt_map_spec *spec,
			long (*call)(int cmd, union bpf_attr *attr))
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = spec->map_type;
	attr.key_size = spec->key_size;
	attr.value_size = spec->value_size;
	attr.max_entries = spec->max_entries;
	attr.map_flags = spec->map_flags;
	if (spec->map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS) {
		union bpf_attr in;
		long inner, fd;

		memset(&in, 0, sizeof(in));
		in.map_type = BPF_MAP_TYPE_ARRAY;
		in.key_size = 4;
		in.value_size = 4;
		in.max_entries = 1;
		inner = call(BPF_MAP_CREATE, &in);
		if (inner < 0)
			return inner;
		attr.inner_map_fd = inner;
		fd = call(BPF_MAP_CREATE, &attr);
		close(inner);
		return fd;
	}
	return call(BPF_MAP_CREATE, &attr);
}

static int guest_map_create(const struct vt_map_spec *spec)
{
	return vt_guest_map_create(spec, bpf);
}

static int guest_map_update(int fd, const void *key, const void *value)
{
	/* Room for a whole test_val even when the map's value is smaller. */
	char buf[64] = { 0 };
	union bpf_attr attr;

	memcpy(buf, value, 48);
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (unsigned long)key;
	attr.value = (unsigned long)buf;
	attr.flags = BPF_ANY;
	return bpf(BPF_MAP_UPDATE_ELEM, &attr);
}

static void guest_close(int fd)
{
	close(fd);
}

/* The xlated program, when BPF_OBJ_GET_INFO_BY_FD gives it. */
static void guest_xlated(int fd, struct vt_load *ld)
{
	struct bpf_prog_info info;
	union bpf_attr attr;
	uint32_t len;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (unsigned long)&info;
	if (bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) || !info.xlated_prog_len)
		return;
	len = info.xlated_prog_len;
	ld->xlated = calloc(1, len);
	if (!ld->xlated)
		return;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = len;
	info.xlated_prog_insns = (unsigned long)ld->xlated;
	if (bpf(BPF_OBJ_GET_INFO_BY_FD, &attr)) {
		free(ld->xlated);
		ld->xlated = NULL;
		return;
	}
	ld->xlated_cnt = len / sizeof(struct bpf_insn);
}

static int guest_prog_load(struct vt_load *ld)
{
	union bpf_attr attr;
	long fd;

	if (guest_no_load[0])
		return -ENOSYS;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = ld->prog_type;
	attr.expected_attach_type = ld->expected_attach_type;
	attr.insns = (unsigned long)ld->insns;
	attr.insn_cnt = ld->insn_cnt;
	attr.license = (unsigned long)"GPL";
	attr.prog_flags = ld->prog_flags;
	if (ld->log) {
		attr.log_buf = (unsigned long)ld->log;
		attr.log_size = ld->log_size;
		attr.log_level = ld->log_level;
	}
	fd = bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0 && ld->log)
		guest_xlated(fd, ld);
	return fd;
}

static int guest_prog_run(int prog, const void *data, uint32_t size,
			  uint32_t *retval)
{
	unsigned char out[VT_TEST_RUN_OUT];
	union bpf_attr attr;
	long err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = prog;
	attr.test.data_in = (unsigned long)data;
	attr.test.data_size_in = size;
	attr.test.data_out = (unsigned long)out;
	attr.test.data_size_out = sizeof(out);
	attr.test.repeat = 1;
	err = bpf(BPF_PROG_TEST_RUN, &attr);
	if (err)
		return err;
	*retval = attr.test.retval;
	return 0;
}

static int capset_effective(bool unpriv)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	uint64_t eff = (uint64_t)guest_caps[1].effective << 32 |
		       guest_caps[0].effective;

	eff &= ~(1ULL << CAP_SYS_ADMIN);
	if (unpriv)
		eff &= ~(1ULL << CAP_BPF | 1ULL << CAP_PERFMON |
			 1ULL << CAP_NET_ADMIN);
	memcpy(d, guest_caps, sizeof(d));
	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	return syscall(SYS_capset, &hdr, d);
}

static void guest_set_unpriv(bool unpriv)
{
	if (capset_effective(unpriv)) {
		guest_errors++;
		printf("KBPF-TEST FAIL test_verifier/capset: %s\n",
		       strerror(errno));
	}
}

static struct vt_place guest_place = {
	.name = "guest",
	.map_create = guest_map_create,
	.map_update = guest_map_update,
	.map_close = guest_close,
	.prog_load = guest_prog_load,
	.prog_run = guest_prog_run,
	.prog_close = guest_close,
	.set_unpriv = guest_set_unpriv,
	.no_load_reason = guest_no_load,
	.errors = &guest_errors,
	.ktest_lines = true,
};

/* Write val to kbpf's unprivileged_bpf parameter; the old value in old. */
static int set_unpriv_param(char val, char *old)
{
	int fd = open(UNPRIV_PARAM, O_RDWR);
	int ok;

	if (fd < 0)
		return -1;
	if (old && read(fd, old, 1) != 1)
		*old = 'N';
	ok = pwrite(fd, &val, 1, 0) == 1;
	close(fd);
	return ok ? 0 : -1;
}

/* Does the simplest program load? If not, say why once for every case. */
static void probe_load_path(void)
{
	struct bpf_insn p[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct vt_load ld = { .insns = p, .insn_cnt = 2,
			      .prog_type = BPF_PROG_TYPE_SOCKET_FILTER };
	int fd = guest_prog_load(&ld);

	if (fd >= 0) {
		close(fd);
		return;
	}
	snprintf(guest_no_load, sizeof(guest_no_load),
		 "load path missing (BPF_PROG_LOAD of \"r0 = 0; exit\": %s)",
		 strerror(-fd));
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct vt_options opt;
	char old = 'N';
	int failed, bench = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* --bench N: make bench-verifier (bench.c), not the test tier. */
	if (argc > 2 && !strcmp(argv[1], "--bench")) {
		bench = atoi(argv[2]);
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	if (vt_parse_args(argc, argv, &opt))
		return 2;
	if (kbpf_dev_fd() < 0) {
		printf("KBPF-TEST FAIL test_verifier/open: /dev/kbpf: %s\n",
		       strerror(errno));
		return 1;
	}
	if (syscall(SYS_capget, &hdr, guest_caps)) {
		printf("KBPF-TEST FAIL test_verifier/capget: %s\n",
		       strerror(errno));
		return 1;
	}
	if (set_unpriv_param('1', &old)) {
		printf("KBPF-TEST FAIL test_verifier/unprivileged_bpf: cannot set %s\n",
		       UNPRIV_PARAM);
		return 1;
	}
	guest_set_unpriv(false);
	probe_load_path();

	if (bench) {
		if (vt_bench_install(&guest_place, bench))
			return 1;
		vt_run_all(&guest_place, &opt);
		vt_bench_report();
		set_unpriv_param(old == 'Y' || old == '1' ? '1' : '0', NULL);
		return 0;
	}
	/* MISMATCH lines in the console log feed scripts/regen-verifier-known.sh. */
	opt.list_mismatches = true;
	failed = vt_run_all(&guest_place, &opt);

	set_unpriv_param(old == 'Y' || old == '1' ? '1' : '0', NULL);
	return failed ? 1 : 0;
}
