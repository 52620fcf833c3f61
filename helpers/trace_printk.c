// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_trace_printk(), bpf_trace_vprintk() and bpf_snprintf(), and the ring
 * the two trace_printks write to. Linux writes to the ftrace buffer
 * (trace_pipe); kbpf cannot reach it from a module, so it keeps its own
 * ring of records, read as text lines by kbpf_trace_pipe_read(): in the
 * kernel through /sys/kernel/debug/kbpf/trace_pipe (kmod/trace_pipe.c), on
 * the host by the tests directly.
 *
 * The ring holds the last KBPF_TRACE_RECORDS messages; a writer that finds
 * it full overwrites the oldest, as ftrace's ring does in its default
 * overwrite mode. Writers take the lock with interrupts off; in NMI a
 * writer only tries it (the lock may be held by the code the NMI
 * interrupted) and drops its message if it cannot get it.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include "bprintf.h"
#include "protos.h"

/* Linux's MAX_TRACE_PRINTK_VARARGS. */
#define TRACE_PRINTK_ARGS	3
#define KBPF_TRACE_RECORDS	128

struct trace_record {
	u64 ts_ns;
	pid_t pid;
	u32 cpu;
	char comm[TASK_COMM_LEN];
	u32 len;
	char msg[KBPF_BPRINTF_BUF];
};

struct trace_ring {
	spinlock_t lock;
	u64 head;		/* records written */
	u64 tail;		/* records read */
	u64 lost;		/* overwritten before being read, or dropped */
	void (*notify)(void);
	struct trace_record rec[KBPF_TRACE_RECORDS];
};

static struct trace_ring *kbpf_trace_ring;

/*
 * One message into the ring; returns its length, or the format's error
 * (nothing written then).
 */
static int trace_write(const char *fmt, u32 fmt_size, const u64 *args,
		       u32 num_args)
{
	struct trace_ring *ring = kbpf_trace_ring;
	struct trace_record *rec;
	void (*notify)(void);
	unsigned long flags;
	int ret;

	/* Check the format before taking the lock: a bad one writes nothing. */
	ret = kbpf_bprintf(NULL, 0, fmt, fmt_size, args, num_args);
	if (ret < 0 || !ring)
		return ret;

	if (in_nmi()) {
		if (!spin_trylock_irqsave(&ring->lock, flags)) {
			WRITE_ONCE(ring->lost, ring->lost + 1);
			return ret;
		}
	} else {
		spin_lock_irqsave(&ring->lock, flags);
	}
	if (ring->head - ring->tail == KBPF_TRACE_RECORDS) {
		ring->tail++;
		ring->lost++;
	}
	rec = &ring->rec[ring->head % KBPF_TRACE_RECORDS];
	ret = kbpf_bprintf(rec->msg, sizeof(rec->msg), fmt, fmt_size, args,
			   num_args);
	rec->len = min_t(u32, ret, sizeof(rec->msg) - 1);
	rec->ts_ns = ktime_get_mono_fast_ns();
	rec->pid = current->pid;
	rec->cpu = raw_smp_processor_id();
	memcpy(rec->comm, current->comm, sizeof(rec->comm));
	ring->head++;
	notify = ring->notify;
	spin_unlock_irqrestore(&ring->lock, flags);
	if (notify)
		notify();
	return ret;
}

static u64 kbpf_trace_printk(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const u64 args[TRACE_PRINTK_ARGS] = { r3, r4, r5 };

	return trace_write((const char *)(unsigned long)r1, r2, args,
			   TRACE_PRINTK_ARGS);
}

const struct kbpf_func_proto kbpf_trace_printk_proto = {
	.func		= kbpf_trace_printk,
	.name		= "bpf_trace_printk",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE },
};

/*
 * bpf_trace_vprintk(): trace_printk with its arguments in an array of
 * u64s, up to bpf_snprintf's 12, as Linux's. The format is checked at run
 * time, as trace_printk's.
 */
static u64 kbpf_trace_vprintk(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const u64 *data = (const u64 *)(unsigned long)r3;
	u32 data_len = r4;

	if (data_len % 8 || data_len > KBPF_BPRINTF_MAX_ARGS * 8 ||
	    (data_len && !data))
		return -EINVAL;
	return trace_write((const char *)(unsigned long)r1, r2, data,
			   data_len / 8);
}

