// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: kbpf must stay loaded while anything of it is in use (an
 * open /dev/kbpf, a live map), unload once nothing is, and load again.
 *
 * Runs last: it unloads kbpf and ends by loading it back from argv[1]
 * (default /lib/kbpf/kbpf.ko), so the guest is left with kbpf loaded even
 * when a step in between fails.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include <linux/kbpf.h>

#include "kt.h"

#define MODULE_NAME "kbpf"
#define DEFAULT_KO "/lib/kbpf/kbpf.ko"

static long delete_module(void)
{
	return syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK);
}

static long finit_module(const char *path)
{
	long ret;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

static bool module_loaded(void)
{
	return access("/sys/module/" MODULE_NAME, F_OK) == 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * Linux 6.1's delete_module answers EWOULDBLOCK, which is EAGAIN, for a
 * module whose reference count is not zero (kernel/module/main.c,
 * try_stop_module()). Keep trying for ms: every try must fail that way.
 */
static bool stays_busy(long ms, const char *what)
{
	long waited = 0;

	for (;;) {
		if (!kt_check_errno(delete_module(), EAGAIN, what))
			return false;
		if (waited >= ms)
			return true;
		sleep_ms(100);
		waited += 100;
	}
}

int main(int argc, char **argv)
{
	const char *ko = argc > 1 ? argv[1] : DEFAULT_KO;
	bool unloaded = false, ok;
	struct stat st;
	long waited;
	int map_fd, err = 0;

	kt_init(argv[0]);
	if (!module_loaded()) {
		kt_fail("preconditions", "kbpf is not loaded");
		return kt_done();
	}
	/* Without the .ko there is no way back: do not unload at all. */
	if (access(ko, R_OK)) {
		kt_skip("preconditions", "%s: %s, not unloading kbpf", ko,
			kt_errname(errno));
		return kt_done();
	}

	map_fd = kt_array_create(8, 1, 0);
	ok = kt_check_ok(map_fd, "MAP_CREATE") &&
	     stays_busy(0, "delete_module with /dev/kbpf and a map open");
	kt_verdict("busy_dev_and_map", ok);

	/* The map alone pins the module, not only its fd's file_operations. */
	kbpf_close();
	ok = kt_check_ok(map_fd, "MAP_CREATE") &&
	     stays_busy(500, "delete_module with only a map fd open");
	kt_verdict("busy_map_only", ok);

	/*
	 * An open /dev/kbpf pins it too. The map's own reference goes after a
	 * grace period and a workqueue pass, so keep asking for a second.
	 */
	ok = kt_check_ok(kbpf_dev_fd(), "open " KBPF_DEVICE_PATH);
	if (map_fd >= 0)
		close(map_fd);
	ok = ok && stays_busy(1000, "delete_module with only /dev/kbpf open");
	kt_verdict("busy_dev_only", ok);

	/* Nothing open: unload within ~3 s, once freed objects let go. */
	kbpf_close();
	for (waited = 0; waited <= 3000; waited += 100) {
		if (!delete_module()) {
			unloaded = true;
			break;
		}
		err = errno;
		if (err != EAGAIN)
			break;
		sleep_ms(100);
	}
	if (unloaded)
		kt_pass("unload_when_idle");
	else
		kt_fail("unload_when_idle",
			"delete_module after %ld ms: expected 0, got %s", waited,
			kt_fmt_ret(-1, err));

	if (!unloaded) {
		kt_skip("dev_gone", "kbpf was not unloaded");
	} else {
		ok = kt_check_true(!module_loaded(), "/sys/module/kbpf still there") &&
		     kt_check_errno(stat(KBPF_DEVICE_PATH, &st), ENOENT,
				    "stat " KBPF_DEVICE_PATH);
		kt_verdict("dev_gone", ok);
	}

	/* Whatever happened above, leave the guest with kbpf loaded. */
	if (module_loaded()) {
		kt_skip("reload", "kbpf was not unloaded");
		return kt_done();
	}
	ok = kt_check_ok(finit_module(ko), "finit_module") &&
	     kt_check_true(module_loaded(), "/sys/module/kbpf missing after load") &&
	     kt_check_ok(stat(KBPF_DEVICE_PATH, &st), "stat " KBPF_DEVICE_PATH) &&
	     kt_check_true(S_ISCHR(st.st_mode), KBPF_DEVICE_PATH " not a char device");
	kt_verdict("reload", ok);

	/* The reloaded module works: a fresh /dev/kbpf, a fresh map. */
	map_fd = kt_array_create(8, 1, 0);
	kt_expect_ok("map_create_after_reload", map_fd);
	if (map_fd >= 0)
		close(map_fd);
	kbpf_close();
	return kt_done();
}
