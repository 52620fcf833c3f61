# SPDX-License-Identifier: GPL-2.0
# test_verifier (see tests/verifier/verifier.mk): the tests extracted from
# the kernel source into build/test_verifier/, and the static guest runner
# build/guest/bin/test_verifier. tests/guest/guest.mk includes this file
# so the guests carry the runner.

ifndef VT_GEN_MK
VT_GEN_MK := 1

VT_DIR := tests/verifier
VT_GEN_DIR := build/test_verifier
VT_GEN := $(VT_GEN_DIR)/tests.c
VT_KNOWN_TXT := $(VT_DIR)/known-mismatches.txt
VT_KNOWN_GEN := $(VT_GEN_DIR)/known.c
VT_SHARED_SRCS := $(VT_DIR)/vt_run.c $(VT_DIR)/fill.c
# The guest runner only: its --bench mode (make bench-verifier).
VT_GUEST_SRCS := $(VT_DIR)/guest.c $(VT_DIR)/bench.c
VT_HDRS := $(VT_DIR)/vt_test.h $(VT_DIR)/vt_run.h $(VT_DIR)/known.h \
	   $(VT_DIR)/prelude.h

$(VT_GEN): scripts/extract-test-verifier.py
	python3 scripts/extract-test-verifier.py -o $@

$(VT_KNOWN_GEN): $(VT_KNOWN_TXT) scripts/extract-test-verifier.py
	python3 scripts/extract-test-verifier.py --known $< -o $@

# ---- the guest runner: a static binary over /dev/kbpf ---------------------

VT_GUEST_BIN := build/guest/bin/test_verifier
VT_GUEST_CC ?= $(if $(GUEST_CC),$(GUEST_CC),gcc)
VT_GUEST_CFLAGS := -static -O2 -Wall -Wextra -Werror -std=gnu11 \
		   -Iinclude/uapi -Itools/lib -I$(VT_DIR)

$(VT_GUEST_BIN): $(VT_GEN) $(VT_KNOWN_GEN) $(VT_SHARED_SRCS) $(VT_GUEST_SRCS) \
		 $(VT_HDRS) $(VT_DIR)/bench.h tools/lib/kbpf.c tools/lib/kbpf.h
	@mkdir -p $(dir $@)
	$(VT_GUEST_CC) $(VT_GUEST_CFLAGS) -o $@ $(VT_GEN) $(VT_KNOWN_GEN) \
		$(VT_SHARED_SRCS) $(VT_GUEST_SRCS) tools/lib/kbpf.c -lm


endif
