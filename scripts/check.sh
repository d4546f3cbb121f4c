#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - every lane of `make check`, cheapest first, each printing its
# progress; the last line is the total over all of them:
#
#   check: N passed, N failed
#
# Test counts come from the unit tests and the guest lane; the build-only
# stages (style, module, sparse, dkms) count one each. A failed stage does
# not stop the independent ones after it, so one run shows everything; the
# exit status is non-zero when anything failed.
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

stage style make -s style
count_stage style $?
stage unit make -s unit
count_tests unit $?
stage module make -s module
module_rc=$?
count_stage module $module_rc
stage sparse make -s sparse
count_stage sparse $?
stage dkms scripts/dkms-test.sh
count_stage dkms $?
if [ "$module_rc" -eq 0 ]; then
	stage vm-test scripts/vm-test.sh
	count_tests vm-test $?
	# the host replays the guest's seeded workload: same hash or fail
	stage determinism scripts/determinism-check.sh
	count_tests determinism $?
else
	echo "=== [check] vm-test skipped: the module did not build"
	failed=$((failed + 1))
	failed_stages="$failed_stages vm-test"
fi

echo "=== [check] done in $(($(date +%s) - t0)) s${failed_stages:+; failed:$failed_stages}"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
