#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# NUMA on the guest's two real nodes:
#  - zonelists: each node first in its own fallback list, the other next,
#    with the real SLIT distances; node<N>/numastat in sysfs's format;
#  - interleave alternates the nodes and counts interleave_hit;
#  - exhausting node 0 sends the next nid=0 allocation to node 1:
#    numa_miss on 1, numa_foreign on 0, zonelist-fallback.bt sees [0, 1];
#  - gfp=thisnode fails instead of leaving node 0;
#  - numa_hit + numa_miss over the nodes is the allocations made;
#  - distance= with an asymmetric matrix shows in zonelists;
#  - nodes=4 makes four fake nodes with 10/20 distances; with an
#    asymmetric distance= node 0's zonelist follows its own row, and once
#    node 0 is exhausted its next page comes from its nearest node;
#    distance= must then have four rows;
#  - policies as v6.1 applies them: a bind nodemask does not apply below
#    policy_zone (gfp=dma32 takes the local node), gfp=thisnode ignores
#    the policy, and once bind's nodes are exhausted gfp=atomic leaves
#    them (the slowpath's retry without the nodemask) where gfp=kernel
#    and gfp=nowait fail; free pfn= of the largest pfn frees nothing.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

BT=$SMM_BPFTRACE_DIR
OUT=/tmp/smm-numa.$$

ktap_print_header
# slab=0: numa_hit + numa_miss must count the test's allocations only
# (kmem_cache_init()'s slabs would add theirs)
smm_load slab=0 || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
if [ ! -d "$SMM_DEBUGFS/node0" ] || [ ! -d "$SMM_DEBUGFS/node1" ]; then
	on=$(smm_nodes | tr '\n' ' ')
	smm_unload
	ktap_skip_all "the shadow has node(s) ${on% } only: these cases need nodes 0 and 1"
fi
ktap_set_plan 17

# nstat NODE NAME: one numastat counter
nstat() {
	awk -v k="$2" '$1 == k { print $2 }' "$SMM_DEBUGFS/node$1/numastat"
}

# the node column of the last held allocation
last_node() {
	tail -n 1 "$SMM_DEBUGFS/allocations" | awk '{ print $8 }'
}

sed 's/^/# /' "$SMM_DEBUGFS/zonelists"
if grep -Eq '^node 0 fallback: 0\(10\) 1\([0-9]+\) zones: 0/' "$SMM_DEBUGFS/zonelists" &&
   grep -Eq '^node 1 fallback: 1\(10\) 0\([0-9]+\) zones: 1/' "$SMM_DEBUGFS/zonelists" &&
   grep -Eq '^node 1 thisnode: 1\(10\) zones:( 1/[A-Za-z0-9]+)+$' "$SMM_DEBUGFS/zonelists"; then
	ktap_test_pass "zonelists: each node falls back to the other"
else
	ktap_test_fail "zonelists: unexpected orders"
fi

fields=$(awk '{ printf "%s ", $1 }' "$SMM_DEBUGFS/node0/numastat")
if [ "$fields" = "numa_hit numa_miss numa_foreign interleave_hit local_node other_node " ]; then
	ktap_test_pass "node0/numastat has sysfs's six counters"
else
	ktap_test_fail "node0/numastat fields: $fields"
fi

# --- interleave ------------------------------------------------------------
ih0=$(nstat 0 interleave_hit)
ih1=$(nstat 1 interleave_hit)
smm_ctl "policy interleave nodes=0,1"
smm_ctl "alloc order=0 count=6 tag=il"
smm_ctl "policy default"
nodes=$(awk '$2 == "il" { printf "%s", $8 }' "$SMM_DEBUGFS/allocations")
if [ "$nodes" = "010101" ] && [ "$(nstat 0 interleave_hit)" -eq $((ih0 + 3)) ] &&
   [ "$(nstat 1 interleave_hit)" -eq $((ih1 + 3)) ]; then
	ktap_test_pass "interleave: nodes $nodes, interleave_hit +3 on each"
else
	ktap_test_fail "interleave: nodes $nodes, interleave_hit $(nstat 0 interleave_hit)/$(nstat 1 interleave_hit)"
fi

# --- exhausting node 0 -------------------------------------------------------
miss1=$(nstat 1 numa_miss)
foreign0=$(nstat 0 numa_foreign)
bt=0
smm_bpftrace_start "$BT/zonelist-fallback.bt" "$OUT" && bt=1
n=0
while [ "$n" -lt 200 ]; do
	smm_ctl "alloc order=9 nid=0 tag=ex" 2>/dev/null || break
	n=$((n + 1))
	[ "$(last_node)" = 0 ] || break
