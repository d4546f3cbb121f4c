# SPDX-License-Identifier: GPL-2.0
#
# shadowmm - a shadow of the kernel's physical-memory pipeline.
#
#   make            the module, against KDIR (default: the installed Debian headers)
#   make unit       the portable core built for userspace with ASan/UBSan + its tests
#   make mutants    mutation testing: each plausible bug of scripts/mutate.sh's
#                   table must make the unit tests that name it fail
#   make replay     build/shadowmm-replay: replay a recorded kmem trace offline
#   make vm-test    the guest lane: every selftests/ test inside a QEMU guest
#                   (TESTS="load ctl" for some; KERNEL=VER for another kernel;
#                   KERNEL=debug for the debug kernel, numa_cma= boot)
#   make ksft       the same tests under the kernel's own kselftest runner:
#                   installed with linux-source-6.1's lib.mk, run in the
#                   guest by its run_kselftest.sh (TESTS=, KERNEL= as above)
#   make ksft-config  selftests/config merged onto x86_64_defconfig: every
#                   option lands, each one a fragment can set
#   make check-debug  the debug lane: build (cached) a KASAN/lockdep/kmemleak
#                   CMA kernel from linux-source-6.12, the suite on it twice
#                   (numa_cma= and cma=)
#   make plot-test  scripts/plot on a recording of a real guest run
#                   (selftests/unit/data/recording.txt): PNGs, parsed
#                   figures, malformed recordings (host, seconds)
#   make check      setup + style + unit + plot-test + fuzz + mutants + module
#                   (W=1 -Werror, sparse) + dkms + vm-test on 6.1
#                   (run_guest.sh, with a 1-minute soak), 6.12 (the
#                   kernel's runner, make ksft) + the debug lane + ksft-config
#   make demo       setup + build + a guest that shows the pipeline, then
#                   records its views under a workload (scripts/record) and
#                   plots them (scripts/plot) into build/plots/*.png
#   make vm         an interactive guest shell with the module inside
#   make style      checkpatch.pl --strict over every source file, shellcheck,
#                   README.rst through docutils
#   make fuzz       libFuzzer (clang) on the host, ASan/UBSan: the ctl parser
#                   and executor (smm_check() and "a rejection changes
#                   nothing" after every command) and sequences of core
#                   alloc/free/drain: FUZZ_TIME=60 s per target
#                   (FUZZ_TIME=3600 make fuzz for a long run); and the
#                   replay's trace reader (FUZZ_REPLAY_TIME=30 s)
#   make fuzz-ctl   the ctl fuzzer in the guest (selftests/shadowmm_fuzz_ctl.sh):
#                   SMM_FUZZ_WRITES=30000 writes (=1000000 for a long run,
#                   ~45 min), SMM_FUZZ_SEED=S to replay a run
#   make under-load the guest suite 3 times back to back beside a host kernel
#                   build (make -j$(nproc) vmlinux): every run must pass every
#                   test, all runs the same; build/under-load.json
#                   (scripts/under-load.sh, RUNS=3; not in make check: ~5 min a run)
#   make soak       both vCPUs at once in the guest for SMM_SOAK_MIN=10 minutes
#                   (selftests/shadowmm_soak.sh): stress, fragment and slab
#                   patterns with verify=1, then 0 mismatches, check OK and
#                   the load's buddyinfo back; SMM_SOAK_SEED=S replays seeds
#   make unit-bench the core's allocator loops in userspace under callgrind:
#                   instructions per alloc+free pair per shape (not a test)
#   make bench      the host's alloc_pages against the shadow's in the guest,
#                   wall-clock, -icount, smp and bpftrace lanes: tables and
#                   build/bench.json (scripts/bench.sh; not a test)
#   make sparse     the module under sparse (C=2); any warning fails
#   make dkms-test  dkms build of dkms.conf in a private dkms tree
#   make setup      install the packages (scripts/setup.sh)
#   make clean      remove the module build, the unit build and build/
#   make help       this list

KERNEL ?= $(shell scripts/kver.sh 2>/dev/null)
KDIR ?= /lib/modules/$(KERNEL)/build
export KERNEL

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

TOP := $(CURDIR)
SOURCES := $(shell find src debugfs include -name '*.[ch]' | sort)
CHECKPATCH ?= scripts/checkpatch.sh

