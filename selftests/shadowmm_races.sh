#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# rmmod, reset and ctl writes racing with what holds the shadow: each
# either waits or fails cleanly, and nothing is touched after it is freed
# (on the debug lane KASAN would say so):
#  - a debugfs file held open pins the module: rmmod is refused and the
#    module stays; the open file still reads, rmmod succeeds once it is
#    closed;
#  - stress on every CPU: rmmod is refused (the writer holds ctl open);
#    reset and a ctl write from another shell fail with EBUSY and their
#    dmesg line; views read in a loop meanwhile all succeed; the run,
#    killed then, says it stopped, and check is OK and reset works after;
#  - the mirror on: rmmod detaches it (its "mirror: off" line) and unloads
#    while the host allocates (a dd loop), and the host goes on
#    allocating after;
#  - bpftrace attached to a shadowmm tracepoint: rmmod is refused while it
#    runs (the attached event holds the module), succeeds after;
#  - no splat in dmesg over the whole test.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header
smm_require_module
ktap_set_plan 8
smm_dmesg_mark "races start"

ncpu=$(grep -c '^processor' /proc/cpuinfo)

# the kernel log since mark $1 (smm_dmesg_mark)
since() {
	dmesg | sed -n "/shadowmm-selftest: $1\$/,\$p"
}

# rmmod refused with the module still there
rmmod_refused() {
	! rmmod shadowmm 2>/dev/null && smm_loaded
}

# --- a debugfs file held open ------------------------------------------------
smm_load || ktap_exit_fail_msg "insmod failed"
exec 3<"$SMM_DEBUGFS/buddyinfo"
if rmmod_refused; then
	refused=1
else
	refused=0
fi
held=$(cat <&3)
exec 3<&-
if [ "$refused" = 1 ] && [ -n "$held" ] && smm_unload && ! smm_loaded; then
	ktap_test_pass "rmmod with buddyinfo open: refused, the file read $(echo "$held" | wc -l) lines; unloaded once closed"
else
	ktap_test_fail "rmmod with buddyinfo open: refused=$refused, read '$(echo "$held" | head -n 1)', loaded=$(smm_loaded && echo yes || echo no)"
fi

# --- stress on every CPU ------------------------------------------------------
smm_load || ktap_exit_fail_msg "insmod failed"
# A minute's run, killed once the races are done: a short one could end
# before them on a slow or loaded guest (its deadline runs from the
# write), and then rmmod, reset and alloc would not race it at all.
smm_ctl "stress ms=60000" 2>/dev/null &
stress=$!
# until it has claimed the machine (drain is refused from then on)
i=0
while smm_ctl "drain" 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 200 ] || break
	sleep 0.02
done
smm_dmesg_mark "races stress"
rmmod_refused && r_rmmod=ok || r_rmmod=bad
err=$(smm_ctl "reset" 2>&1) && r_reset=accepted || r_reset=$err
err=$(smm_ctl "alloc order=0 tag=race" 2>&1) && r_alloc=accepted || r_alloc=$err
# The views, read for 10 s at most (200 reads at most, one round at
# least): well inside the minute, though 200 reads during the run took
# the debug kernel 57 s.
reads=0 bad_reads=0
end=$(($(date +%s) + 10))
while kill -0 "$stress" 2>/dev/null && [ $reads -lt 200 ] &&
      { [ $reads -eq 0 ] || [ "$(date +%s)" -lt $end ]; }; do
	for v in buddyinfo check rmqueue_trace allocations zoneinfo; do
		if cat "$SMM_DEBUGFS/$v" >/dev/null 2>&1; then
			reads=$((reads + 1))
		else
			bad_reads=$((bad_reads + 1))
		fi
	done
done
kill -KILL "$stress"
wait "$stress"
src=$?
stopped=$(since "races stress" | grep -c 'shadowmm: stress: [0-9]* thread(s), 60000 ms, stopped by a fatal signal$')
if [ "$r_rmmod" = ok ]; then
	ktap_test_pass "rmmod during stress on $ncpu CPU(s): refused, still loaded"
else
	ktap_test_fail "rmmod during stress: not refused"
