# SPDX-License-Identifier: GPL-2.0
# kbpf top-level build. `make` builds kbpf.ko against the running (or newest
# installed Debian) kernel headers plus the userspace tools; `make check` runs
# every test tier; `make demo` shows kbpf working in a QEMU guest.

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ -d $$d ]; then echo $$d; \
	else ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n1; fi)

CC ?= gcc
HOST_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -Iinclude/uapi -Itools/lib

TOOLS_LIB := build/tools/libkbpf.a
KBPFTOOL := build/tools/kbpftool
KBPFTOOL_SRCS := $(wildcard tools/cli/*.c)

include tools/run/run.mk

.PHONY: all module tools check demo test-host test-bpf test-guest test-debug kunit \
	fuzz bench-engine bench-maps bench-verifier bench-verifier-progs test-verifier clean help

all: module tools

module:
	@test -n "$(KDIR)" || { echo "no kernel headers: run scripts/install-deps.sh"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools: $(TOOLS_LIB) $(KBPFTOOL) $(KBPF_RUN)

build/tools/%.o: tools/lib/%.c tools/lib/kbpf.h include/uapi/linux/kbpf.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(TOOLS_LIB): build/tools/kbpf.o
	ar rcs $@ $^

# Static: the test guests have no libc.
$(KBPFTOOL): $(KBPFTOOL_SRCS) $(wildcard tools/cli/*.h) $(TOOLS_LIB)
	$(CC) $(HOST_CFLAGS) -static -o $@ $(KBPFTOOL_SRCS) $(TOOLS_LIB)

check:
	bash scripts/check.sh

demo:
	bash scripts/demo.sh

test-host:
	bash scripts/check.sh host

# Linux's lib/test_bpf.c tables on the runtimes, on the host and (when the
# debug kernel is built) in the debug guest: one line per runtime and place.
test-bpf:
	bash scripts/test-bpf.sh

# Linux's test_verifier suite on the host (kbpf_verify()) and in the stock
# guest (/dev/kbpf): one summary and one tier line per place.
test-verifier:
	bash scripts/test-verifier.sh

# Differential fuzzing of the interpreter and the JIT for FUZZ_SECONDS
# (default 60; FUZZ_JOBS=N for N processes), see tests/fuzz/fuzz.mk.
fuzz:
	$(MAKE) -f tests/fuzz/fuzz.mk fuzz

# Interpreter, JIT and the same programs in C (-O2): ns per run, ratios.
bench-engine:
	$(MAKE) -f tests/host/host.mk bench-engine

# Map operations on kbpf and on Linux's maps, from userspace and from a
# program, in one stock-kernel guest: one line per figure.
bench-maps:
	bash scripts/bench-maps.sh

bench-verifier:
	bash scripts/bench-verifier.sh

# The same on Linux's selftests/bpf/progs/*.c objects (scripts/bench-verifier-progs.sh).
bench-verifier-progs:
	bash scripts/bench-verifier-progs.sh

test-guest:
	bash scripts/check.sh guest

test-debug:
	bash scripts/check.sh debug

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

help:
	@echo "make            build kbpf.ko and the tools (KDIR=$(KDIR))"
	@echo "make tools      only the tools: build/tools/kbpftool, build/tools/kbpf-run"
	@echo "make check      run every test tier (host, stock guest, debug guest + KUnit)"
	@echo "make demo       boot the stock Debian kernel in QEMU and show kbpf working"
	@echo "make test-host | test-bpf | test-guest | test-debug   one tier alone"
	@echo "make fuzz FUZZ_SECONDS=N   differential fuzzing of interpreter and JIT"
	@echo "make bench-engine          interpreter, JIT and native C, ns per run"
	@echo "make bench-maps            map operations, kbpf vs Linux, in the stock guest"
	@echo "make bench-verifier        test_verifier program loads, kbpf vs Linux verifier, in the stock guest"
	@echo "make bench-verifier-progs  the same on Linux's selftests/bpf/progs objects (clang, libbpf)"
	@echo "make test-verifier         Linux's test_verifier on the host and in the guest"
