#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The slab layer (stage 3) in the guest:
#  - rmmod with objects held gives every page back (as shadowmm_load.sh
#    measures it: exactly, with page_owner, else MemFree; first, before
#    bpftrace has run);
#  - slabinfo parses as /proc/slabinfo 2.1 and lists every kmalloc cache;
#  - the shadow's kmalloc-<size> caches beside the guest kernel's own
#    /sys/kernel/slab/kmalloc-<size>: same CPU count and page size, so the
#    same order and objs_per_slab (the real SLUB is the reference). Only
#    KMALLOC_NORMAL caches are compared: kmalloc-rcl-* (and dma-, cg-)
#    are mergeable and show up as aliases of other caches; a cache whose
#    slab_size differs from its object_size (slub_debug metadata) is
#    skipped with the reason;
#  - cache create / alloc / destroy: EBUSY and "Objects remaining" while
#    objects are held, the slab/<cache>/ directory comes and goes;
#  - memblock alloc after slab: kzalloc_node, the object in slabinfo;
#  - check passes with objects held on both nodes;
#  - slab-orders.bt shows allocate_slab with the rmqueue that served it
#    (before the stress run, which leaves partial slabs behind);
#  - ctl stress on every vCPU at once kmallocs and kfrees through one
#    shared pool (objects freed on other CPUs), contents verified;
#  - cache shrink all frees the empty slabs the stress left cached, their
#    pages back in the buddy, as many as slabinfo lost.

DIR=$(dirname "$0")
. "$DIR/lib.sh"


KMALLOC_SIZES="8 16 32 64 96 128 192 256 512 1k 2k 4k 8k"

ktap_print_header
smm_unload
before=$(smm_free_kb)
smm_load || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
ktap_set_plan 16

# --- rmmod with objects held ------------------------------------------------
smm_ctl "kmalloc size=2048 count=500 tag=hold" &&
	smm_ctl "kmalloc size=20000 count=20 tag=hold" &&
	smm_ctl "cache create name=held size=300" &&
	smm_ctl "cache alloc name=held count=300 tag=hold"
rc=$?
if smm_page_owner_on; then
	chunks=$(smm_region_chunks)
	t_rmmod=$(smm_mark_ns "slab: rmmod with objects held")
fi
if smm_unload && [ "$rc" -eq 0 ]; then
	after=$(smm_free_kb)
	diff=$((before - after))
	echo "# free before insmod $before kB, after rmmod $after kB"
	if smm_page_owner_on; then
		# exact where page_owner says (MemFree drifts there: lib.sh)
		smm_gave_back_exactly "rmmod with objects held" "$t_rmmod" "$chunks"
	elif [ "$diff" -le 1024 ]; then
		ktap_test_pass "rmmod with objects held: MemFree restored within 1 MiB ($diff kB short)"
	else
		ktap_test_fail "rmmod with objects held: MemFree $diff kB short"
	fi
else
	ktap_test_fail "rmmod with objects held (ctl rc=$rc)"
fi
smm_load || ktap_exit_fail_msg "reload failed"

# --- slabinfo ------------------------------------------------------------------
SI=/tmp/smm-slabinfo.$$
smm_read slabinfo >"$SI"
if [ "$(head -n 1 "$SI")" = "slabinfo - version: 2.1" ] &&
	sed -n 2p "$SI" | grep -q '^# name .*<active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>$' &&
	awk 'NR > 2 && (NF != 16 || $7 != ":" || $8 != "tunables" ||
		$9 != 0 || $10 != 0 || $11 != 0 || $12 != ":" ||
		$13 != "slabdata") { bad = 1 } END { exit bad }' "$SI"; then
	ktap_test_pass "slabinfo: version 2.1 header, 16 fields a line, tunables 0 0 0"
else
	ktap_test_fail "slabinfo format"
	head -n 5 "$SI" | sed 's/^/# /'
fi
missing=""
for sz in $KMALLOC_SIZES; do
	grep -q "^kmalloc-$sz " "$SI" || missing="$missing kmalloc-$sz"
	grep -q "^kmalloc-rcl-$sz " "$SI" || missing="$missing kmalloc-rcl-$sz"
done
for c in kmem_cache kmem_cache_node; do
	grep -q "^$c " "$SI" || missing="$missing $c"
done
if [ -z "$missing" ]; then
	ktap_test_pass "slabinfo lists kmem_cache, kmem_cache_node and the 26 kmalloc caches"
else
	ktap_test_fail "slabinfo lacks:$missing"
fi

