#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - every lane of `make check`, cheapest first, each printing its
# progress; the last line is the total over all of them:
#
#   check: N passed, N failed
#
# Test counts come from the unit tests, scripts/plot-test.sh, the mutants
# (scripts/mutate.sh: one each) and the guest lane; the build-only stages (style, module,
# sparse, dkms, fuzz) count one each. A failed stage does not stop the
# independent ones after it, so one run shows everything; the exit status
# is non-zero when anything failed.
#
# Kernels: module, sparse and the guest suite run once per kernel, the
# stage names carrying its series (module-6.1, vm-test-6.1, ksft-6.12 ...).
# The first kernel's suite runs under selftests/run_guest.sh (vm-test.sh:
# a kernel-log check per test), every other kernel's under the kernel's own
# kselftest runner (scripts/ksft.sh). The first is $KERNEL
# (default scripts/kver.sh: the newest 6.1), built in the repo's top as
# `make module` does; then the newest installed kernel of every other
# series in $series (scripts/kver.sh --series), built from a copy of the
# sources in build/k-VER/ (so the top's shadowmm.ko stays the first
# kernel's) and booted with --module. A series with no kernel
# installed is skipped with a message (scripts/setup.sh installs 6.12 when
# the archive has it). style, unit, dkms and the determinism check (which
# replays the first kernel's guest workload) run once, and so does the
# suite with memory_model=sparsemem (the first kernel's, one more boot).
# The first kernel's vm-test lane alone runs the soak, for a minute
# (SMM_SOAK_MIN=1 on its command line; elsewhere shadowmm_soak.sh skips).
#
# Last, the debug lane (scripts/check-debug.sh: a KASAN/lockdep/kmemleak
# CMA kernel built from linux-source-6.12, cached; the suite with
# region=cma), and ksft-config (selftests/config merged into that kernel
# source's x86_64_defconfig). SMM_DEBUG_LANE=0 leaves the debug lane out,
# saying so: for quick local runs only, CI runs it.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
mkdir -p build
passed=0
failed=0
failed_stages=""
t0=$(date +%s)

stage() {
	local name=$1
	shift
	echo "=== [check] $name ($(($(date +%s) - t0)) s)"
	"$@" 2>&1 | tee "build/check-$name.log"
	return "${PIPESTATUS[0]}"
}

# Add the "N passed, N failed" a test runner printed last to the totals.
count_tests() {
	local name=$1 rc=$2 line p f
	line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "build/check-$name.log" | tail -n 1)
	p=$(echo "$line" | sed -n 's/.*\b\([0-9]\+\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]\+\) failed.*/\1/p')
	if [ -z "$p" ]; then
		echo "=== [check] $name printed no result line"
		p=0
		f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# the runner itself failed (timeout, dmesg splat ...)
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ] || failed_stages="$failed_stages $name"
}

count_stage() {
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failed_stages="$failed_stages $1"
	fi
}

if ! stage setup scripts/setup.sh; then
	echo "=== [check] setup failed: nothing else can run"
	echo "check: 0 passed, 1 failed"
	exit 1
fi
export KERNEL=${KERNEL:-$(scripts/kver.sh)}

# The kernels: $KERNEL, then the newest of each other series.
series="6.1 6.12"
kernels=$KERNEL
for s in $series; do
	[ "$s" != "$(scripts/kver.sh --series-of "$KERNEL")" ] || continue
	if v=$(scripts/kver.sh --series "$s" 2>/dev/null); then
		kernels="$kernels $v"
	else
		echo "=== [check] no $s kernel installed (scripts/setup.sh installs it when the archive has one): the $s lane is skipped"
	fi
done
echo "=== [check] kernels: $kernels"

stage style make -s style
count_stage style $?
stage unit make -s unit
count_tests unit $?
# scripts/plot on a checked-in recording (seconds): one count per check
stage plot-test scripts/plot-test.sh
count_tests plot-test $?
# libFuzzer over ctl on the host, bounded (FUZZ_TIME s per target, 60):
# one stage, one count; a crash fails it
stage fuzz make -s fuzz
count_stage fuzz $?
# each mutant of scripts/mutate.sh counts one (about a minute)
stage mutants scripts/mutate.sh
count_tests mutants $?

