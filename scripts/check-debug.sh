#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh - the debug lane: the guest suite with region=cma on a
# kernel of our own with KASAN, lockdep, kmemleak, DEBUG_VM, DEBUG_LIST and
# CMA (make check-debug; make vm-test KERNEL=debug is --cma numa).
#
# Usage: scripts/check-debug.sh [options] [TEST...]
#
# Options:
#   --cma numa|single|both   which CMA layouts to boot (default both):
#                  numa    numa_cma=0:48M,1:48M, an area per node
#                  single  cma=128M, one default area that both nodes'
#                          allocations share: the region, and so the
#                          shadow, has one node (the real-node NUMA cases
#                          skip, saying so)
#                  numa runs the tests that put the most code under
#                  KASAN, lockdep and kmemleak (NUMA_TESTS below: the
#                  region, load/unload, buddy, ctl, slab, the mirror's
#                  probes, stress, races, 28 insmod/rmmod cycles, the
#                  tracepoints (their probes register under lockdep),
#                  the ctl fuzzer, kmemleak last); single
#                  the ones one shared area changes (SINGLE_TESTS). The
#                  views' formats, parameters, bpftrace, NUMA
#                  policies, bench and security run on the stock kernels
#                  only: KASAN under single-threaded TCG is 2-3x slower,
#                  and the whole suite twice cost make check ~30 minutes.
#                  TESTs given run on both. Both boot with page_owner=on
#                  (shadowmm_cma.sh reads it).
#   --series S, --source DIR, --fragment FILE
#                  passed to scripts/build-test-kernel.sh (which kernel
#                  source: Debian's linux-source-S package, default 6.12, or
#                  an unpacked tree at DIR); the environment variables
#                  SMM_KERNEL_SERIES and SMM_KERNEL_SOURCE set the first two
#                  (so that make check and make check-debug take them)
#   --test-timeout S  per-test timeout in the guest (default 360: KASAN
#                  under TCG is slow)
#   other options (--timeout, --append ...) go to scripts/vm-test.sh;
#   TEST as there (default: every test).
#
# Steps:
#   1. scripts/build-test-kernel.sh: cached in ${SHADOWMM_CACHE:-~/.cache/
#      shadowmm}; cold it costs a full kernel build, warm nothing
#   2. the module against its build dir, from a copy of the sources in
#      build/k-debug/ (scripts/copy-sources.sh; emptied when the kernel
#      build it was made for is not this one)
#   3. scripts/vm-test.sh on its bzImage, once per CMA layout, with
#      SMM_DEFAULT_PARAMS=region=cma (a test's smm_load without region=
#      loads region=cma, see selftests/lib.sh) and scripts/kernel/tests/
#      added: shadowmm_cma.sh (the region is CMA: pfns inside the areas,
#      `used` moves exactly) and shadowmm_zz_kmemleak.sh (last: kmemleak
#      scan clean, lockdep still on). vm-test.sh fails a boot on a KASAN
#      report, BUG:, WARNING: (lockdep splats are WARNINGs), Oops or taint.
#
# Guest: 2 nodes of 768 MiB, movablecore=768M. KASAN's shadow (1/8 of RAM)
# and the CMA areas are memblock allocations at the top of each node, which
# is where movablecore= puts ZONE_MOVABLE: the stock lane's 256M would leave
# region=contig no free window.
#
# The last line is "check-debug: N passed, N failed, N skipped", summed over
# the boots; exit status non-zero when any boot failed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
t0=$(date +%s)
log() { echo "=== [check-debug] $* ($(($(date +%s) - t0)) s)"; }
usage() { awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); print; next } NR > 3 { exit }' "$0"; }

