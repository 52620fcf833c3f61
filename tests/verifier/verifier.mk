# SPDX-License-Identifier: GPL-2.0
# Linux's test_verifier suite as kbpf's verifier oracle. The tests are
# extracted from the kernel source at build time into build/test_verifier/
# (scripts/extract-test-verifier.py; never committed) and compiled with
# kbpf's own prelude (tests/verifier/prelude.h) into two runners:
#
#   make -f tests/verifier/verifier.mk test-verifier-host [VT_ARGS="-v 0 10"]
#
# runs them on the host against kbpf_verify() of the shared core
# (ASan+UBSan), and build/guest/bin/test_verifier (built with the other
# guest binaries: tests/guest/guest.mk includes tests/verifier/gen.mk)
# runs them through /dev/kbpf in the guests. Both end with
#   test_verifier PLACE: verdict N/M, errstr N/M, retval N/M, false_accepts N, skipped N
#   test_verifier-PLACE: N passed, N failed, N skipped
# tests/verifier/known-mismatches.txt lists the cases known not to match
# yet (scripts/regen-verifier-known.sh rewrites it).

include tests/verifier/gen.mk

# ---- the host runner: kbpf_verify() of the shared core ---------------------

ifndef HOST_CORE_LIB
include tests/host/host.mk
endif

VT_HOST_BUILD := $(HOST_BUILD)/test_verifier
VT_HOST_BIN := $(VT_HOST_BUILD)/test-verifier
# The verifier joins the host core when a source in HOST_CORE_SRCS defines
# kbpf_verify(); until then the runner says so and skips every case.
VT_HOST_DEFS := $(if $(shell grep -ls '^int kbpf_verify' \
			$(filter verifier/%,$(HOST_CORE_SRCS)) /dev/null),,\
		     -DKBPF_VT_NO_VERIFIER)
VT_HOST_CFLAGS := $(HOST_TEST_CFLAGS) -I$(VT_DIR) $(VT_HOST_DEFS)
VT_HOST_OBJS := $(VT_HOST_BUILD)/tests.o $(VT_HOST_BUILD)/known.o \
		$(VT_HOST_BUILD)/vt_run.o $(VT_HOST_BUILD)/fill.o \
		$(VT_HOST_BUILD)/host.o

.PHONY: test-verifier-host

test-verifier-host: $(VT_HOST_BIN)
	$(VT_HOST_BIN) $(VT_ARGS)

$(VT_HOST_BUILD)/tests.o: $(VT_GEN) $(VT_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_TEST_CC) $(VT_HOST_CFLAGS) -c -o $@ $<

$(VT_HOST_BUILD)/known.o: $(VT_KNOWN_GEN) $(VT_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_TEST_CC) $(VT_HOST_CFLAGS) -c -o $@ $<

$(VT_HOST_BUILD)/%.o: $(VT_DIR)/%.c $(VT_HDRS) tests/verifier/verifier.mk \
			 tests/host/host.mk
	@mkdir -p $(dir $@)
	$(HOST_TEST_CC) $(VT_HOST_CFLAGS) -c -o $@ $<

$(VT_HOST_BIN): $(VT_HOST_OBJS) $(HOST_CORE_LIB)
	$(HOST_TEST_CC) $(HOST_TEST_SANITIZE) -o $@ $^ $(HOST_TEST_LDLIBS)
