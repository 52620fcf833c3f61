/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Links (Linux's struct bpf_link): an attachment of a program, owned by an
 * anon-inode fd. Closing the last reference to the fd detaches the
 * program and drops the link's program reference. Like Linux's
 * bpf_link_prime()/settle()/cleanup(), the fd is reserved before the
 * attachment is made, so nothing can fail after it is live; a failed
 * attachment is undone by kbpf_link_cleanup(), after which the caller
 * still owns its program reference.
 */
#ifndef KBPF_KMOD_LINK_H
#define KBPF_KMOD_LINK_H

#include <linux/fs.h>
#include <linux/types.h>

struct kbpf_prog;
struct kbpf_link;

struct kbpf_link_ops {
	/*
	 * Detach: once it returns, no run of the program through this link
	 * is in progress and none can start. Called only for a settled link.
	 */
	void (*release)(struct kbpf_link *link);
	/* Free the link's memory (always, settled or not). */
	void (*dealloc)(struct kbpf_link *link);
};

struct kbpf_link {
	const struct kbpf_link_ops *ops;
	/* The attached program's reference; NULL after a cleanup. */
	struct kbpf_prog *prog;
	u32 type;			/* enum bpf_link_type */
};

struct kbpf_link_primer {
	struct kbpf_link *link;
	struct file *file;
	int fd;
};

void kbpf_link_init(struct kbpf_link *link, u32 type,
		    const struct kbpf_link_ops *ops, struct kbpf_prog *prog);
/* Reserve the fd and its file; on failure the link is the caller's. */
int kbpf_link_prime(struct kbpf_link *link, struct kbpf_link_primer *primer);
/* The attachment is live: publish the fd and return it. */
int kbpf_link_settle(struct kbpf_link_primer *primer);
/* The attachment failed: free the link, leave the program to the caller. */
void kbpf_link_cleanup(struct kbpf_link_primer *primer);

#endif /* KBPF_KMOD_LINK_H */