cma=both
# KASAN under single-threaded TCG runs the suite 2-3x slower than the stock
# kernel (shadowmm_buddy.sh: 181 s where 120 s is the stock budget): every
# test gets 360 s unless --test-timeout says otherwise.
test_timeout=360
kernel_args=()
[ -z "${SMM_KERNEL_SERIES:-}" ] || kernel_args+=(--series "$SMM_KERNEL_SERIES")
[ -z "${SMM_KERNEL_SOURCE:-}" ] || kernel_args+=(--source "$SMM_KERNEL_SOURCE")
vm_args=()
names=()
while [ $# -gt 0 ]; do
	case $1 in
	--cma)
		case ${2:-} in numa | single | both) cma=$2 ;;
		*) echo "check-debug: --cma wants numa, single or both" >&2; exit 2 ;;
		esac
		shift 2 ;;
	--series | --source | --fragment)
		[ $# -ge 2 ] || { echo "check-debug: $1 needs a value" >&2; exit 2; }
		kernel_args+=("$1" "$2"); shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--no-bpftrace) vm_args+=("$1"); shift ;;
	--test-timeout)
		[ $# -ge 2 ] || { echo "check-debug: $1 needs a value" >&2; exit 2; }
		test_timeout=$2; shift 2 ;;
	-*)
		[ $# -ge 2 ] || { echo "check-debug: $1 needs a value" >&2; exit 2; }
		vm_args+=("$1" "$2"); shift 2 ;;
	*) names+=("$1"); shift ;;
	esac
done

log "kernel"
scripts/build-test-kernel.sh "${kernel_args[@]}"
kdir=$(scripts/build-test-kernel.sh "${kernel_args[@]}" --print-dir 2>/dev/null)
if [ -z "$kdir" ] || [ ! -f "$kdir/DONE" ]; then
	echo "check-debug: the test kernel did not build"
	echo "check-debug: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
release=$(cat "$kdir/release")

# A module built against another build of the kernel (another fragment or
# source) would link, but its BTF would not match this vmlinux's and
# insmod would refuse it; kbuild does not see that, so start afresh.
d=build/k-debug
kid="$kdir $(cat "$kdir/DONE")"
if [ "$(cat "$d/.kernel" 2>/dev/null)" != "$kid" ]; then
	rm -rf "$d"
	mkdir -p "$d"
	echo "$kid" >"$d/.kernel"
fi
scripts/copy-sources.sh "$d"
log "module against $kdir/build ($release)"
if ! make -s -C "$d" --no-print-directory module KERNEL="$release" KDIR="$kdir/build"; then
	echo "check-debug: the module did not build"
	echo "check-debug: 0 passed, 1 failed, 0 skipped"
	exit 1
fi

passed=0 failed=0 skipped=0 rc=0
boot() { # NAME CMA-ARGS [TEST...]
	local name=$1 args=$2 line p f s
	shift 2
	log "vm-test ($name: $args)"
	scripts/vm-test.sh --kernel "$release" --kernel-image "$kdir/bzImage" \
		--module "$top/$d/shadowmm.ko" --extra-tests "$top/scripts/kernel/tests" \
		--mem 768 --movablecore 768M --test-timeout "$test_timeout" \
		--append "$args page_owner=on SMM_DEFAULT_PARAMS=region=cma" "${vm_args[@]}" "$@" |
		tee "build/check-debug-$name.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	line=$(grep -E '^vm-test: [0-9]+ passed' "build/check-debug-$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		return
	fi
	read -r _ p _ f _ s _ <<<"$line"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

NUMA_TESTS="shadowmm_cma.sh shadowmm_load.sh shadowmm_buddy.sh shadowmm_ctl.sh shadowmm_slab.sh shadowmm_mirror.sh shadowmm_stress.sh shadowmm_races.sh shadowmm_lifecycle.sh shadowmm_tracepoints.sh shadowmm_fuzz_ctl.sh shadowmm_zz_kmemleak.sh"
SINGLE_TESTS="shadowmm_cma.sh shadowmm_load.sh shadowmm_buddy.sh shadowmm_ctl.sh shadowmm_zz_kmemleak.sh"
if [ "$cma" != single ]; then
	if [ ${#names[@]} -eq 0 ]; then
		# shellcheck disable=SC2086
		boot numa-cma "numa_cma=0:48M,1:48M" $NUMA_TESTS
	else
		boot numa-cma "numa_cma=0:48M,1:48M" "${names[@]}"
	fi
fi
if [ "$cma" != numa ]; then
	if [ ${#names[@]} -eq 0 ]; then
		# shellcheck disable=SC2086
		boot single-cma "cma=128M" $SINGLE_TESTS
	else
		boot single-cma "cma=128M" "${names[@]}"
	fi
fi
log "done"
echo "check-debug: $passed passed, $failed failed, $skipped skipped"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
