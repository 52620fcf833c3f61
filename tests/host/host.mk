# SPDX-License-Identifier: GPL-2.0
# Host tests: kbpf's shared core built as a userspace library, with the
# kernel APIs of <kbpf/kapi.h> supplied by include/shim/ (libc, pthreads,
# liburcu), under ASan and UBSan. From the repository root, either include
# this file from the top-level Makefile or run it alone:
#
#   make -f tests/host/host.mk host-test [HOST_TEST_FILTER=substring]
#
# New core files go in HOST_CORE_SRCS; new tests are any tests/host/*.c.

# Standalone when this is the only makefile read so far.
_host_standalone := $(filter $(firstword $(MAKEFILE_LIST)),$(lastword $(MAKEFILE_LIST)))
_host_saved_goal := $(.DEFAULT_GOAL)

HOST_CORE_SRCS := maps/core.c maps/array.c
HOST_TEST_SRCS := $(wildcard tests/host/*.c)

HOST_BUILD := build/host
HOST_TEST_CC ?= $(CC)
HOST_TEST_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
		      -fno-omit-frame-pointer
# Kernel code does not mark unused parameters (ops callbacks ignore some).
HOST_TEST_CFLAGS := -Iinclude/shim -Iinclude -std=gnu11 -O1 -g \
		    $(HOST_TEST_SANITIZE) -Wall -Wextra -Werror \
		    -Wno-unused-parameter -D_GNU_SOURCE -MMD -MP
HOST_TEST_LDLIBS := -lurcu-memb -lurcu-common -lpthread

HOST_CORE_OBJS := $(HOST_CORE_SRCS:%.c=$(HOST_BUILD)/%.o)
HOST_TEST_OBJS := $(HOST_TEST_SRCS:%.c=$(HOST_BUILD)/%.o)
# The core as one archive, for the tests here and for fuzz targets.
HOST_CORE_LIB := $(HOST_BUILD)/libkbpf-core.a
HOST_TEST_BIN := $(HOST_BUILD)/kbpf-host-test

.PHONY: host-test host-clean

host-test: $(HOST_TEST_BIN)
	$(HOST_TEST_BIN) $(HOST_TEST_FILTER)

$(HOST_TEST_BIN): $(HOST_TEST_OBJS) $(HOST_CORE_LIB)
	$(HOST_TEST_CC) $(HOST_TEST_SANITIZE) -o $@ $^ $(HOST_TEST_LDLIBS)

$(HOST_CORE_LIB): $(HOST_CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(HOST_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_TEST_CC) $(HOST_TEST_CFLAGS) -c -o $@ $<

host-clean:
	rm -rf $(HOST_BUILD)

-include $(HOST_CORE_OBJS:.o=.d) $(HOST_TEST_OBJS:.o=.d)

# When included, leave the including Makefile's default goal alone.
ifeq ($(_host_standalone),)
.DEFAULT_GOAL := $(_host_saved_goal)
endif
