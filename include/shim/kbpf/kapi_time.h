/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: the kernel's clocks and jiffies on
 * clock_gettime(), and sleeping.
 */
#ifndef KBPF_SHIM_KAPI_TIME_H
#define KBPF_SHIM_KAPI_TIME_H

#include <kbpf/kapi_base.h>

/* ---- Clocks -------------------------------------------------------------- */

#include <time.h>

/* Debian's CONFIG_HZ. */
#define HZ		250

static inline u64 kbpf_shim_clock_ns(clockid_t clock)
{
	struct timespec ts;

	BUG_ON(clock_gettime(clock, &ts));
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static inline u64 ktime_get_mono_fast_ns(void)
{
	return kbpf_shim_clock_ns(CLOCK_MONOTONIC);
}

static inline u64 ktime_get_boot_fast_ns(void)
{
	return kbpf_shim_clock_ns(CLOCK_BOOTTIME);
}

static inline u64 ktime_get_tai_fast_ns(void)
{
	return kbpf_shim_clock_ns(CLOCK_TAI);
}

static inline u64 ktime_get_coarse_ns(void)
{
	return kbpf_shim_clock_ns(CLOCK_MONOTONIC_COARSE);
}

/* Ticks of HZ since boot, as the kernel's jiffies_64 (minus its offset). */
static inline u64 get_jiffies_64(void)
{
	return kbpf_shim_clock_ns(CLOCK_MONOTONIC) / (1000000000ULL / HZ);
}

/* ---- Sleeping ------------------------------------------------------------ */

#include <unistd.h>		/* usleep */

static inline void msleep(unsigned int msecs)
{
	usleep(msecs * 1000);
}

#endif /* KBPF_SHIM_KAPI_TIME_H */
