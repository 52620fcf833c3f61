/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host twin of <kbpf/sock.h>: the socket structs and inlines the shared
 * core uses (verifier/ctx_sock.c, helpers/sock.c, helpers/cookie.c),
 * after the kernel's.
 */
#ifndef KBPF_SHIM_SOCK_H
#define KBPF_SHIM_SOCK_H

#include <kbpf/kapi.h>
#include <netinet/in.h>		/* struct in6_addr, IPPROTO_* */

/* struct sock_common and struct sock are kapi.h's (other contexts reach them too). */

/* <net/request_sock.h>: a SYN_RECV mini socket points to its listener. */
struct request_sock {
	struct sock_common __req_common;
	struct sock *rsk_listener;
};

/* <linux/win_minmax.h> */
struct minmax_sample {
	u32 t;
	u32 v;
};

struct minmax {
	struct minmax_sample s[3];
};

struct inet_connection_sock {
	struct sock icsk_inet_sk;	/* the kernel nests inet_sock here */
	u8 icsk_retransmits;
};

struct tcp_sock {
	struct inet_connection_sock inet_conn;
	u32 snd_cwnd;
	u32 srtt_us;
	struct minmax rtt_min;
	u32 snd_ssthresh;
	u32 rcv_nxt;
	u32 snd_nxt;
	u32 snd_una;
	u32 mss_cache;
	u8 ecn_flags;
	u32 rate_delivered;
	u32 rate_interval_us;
	u32 packets_out;
	u32 retrans_out;
	u32 total_retrans;
	u32 segs_in;
	u32 data_segs_in;
	u32 segs_out;
	u32 data_segs_out;
	u32 lost_out;
	u32 sacked_out;
	u64 bytes_received;
	u64 bytes_acked;
	u32 dsack_dups;
	u32 delivered;
	u32 delivered_ce;
};

/* <net/tcp_states.h> */
enum {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT,
	TCP_SYN_RECV,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT2,
	TCP_TIME_WAIT,
	TCP_CLOSE,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_LISTEN,
	TCP_CLOSING,
	TCP_NEW_SYN_RECV,
};

#define TCPF_TIME_WAIT		(1 << TCP_TIME_WAIT)
#define TCPF_NEW_SYN_RECV	(1 << TCP_NEW_SYN_RECV)

/* <net/sock.h>'s flag bit for sockets freed after an RCU grace period. */
#define SOCK_RCU_FREE		23

static inline bool sock_flag(const struct sock *sk, int flag)
{
	return sk->sk_flags & (1UL << flag);
}

static inline bool sk_fullsock(const struct sock *sk)
{
	return (1 << sk->sk_state) & ~(TCPF_TIME_WAIT | TCPF_NEW_SYN_RECV);
}

static inline struct sock *sk_to_full_sk(struct sock *sk)
{
	if (sk && sk->sk_state == TCP_NEW_SYN_RECV)
		sk = ((struct request_sock *)sk)->rsk_listener;
	return sk;
}

static inline struct net *sock_net(const struct sock *sk)
{
	return sk->sk_net;
}

static inline kuid_t sock_net_uid(const struct net *net, const struct sock *sk)
{
	return sk ? sk->sk_uid : (kuid_t){ 0 };
}

/*
 * <linux/sock_diag.h>: the socket's cookie in two words, made on first
 * use from a counter shared by every socket (the kernel's
 * sock_gen_cookie()), the same ever after.
 */
__attribute__((__weak__)) u64 kbpf_host_last_cookie;

static inline void sock_diag_save_cookie(struct sock *sk, __u32 cookie[2])
{
	u64 c = __atomic_load_n(&sk->sk_cookie, __ATOMIC_RELAXED);

	if (!c) {
		u64 fresh = __atomic_add_fetch(&kbpf_host_last_cookie, 1, __ATOMIC_RELAXED);

		if (__atomic_compare_exchange_n(&sk->sk_cookie, &c, fresh, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			c = fresh;
	}
	cookie[0] = (u32)c;
	cookie[1] = (u32)(c >> 32);
}

/* <linux/highuid.h>: what an id with no mapping reads as. */
#define overflowuid	65534

/* Host user namespaces map every id to itself. */
static inline uid_t from_kuid_munged(struct user_namespace *ns, kuid_t uid)
{
	return uid.val;
}

#endif /* KBPF_SHIM_SOCK_H */
