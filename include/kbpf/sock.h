/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's socket structs (struct sock, sock_common, request_sock,
 * inet_connection_sock, tcp_sock) and inlines (sk_fullsock(),
 * sk_to_full_sk(), sock_flag()) for the files that read sockets:
 * verifier/ctx_sock.c rewrites loads onto their layout, helpers/sock.c
 * checks them, helpers/cookie.c reads their cookies. Apart from <kbpf/kapi.h> because <net/tcp.h> brings in
 * the kernel's own BPF declarations, which only these files can live
 * with. The host build's twin is include/shim/kbpf/sock.h.
 */
#ifndef KBPF_SOCK_H
#define KBPF_SOCK_H

#include <kbpf/kapi.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/inet_sock.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#endif /* KBPF_SOCK_H */
