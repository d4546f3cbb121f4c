#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh - the debug lane: the guest suite on a kernel of our own
# with KASAN, lockdep, kmemleak, DEBUG_VM, DEBUG_LIST and per-node CMA.
#
# Usage: scripts/check-debug.sh [vm-test.sh options] [TEST...]
#
#   1. scripts/build-test-kernel.sh (linux-source-6.12 + scripts/kernel/
#      debug.config; cached in ${SHADOWMM_CACHE:-~/.cache/shadowmm}: cold
#      it costs a full kernel build, warm nothing)
#   2. the module against its build dir, from a copy of the sources in
#      build/k-debug/ (as check.sh does for a second kernel)
#   3. scripts/vm-test.sh on that bzImage with
#          numa_cma=0:48M,1:48M SMM_DEFAULT_PARAMS=region=cma
#      (a test's smm_load without region= loads region=cma, see
#      selftests/lib.sh) and scripts/kernel/tests/ added: shadowmm_cma.sh
#      (the region is CMA: pfns inside the areas, `used` moves exactly) and
#      shadowmm_zz_kmemleak.sh (last: kmemleak scan clean, lockdep on).
#      vm-test.sh fails on KASAN, BUG:, WARNING: (lockdep splats are
#      WARNINGs), Oops or a taint.
# The last line is vm-test.sh's "vm-test: N passed, N failed, N skipped".
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
t0=$(date +%s)
log() { echo "=== [check-debug] $* ($(($(date +%s) - t0)) s)"; }

log "kernel"
kdir=$(scripts/build-test-kernel.sh | tee /dev/stderr | sed -n 's/^kernel: //p')
if [ -z "$kdir" ] || [ ! -f "$kdir/DONE" ]; then
	echo "check-debug: the test kernel did not build"
	exit 1
fi
release=$(cat "$kdir/release")

# The module's sources in build/k-debug/; only changed files are copied.
d=build/k-debug
mkdir -p "$d/build"
(cd "$d" && find include src debugfs -type f -name '*.[ch]' 2>/dev/null) |
	while IFS= read -r f; do [ -e "$f" ] || rm -f "$d/$f"; done
find Kbuild Makefile include src debugfs -type f \
	\( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) |
	while IFS= read -r f; do
		cmp -s "$f" "$d/$f" && continue
		case "$f" in */*) mkdir -p "$d/${f%/*}" ;; esac
		cp "$f" "$d/$f"
	done
log "module against $kdir/build ($release)"
# tinyconfig leaves FRAME_WARN at 1024; KASAN_STACK redzones push ctl.c's
# smm_ctl_exec to ~1.5 KiB. Debian's kernels (and 64-bit defconfig) warn
# at 2048: use that for the module (a command-line override reaches kbuild).
if ! make -s -C "$d" --no-print-directory module KERNEL="$release" KDIR="$kdir/build" \
	CONFIG_FRAME_WARN=2048; then
	echo "check-debug: the module did not build"
	exit 1
fi

log "vm-test"
scripts/vm-test.sh --kernel "$release" --kernel-image "$kdir/bzImage" \
	--module "$top/$d/shadowmm.ko" --extra-tests "$top/scripts/kernel/tests" \
	--append "numa_cma=0:48M,1:48M SMM_DEFAULT_PARAMS=region=cma" "$@"
rc=$?
log "done (exit $rc)"
exit "$rc"
