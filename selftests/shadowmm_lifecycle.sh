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
#    warm-up load; with page_owner (the debug lane), instead, every
#    cycle's rmmod leaves no page of its region allocated;
#  - dmesg has no splat;
#  - what lib.sh does for the kernel's kselftest runner, which neither
#    unloads a module a test left loaded nor lets a timed-out test finish:
#    a shadowmm_*.sh script sourcing lib.sh on a loaded module unloads it
#    first, and one terminated with SIGTERM to its process group (the
#    runner's timeout) unloads the module it loaded.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

CYCLES=${SMM_LIFECYCLE_CYCLES:-28}
case $CYCLES in
'' | *[!0-9]*) ktap_skip_all "SMM_LIFECYCLE_CYCLES='$CYCLES' is not a count" ;;
esac

ktap_print_header
smm_require_module

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

ktap_set_plan $((CYCLES + 4))

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
	if smm_page_owner_on; then
		_chunks=$(smm_region_chunks)
		_t=$(smm_mark_ns "lifecycle: rmmod")
	fi
	smm_unload || echo "rmmod failed"
	! smm_loaded || echo "still loaded after rmmod"
	if smm_page_owner_on; then
		_held=$(smm_region_held "$_t" "$_chunks" | tail -n 1)
		echo "$_held" >>"$HELD"
		[ "$_held" = 0 ] ||
			echo "page_owner: $_held pages of the region still allocated after rmmod"
	fi
}

smm_dmesg_mark "lifecycle start"
# page_owner's count a cycle (the warm-up's too), one a line
HELD=/tmp/smm-lifecycle-held.$$
: >"$HELD"
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
if smm_page_owner_on; then
	# exact there, a cycle at a time (MemFree drifts there: lib.sh)
	bad=$(grep -cvx 0 "$HELD")
	if [ "$(wc -l <"$HELD")" -eq $((CYCLES + 1)) ] && [ "$bad" -eq 0 ]; then
		ktap_test_pass "$CYCLES cycles: page_owner: every region page freed at its cycle's rmmod"
	else
		ktap_test_fail "$CYCLES cycles: page_owner: $bad of $(wc -l <"$HELD") rmmods left region pages allocated"
	fi
elif [ "$diff" -le 1024 ]; then
	ktap_test_pass "$CYCLES cycles: host free memory back within 1 MiB ($diff kB short)"
else
	ktap_test_fail "$CYCLES cycles: host free memory $diff kB short"
fi
rm -f "$HELD"
bad=$(dmesg | sed -n '/shadowmm-selftest: lifecycle start$/,$p' | grep -E 'BUG:|WARNING:|Oops|Call Trace|KASAN|UBSAN|general protection' | head -n 3)
if [ -z "$bad" ]; then
	ktap_test_pass "no splat in dmesg over the cycles"
else
	ktap_test_fail "dmesg: $bad"
fi

# Two stand-ins for a test, named as tests are, sourcing this lib.sh.
probe=/tmp/smm-lc-probe
rm -rf "$probe"
mkdir -p "$probe"
lib=$(cd "$DIR" && pwd)/lib.sh
printf '#!/bin/sh\n. %s\nsmm_loaded && echo loaded || echo unloaded\n' \
	"$lib" >"$probe/shadowmm_start.sh"
printf '#!/bin/sh\n. %s\nsmm_load region=pages || exit 9\n: >%s/ready\nsleep 60\nexit 0\n' \
	"$lib" "$probe" >"$probe/shadowmm_term.sh"
chmod 755 "$probe"/*.sh

smm_load region=pages
out=$("$probe/shadowmm_start.sh")
if [ "$(echo "$out" | tail -n 1)" = unloaded ] && ! smm_loaded &&
	echo "$out" | grep -q '^# shadowmm was left loaded'; then
	ktap_test_pass "a test started on a loaded module unloads it first"
else
	ktap_test_fail "a test started on a loaded module unloads it first" \
		"the test said '$(echo "$out" | tr '\n' ';')', loaded after: $(smm_loaded && echo yes || echo no)"
fi
smm_unload

setsid "$probe/shadowmm_term.sh" >"$probe/out" 2>&1 &
pid=$!
i=0
while [ ! -e "$probe/ready" ] && [ "$i" -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
was=$(smm_loaded && echo yes || echo no)
kill -TERM -"$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ "$was" = yes ] && [ "$rc" -eq 143 ] && ! smm_loaded; then
	ktap_test_pass "a test terminated by SIGTERM unloads the module it loaded"
else
	sed 's/^/# /' "$probe/out"
	ktap_test_fail "a test terminated by SIGTERM unloads the module it loaded" \
		"loaded before: $was, exit $rc, loaded after: $(smm_loaded && echo yes || echo no)"
fi
smm_unload
rm -rf "$probe"

ktap_finished
