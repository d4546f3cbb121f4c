#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every zone of every node driven to ENOMEM and back, at orders 0, 3 and
# the largest (MAX_ORDER - 1):
#  - a node's zones are filled from the bottom up with `alloc ... gfp=Z|thisnode`
#    (dma, then dma32, kernel and movable, each of which may also take the
#    zones below it): each fill ends with ENOMEM, its dmesg line says how
#    many it got, and alloc_hist's failure count for the order grows by
#    exactly one;
#  - the failure is traced (shadowmm:alloc_pages with pfn ~0);
#  - with every zone exhausted `check` is OK;
#  - `free tag=` + `drain` give back the boot buddyinfo exactly.
# What the fills hold comes from the shadow's region; the held records
# themselves are host kzalloc()s (src/held.c), so host free
# memory is not compared here (shadowmm_load.sh does, around rmmod).

DIR=$(dirname "$0")
. "$DIR/lib.sh"

TR=/sys/kernel/tracing
EV=$TR/events/shadowmm/alloc_pages

ktap_print_header
smm_load slab=0 || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"

# "NID ZONE" a line, as buddyinfo lists them
zones=$(awk '{ sub(",", "", $2); print $2, $4 }' "$SMM_DEBUGFS/buddyinfo")
nzones=$(echo "$zones" | wc -l)
nnodes=$(smm_nodes | wc -l)
max_order=$(awk '$1 == "order" { print $NF; exit }' "$SMM_DEBUGFS/alloc_hist")
ORDERS="0 3 $max_order"
# a fill a zone, a held>0 case a node, and three cases an order
ktap_set_plan $((3 * (nzones + nnodes + 3)))

# alloc_hist's failure count for order $1
fails() {
	awk -v o="$1" '/^alloc_fail/ { f = 1 } f && $1 == "count" { print $(2 + o) }' \
		"$SMM_DEBUGFS/alloc_hist"
}

held() {
	grep -c "^tag ex " "$SMM_DEBUGFS/allocations"
}

gfp_of() {
	case $1 in
	DMA) echo dma ;;
	DMA32) echo dma32 ;;
	Normal) echo kernel ;;
	Movable) echo movable ;;
	esac
}

boot0=$(smm_buddyinfo_drained)

for o in $ORDERS; do
	traced=0
	for nid in $(smm_nodes); do
		before_node=$(held)
		for z in $(echo "$zones" | awk -v n="$nid" '$1 == n { print $2 }'); do
			gfp=$(gfp_of "$z")
			f0=$(fails "$o")
			h0=$(held)
			# trace the last fill of the first node
			last=0
			[ "$z" = Movable ] && [ $traced = 0 ] && last=1
			if [ $last = 1 ]; then
				echo >"$TR/trace"
				echo 1 >"$EV/enable"
			fi
			smm_dmesg_mark "exhaust order $o node $nid $z"
			err=$(smm_ctl "alloc order=$o count=1048576 nid=$nid gfp=$gfp|thisnode tag=ex" 2>&1) &&
				rc=0 || rc=$?
			if [ $last = 1 ]; then
				echo 0 >"$EV/enable"
				if grep -q "alloc_pages: .*order=$o .*nid=$nid .*pfn=0xffffffffffffffff" "$TR/trace"; then
					traced=1
				else
					traced=2
					grep alloc_pages "$TR/trace" | tail -n 3 | sed 's/^/# trace: /'
				fi
			fi
			got=$(($(held) - h0))
			line=$(dmesg | sed -n "/shadowmm-selftest: exhaust order $o node $nid $z\$/,\$p" |
				sed -n "s/.*shadowmm: ctl: alloc order=$o: \([0-9]*\) of 1048576 allocated (tag ex)$/\1/p" | tail -n 1)
			f1=$(fails "$o")
			if [ "$rc" -ne 0 ] && echo "$err" | grep -q "memory" &&
			   [ "$line" = "$got" ] && [ "$f1" -eq $((f0 + 1)) ]; then
				ktap_test_pass "order $o node $nid $z ($gfp|thisnode): ENOMEM after $got, one failure counted"
			else
				ktap_test_fail "order $o node $nid $z: rc=$rc got=$got dmesg='$line' fails $f0 -> $f1 ($err)"
			fi
		done
		total=$(($(held) - before_node))
		if [ "$total" -gt 0 ]; then
			ktap_test_pass "order $o node $nid: its zones gave $total block(s) before failing"
		else
			ktap_test_fail "order $o node $nid: no block at all"
		fi
	done
	if [ $traced = 1 ]; then
		ktap_test_pass "order $o: the failure is traced (alloc_pages pfn=0xffffffffffffffff)"
	else
		ktap_test_fail "order $o: no alloc_pages failure in the trace ($traced)"
	fi
	if smm_check_ok; then
		ktap_test_pass "order $o: check OK with every zone exhausted"
	else
		ktap_test_fail "order $o: check with every zone exhausted"
		head -n 5 "$SMM_DEBUGFS/check" | sed 's/^/# /'
	fi
	smm_ctl "free tag=ex"
	if [ "$(smm_buddyinfo_drained)" = "$boot0" ]; then
		ktap_test_pass "order $o: free + drain restore the boot buddyinfo"
	else
		ktap_test_fail "order $o: buddyinfo differs after free + drain"
		smm_buddyinfo_drained | sed 's/^/# /'
	fi
done

smm_unload
ktap_finished
