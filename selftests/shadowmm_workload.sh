#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Long ctl commands: `workload ops=1000000`, the largest, runs in one
# write with a scheduling point every 1024 ops (src/workload.c through
# smm_long_step()) and stops with EINTR when its writer is killed:
#  - the big workload completes: its result line in dmesg, check OK,
#    buddyinfo (drained) as before it (its pages are all given back);
#  - the same workload with its writer SIGKILLed once it is seen
#    running (its first alloc_pages event in trace_pipe) returns at
#    once: dmesg says where it stopped, the module still allocates and
#    frees, check OK;
#  - `stress ms=60000` and a bench of 31 repetitions of a million loops,
#    killed once running, stop their threads and return: dmesg says so,
#    bench inside a phase at a chunk's end, records nothing, buddyinfo as
#    before;
#  - a killed `alloc count=` keeps what it got, held and listed
#    (allocations = its dmesg count);
#  - `free all` + `drain` give back the boot buddyinfo exactly.
#
# smm-timeout: 600

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header
smm_require_module
smm_unload
# slab=0: buddyinfo is compared exactly, and no slab keeps a page
smm_load slab=0 || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
ktap_set_plan 8

boot=$(smm_buddyinfo_drained)
OPS=1000000

# seconds since boot, to the hundredth
now() {
	awk '{ print $1 }' /proc/uptime
}

# --- the big one completes ----------------------------------------------------
smm_dmesg_mark "workload big"
t0=$(now)
smm_ctl "workload seed=1 ops=$OPS" && rc=0 || rc=$?
full=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
line=$(dmesg | sed -n '/shadowmm-selftest: workload big$/,$p' |
	grep "shadowmm: workload: seed 1 ops $OPS: " | tail -n 1)
if [ "$rc" = 0 ] && [ -n "$line" ] && smm_check_ok &&
   [ "$(smm_buddyinfo_drained)" = "$boot" ]; then
	ktap_test_pass "workload ops=$OPS completes in $full s, check OK, buddyinfo as before"
else
	ktap_test_fail "workload ops=$OPS: rc=$rc, '${line:-no result line}'"
	tail -n 3 "$SMM_DEBUGFS/check" | sed 's/^/# /'
fi

# --- the same one killed on the way -------------------------------------------
# The kill is sent once the command is seen running, not after a
# fraction of the full run's time (under a loaded TCG host starting sh
# alone can take longer than that): the shadowmm alloc_pages event is on,
# and the first line in trace_pipe is the command's first allocation.
# With the event on a run takes ~4x longer, the kill lands well before
# its end.
TR=/sys/kernel/tracing
HAVE_TR=0
[ -w "$TR/events/shadowmm/alloc_pages/enable" ] && HAVE_TR=1

# kill_once_running CMD: sets seen (yes/no), krc (the writer's exit
# status) and killed (seconds from the write to its end)
kill_once_running() {
	# tracing_on as an earlier test may have left it: on for the wait
	was_on=$(cat "$TR/tracing_on")
	echo 0 >"$TR/events/enable"
	echo >"$TR/trace"
	echo 1 >"$TR/events/shadowmm/alloc_pages/enable"
	echo 1 >"$TR/tracing_on"
	sh -c "echo '$1' >$SMM_DEBUGFS/ctl" &
	wpid=$!
	t0=$(now)
	# bounded: a writer that allocates nothing never writes a line
	timeout 120 head -n 1 "$TR/trace_pipe" >/dev/null && seen=yes || seen=no
	kill -KILL "$wpid" 2>/dev/null
	wait "$wpid"
	krc=$?
	killed=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
	echo 0 >"$TR/events/shadowmm/alloc_pages/enable"
	echo "$was_on" >"$TR/tracing_on"
	echo >"$TR/trace"
}

# the dmesg lines since mark $1 matching sed expression $2 (-n, p), last
since_mark() {
	dmesg | sed -n "/shadowmm-selftest: $1\$/,\$p" | sed -n "$2" | tail -n 1
}

# killed_run NAME CMD SED: marks dmesg with NAME, writes CMD and kills
# its writer once its first event is seen (kill_once_running); got is
# what SED (sed -n, p) finds of its dmesg line after the mark. False,
# the case skipped, without tracefs.
killed_run() {
	smm_dmesg_mark "$1"
	if [ $HAVE_TR = 0 ]; then
		ktap_test_skip "no tracefs at $TR: the kill could not wait for the run to start"
		return 1
	fi
	kill_once_running "$2"
	got=$(since_mark "$1" "$3")
}

# killed_ok: the run started, its writer died of the SIGKILL (exit 137,
# 128 + 9) and the command said where it stopped
killed_ok() {
	[ "$seen" = yes ] && [ "$krc" = 137 ] && [ -n "$got" ]
}

# verdict RC PASS FAIL: the case's result; dmesg's last lines on failure
verdict() {
	if [ "$1" = 0 ]; then
		ktap_test_pass "$2"
	else
		ktap_test_fail "$3"
		dmesg | tail -n 3 | sed 's/^/# /'
	fi
}

