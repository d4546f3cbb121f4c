#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The buddy allocator end to end (stage 2):
#  - after insmod the free lists hold the region and `check` passes;
#  - seed 001's question: an order-0 request right after boot is served
#    from a higher current_order (rmqueue_hist, rmqueue_trace, bpftrace);
#  - the first unmovable allocation falls back to a movable pageblock and
#    steals it (fallback_hist, fallback.bt);
#  - filling ZONE_DMA of the first node that has one (node 0, unless the
#    region has no memory there: one cma= area) fails cleanly, keeps what
#    it got listed, and freeing it restores buddyinfo exactly;
#  - both vCPUs allocating at once with verify=1: no tag mismatch, check
#    passes, buddyinfo restored;
#  - free-merge.bt sees merging on free.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header
# slab=0: the buddy allocator as memblock_free_all() left it. With the
# slab layer up, kmem_cache_init() has made the first unmovable
# allocations (and the steal below) already; shadowmm_slab.sh covers it.
smm_load slab=0 || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
ktap_set_plan 19

BT=$SMM_BPFTRACE_DIR
OUT=/tmp/smm-buddy.$$

boot0=$(smm_buddyinfo_drained)
# pages on the buddy lists (busybox awk has no ^: double by hand)
free0=$(awk '{ p = 1; for (i = 5; i <= NF; i++) { n += $i * p; p *= 2 } }
	END { print n + 0 }' "$SMM_DEBUGFS/buddyinfo")
if [ "$free0" -gt 0 ] && smm_check_ok; then
	ktap_test_pass "after insmod: $free0 free pages on the buddy lists, check OK"
else
	ktap_test_fail "after insmod: free=$free0 check: $(head -n 3 "$SMM_DEBUGFS/check")"
fi

# --- seed 001: order-0 from a higher current_order ---------------------
if smm_bpftrace_start "$BT/rmqueue-orders.bt" "$OUT"; then
	smm_ctl "alloc order=0 count=1 gfp=movable tag=seed001"
	smm_bpftrace_stop
	sed 's/^/# /' "$OUT"
	if grep -Eq '^@buddy_order_current\[0, ([1-9]|10)\]: [0-9]+' "$OUT"; then
		ktap_test_pass "rmqueue-orders.bt: order 0 taken from a higher current_order"
	else
		ktap_test_fail "rmqueue-orders.bt: no order-0 request above current_order 0"
	fi
	if grep -q '^@pcp_refills_order\[0\]: ' "$OUT"; then
		ktap_test_pass "rmqueue-orders.bt: the order-0 request refilled a pcp list"
	else
		ktap_test_fail "rmqueue-orders.bt: no rmqueue_bulk for order 0"
	fi
else
	ktap_test_fail "rmqueue-orders.bt did not start"
	ktap_test_fail "rmqueue-orders.bt did not start (refill)"
fi
if grep -Eq 'current_order ([1-9]|10) migratetype Movable pcp 0' "$SMM_DEBUGFS/rmqueue_trace"; then
	ktap_test_pass "rmqueue_trace shows the split block"
else
	ktap_test_fail "rmqueue_trace has no order>0 current_order for Movable"
	tail -n 5 "$SMM_DEBUGFS/rmqueue_trace" | sed 's/^/# /'
fi
sed 's/^/# /' "$SMM_DEBUGFS/rmqueue_hist"
# rows: requested order, then one count per current_order 0..10
if awk '/^migratetype/ { m = ($2 == "Movable"); next } /^pcp_hit/ { m = 0 }
	m && $1 == "0" { for (i = 3; i <= NF; i++) if ($i > 0) hit = 1 }
	END { exit !hit }' "$SMM_DEBUGFS/rmqueue_hist"; then
	ktap_test_pass "rmqueue_hist: order 0 counted above current_order 0"
else
	ktap_test_fail "rmqueue_hist: order-0 row has nothing above column 0"
fi

# --- fallback: the first unmovable request steals a movable block -------
if smm_bpftrace_start "$BT/fallback.bt" "$OUT"; then
	smm_ctl "alloc order=0 count=4 gfp=kernel tag=unmov"
	smm_bpftrace_stop
	sed 's/^/# /' "$OUT"
	if grep -Eq '^@fallback\[0, 1, 1\]: [0-9]+' "$OUT"; then
		ktap_test_pass "fallback.bt: Unmovable fell back to Movable and stole the block"
	else
		ktap_test_fail "fallback.bt: no Unmovable->Movable steal"
	fi
else
	ktap_test_fail "fallback.bt did not start"
fi
sed 's/^/# /' "$SMM_DEBUGFS/fallback_hist"
# two from\\to matrices: "fallback" then "steal"; column 3 is Movable
if awk '/^fallback$/ { s = "f" } /^steal$/ { s = "s" }
	s == "f" && $1 == "Unmovable" { f = $3 }
	s == "s" && $1 == "Unmovable" { st = $3 }
	END { exit !(f > 0 && st > 0) }' "$SMM_DEBUGFS/fallback_hist"; then
	ktap_test_pass "fallback_hist counts the Unmovable->Movable steal"
else
	ktap_test_fail "fallback_hist lacks Unmovable->Movable"
fi
if grep -q "tag unmov pfn .* migratetype Unmovable" "$SMM_DEBUGFS/allocations"; then
	ktap_test_pass "allocations lists the unmovable pages"
else
	ktap_test_fail "allocations lacks tag unmov"
fi
smm_ctl "free tag=unmov" && smm_ctl "free tag=seed001"

# --- fill a node's DMA zone to failure and back -------------------------
dnid=$(awk '$4 == "DMA" { sub(",", "", $2); print $2; exit }' "$SMM_DEBUGFS/buddyinfo")
err=$(smm_ctl "alloc order=0 count=100000 nid=${dnid:-0} gfp=dma|thisnode tag=fill" 2>&1) && rc=0 || rc=$?
held=$(grep -c "^tag fill " "$SMM_DEBUGFS/allocations")
echo "# fill node ${dnid:-none}: rc=$rc, $held pages held"
if [ "$rc" -ne 0 ] && echo "$err" | grep -q "memory" && [ "$held" -gt 0 ]; then
	ktap_test_pass "filling DMA fails with ENOMEM after $held pages, which stay listed"
else
	ktap_test_fail "fill: rc=$rc held=$held $err"
fi
if smm_check_ok; then
	ktap_test_pass "check OK with node $dnid DMA exhausted"
else
	ktap_test_fail "check after the fill"
	head -n 5 "$SMM_DEBUGFS/check" | sed 's/^/# /'
fi
smm_ctl "free tag=fill"
if [ "$(smm_buddyinfo_drained)" = "$boot0" ]; then
	ktap_test_pass "freeing the fill restores buddyinfo exactly"
else
	ktap_test_fail "buddyinfo differs after the fill was freed"
	echo "# before:"; echo "$boot0" | sed 's/^/#   /'
	echo "# after:"; smm_buddyinfo_drained | sed 's/^/#   /'
fi

# --- both vCPUs at once, verify=1 -----------------------------------------
smm_ctl "verify 1"
dmesg -c >/dev/null
if smm_bpftrace_start "$BT/free-merge.bt" "$OUT"; then
	bt=1
else
	bt=0
fi
if smm_ctl "stress ms=3000 seed=7"; then
	ktap_test_pass "stress ran on every CPU for 3 s"
else
	ktap_test_fail "stress failed"
fi
[ "$bt" -eq 0 ] || smm_bpftrace_stop
dmesg | grep 'shadowmm: stress' | sed 's/^/# /'
cpus=$(dmesg | grep -c 'shadowmm: stress: cpu [0-9]*: [1-9][0-9]* allocations')
if [ "$cpus" -ge 2 ]; then
	ktap_test_pass "stress: $cpus CPUs allocated"
else
	ktap_test_fail "stress: only $cpus CPU(s) allocated"
fi
mism=$(sed -n 's/^verify_mismatch \([0-9]*\)$/\1/p' "$SMM_DEBUGFS/events")
if [ "$mism" = "0" ] && smm_check_ok; then
	ktap_test_pass "verify: no tag mismatch, check OK"
else
	ktap_test_fail "verify_mismatch='$mism', check: $(tail -n 3 "$SMM_DEBUGFS/check")"
fi
if [ "$bt" -eq 1 ] && grep -Eq '^@merged\[[0-9]+, [0-9]+\]: ' "$OUT"; then
	ktap_test_pass "free-merge.bt saw the merges"
else
	ktap_test_fail "free-merge.bt saw nothing"
fi
if [ "$(smm_buddyinfo_drained)" = "$boot0" ]; then
	ktap_test_pass "buddyinfo after stress equals buddyinfo after boot"
else
	ktap_test_fail "buddyinfo after stress differs"
fi

# --- determinism: the same seeded workload on a fresh machine -------------
# The host replays it over the same chunks (scripts/determinism-check.sh
# reads the SMM-DETERMINISM line from the console log).
smm_ctl reset
dmesg -c >/dev/null
# "N:NID,NID,...": the CPUs and the node of each (pcp->high depends on it).
cpus_and_nodes() {
	i=0
	nodes=""
	while [ -d "/sys/devices/system/cpu/cpu$i" ]; do
		n=0
		for link in "/sys/devices/system/cpu/cpu$i"/node[0-9]*; do
			[ -e "$link" ] && n=${link##*/node}
			break
		done
		nodes="$nodes${nodes:+,}$n"
		i=$((i + 1))
	done
	echo "$i:$nodes"
}

# The hash is 16 hex digits: an empty or short one (no dmesg line) fails.
workload_hash() {
	dmesg | sed -n 's/.*shadowmm: workload: .* hash \([0-9a-f]\{16\}\)$/\1/p' | tail -n 1
}
hash=""
if smm_ctl "workload seed=42 ops=20000" && hash=$(workload_hash) &&
   [ -n "$hash" ]; then
	chunks=$(sed -n 's/^chunk [0-9]* pfn \(0x[0-9a-f]*\)-0x[0-9a-f]* pages \([0-9]*\) node \([0-9]*\)$/\1+\2@\3/p' \
		"$SMM_DEBUGFS/region" | tr '\n' ',' | sed 's/,$//')
	echo "# SMM-DETERMINISM $chunks $(cpus_and_nodes) 42 20000 $hash"
	ktap_test_pass "workload seed=42 ops=20000: hash $hash"
else
	ktap_test_fail "workload seed=42 ops=20000: no hash of 16 hex digits in dmesg"
fi
smm_ctl reset
dmesg -c >/dev/null
if [ -n "$hash" ] && smm_ctl "workload seed=42 ops=20000" &&
   [ "$(workload_hash)" = "$hash" ]; then
	ktap_test_pass "the same workload again gives the same hash"
else
	ktap_test_fail "the workload is not reproducible in the guest"
fi

rm -f "$OUT"
if smm_unload; then
	ktap_test_pass "rmmod"
else
	ktap_test_fail "rmmod"
fi
ktap_finished