# --- against the real SLUB -------------------------------------------------------
matched=0
compared=""
debug_meta=""
mism=""
for sz in $KMALLOC_SIZES; do
	c=kmalloc-$sz
	k=/sys/kernel/slab/$c
	s=$SMM_DEBUGFS/slab/$c
	if [ ! -r "$k/order" ]; then
		echo "# $c: the guest kernel has no $k: skipped"
		continue
	fi
	kobj=$(cat "$k/object_size"); kss=$(cat "$k/slab_size")
	if [ "$kobj" != "$kss" ]; then
		echo "# $c: the kernel's slab_size $kss != object_size $kobj (debug metadata): skipped"
		debug_meta="$debug_meta $sz"
		continue
	fi
	ko=$(cat "$k/order"); kn=$(cat "$k/objs_per_slab")
	so=$(cat "$s/order"); sn=$(cat "$s/objs_per_slab")
	sobj=$(cat "$s/object_size"); sss=$(cat "$s/slab_size")
	echo "# $c: kernel order $ko objs $kn size $kss; shadow order $so objs $sn size $sss"
	if [ "$ko" = "$so" ] && [ "$kn" = "$sn" ] && [ "$kobj" = "$sobj" ] &&
		[ "$kss" = "$sss" ]; then
		matched=$((matched + 1))
	else
		mism="$mism $c"
	fi
	compared="$compared $sz"
done
echo "# compared:$compared"
if [ -z "$compared" ] && [ -n "$debug_meta" ]; then
	# a KASAN or slub_debug kernel (the debug lane): its sizes are not SLUB's plain ones
	ktap_test_skip "kmalloc caches: every kmalloc cache of this kernel carries debug metadata ($debug_meta): none comparable"
elif [ "$matched" -gt 0 ] && [ -z "$mism" ]; then
	ktap_test_pass "kmalloc caches: order and objs_per_slab match the real SLUB for $matched sizes"
else
	ktap_test_fail "kmalloc caches differ from the real SLUB:$mism (matched $matched)"
fi
# the other attributes in sysfs formats
a=$SMM_DEBUGFS/slab/kmalloc-64
if [ "$(cat "$a/min_partial")" = 5 ] && [ "$(cat "$a/align")" = 64 ] &&
	[ "$(cat "$a/cache_dma")" = 0 ] &&
	[ "$(cat "$SMM_DEBUGFS/slab/kmalloc-rcl-64/reclaim_account")" = 1 ] &&
	grep -Eq '^[0-9]+( N[0-9]+=[0-9]+)*$' "$a/total_objects"; then
	ktap_test_pass "slab/kmalloc-64: min_partial, align, cache_dma, reclaim_account, total_objects as sysfs prints them"
else
	ktap_test_fail "slab/kmalloc-64 attributes"
	for f in min_partial align cache_dma total_objects; do
		echo "# $f: $(cat "$a/$f")"
	done
fi

# --- caches come and go -------------------------------------------------------------
smm_ctl "cache create name=smm_test size=200 align=64 flags=hwcache"
if [ -d "$SMM_DEBUGFS/slab/smm_test" ] &&
	[ "$(cat "$SMM_DEBUGFS/slab/smm_test/slab_size")" = 256 ]; then
	ktap_test_pass "cache create: slab/smm_test appears, slab_size 256"
else
	ktap_test_fail "cache create: no slab/smm_test or wrong slab_size"
fi
for n in $(smm_nodes); do
	smm_ctl "cache alloc name=smm_test count=100 nid=$n tag=t$n"
	smm_ctl "kmalloc size=700 count=50 nid=$n tag=k$n"
done
if smm_check_ok; then
	ktap_test_pass "check OK with objects held on every node"
else
	ktap_test_fail "check with objects held"
	head -n 5 "$SMM_DEBUGFS/check" | sed 's/^/# /'
fi
dmesg -c >/dev/null
if ! smm_ctl "cache destroy name=smm_test" 2>/dev/null &&
	dmesg | grep -q "Objects remaining in smm_test" &&
	[ -d "$SMM_DEBUGFS/slab/smm_test" ]; then
	ktap_test_pass "cache destroy with objects: refused, 'Objects remaining' logged, cache kept"
else
	ktap_test_fail "cache destroy with objects"
	dmesg | tail -n 3 | sed 's/^/# /'
fi
for n in $(smm_nodes); do
	smm_ctl "cache free tag=t$n"
	smm_ctl "kfree tag=k$n"
done
if smm_ctl "cache destroy name=smm_test" && [ ! -e "$SMM_DEBUGFS/slab/smm_test" ]; then
	ktap_test_pass "cache destroy after the frees: slab/smm_test gone"
else
	ktap_test_fail "cache destroy after the frees"
fi
if ! smm_ctl "kmalloc size=0" 2>/dev/null && ! smm_ctl "cache create name=x size=8 flags=bogus" 2>/dev/null &&
	! smm_ctl "cache destroy name=kmalloc-64" 2>/dev/null; then
	ktap_test_pass "ctl rejects kmalloc size=0, bad flags, destroying a kmalloc cache"
else
	ktap_test_fail "ctl accepted a bad slab command"
fi

# --- memblock after slab (seed 000) ------------------------------------------------
dmesg -c >/dev/null
before4k=$(awk '$1 == "kmalloc-4k" { print $2 }' "$SMM_DEBUGFS/slabinfo")
if smm_ctl "memblock alloc size=3000 nid=$(smm_nodes | head -n 1)" &&
	dmesg | grep -q "memblock_alloc_internal: slab is available" &&
	grep -q "^tag memblock cache kmalloc-4k " "$SMM_DEBUGFS/slab_objects"; then
	ktap_test_pass "memblock alloc after slab: kzalloc_node, held in kmalloc-4k (active was $before4k)"
