#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ctl fuzzer of the guest: smm-fuzz-ctl (selftests/tools/smm-fuzz-ctl.c,
# built static into the initramfs; its valid commands come from the
# grammar `cat ctl` prints, checked here) writes $SMM_FUZZ_WRITES seeded buffers
# to ctl (default 30000: ~375 writes/s under TCG on the 2-core build
# host, so ~80 s; 100000 would take ~4.5 min; seed $SMM_FUZZ_SEED, default from the clock,
# printed) and fails on a rejection with another errno than
# EINVAL/ENOMEM/EBUSY, a rejection without a "shadowmm: ctl" dmesg line,
# a rejection that changed a view, a splat, or when `free all` + `drain`
# do not bring buddyinfo back to the boot's, or `check` is not OK.
# make fuzz-ctl runs it alone; SMM_FUZZ_WRITES=1000000 make fuzz-ctl for a
# long run.
#
# smm-timeout: 300

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header

[ -f "$SMM_KO" ] || ktap_skip_all "no module at $SMM_KO"
command -v smm-fuzz-ctl >/dev/null 2>&1 ||
	ktap_exit_fail_msg "smm-fuzz-ctl missing from the initramfs (scripts/mkinitramfs.sh builds it)"
smm_unload
# slab=0: the fuzzer ends by comparing buddyinfo after `free all` +
# `drain` with the boot's; with the slab layer up, a fuzzed `memblock
# alloc` is a kmalloc, and SLUB keeps empty slabs cached (cpu slabs,
# min_partial), so the pages would rightly not all come back.
smm_load slab=0 || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"

ktap_set_plan 3

# A KASAN kernel (the debug lane) writes about five times slower under
# TCG (6000 grammar-built writes took 213 s in stop 18's CI): the bounded
# run there is 3000 writes, so that it ends well inside
# the test's timeout; elsewhere 30000 (about 80 s). SMM_FUZZ_WRITES wins.
default_writes=30000
grep -qw kasan_report /proc/kallsyms 2>/dev/null && default_writes=3000
writes=${SMM_FUZZ_WRITES:-$default_writes}
seed=${SMM_FUZZ_SEED:-0}
t0=$(date +%s)
out=/tmp/smm-fuzz-ctl.out
timeout -s KILL "${SMM_FUZZ_TIMEOUT:-280}" smm-fuzz-ctl -n "$writes" -s "$seed" >"$out" 2>&1
rc=$?
t1=$(date +%s)
sed 's/^\([^#]\)/# \1/' "$out"
ktap_print_msg "$writes writes in $((t1 - t0)) s"
summary=$(grep 'smm-fuzz-ctl: seed .* silent' "$out" | tail -n 1)
if [ "$rc" = 0 ] && [ -n "$summary" ]; then
	ktap_test_pass "smm-fuzz-ctl: $writes writes, no violation"
else
	ktap_test_fail "smm-fuzz-ctl: $writes writes, no violation" "exit status $rc"
fi

# its vocabulary is the module's grammar: as many forms as `cat ctl` has
# lines starting with a command word
forms=$(grep -c '^[a-z]' "$SMM_DEBUGFS/ctl")
got=$(sed -n 's/^# grammar: \([0-9]*\) forms, .* from the module (ctl)$/\1/p' "$out")
if [ -n "$got" ] && [ "$got" = "$forms" ] && [ "$forms" -gt 20 ]; then
	ktap_test_pass "smm-fuzz-ctl read the module's grammar: $got forms"
else
	ktap_test_fail "smm-fuzz-ctl's grammar: '${got:-not from the module}' forms, ctl has $forms"
	grep '^# grammar' "$out" | sed 's/^/# /'
fi

# the module still works: an alloc, its free, a clean check
if smm_ctl "alloc order=2 tag=after" && smm_ctl "free tag=after" &&
	[ "$(smm_read check | tail -n 1)" = OK ]; then
	ktap_test_pass "ctl works after the fuzzing"
else
	ktap_test_fail "ctl works after the fuzzing" "$(smm_read check | head -n 3)"
fi
smm_unload
ktap_finished