done
[ "$bt" = 1 ] && smm_bpftrace_stop
echo "# $n order-9 allocations with nid=0, the last on node $(last_node)"
if [ "$(last_node)" = 1 ] && [ "$(nstat 1 numa_miss)" -eq $((miss1 + 1)) ] &&
   [ "$(nstat 0 numa_foreign)" -eq $((foreign0 + 1)) ]; then
	ktap_test_pass "node 0 exhausted: next on node 1, numa_miss on 1, numa_foreign on 0"
else
	ktap_test_fail "node 0 exhausted: last on $(last_node), miss1 $(nstat 1 numa_miss) (was $miss1), foreign0 $(nstat 0 numa_foreign) (was $foreign0)"
fi
if [ "$(nstat 0 numa_miss)" -eq 0 ] && [ "$(nstat 1 numa_foreign)" -eq 0 ]; then
	ktap_test_pass "no miss on node 0, no foreign on node 1"
else
	ktap_test_fail "miss0 $(nstat 0 numa_miss) foreign1 $(nstat 1 numa_foreign)"
fi
if [ "$bt" = 1 ] && grep -Eq '^@\[0, 1\]: [1-9]' "$OUT"; then
	sed 's/^/# /' "$OUT"
	ktap_test_pass "zonelist-fallback.bt: node 0 fell back to node 1"
else
	sed 's/^/# /' "$OUT" 2>/dev/null
	ktap_test_fail "zonelist-fallback.bt saw no [0, 1] fallback"
fi
rm -f "$OUT"

# --- __GFP_THISNODE ----------------------------------------------------------
if smm_ctl "alloc order=0 count=8192 nid=0 gfp=kernel|thisnode tag=tn" 2>/dev/null; then
	failed=0
else
	failed=1
fi
n=$(awk '$2 == "tn"' "$SMM_DEBUGFS/allocations" | wc -l)
off=$(awk '$2 == "tn" && $8 != 0' "$SMM_DEBUGFS/allocations" | wc -l)
if [ "$failed" = 1 ] && [ "$off" -eq 0 ]; then
	ktap_test_pass "gfp=thisnode: $n more from node 0, then failure, none elsewhere"
else
	ktap_test_fail "gfp=thisnode: $n allocations (failed=$failed), $off off node 0"
fi

# --- the counters add up -------------------------------------------------------
held=$(wc -l <"$SMM_DEBUGFS/allocations")
sum=$(($(nstat 0 numa_hit) + $(nstat 0 numa_miss) + $(nstat 1 numa_hit) + $(nstat 1 numa_miss)))
loc=$(($(nstat 0 local_node) + $(nstat 0 other_node) + $(nstat 1 local_node) + $(nstat 1 other_node)))
if [ "$sum" -eq "$held" ] && [ "$loc" -eq "$held" ]; then
	ktap_test_pass "numa_hit + numa_miss = local_node + other_node = $held allocations"
else
	ktap_test_fail "hit+miss $sum, local+other $loc, $held allocations"
fi
smm_ctl "free all"
smm_unload

# --- policies beyond their nodes -------------------------------------------------
# Pinned to CPU 0, whose node (0) is the local node of every allocation.
smm_load
taskset -p 1 $$ >/dev/null
smm_ctl "policy bind nodes=1"
smm_ctl "alloc order=0 gfp=dma32 tag=low"
low=$(tail -n 1 "$SMM_DEBUGFS/allocations" | awk '{ print $8 "/" $10 }')
smm_ctl "alloc order=0 tag=bound"
bound=$(last_node)
if [ "$low" = "0/DMA32" ] && [ "$bound" = 1 ]; then
	ktap_test_pass "bind nodes=1: gfp=dma32 is below policy_zone (node 0 DMA32), gfp=kernel on node 1"
else
	ktap_test_fail "bind nodes=1: gfp=dma32 on '$low', gfp=kernel on node '$bound'"
fi
smm_ctl "alloc order=0 gfp=kernel|thisnode tag=tn1"
if [ "$(last_node)" = 0 ]; then
	ktap_test_pass "bind nodes=1: gfp=thisnode takes the default policy (node 0)"
else
	ktap_test_fail "bind nodes=1: gfp=thisnode on node $(last_node)"
fi
smm_ctl "free all"
smm_ctl "policy bind nodes=0"
smm_ctl "alloc order=0 count=100000 tag=fill" 2>/dev/null
kfail=0
smm_ctl "alloc order=0 tag=k" 2>/dev/null || kfail=1
smm_ctl "alloc order=0 gfp=nowait tag=nw" 2>/dev/null || kfail=$((kfail + 1))
n=0
while [ "$n" -lt 100 ]; do
	smm_ctl "alloc order=0 count=16 gfp=atomic tag=at" 2>/dev/null || break
	n=$((n + 1))
	[ "$(last_node)" = 0 ] || break
done
off=$(awk '$2 != "at" && $8 != 0' "$SMM_DEBUGFS/allocations" | wc -l)
echo "# $n batches of gfp=atomic, the last on node $(last_node)"
if [ "$kfail" = 2 ] && [ "$(last_node)" = 1 ] && [ "$off" -eq 0 ]; then
	ktap_test_pass "bind nodes=0 exhausted: kernel and nowait fail, atomic goes on to node 1"
