#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The shipped bpftrace one-liners see the memblock events of a `reset`:
# one memblock_add per region chunk, the boot reservations, one memory-map
# allocation per node, in the order the shadow boot performs them.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

BT=${SMM_BPFTRACE_DIR:-/lib/shadowmm/bpftrace}
OUT=/tmp/smm-bt.$$

ktap_print_header

command -v bpftrace >/dev/null || ktap_skip_all "bpftrace is not installed"
smm_load region=pages upto=memmap || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
ktap_set_plan 6

nchunks=$(sed -n 's/^backend [a-z]* chunks \([0-9]*\) .*/\1/p' "$SMM_DEBUGFS/region")
nnodes=$(grep -c '^node ' "$SMM_DEBUGFS/memmap")

# --- memblock-events.bt ---
if smm_bpftrace_start "$BT/memblock-events.bt" "$OUT"; then
	smm_ctl reset
	smm_ctl "memblock alloc size=8K min=0xffffffffff"
	smm_bpftrace_stop
	adds=$(grep -c '^add ' "$OUT")
	res=$(grep -c '^reserve ' "$OUT")
	allocs=$(grep -c '^alloc ' "$OUT")
	echo "# events: $adds add, $res reserve, $allocs alloc"
	if [ "$adds" -eq "$nchunks" ]; then
		ktap_test_pass "memblock-events.bt: $adds memblock_add for $nchunks chunks"
	else
		ktap_test_fail "memblock-events.bt: $adds memblock_add for $nchunks chunks"
		sed 's/^/# /' "$OUT"
	fi
	# 3 boot reservations + one per memory map + the ctl allocation
	if [ "$res" -eq $((3 + nnodes + 1)) ] && [ "$allocs" -eq $((nnodes + 1)) ]; then
		ktap_test_pass "memblock-events.bt: $res reserve and $allocs alloc events"
	else
		ktap_test_fail "memblock-events.bt: $res reserve / $allocs alloc, want $((4 + nnodes)) / $((nnodes + 1))"
		sed 's/^/# /' "$OUT"
	fi
	# Boot order: reservations before any bank, banks before the memory map.
	first_add=$(grep -n '^add ' "$OUT" | head -n 1 | cut -d: -f1)
	last_add=$(grep -n '^add ' "$OUT" | tail -n 1 | cut -d: -f1)
	third_res=$(grep -n '^reserve ' "$OUT" | sed -n 3p | cut -d: -f1)
	first_alloc=$(grep -n '^alloc ' "$OUT" | head -n 1 | cut -d: -f1)
	if [ -n "$first_alloc" ] && [ "$third_res" -lt "$first_add" ] &&
	   [ "$last_add" -lt "$first_alloc" ]; then
		ktap_test_pass "memblock-events.bt: reserve, add, memmap alloc in boot order"
	else
		ktap_test_fail "memblock-events.bt: events out of boot order"
	fi
	if grep -q '^alloc .*retried=1$' "$OUT"; then
		ktap_test_pass "memblock-events.bt: the min_addr retry is visible"
	else
		ktap_test_fail "memblock-events.bt: no retried=1 alloc"
	fi
else
	for t in add reserve order retry; do
		ktap_test_fail "memblock-events.bt did not start ($t)"
	done
fi

# --- memblock-alloc-summary.bt ---
if smm_bpftrace_start "$BT/memblock-alloc-summary.bt" "$OUT"; then
	smm_ctl reset
	smm_ctl "memblock alloc size=8K min=0xffffffffff"
	smm_ctl "memblock alloc size=40M" 2>/dev/null
	smm_bpftrace_stop
	sed 's/^/# /' "$OUT"
	# one node-specific memory map per node, plus the NUMA_NO_NODE ctl call
	nbytes=$(grep -c '^@bytes\[' "$OUT")
	if [ "$nbytes" -eq $((nnodes + 1)) ] &&
	   grep -q '^@retried_without_min\[-1\]: 1$' "$OUT"; then
		ktap_test_pass "memblock-alloc-summary.bt: bytes per node and the retry"
	else
		ktap_test_fail "memblock-alloc-summary.bt: unexpected summary"
	fi
	if grep -q '^@failed\[-1\]: 1$' "$OUT"; then
		ktap_test_pass "memblock-alloc-summary.bt: the failed 40M allocation"
	else
		ktap_test_fail "memblock-alloc-summary.bt: failed allocation not counted"
	fi
else
	ktap_test_fail "memblock-alloc-summary.bt did not start"
	ktap_test_fail "memblock-alloc-summary.bt did not start (failures)"
fi

rm -f "$OUT"
smm_unload
ktap_finished
