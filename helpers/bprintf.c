// SPDX-License-Identifier: GPL-2.0
/*
 * printf for programs. Linux formats in two steps: bpf_bprintf_prepare()
 * checks the format and packs the arguments (strings and IP addresses
 * read, with the _nofault copies, into a 512-byte buffer), then
 * bstr_printf() prints. kbpf runs one parser twice over the format: a dry
 * run that finds every error Linux's first step finds (including running
 * out of the 512 bytes, which kbpf accounts for in the same way without
 * keeping the bytes), then the run that prints. So a bad format writes
 * nothing, as in Linux.
 *
 * What the format may hold, as in Linux 6.1: text (no ASCII control
 * characters but whitespace), %%, and conversions with optional flags
 * "0+- " and a width (no precision, no '*'):
 *	%d %i %u %x %X with l or ll		integers (int by default)
 *	%c					a character
 *	%s %pks %pus				strings (kernel, user memory)
 *	%p %pK %px %ps %pS %pB			pointers, symbols
 *	%pi4 %pI4 %pi6 %pI6			IP addresses read from memory
 */
#include <kbpf/kapi.h>

#include "bprintf.h"

/* Linux's MAX_BPRINTF_BIN_ARGS: the packed arguments' buffer. */
#define BIN_ARGS_SIZE	512
/* Linux clamps field widths to this (FIELD_WIDTH_MAX). */
#define WIDTH_MAX	((1 << 23) - 1)

#define F_ZERO	1
#define F_PLUS	2
#define F_LEFT	4
#define F_SPACE	8

struct bp_out {
	char *buf;
	u32 size;		/* of buf, with its NUL */
	u32 len;		/* the whole output's length so far */
	bool emit;		/* false: dry run, count only */
};

struct bp_spec {
	u32 flags;
	u32 width;
};

static void put(struct bp_out *o, const char *s, u32 n)
{
	if (o->emit && o->len + 1 < o->size) {
		u32 room = o->size - 1 - o->len;

		memcpy(o->buf + o->len, s, min(n, room));
	}
	o->len += n;
}

static void put_fill(struct bp_out *o, char c, u32 n)
{
	if (o->emit && o->len + 1 < o->size) {
		u32 room = o->size - 1 - o->len;

		memset(o->buf + o->len, c, min(n, room));
	}
	o->len += n;
}

/* s (n bytes) in a field of spec->width, padded with spaces. */
static void put_field(struct bp_out *o, const struct bp_spec *spec,
		      const char *s, u32 n)
{
	u32 pad = spec->width > n ? spec->width - n : 0;

	if (!(spec->flags & F_LEFT))
		put_fill(o, ' ', pad);
	put(o, s, n);
	if (spec->flags & F_LEFT)
		put_fill(o, ' ', pad);
}

static void put_number(struct bp_out *o, const struct bp_spec *spec,
		       u64 v, bool is_signed, u32 base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	char sign = 0;
	u32 n = 0, len, pad;

	if (is_signed && (s64)v < 0) {
		sign = '-';
		v = -v;
	} else if (is_signed && (spec->flags & F_PLUS)) {
		sign = '+';
	} else if (is_signed && (spec->flags & F_SPACE)) {
		sign = ' ';
	}
	do {
		tmp[sizeof(tmp) - ++n] = digits[v % base];
		v /= base;
	} while (v);
	len = n + !!sign;
	pad = spec->width > len ? spec->width - len : 0;
	if (!(spec->flags & F_LEFT) && !(spec->flags & F_ZERO))
		put_fill(o, ' ', pad);
	if (sign)
		put(o, &sign, 1);
	if (!(spec->flags & F_LEFT) && (spec->flags & F_ZERO))
		put_fill(o, '0', pad);
	put(o, tmp + sizeof(tmp) - n, n);
	if (spec->flags & F_LEFT)
		put_fill(o, ' ', pad);
}

static const char hex_lower[] = "0123456789abcdef";

/* %pI4/%pi4/%pI6/%pi6 of 4 or 16 bytes, as lib/vsprintf.c prints them. */
static u32 format_ip(char *buf, const u8 *ip, char kind, char family)
{
	u32 n = 0, i;

	if (family == '4') {
		for (i = 0; i < 4; i++) {
			u8 b = ip[i];

			if (i)
				buf[n++] = '.';
			if (kind == 'i' || b >= 100)
				buf[n++] = '0' + b / 100;
			if (kind == 'i' || b >= 10)
				buf[n++] = '0' + b / 10 % 10;
			buf[n++] = '0' + b % 10;
		}
		return n;
	}
	for (i = 0; i < 16; i++) {
		buf[n++] = hex_lower[ip[i] >> 4];
		buf[n++] = hex_lower[ip[i] & 15];
		if (kind == 'I' && (i & 1) && i != 15)
			buf[n++] = ':';
	}
	return n;
}

