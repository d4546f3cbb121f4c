#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ctl bench (src/kernel/bench.c), tiny: no timing is judged here, only
# that a run reports and leaves the shadow as it found it.
#  - bench order=0 and order=3, reps=7: the bench view has a line each,
#    with reps=7 and nonzero host and shadow figures, and a dmesg line;
#  - every page is freed: buddyinfo (pcp lists drained) is what it was,
#    and check passes;
#  - cpus=N (every CPU) reports one line, with the scaling of each of
#    the 7 repetitions when N > 1, and balances the same; one CPU more is
#    refused naming the CPU it lacks;
#  - slab=64 reports a line with slab=64 and both figures, and leaves no
#    smm_bench cache in the shadow's slabinfo, check passing;
#  - mirror=on mirrors every host allocation of its loops (7 x loops + 1
#    warm-up), misses none, and leaves buddyinfo and check as before;
#  - bad arguments fail with EINVAL, add no result, change nothing;
#  - with the mirror on, bench fails with EBUSY.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header
smm_load || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"

BAD='
bench
bench order=11
bench order=0 reps=6
bench order=0 reps=32
bench order=0 loops=0
bench order=0 batch=0
bench order=0 gfp=atomic
bench order=0 cpu=4095
bench order=10 batch=5
bench order=0 cpus=65
bench order=0 colour=blue
bench slab=4
bench order=0 slab=64
bench order=0 mirror=yes
bench order=0 mirror=on cpus=2
bench slab=64 mirror=on'

ktap_set_plan $(($(echo "$BAD" | grep -c .) + 11))

# A word's value in a "key=value ..." line.
field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

boot0=$(smm_buddyinfo_drained)

for order in 0 3; do
	dmesg -c >/dev/null
	err=$(smm_ctl "bench order=$order reps=7 loops=200" 2>&1) && rc=0 || rc=$?
	line=$(grep "^order=$order batch=1 zero=0 reps=7 " "$SMM_DEBUGFS/bench" | tail -n 1)
	h=$(field "$line" host_ns_med)
	s=$(field "$line" shadow_ns_med)
	r=$(field "$line" ratio_med)
	hl=$(field "$line" host_ns)
	if [ "$rc" -eq 0 ] && [ "${h:-0}" -gt 0 ] && [ "${s:-0}" -gt 0 ] &&
	   [ "${r:-0}" -gt 0 ] && [ "$(echo "$hl" | tr ',' '\n' | grep -c '^[1-9]')" -eq 7 ] &&
	   dmesg | grep -q "shadowmm: bench: order=$order batch=1 zero=0 reps=7 "; then
		ktap_test_pass "bench order=$order: host $h ns, shadow $s ns a pair, ratio $r/1000"
	else
		ktap_test_fail "bench order=$order: rc=$rc $err; view: '$line'"
	fi
done

after=$(smm_buddyinfo_drained)
if [ "$after" = "$boot0" ]; then
	ktap_test_pass "buddyinfo after bench equals buddyinfo before"
else
	ktap_test_fail "buddyinfo differs after bench"
	echo "# before:"; echo "$boot0" | sed 's/^/#   /'
	echo "# after:"; echo "$after" | sed 's/^/#   /'
fi
if smm_check_ok; then
	ktap_test_pass "check OK after bench"
else
	ktap_test_fail "check: $(tail -n 3 "$SMM_DEBUGFS/check")"
fi

# The batch shape: 16 at a time, and the same balance.
if smm_ctl "bench order=0 reps=7 loops=20 batch=16 gfp=zero" &&
   grep -q "^order=0 batch=16 zero=1 reps=7 " "$SMM_DEBUGFS/bench" &&
   [ "$(smm_buddyinfo_drained)" = "$boot0" ] && smm_check_ok; then
	ktap_test_pass "bench batch=16 gfp=zero: reported, buddyinfo and check as before"
else
	ktap_test_fail "bench batch=16 gfp=zero"
fi

# Every CPU at once: one line with cpus=N and the same balance; one CPU
# more than there are is refused, naming the CPU missing.
ncpu=$(grep -c '^processor' /proc/cpuinfo)
dmesg -c >/dev/null
if smm_ctl "bench order=0 reps=7 loops=50 cpus=$ncpu" &&
   line=$(grep "^order=0 batch=1 zero=0 reps=7 loops=50 cpu=0 cpus=$ncpu " "$SMM_DEBUGFS/bench") &&
   { [ "$ncpu" -eq 1 ] || { [ "$(field "$line" host_scale_med)" -gt 0 ] &&
     [ "$(field "$line" shadow_scale_med)" -gt 0 ] &&
     [ "$(field "$line" scale | tr ',' '\n' | grep -c '^[1-9]')" -eq 7 ]; }; } &&
   [ "$(smm_buddyinfo_drained)" = "$boot0" ] && smm_check_ok &&
   ! smm_ctl "bench order=0 reps=7 loops=50 cpus=$((ncpu + 1))" 2>/dev/null &&
   dmesg | grep -q "bench cpus=$((ncpu + 1)) from cpu=0 needs CPU $ncpu, which is not online"; then
	ktap_test_pass "bench cpus=$ncpu: reported, buddyinfo and check as before; cpus=$((ncpu + 1)) refused"