.PHONY: all module clean unit mutants replay vm-test check check-debug \
	demo vm style sparse dkms-test setup unit-bench bench fuzz fuzz-ctl soak \
	help ksft ksft-config plot-test under-load

all: module

# every target with its line(s), from the comment at the top of this file
help:
	@awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); if ($$0 != "") print; next } NR > 3 { exit }' $(firstword $(MAKEFILE_LIST))

module:
	@echo "[build] shadowmm.ko against $(KDIR) (W=1, warnings are errors)"
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 KCFLAGS=-Werror modules

sparse:
	@echo "[sparse] C=2 against $(KDIR)"
	@$(MAKE) -s -C $(KDIR) M=$(TOP) W=1 C=2 KCFLAGS=-Werror modules \
		2>&1 | tee build/sparse.log
	@if grep -E 'warning:|error:' build/sparse.log; then \
		echo "[sparse] FAILED"; exit 1; fi
	@echo "[sparse] clean"

clean:
	$(MAKE) -C $(KDIR) M=$(TOP) clean || true
	$(MAKE) -C selftests/unit clean
	rm -rf build

setup:
	scripts/setup.sh

unit:
	@echo "[unit] host build of the core with ASan+UBSan"
	$(MAKE) -C selftests/unit run

unit-bench:
	scripts/unit-bench.sh

plot-test:
	@echo "[plot-test] scripts/plot on selftests/unit/data/recording.txt"
	scripts/plot-test.sh

bench: module
	scripts/bench.sh

# the guest's timeouts follow the writes: ~375 a second, 200 assumed
SMM_FUZZ_WRITES ?= 30000
SMM_FUZZ_SEED ?= 0
fuzz-ctl: module
	@t=$$(( $(SMM_FUZZ_WRITES) / 200 + 120 )); \
	scripts/vm-test.sh --test-timeout $$((t + 20)) --timeout $$((t + 200)) \
		--append "SMM_FUZZ_WRITES=$(SMM_FUZZ_WRITES) SMM_FUZZ_SEED=$(SMM_FUZZ_SEED) SMM_FUZZ_TIMEOUT=$$t" \
		fuzz_ctl

# the guest's timeouts follow the minutes: what shadowmm_soak.sh --need
# says the test needs, the boot 200 s more
SMM_SOAK_MIN ?= 10
SMM_SOAK_SEED ?=
soak: module
	@t=$$(sh selftests/shadowmm_soak.sh --need $(SMM_SOAK_MIN)); \
	scripts/vm-test.sh --test-timeout $$t --timeout $$((t + 200)) \
		--append "SMM_SOAK_MIN=$(SMM_SOAK_MIN)$(if $(SMM_SOAK_SEED), SMM_SOAK_SEED=$(SMM_SOAK_SEED))" \
		soak

# the whole suite RUNS times beside a host kernel build (not in make check)
RUNS ?= 3
under-load:
	scripts/under-load.sh --runs $(RUNS)

fuzz:
	@echo "[fuzz] libFuzzer targets of selftests/unit/fuzz/ (FUZZ_TIME=$${FUZZ_TIME:-60} s each) and the replay's reader ($${FUZZ_REPLAY_TIME:-30} s)"
	$(MAKE) -C selftests/unit fuzz
	$(MAKE) -C selftests/unit fuzz-replay

mutants:
	@echo "[mutants] unit tests against the mutants of scripts/mutate.sh"
	@mkdir -p build
	scripts/mutate.sh
replay:
	$(MAKE) -C selftests/unit replay
	@mkdir -p build
	cp selftests/unit/build/shadowmm-replay build/shadowmm-replay

style:
	@echo "[style] checkpatch.pl --strict"
	$(CHECKPATCH) $(SOURCES)
	scripts/lint.sh

dkms-test: module
	scripts/dkms-test.sh

ifeq ($(KERNEL),debug)
vm-test:
	scripts/check-debug.sh --cma numa $(TESTS)
else
vm-test: module
	scripts/vm-test.sh $(TESTS)
endif

ksft: module
	scripts/ksft.sh $(if $(KERNEL),--kernel $(KERNEL)) $(TESTS)

ksft-config:
	scripts/ksft-config.sh

check-debug:
	@mkdir -p build
	scripts/check-debug.sh $(TESTS)

demo: setup module
	scripts/demo.sh

vm: module
	scripts/vm.sh shell

# check: every lane, in order of cost; the last line is the total.
check:
	@mkdir -p build
	@scripts/check.sh

endif