/*
 * Linux reads a %s below the user/kernel split as user memory (x86 has
 * non-overlapping address spaces), %pus always as user, %pks as kernel.
 */
static long read_piece(char *dst, unsigned long src, u32 len, char kind)
{
	if (kind == 'u' || (kind == 's' && src < TASK_SIZE))
		return copy_from_user_nofault(dst, (const void __user *)src,
					      len);
	return copy_from_kernel_nofault(dst, (const void *)src, len);
}

/*
 * The length of the string at src as Linux packs it into max bytes (with
 * its NUL, cut to max - 1 characters), or -EFAULT when it cannot be read
 * up to its NUL or max bytes.
 */
static long measure_string(unsigned long src, u32 max, char kind)
{
	char piece[64];
	u32 n = 0;

	while (n < max) {
		u32 len = min_t(u32, max - n, sizeof(piece));
		char *nul;

		len = min_t(u32, len,
			    PAGE_SIZE - ((src + n) & (PAGE_SIZE - 1)));
		if (read_piece(piece, src + n, len, kind) < 0)
			return -EFAULT;
		nul = memchr(piece, 0, len);
		if (nul)
			return n + (nul - piece);
		n += len;
	}
	return max - 1;
}

/*
 * Put the string at src (kind 's', 'k' or 'u'), in a field of the width
 * unless raw (Linux prints %pks/%pus without one). max is what is left of
 * the argument buffer; returns the bytes the string takes there.
 */
static u32 put_string(struct bp_out *o, const struct bp_spec *spec,
		      unsigned long src, u32 max, char kind, bool raw)
{
	long measured = measure_string(src, max, kind);
	u32 n = measured < 0 ? 0 : measured;
	u32 pad = !raw && spec->width > n ? spec->width - n : 0;
	char piece[64];
	u32 done, len;

	if (!(spec->flags & F_LEFT))
		put_fill(o, ' ', pad);
	if (!o->emit) {
		o->len += n;
	} else {
		for (done = 0; done < n; done += len) {
			len = min_t(u32, n - done, sizeof(piece));
			len = min_t(u32, len, PAGE_SIZE -
				    ((src + done) & (PAGE_SIZE - 1)));
			/* Unreadable now, readable a moment ago: blanks. */
			if (read_piece(piece, src + done, len, kind) < 0)
				memset(piece, ' ', len);
			put(o, piece, len);
		}
	}
	if (spec->flags & F_LEFT)
		put_fill(o, ' ', pad);
	return n + 1;
}

static bool is_ascii(u8 c)
{
	return c < 0x80;
}

/* After %s, %pks, %pus or %p: the end, whitespace or punctuation. */
static bool ends_conversion(u8 c)
{
	return !c || isspace(c) || ispunct(c);
}