else
	ktap_test_fail "bench cpus=$ncpu: $(dmesg | grep 'shadowmm: ' | tail -n 2)"
fi

view0=$(cat "$SMM_DEBUGFS/bench")
while read -r cmd; do
	[ -n "$cmd" ] || continue
	err=$(smm_ctl "$cmd" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq 0 ]; then
		ktap_test_fail "'$cmd' was accepted"
	elif ! echo "$err" | grep -q "Invalid argument"; then
		ktap_test_fail "'$cmd' failed but not with EINVAL: $err"
	elif [ "$(cat "$SMM_DEBUGFS/bench")" != "$view0" ] ||
	     [ "$(smm_buddyinfo_drained)" != "$boot0" ]; then
		ktap_test_fail "'$cmd' changed the bench view or buddyinfo"
	else
		ktap_test_pass "'$cmd' -> EINVAL, nothing changed"
	fi
done <<EOF_BAD
$BAD
EOF_BAD

# Objects: a host cache and a shadow one of 64-byte objects, both gone
# after. (The shadow's kmem_cache cache may keep a slab it grew for the
# new cache's struct, as v6.1's keeps min_partial slabs: buddyinfo is
# not compared across it.)
if smm_ctl "bench slab=64 reps=7 loops=100 batch=4" &&
   line=$(grep "^order=0 batch=4 zero=0 reps=7 loops=100 .* slab=64 mirror=0 " "$SMM_DEBUGFS/bench") &&
   [ "$(field "$line" host_ns_med)" -gt 0 ] && [ "$(field "$line" shadow_ns_med)" -gt 0 ] &&
   ! grep -q '^smm_bench ' "$SMM_DEBUGFS/slabinfo" && smm_check_ok; then
	ktap_test_pass "bench slab=64: host $(field "$line" host_ns_med) ns, shadow $(field "$line" shadow_ns_med) ns a pair; no cache left, check OK"
else
	ktap_test_fail "bench slab=64: '${line:-no line}' $(dmesg | grep 'shadowmm: ' | tail -n 2)"
fi

# The mirror's cost: every allocation of the loops mirrored, none missed.
boot1=$(smm_buddyinfo_drained)
if smm_ctl "bench order=0 reps=7 loops=50 mirror=on" &&
   line=$(grep "^order=0 batch=1 zero=0 reps=7 loops=50 .* mirror=1 " "$SMM_DEBUGFS/bench") &&
   [ "$(field "$line" mirrored)" -eq $((7 * 50 + 1)) ] &&
   [ "$(field "$line" mirror_missed)" -eq 0 ] &&
   [ "$(smm_buddyinfo_drained)" = "$boot1" ] && smm_check_ok; then
	ktap_test_pass "bench mirror=on: 351 allocations mirrored, none missed, ratio $(field "$line" ratio_med)/1000; buddyinfo and check as before"
else
	ktap_test_fail "bench mirror=on: '${line:-no line}' $(dmesg | grep 'shadowmm: ' | tail -n 2)"
fi

# The view: root only, and no addresses in it.
mode=$(stat -c %a "$SMM_DEBUGFS/bench")
if [ "$mode" = 400 ] && ! grep -Eq '0x|[0-9a-f]{16}' "$SMM_DEBUGFS/bench"; then
	ktap_test_pass "bench view: mode 400, no addresses"
else
	ktap_test_fail "bench view: mode $mode or an address in it"
fi

# The mirror owns the shadow: bench waits.
if smm_ctl "mirror on"; then
	err=$(smm_ctl "bench order=0 loops=10" 2>&1) && rc=0 || rc=$?
	smm_ctl "mirror off"
	if [ "$rc" -ne 0 ] && echo "$err" | grep -q "busy"; then
		ktap_test_pass "bench with the mirror on -> EBUSY"
	else
		ktap_test_fail "bench with the mirror on: rc=$rc $err"
	fi
else
	ktap_test_skip "mirror on failed"
fi

if smm_unload; then
	ktap_test_pass "rmmod after bench"
else
	ktap_test_fail "rmmod after bench"
fi

ktap_finished
