# SPDX-License-Identifier: GPL-2.0
# In-guest test binaries: every tests/guest/*.c becomes a static executable
# build/guest/bin/<name> linked with tools/lib/kbpf.c. Static, because the
# guests have no libc of their own. Paths are relative to the repository
# root, which is where both ways of using this file run make from:
#
#	include tests/guest/guest.mk		(from the top-level Makefile)
#	make -f tests/guest/guest.mk guest-bins	(standalone)
#
# GUEST_BINS lists the binaries, for the rule that packs them into the guest.

# Remember the includer's default goal: the rules below must not take it.
guest_saved_goal := $(.DEFAULT_GOAL)
guest_standalone := $(if $(filter tests/guest/guest.mk,$(firstword $(MAKEFILE_LIST))),y)

$(if $(wildcard tests/guest/guest.mk),,$(error guest.mk: run make from the kbpf repository root))

# make's built-in CC is "cc"; default to gcc unless the caller chose one.
ifeq ($(origin CC),default)
GUEST_CC ?= gcc
else
GUEST_CC ?= $(CC)
endif

GUEST_CFLAGS ?= -static -O2 -Wall -Wextra -Werror -std=gnu11 \
		-Iinclude/uapi -Itools/lib
GUEST_SRCS := $(sort $(wildcard tests/guest/*.c))
GUEST_BINS := $(patsubst tests/guest/%.c,build/guest/bin/%,$(GUEST_SRCS))
# Linux's test_verifier through /dev/kbpf (tests/verifier/gen.mk).
include tests/verifier/gen.mk
GUEST_BINS += $(VT_GUEST_BIN)
GUEST_DEPS := tests/guest/kt.h tests/guest/kt_dual.h tests/guest/kt_prog.h \
	      tests/guest/kt_fdmap.h tests/guest/guest.mk tools/lib/kbpf.c \
	      tools/lib/kbpf.h include/uapi/linux/kbpf.h

.PHONY: guest-bins guest-clean

guest-bins: $(GUEST_BINS)

build/guest/bin/%: tests/guest/%.c $(GUEST_DEPS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< tools/lib/kbpf.c

guest-clean:
	rm -rf build/guest

ifeq ($(guest_standalone),y)
.DEFAULT_GOAL := guest-bins
else
.DEFAULT_GOAL := $(guest_saved_goal)
endif