# The builds of every kernel first (cheap), then the guests.
declare -A module_ok=() module_path=()
for k in $kernels; do
	ks=$(scripts/kver.sh --series-of "$k")
	if [ "$k" = "$KERNEL" ]; then
		dir=.
		module_path[$k]=$top/shadowmm.ko
	else
		dir=build/k-$k
		module_path[$k]=$top/$dir/shadowmm.ko
		scripts/copy-sources.sh "$dir"
	fi
	stage "module-$ks" make -s -C "$dir" --no-print-directory module KERNEL="$k"
	rc=$?
	count_stage "module-$ks" $rc
	[ "$rc" -ne 0 ] || module_ok[$k]=1
	stage "sparse-$ks" make -s -C "$dir" --no-print-directory sparse KERNEL="$k"
	count_stage "sparse-$ks" $?
	if [ "$k" = "$KERNEL" ]; then
		stage dkms scripts/dkms-test.sh
		count_stage dkms $?
	fi
done

for k in $kernels; do
	ks=$(scripts/kver.sh --series-of "$k")
	if [ -z "${module_ok[$k]+set}" ]; then
		echo "=== [check] vm-test-$ks skipped: the module did not build"
		failed=$((failed + 1))
		failed_stages="$failed_stages vm-test-$ks"
		continue
	fi
	if [ "$k" = "$KERNEL" ]; then
		# the soak (selftests/shadowmm_soak.sh, skipped without
		# SMM_SOAK_MIN) for one minute in this lane only: about 70 s more
		stage "vm-test-$ks" env KERNEL="$k" scripts/vm-test.sh --kernel "$k" \
			--module "${module_path[$k]}" --append SMM_SOAK_MIN=1
		count_tests "vm-test-$ks" $?
	else
		# the other kernels' suite goes through the kernel's own
		# kselftest runner (make ksft): lib.mk's install, run_kselftest.sh
		stage "ksft-$ks" env KERNEL="$k" scripts/ksft.sh --kernel "$k" \
			--module "${module_path[$k]}"
		count_tests "ksft-$ks" $?
	fi
	if [ "$k" = "$KERNEL" ]; then
		# the host replays the guest's seeded workload: same hash or fail
		# (its console log: build/vm/, or build/vm/run.PID/ when another
		# run held build/vm)
		vlog=$(sed -n 's/^\[vm-test\] console log: \(.*\) ([0-9]* s for .*/\1/p' \
			"build/check-vm-test-$ks.log" | tail -n 1)
		stage determinism scripts/determinism-check.sh ${vlog:+"$vlog"}
		count_tests determinism $?
		# the whole suite again with memory_model=sparsemem (one more
		# boot, about 5 minutes; after the determinism check, which
		# reads the first boot's console log): smm_load adds
		# SMM_DEFAULT_PARAMS from the kernel command line to every
		# insmod that names no model
		stage "vm-test-sparsemem-$ks" env KERNEL="$k" scripts/vm-test.sh \
			--kernel "$k" --module "${module_path[$k]}" \
			--append "SMM_DEFAULT_PARAMS=memory_model=sparsemem"
		count_tests "vm-test-sparsemem-$ks" $?
	fi
done

if [ "${SMM_DEBUG_LANE:-1}" = 0 ]; then
	echo "=== [check] debug lane left out (SMM_DEBUG_LANE=0)"
else
	stage debug scripts/check-debug.sh
	count_tests debug $?
fi
# after the debug lane: the kernel source it unpacked is what this merges
# selftests/config into (without it, linux-source-6.12 is unpacked)
stage ksft-config scripts/ksft-config.sh
count_tests ksft-config $?

echo "=== [check] done in $(($(date +%s) - t0)) s${failed_stages:+; failed:$failed_stages}"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