const struct kbpf_func_proto kbpf_trace_vprintk_proto = {
	.func		= kbpf_trace_vprintk,
	.name		= "bpf_trace_vprintk",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE,
			    KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL |
			    KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE_OR_ZERO },
};

/* Returns the full output's length + 1, as Linux's (what str needs). */
static u64 kbpf_snprintf(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const u64 *data = (const u64 *)(unsigned long)r4;
	u32 data_len = r5;
	int ret;

	if (data_len % 8 || data_len > KBPF_BPRINTF_MAX_ARGS * 8 ||
	    (data_len && !data))
		return -EINVAL;
	/* The verifier checked fmt is a NUL-terminated constant string. */
	ret = kbpf_bprintf((char *)(unsigned long)r1, r2,
			   (const char *)(unsigned long)r3, UINT_MAX, data,
			   data_len / 8);
	return ret < 0 ? ret : ret + 1;
}

const struct kbpf_func_proto kbpf_snprintf_proto = {
	.func		= kbpf_snprintf,
	.name		= "bpf_snprintf",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL,
			    KBPF_ARG_CONST_SIZE_OR_ZERO,
			    KBPF_ARG_PTR_TO_CONST_STR,
			    KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL |
			    KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE_OR_ZERO },
};

/*
 * One record as trace_pipe shows one event (without its irq-flags
 * column): "<comm>-<pid> [<cpu>] <seconds>.<us>: bpf_trace_printk: <msg>",
 * with a newline added when the message has none.
 */
static int format_record(char *buf, size_t size, const struct trace_record *rec)
{
	u64 us = rec->ts_ns / 1000;
	bool nl = rec->len && rec->msg[rec->len - 1] == '\n';

	return snprintf(buf, size, "%16.16s-%-7d [%03u] %5llu.%06llu: bpf_trace_printk: %.*s%s",
			rec->comm, rec->pid, rec->cpu,
			(unsigned long long)(us / 1000000),
			(unsigned long long)(us % 1000000),
			(int)rec->len, rec->msg, nl ? "" : "\n");
}

size_t kbpf_trace_pipe_read(char *buf, size_t size)
{
	struct trace_ring *ring = kbpf_trace_ring;
	size_t done = 0;

	if (!ring)
		return 0;
	for (;;) {
		struct trace_record *rec;
		unsigned long flags;
		int n;

		spin_lock_irqsave(&ring->lock, flags);
		if (ring->tail == ring->head) {
			spin_unlock_irqrestore(&ring->lock, flags);
			break;
		}
		rec = &ring->rec[ring->tail % KBPF_TRACE_RECORDS];
		n = format_record(buf + done, size - done, rec);
		if (n < 0 || done + n >= size) {
			/* Does not fit whole: leave it for the next read. */
			spin_unlock_irqrestore(&ring->lock, flags);
			if (done < size)
				buf[done] = 0;
			break;
		}
		ring->tail++;
		spin_unlock_irqrestore(&ring->lock, flags);
		done += n;
	}
	return done;
}

bool kbpf_trace_pipe_pending(void)
{
	struct trace_ring *ring = kbpf_trace_ring;

	return ring && READ_ONCE(ring->head) != READ_ONCE(ring->tail);
}

u64 kbpf_trace_pipe_lost(void)
{
	return kbpf_trace_ring ? READ_ONCE(kbpf_trace_ring->lost) : 0;
}

void kbpf_trace_pipe_set_notify(void (*notify)(void))
{
	unsigned long flags;

	spin_lock_irqsave(&kbpf_trace_ring->lock, flags);
	kbpf_trace_ring->notify = notify;
	spin_unlock_irqrestore(&kbpf_trace_ring->lock, flags);
}

int kbpf_trace_pipe_init(void)
{
	struct trace_ring *ring = vzalloc(sizeof(*ring));

	if (!ring)
		return -ENOMEM;
	spin_lock_init(&ring->lock);
	kbpf_trace_ring = ring;
	return 0;
}

void kbpf_trace_pipe_exit(void)
{
	vfree(kbpf_trace_ring);
	kbpf_trace_ring = NULL;
}