/* One pass over fmt (NUL-terminated, len bytes before the NUL). */
static int bp_run(struct bp_out *o, const char *fmt, u32 len,
		  const u64 *args, u32 num_args)
{
	u32 used = 0, nspec = 0, i;

	for (i = 0; i < len; i++) {
		struct bp_spec spec = { 0, 0 };
		u32 size;
		bool is_signed;
		u64 arg;
		u8 c = fmt[i];

		if (is_ascii(c) && !isprint(c) && !isspace(c))
			return -EINVAL;
		if (c != '%') {
			put(o, &fmt[i], 1);
			continue;
		}
		if (fmt[i + 1] == '%') {
			put(o, "%", 1);
			i++;
			continue;
		}
		if (nspec >= num_args)
			return -EINVAL;
		arg = args[nspec];
		i++;
		if (!is_ascii(fmt[i]))
			return -EINVAL;
		/* Flags and width: "[0 +-]*" then "[1-9][0-9]*". */
		for (;; i++) {
			if (fmt[i] == '0')
				spec.flags |= F_ZERO;
			else if (fmt[i] == '+')
				spec.flags |= F_PLUS;
			else if (fmt[i] == '-')
				spec.flags |= F_LEFT;
			else if (fmt[i] == ' ')
				spec.flags |= F_SPACE;
			else
				break;
		}
		if (fmt[i] >= '1' && fmt[i] <= '9') {
			while (fmt[i] >= '0' && fmt[i] <= '9') {
				spec.width = min_t(u32, spec.width * 10 +
						   (fmt[i] - '0'), WIDTH_MAX);
				i++;
			}
		}

		if (fmt[i] == 'p') {
			u8 next = fmt[i + 1];

			if ((next == 'k' || next == 'u') && fmt[i + 2] == 's') {
				i += 2;
				if (!ends_conversion(fmt[i + 1]))
					return -EINVAL;
				if (used == BIN_ARGS_SIZE)
					return -ENOSPC;
				used += put_string(o, &spec, arg,
						   BIN_ARGS_SIZE - used, next,
						   true);
				nspec++;
				continue;
			}
			if (next == 'i' || next == 'I') {
				char family = fmt[i + 2];
				u8 ip[16];
				char text[40];
				u32 ipsize = family == '4' ? 4 : 16, n;

				if (family != '4' && family != '6')
					return -EINVAL;
				i += 2;
				if (BIN_ARGS_SIZE - used < ipsize)
					return -ENOSPC;
				if (copy_from_kernel_nofault(ip,
						(const void *)(unsigned long)arg,
						ipsize) < 0)
					memset(ip, 0, ipsize);
				n = format_ip(text, ip, next, family);
				put(o, text, n);
				used += n + 1;
				nspec++;
				/* bstr_printf skips what follows, up to a non-alnum. */
				while (isalnum((u8)fmt[i + 1]))
					i++;
				continue;
			}
			if (next == 'B') {
				char text[KBPF_SYMBOL_LEN];
				int n;

				n = kbpf_format_pointer(text, sizeof(text),
							"%pB", arg);
				put(o, text, n);
				used = min_t(u32, used + n + 1, BIN_ARGS_SIZE);
				nspec++;
				i++;
				while (isalnum((u8)fmt[i + 1]))
					i++;
				continue;
			}
			if (!ends_conversion(next) && next != 'K' &&
			    next != 'x' && next != 's' && next != 'S')
				return -EINVAL;
			/* A pointer as such, 8 bytes in the argument buffer. */
			used = round_up(used, 4);
			if (BIN_ARGS_SIZE - used < 8)
				return -ENOSPC;
			used += 8;
			nspec++;
			{
				char text[KBPF_SYMBOL_LEN];
				char conv[4] = { '%', 'p',
						 ends_conversion(next) ? 0 : next };
				int n;

				if (conv[2])
					i++;
				n = kbpf_format_pointer(text, sizeof(text),
							conv, arg);
				put_field(o, &spec, text, n);
				while (isalnum((u8)fmt[i + 1]))
					i++;
			}
			continue;
		}
		if (fmt[i] == 's') {
			if (!ends_conversion(fmt[i + 1]))
				return -EINVAL;
			if (used == BIN_ARGS_SIZE)
				return -ENOSPC;
			used += put_string(o, &spec, arg, BIN_ARGS_SIZE - used,
					   's', false);
			nspec++;
			continue;
		}
		if (fmt[i] == 'c') {
			char ch = arg;

			if (used == BIN_ARGS_SIZE)
				return -ENOSPC;
			used++;
			put_field(o, &spec, &ch, 1);
			nspec++;
			continue;
		}

		size = 4;
		if (fmt[i] == 'l') {
			size = 8;
			i++;
		}
		if (fmt[i] == 'l')
			i++;
		if (fmt[i] != 'i' && fmt[i] != 'd' && fmt[i] != 'u' &&
		    fmt[i] != 'x' && fmt[i] != 'X')
			return -EINVAL;
		used = round_up(used, 4);
		if (BIN_ARGS_SIZE - used < size)
			return -ENOSPC;
		used += size;
		nspec++;
		is_signed = fmt[i] == 'd' || fmt[i] == 'i';
		if (size == 4)
			arg = is_signed ? (u64)(s64)(s32)arg : (u32)arg;
		put_number(o, &spec, arg, is_signed,
			   fmt[i] == 'x' || fmt[i] == 'X' ? 16 : 10,
			   fmt[i] == 'X');
	}
	return 0;
}

int kbpf_bprintf(char *out, u32 out_size, const char *fmt, u32 fmt_size,
		 const u64 *args, u32 num_args)
{
	struct bp_out o = { out, out_size, 0, false };
	const char *end = memchr(fmt, 0, fmt_size);
	int err;

	if (!end)
		return -EINVAL;
	err = bp_run(&o, fmt, end - fmt, args, num_args);
	if (err)
		return err;
	o.len = 0;
	o.emit = true;
	bp_run(&o, fmt, end - fmt, args, num_args);
	if (out_size)
		out[min(o.len, out_size - 1)] = 0;
	return o.len;
}
