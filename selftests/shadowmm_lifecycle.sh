#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# insmod/rmmod cycles with varied parameters (every backend this kernel
# serves, node counts, sizes, verify, zone layouts, memory models, slab on
# and off, upto=memmap), SMM_LIFECYCLE_CYCLES of them (default 28: each
# parameter set twice; `make vm-test TESTS=lifecycle` with the variable
# on the kernel command line, e.g. --append SMM_LIFECYCLE_CYCLES=100, for
# a long run):
#  - every insmod succeeds, `check` is OK (with a buddy allocator), an
#    alloc/free round trips, every rmmod succeeds;
#  - the host's free memory, measured as the allocator sees it (MemFree
#    with the vmstat deltas folded, plus the pages on the host's per-cpu
#    lists, which NR_FREE_PAGES does not count: smm_free_kb in lib.sh), is
#    back within 1 MiB after the last cycle of where it was after a
#    warm-up load;
#  - dmesg has no splat.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

CYCLES=${SMM_LIFECYCLE_CYCLES:-28}
case $CYCLES in
'' | *[!0-9]*) ktap_skip_all "SMM_LIFECYCLE_CYCLES='$CYCLES' is not a count" ;;
esac

ktap_print_header
smm_require_module
smm_loaded && smm_unload

# The parameter sets, one a line; cycle i loads set i mod N. Each is one
# this guest layout (2 nodes x 512M, movablecore=256M) must load.
SETS="region=contig
region=pages
region=contig memory_model=sparsemem
region=pages memory_model=sparsemem section_size=8M
region=contig zone_layout=real
region=pages nodes=4
region=contig verify=1
region=pages size=64M verify=1
region=pages slab=0 rmqueue_trace_size=0
region=contig upto=memmap
region=pages size=8M min_free_kbytes=128
region=contig nodes=1
region=pages mirror_entries=16 mirror_log_entries=0 memblock_debug=1
region=pages nodes=2 distance=10,30;30,10 zone_layout=real"
if [ -n "$(ls /sys/kernel/mm/cma /sys/kernel/debug/cma 2>/dev/null)" ]; then
	SETS="$SETS
region=cma size=8M"
fi
NSETS=$(echo "$SETS" | wc -l)

ktap_set_plan $((CYCLES + 2))

# one cycle: insmod with $1, exercise, rmmod; prints what went wrong
cycle() {
	# insmod itself, not smm_load: a lane's SMM_DEFAULT_PARAMS would
	# change the sets, which cover the models and backends themselves
	# shellcheck disable=SC2086 # the set is words
	if ! insmod "$SMM_KO" $1 2>&1; then
		echo "insmod failed"
		return
	fi
	# upto=memmap: no buddy allocator, its views are empty
	if [ -s "$SMM_DEBUGFS/buddyinfo" ]; then
		[ "$(tail -n 1 "$SMM_DEBUGFS/check")" = OK ] ||
			echo "check: $(tail -n 1 "$SMM_DEBUGFS/check")"
		smm_ctl "alloc order=3 count=16 tag=lc" || echo "alloc failed"
		[ "$(grep -c '^tag lc ' "$SMM_DEBUGFS/allocations")" -eq 16 ] ||
			echo "allocations lacks the 16 blocks"
		smm_ctl "free tag=lc" || echo "free failed"
	fi
	smm_unload || echo "rmmod failed"
	! smm_loaded || echo "still loaded after rmmod"
}

smm_dmesg_mark "lifecycle start"
# The baseline after one warm-up load: the first load in a boot grows
# caches that stay (slabs of the sysfs/debugfs objects, ~300 kB on 6.1),
# whichever test loads first; what is measured is what the cycles lose.
warm=$(cycle "$(echo "$SETS" | sed -n 1p)")
[ -z "$warm" ] || echo "# warm-up load: $warm"
before=$(smm_free_kb)
i=0
while [ $i -lt "$CYCLES" ]; do
	set_=$(echo "$SETS" | sed -n "$((i % NSETS + 1))p")
	what=$(cycle "$set_")
	if [ -z "$what" ]; then
		ktap_test_pass "cycle $((i + 1)): $set_"
	else
		ktap_test_fail "cycle $((i + 1)): $set_: $(echo "$what" | tr '\n' ';')"
	fi
	i=$((i + 1))
done
after=$(smm_free_kb)
diff=$((before - after))
echo "# free (MemFree + per-cpu lists) before $before kB, after $after kB"
if [ "$diff" -le 1024 ]; then
	ktap_test_pass "$CYCLES cycles: host free memory back within 1 MiB ($diff kB short)"
else
	ktap_test_fail "$CYCLES cycles: host free memory $diff kB short"
fi
bad=$(dmesg | sed -n '/shadowmm-selftest: lifecycle start$/,$p' | grep -E 'BUG:|WARNING:|Oops|Call Trace|KASAN|UBSAN|general protection' | head -n 3)
if [ -z "$bad" ]; then
	ktap_test_pass "no splat in dmesg over the cycles"
else
	ktap_test_fail "dmesg: $bad"
fi

ktap_finished
