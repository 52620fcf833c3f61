// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN for sk_lookup programs, as Linux 6.1's
 * bpf_prog_test_run_sk_lookup(): ctx_in is a struct bpf_sk_lookup (no
 * socket, nothing past local_port), the program runs repeat times on the
 * struct bpf_sk_lookup_kern built from it, and ctx_out gets it back with
 * the cookie of the selected socket. kbpf programs cannot select one yet
 * (no bpf_sk_assign), so the cookie is always 0; with a single program
 * the lookup's verdict is its return value.
 */
#include <linux/err.h>
#include <linux/filter.h>
#include <linux/in6.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <uapi/linux/bpf.h>

#include "test_run.h"

int kbpf_test_run_sk_lookup(const struct kbpf_prog *prog,
			    const union bpf_attr *attr,
			    union bpf_attr __user *uattr)
{
	struct bpf_sk_lookup_kern ctx = {};
	struct bpf_sk_lookup *user_ctx;
	u32 retval, duration;
	int err = -EINVAL;

	if (attr->test.flags || attr->test.cpu || attr->test.batch_size)
		return -EINVAL;
	if (attr->test.data_in || attr->test.data_size_in ||
	    attr->test.data_out || attr->test.data_size_out)
		return -EINVAL;

	user_ctx = kbpf_test_ctx_init(attr, sizeof(*user_ctx));
	if (IS_ERR(user_ctx))
		return PTR_ERR(user_ctx);
	if (!user_ctx)
		return -EINVAL;
	if (user_ctx->sk)
		goto out;
	if (memchr_inv((u8 *)user_ctx + offsetofend(struct bpf_sk_lookup,
						    local_port), 0,
		       sizeof(*user_ctx) - offsetofend(struct bpf_sk_lookup,
						       local_port)))
		goto out;
	if (user_ctx->local_port > U16_MAX) {
		err = -ERANGE;
		goto out;
	}

	ctx.family = (u16)user_ctx->family;
	ctx.protocol = (u16)user_ctx->protocol;
	ctx.dport = (u16)user_ctx->local_port;
	ctx.sport = user_ctx->remote_port;
	switch (ctx.family) {
	case AF_INET:
		ctx.v4.daddr = (__force __be32)user_ctx->local_ip4;
		ctx.v4.saddr = (__force __be32)user_ctx->remote_ip4;
		break;
	case AF_INET6:
		ctx.v6.daddr = (struct in6_addr *)user_ctx->local_ip6;
		ctx.v6.saddr = (struct in6_addr *)user_ctx->remote_ip6;
		break;
	default:
		err = -EAFNOSUPPORT;
		goto out;
	}

	err = kbpf_test_run_repeat(prog, &ctx, attr->test.repeat, &retval,
				   &duration);
	if (err)
		goto out;
	user_ctx->cookie = 0;
	err = kbpf_test_finish(attr, uattr, NULL, 0, retval, duration);
	if (!err)
		err = kbpf_test_ctx_finish(attr, uattr, user_ctx,
					   sizeof(*user_ctx));
out:
	kfree(user_ctx);
	return err;
}
