// SPDX-License-Identifier: GPL-2.0
/*
 * Audit records for program loads and unloads, the ones Linux writes for
 * its own programs (type AUDIT_BPF, "prog-id=N op=LOAD|UNLOAD"), so that
 * an audit trail sees kbpf programs come and go the same way.
 */
#include <linux/audit.h>
#include <linux/hardirq.h>
#include <linux/irqflags.h>

#include "kbpf.h"

void kbpf_audit_prog(const struct kbpf_prog *prog, bool load)
{
	struct audit_context *ctx = NULL;
	struct audit_buffer *ab;

	if (audit_enabled == AUDIT_OFF)
		return;
	/* The task's audit context, unless we are not in task context. */
	if (!in_hardirq() && !irqs_disabled())
		ctx = audit_context();
	/* Unloads may come from an RCU callback's caller in atomic context. */
	ab = audit_log_start(ctx, GFP_ATOMIC, AUDIT_BPF);
	if (!ab)
		return;
	audit_log_format(ab, "prog-id=%u op=%s", prog->id,
			 load ? "LOAD" : "UNLOAD");
	audit_log_end(ab);
}
