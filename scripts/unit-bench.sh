#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# unit-bench.sh - the core's allocator loops in userspace, counted by
# callgrind (make unit-bench).
#
# Usage: scripts/unit-bench.sh [N]
#
# Builds selftests/unit without sanitizers at -O2 (build/bench under
# selftests/unit), runs every shape of selftests/unit/bench.c under
# valgrind --tool=callgrind with collection toggled on smm_bench_run()
# only, and prints instructions per operation: per alloc+free pair, per
# page for init. Instruction counts are repeatable whatever else the
# machine does; they are not the guest's (the host build's locks are
# pthread mutexes and its tracepoints record into the test harness), so
# compare figures from this script with each other, before and after a
# change. N: pairs per shape (default 20480).
# Output: a table, and build/unit-bench.json ({"shape": instructions, ...}).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20480}
out="$top/build/unit-bench.json"
bin="$top/selftests/unit/build/bench/unit_tests"

command -v valgrind >/dev/null || { echo "[unit-bench] valgrind is not installed"; exit 1; }
mkdir -p "$top/build"
make -s -C "$top/selftests/unit" BUILD=build/bench SANITIZE= OPT=-O2 >/dev/null

shapes="pair-0 pair-1 pair-3 pair-4 pair-9 pair-10 batch256 batch256-real
	zero-0 zero-3 verify-0 verify-3 init-32 init-64 init-128 init-256
	init4m-32 init4m-64 init4m-128 init4m-256"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '%-16s %14s  %s\n' shape instructions per
for s in $shapes; do
	case "$s" in
	init*) per=page ;;
	*) per=pair ;;
	esac
	valgrind --tool=callgrind --toggle-collect=smm_bench_run \
		--callgrind-out-file="$tmp/cg" "$bin" --bench "$s" "$n" \
		>"$tmp/stdout" 2>"$tmp/stderr" || {
		echo "[unit-bench] $s failed:"; cat "$tmp/stderr"; exit 1; }
	ir=$(awk '/^summary:/ { print $2 }' "$tmp/cg")
	if [ "$per" = page ]; then
		ops=$(sed -n 's/.* pages=\([0-9]*\)$/\1/p' "$tmp/stdout")
	else
		ops=$n
	fi
	val=$(awk -v i="$ir" -v o="$ops" 'BEGIN { printf "%.1f", i / o }')
	printf '%-16s %14s  %s\n' "$s" "$val" "$per"
	entries="${entries:-}${entries:+, }\"$s\": $val"
done
echo "{ $entries }" >"$out"
echo "[unit-bench] $out"