# the workload stopped at a scheduling point (every 1024 ops) before its end
if killed_run "workload killed" "workload seed=1 ops=$OPS" \
	"s/.*shadowmm: ctl: workload: stopped by a fatal signal after \([0-9]*\) of $OPS ops$/\1/p"; then
	killed_ok && [ "$got" -lt "$OPS" ] && [ $((got % 1024)) = 0 ]
	verdict $? "workload killed once running returned in $killed s (full run $full s), stopped at op $got of $OPS" \
		"killed workload: first event seen: $seen, exit $krc after $killed s (full run $full s), stopped at '${got:-no line}'"
fi

# --- stress and bench writers are killable too ---------------------------------
# stress ms=60000 runs its threads for a minute; bench with the largest
# reps and loops for minutes: killed once running, each stops its worker
# threads at their next step (stress) or chunk of a phase (bench), gives back
# what they held and returns.
if killed_run "stress killed" "stress ms=60000 seed=3" \
	's/.*shadowmm: \(stress: [0-9]* thread(s), 60000 ms, stopped by a fatal signal\)$/\1/p'; then
	killed_ok && smm_check_ok && [ "$(smm_buddyinfo_drained)" = "$boot" ]
	verdict $? "stress ms=60000 killed once running returned in $killed s: '$got', buddyinfo as before" \
		"killed stress: first event seen: $seen, exit $krc after $killed s, '${got:-no stopped line}'"
fi

# A bench phase runs in chunks of 4096 pairs (src/kernel/bench.c), the
# stop looked at between them: it stops inside a phase (1000000 loops,
# seconds under TCG), at a chunk's end. (The kill comes milliseconds
# after the run's first event, well inside the first phase; only a kill
# in the microseconds between two phases would see 0 loops.)
if killed_run "bench killed" "bench order=0 reps=31 loops=1000000" \
	's/.*shadowmm: ctl: bench: stopped by a fatal signal after \([0-9]*\) of 31 repetitions, \([0-9]*\) of 1000000 loops into the next phase, nothing recorded$/\1 \2/p'; then
	reps=${got% *} loops=${got#* }
	killed_ok && [ "$reps" -lt 31 ] && [ "$loops" -gt 0 ] && [ "$loops" -lt 1000000 ] &&
		[ $((loops % 4096)) = 0 ] && ! grep -q "loops=1000000" "$SMM_DEBUGFS/bench" &&
		smm_check_ok && [ "$(smm_buddyinfo_drained)" = "$boot" ]
	verdict $? "bench reps=31 loops=1000000 killed once running returned in $killed s after $reps repetitions and $loops loops of the next phase, nothing recorded, buddyinfo as before" \
		"killed bench: first event seen: $seen, exit $krc after $killed s, stopped after '${got:-no line}' (repetitions, loops)"
fi

if smm_ctl "alloc order=3 count=4 tag=after" && smm_ctl "free tag=after" &&
   smm_check_ok && [ "$(smm_buddyinfo_drained)" = "$boot" ]; then
	ktap_test_pass "after the kill: alloc and free work, check OK, buddyinfo as before"
else
	ktap_test_fail "after the kill: the module does not work as before"
	tail -n 3 "$SMM_DEBUGFS/check" | sed 's/^/# /'
fi

# --- a killed alloc count= keeps what it got ----------------------------------
# order 0 from every zone until ENOMEM: as many pages as the shadow has,
# long enough under TCG to be killed on the way (else it ends with
# ENOMEM and keeps them all: the same check holds)
smm_dmesg_mark "alloc killed"
timeout -s KILL 0.1 sh -c "echo 'alloc order=0 count=1048576 gfp=atomic tag=k' >$SMM_DEBUGFS/ctl"
got=$(dmesg | sed -n '/shadowmm-selftest: alloc killed$/,$p' |
	sed -n 's/.*shadowmm: ctl: alloc order=0: \([0-9]*\) of 1048576 allocated (tag k).*/\1/p' |
	tail -n 1)
held=$(grep -c '^tag k ' "$SMM_DEBUGFS/allocations")
if [ -n "$got" ] && [ "$got" -gt 0 ] && [ "$got" = "$held" ] && smm_check_ok; then
	ktap_test_pass "killed alloc count=: $held held and listed, as dmesg says, check OK"
else
	ktap_test_fail "killed alloc count=: dmesg '${got:-no line}', listed $held"
fi

# --- free all + drain give back the boot buddyinfo ----------------------------
if smm_ctl "free all" && smm_check_ok && [ "$(smm_buddyinfo_drained)" = "$boot" ] &&
   [ -z "$(cat "$SMM_DEBUGFS/allocations")" ]; then
	ktap_test_pass "free all + drain: nothing held, the boot buddyinfo"
else
	ktap_test_fail "free all + drain: buddyinfo differs or something still held"
	smm_buddyinfo_drained | sed 's/^/# /'
fi

if smm_unload; then
	ktap_test_pass "rmmod after the killed commands"
else
	ktap_test_fail "rmmod after the killed commands"
fi
ktap_finished