else
	ktap_test_fail "memblock alloc after slab"
	dmesg | tail -n 3 | sed 's/^/# /'
fi
if smm_ctl "kfree tag=memblock" && ! smm_ctl "memblock reserve base=0 size=4096" 2>/dev/null; then
	ktap_test_pass "kfree tag=memblock; memblock reserve stays refused"
else
	ktap_test_fail "kfree tag=memblock / memblock reserve"
fi

# --- slab-orders.bt -------------------------------------------------------------------
OUT=/tmp/smm-slab-bt.$$
if ! command -v bpftrace >/dev/null 2>&1; then
	ktap_test_skip "slab-orders.bt" "no bpftrace"
elif smm_bpftrace_start "$SMM_BPFTRACE_DIR/slab-orders.bt" "$OUT"; then
	smm_ctl "cache create name=seed001 size=2000"
	smm_ctl "cache alloc name=seed001 count=40 tag=bt"
	smm_ctl "kmalloc size=8000 count=8 tag=bt8"
	smm_bpftrace_stop
	sed 's/^/# /' "$OUT"
	# seed001: 2000 -> 2000 bytes, 16 a slab at order 3
	if grep -Eq '^@slab\[seed001, 3, 3, [01], -?[0-9]+\]: [0-9]+' "$OUT" &&
		grep -Eq '^@slab\[kmalloc-8k, 3, 3, [01], -?[0-9]+\]: [0-9]+' "$OUT"; then
		ktap_test_pass "slab-orders.bt: each new slab with its order and the rmqueue current_order"
	else
		ktap_test_fail "slab-orders.bt: no @slab[seed001, 3, 3, ...] / kmalloc-8k line"
	fi
	smm_ctl "cache free tag=bt"
	smm_ctl "kfree tag=bt8"
	smm_ctl "cache destroy name=seed001"
else
	ktap_test_fail "slab-orders.bt did not start"
fi

# --- both CPUs at once -------------------------------------------------------
dmesg -c >/dev/null
smm_ctl "stress ms=3000"
dmesg | grep "stress:" | sed 's/^/# /'
ncpu=$(grep -c '^processor' /proc/cpuinfo)
busy=$(dmesg | grep -Ec 'stress: cpu [0-9]+: slab [1-9][0-9]* kmalloc, [1-9][0-9]* kfree')
if dmesg | grep -Eq 'stress: slab [1-9][0-9]* kmalloc, [1-9][0-9]* kfree, [0-9]+ failed, 0 overwritten' &&
	[ "$busy" -eq "$ncpu" ] && smm_check_ok; then
	ktap_test_pass "stress: kmalloc/kfree on $busy CPUs through one shared pool, no object overwritten, check OK"
else
	ktap_test_fail "stress on $ncpu CPUs ($busy busy)"
	head -n 5 "$SMM_DEBUGFS/check" | sed 's/^/# /'
fi

# --- kmem_cache_shrink --------------------------------------------------------
# The stress run left empty slabs cached (min_partial a node, cpu partial
# lists): cache shrink all frees them, its dmesg count is the slabs
# slabinfo lost, the buddy gets exactly their pages back; a second
# shrink finds nothing.
# cache shrink all; prints the slabs its dmesg line says it freed
shrink_all() {
	dmesg -c >/dev/null
	smm_ctl "cache shrink all"
	dmesg | sed -n 's/.*ctl: cache shrink all: \([0-9]*\) slab(s) freed.*/\1/p'
}
sp=$(smm_slab_pages)
slabs0=${sp% *} spages0=${sp#* }
free0=$(smm_buddy_pages)
freed=$(shrink_all)
sp=$(smm_slab_pages)
slabs1=${sp% *} spages1=${sp#* }
free1=$(smm_buddy_pages)
again=$(shrink_all)
if [ -n "$freed" ] && [ "$freed" -gt 0 ] && [ $((slabs0 - slabs1)) = "$freed" ] &&
	[ $((free1 - free0)) = $((spages0 - spages1)) ] && [ "$again" = 0 ] && smm_check_ok; then
	ktap_test_pass "cache shrink all: $freed empty slab(s) freed, their $((spages0 - spages1)) page(s) back in the buddy, a second shrink frees 0"
else
	ktap_test_fail "cache shrink all" \
		"freed '$freed' (again '$again'), slabs $slabs0 -> $slabs1, slab pages $spages0 -> $spages1, free pages $free0 -> $free1"
fi

if smm_check_ok; then
	ktap_test_pass "check OK at the end"
else
	ktap_test_fail "check at the end"
	head -n 5 "$SMM_DEBUGFS/check" | sed 's/^/# /'
fi
rm -f "$SI" "$OUT"
smm_unload
ktap_finished