else
	ktap_test_fail "bind nodes=0 exhausted: $kfail of 2 failed, atomic ended on node $(last_node), $off others off node 0"
fi
taskset -p 3 $$ >/dev/null
smm_ctl "policy default"
held=$(wc -l <"$SMM_DEBUGFS/allocations")
if ! smm_ctl "free pfn=0xffffffffffffffff" 2>/dev/null &&
   [ "$(wc -l <"$SMM_DEBUGFS/allocations")" -eq "$held" ] &&
   dmesg | tail -n 1 | grep -q 'ctl: free: no held allocation starts at pfn=0xffffffffffffffff'; then
	ktap_test_pass "free pfn=0xffffffffffffffff: EINVAL, $held allocations still held"
else
	ktap_test_fail "free pfn=0xffffffffffffffff freed something or said nothing"
fi
smm_ctl "free all"
smm_unload

# --- an asymmetric distance= ---------------------------------------------------
if smm_load "distance=10,20;30,10"; then
	sed 's/^/# /' "$SMM_DEBUGFS/zonelists"
	if grep -q '^node 0 fallback: 0(10) 1(20) ' "$SMM_DEBUGFS/zonelists" &&
	   grep -q '^node 1 fallback: 1(10) 0(30) ' "$SMM_DEBUGFS/zonelists"; then
		ktap_test_pass "distance=10,20;30,10: both distances in zonelists"
	else
		ktap_test_fail "distance=10,20;30,10: not in zonelists"
	fi
	smm_unload
else
	ktap_test_fail "insmod distance=10,20;30,10 failed"
fi

# --- fake nodes ------------------------------------------------------------------
if smm_load nodes=4; then
	sed 's/^/# /' "$SMM_DEBUGFS/zonelists"
	if grep -q '^node 1 fallback: 1(10) 2(20) 3(20) 0(20) ' "$SMM_DEBUGFS/zonelists" &&
	   [ -f "$SMM_DEBUGFS/node3/numastat" ] &&
	   [ "$(tail -n 1 "$SMM_DEBUGFS/check")" = "OK" ]; then
		ktap_test_pass "nodes=4: four fake nodes, ties spread, check OK"
	else
		ktap_test_fail "nodes=4: unexpected zonelists or check"
	fi
	smm_unload
else
	ktap_test_fail "insmod nodes=4 failed"
fi
# Four fake nodes, an asymmetric matrix: node 0's nearest is node 2 (15),
# then 1 (25), then 3 (35); node 2 sees node 0 at 30, not 15.
FAKE4="10,25,15,35;25,10,35,15;30,35,10,25;35,15,25,10"
if smm_load nodes=4 "distance=$FAKE4"; then
	sed 's/^/# /' "$SMM_DEBUGFS/zonelists"
	if grep -q '^node 0 fallback: 0(10) 2(15) 1(25) 3(35) ' "$SMM_DEBUGFS/zonelists" &&
	   grep -q '^node 2 fallback: 2(10) 3(25) 0(30) 1(35) ' "$SMM_DEBUGFS/zonelists"; then
		ktap_test_pass "nodes=4 asymmetric: node 0 falls back 2, 1, 3; node 2 sees 0 at 30"
	else
		ktap_test_fail "nodes=4 asymmetric: unexpected zonelists"
	fi
	# exhaust node 0 without falling back, then ask node 0 again
	smm_ctl "alloc order=0 count=100000 nid=0 gfp=kernel|thisnode tag=fill" 2>/dev/null
	smm_ctl "alloc order=0 nid=0 gfp=kernel tag=next"
	node=$(last_node)
	if [ "$node" = "2" ] && [ "$(nstat 2 numa_miss)" -ge 1 ] &&
	   [ "$(nstat 0 numa_foreign)" -ge 1 ]; then
		ktap_test_pass "node 0 exhausted: the next page comes from the nearest node, 2"
	else
		ktap_test_fail "node 0 exhausted: next page on node '$node'"
	fi
	smm_ctl "free all"
	smm_unload
else
	ktap_test_fail "insmod nodes=4 distance=$FAKE4 failed"
	ktap_test_fail "nodes=4 asymmetric fallback (not loaded)"
fi
dmesg -c >/dev/null
if smm_load nodes=4 "distance=10,20;20,10" 2>/dev/null; then
	ktap_test_fail "nodes=4 with a 2x2 distance= loaded"
	smm_unload
elif dmesg | grep -q "shadowmm: invalid distance=10,20;20,10: a row has fewer values"; then
	ktap_test_pass "nodes=4 with a 2x2 distance= is refused"
else
	ktap_test_fail "nodes=4 with a 2x2 distance=: no message"
	dmesg | grep shadowmm | sed 's/^/# /'
fi

ktap_finished