fi
if echo "$r_reset" | grep -q busy && echo "$r_alloc" | grep -q busy &&
   [ "$(since "races stress" | grep -c 'shadowmm: ctl: .*a stress or bench run is going on')" -ge 2 ]; then
	ktap_test_pass "reset and alloc from another shell during stress: EBUSY, each with its dmesg line"
else
	ktap_test_fail "reset/alloc during stress: reset '$r_reset', alloc '$r_alloc'"
fi
# the run was still going at the kill (its writer died of it, 128 + 9,
# and it said so), so every read raced it
if [ "$src" -eq 137 ] && [ "$stopped" -eq 1 ] && [ "$reads" -gt 0 ] &&
   [ "$bad_reads" -eq 0 ] && smm_check_ok && smm_ctl "reset"; then
	ktap_test_pass "$reads view reads during stress all succeeded; check OK and reset works after"
else
	ktap_test_fail "views during stress: stress rc=$src (killed: 137), stopped line $stopped, $reads reads, $bad_reads failed, check: $(tail -n 1 "$SMM_DEBUGFS/check")"
fi
smm_unload

# --- the mirror on ------------------------------------------------------------
smm_load || ktap_exit_fail_msg "insmod failed"
smm_dmesg_mark "races mirror"
if smm_ctl "mirror on"; then
	(while :; do dd if=/dev/zero of=/tmp/race.dd bs=64k count=16 2>/dev/null; rm -f /tmp/race.dd; done) &
	dd_pid=$!
	sleep 0.5
	smm_unload
	urc=$?
	sleep 0.3
	after=$(cat /proc/meminfo /proc/buddyinfo 2>/dev/null | wc -l)
	kill "$dd_pid"
	wait "$dd_pid" 2>/dev/null
	rm -f /tmp/race.dd
	if [ "$urc" -eq 0 ] && ! smm_loaded && since "races mirror" | grep -q 'shadowmm: mirror: off: ' &&
	   [ "$after" -gt 0 ]; then
		ktap_test_pass "rmmod with the mirror on under a dd loop: detached ($(since "races mirror" | sed -n 's/.*shadowmm: mirror: off: \([0-9]*\) of.*/\1/p') mirrored), unloaded"
	else
		ktap_test_fail "rmmod with the mirror on: rc=$urc loaded=$(smm_loaded && echo yes || echo no)"
	fi
else
	ktap_test_fail "mirror on failed: $(since "races mirror" | grep 'shadowmm: ' | tail -n 1)"
	smm_unload
fi

# --- bpftrace attached ----------------------------------------------------------
if ! command -v bpftrace >/dev/null 2>&1; then
	ktap_test_skip "rmmod with bpftrace attached" "bpftrace not in this guest"
else
	smm_load || ktap_exit_fail_msg "insmod failed"
	OUT=/tmp/race-bt.out
	if smm_bpftrace_start 'tracepoint:shadowmm:mm_page_alloc { @n = count(); }' "$OUT"; then
		smm_ctl "alloc order=0 count=4 tag=bt" && smm_ctl "free tag=bt"
		rmmod_refused && r_bt=ok || r_bt=bad
		smm_bpftrace_stop
		if [ "$r_bt" = ok ] && grep -q '^@n: [1-9]' "$OUT" && smm_unload && ! smm_loaded; then
			ktap_test_pass "rmmod with bpftrace attached: refused while it ran ($(sed -n 's/^@n: //p' "$OUT") events), unloaded after"
		else
			ktap_test_fail "rmmod with bpftrace attached: refused=$r_bt, output '$(tail -n 2 "$OUT")'"
		fi
	else
		ktap_test_fail "bpftrace did not attach: $(tail -n 3 "$OUT")"
	fi
	smm_unload
fi

# --- reload, and nothing splatted -------------------------------------------------
if smm_load && smm_check_ok && smm_unload; then
	ktap_test_pass "load, check OK and rmmod after the races"
else
	ktap_test_fail "load/check/rmmod after the races"
fi
bad=$(since "races start" |
	grep -E 'BUG:|WARNING:|Oops|Call Trace|KASAN|UBSAN|general protection|lockdep' | head -n 3)
if [ -z "$bad" ]; then
	ktap_test_pass "no splat in dmesg over the races"
else
	ktap_test_fail "splat: $bad"
fi

ktap_finished
