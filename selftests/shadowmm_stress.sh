#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ctl `stress` beside everything else (issue 14):
#  - `check` read over and over while stress allocates and frees on every
#    vCPU ends with OK every time: its walk of the buddy and pcp lists is
#    one snapshot, so blocks moving between them are not overlaps;
#  - while stress runs, every command that would change the shadow fails
#    with EBUSY and a dmesg line; the views stay readable, and
#    rmqueue_trace, written by every CPU without a lock, reads whole
#    lines in seq order;
#  - afterwards check is OK and buddyinfo after drain is what it was.
#
# Deterministic however slow the guest: nothing waits for a time. A stress
# run is seen going on when `drain` (harmless when it runs) is refused;
# a command is judged only between two refused drains, i.e. inside one
# run (m->busy is set once a run). A run that ends first leaves the rest
# to the next run, which lasts twice as long (8 s, 16 s, ... at most
# stress's 60 s; 5 runs at most).

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header
# slab=0: stress leaves partial slabs behind (shadowmm_slab.sh), which
# would change buddyinfo for good; the buddy and pcp lists are the point.
smm_load slab=0 || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"

CMDS='alloc order=0 count=1 tag=busy
free tag=busy
free all
drain
reset
workload seed=1 ops=100
verify 0
verify 1
memblock set bottom_up=0
cache create name=busy size=64
kmalloc size=64 tag=busy
kfree tag=busy
policy default
mirror on'
NCMDS=$(echo "$CMDS" | grep -c .)
READS=20
MS=8000
ROUNDS=5
VIEWS="buddyinfo pagetypeinfo zoneinfo free_area events allocations"
ktap_set_plan $((NCMDS + 6))

# rmqueue_trace, which every CPU writes without a lock: read during the
# run, every line whole and of the view's format, seq increasing
rmqueue_whole() {
	awk '
		!/^seq [0-9]+ pfn 0x[0-9a-f]+ nid [0-9]+ zone (DMA|DMA32|Normal|Movable) order [0-9]+ current_order [0-9]+ migratetype (Unmovable|Movable|Reclaimable|HighAtomic|CMA|Isolate) pcp [01]$/ {
			print "# torn or malformed rmqueue_trace line: " $0; bad = 1; exit
		}
		NR > 1 && $2 + 0 <= prev { print "# rmqueue_trace out of order: " $0; bad = 1; exit }
		{ prev = $2 + 0 }
		END { exit bad }' "$SMM_DEBUGFS/rmqueue_trace"
}

RC=/tmp/smm-stress-rc.$$
PENDING=/tmp/smm-stress-pending.$$

# CMD is refused with EBUSY (the shell's write error says "busy")
refused() {
	_err=$(smm_ctl "$1" 2>&1) && return 1
	case $_err in
	*[Bb]usy*) return 0 ;;
	esac
	return 1
}

# Start a run in the background; true once it is seen going on.
start_stress() {
	rm -f "$RC"
	(
		smm_ctl "stress ms=$MS seed=$1"
		echo $? >"$RC"
	) &
	SPID=$!
	while [ ! -e "$RC" ]; do
		refused drain && return 0
	done
	return 1
}

boot0=$(smm_buddyinfo_drained)
echo "$CMDS" >"$PENDING"
reads=0
bad=0
badviews=""
stress_fail=0
round=0
while [ "$round" -lt "$ROUNDS" ] &&
      { [ -s "$PENDING" ] || [ "$reads" -lt "$READS" ]; }; do
	round=$((round + 1))
	dmesg -c >/dev/null
	if start_stress "$round"; then
		running=1
	else
		running=0
	fi
	left=""
	while IFS= read -r cmd; do
		if [ "$running" -eq 0 ]; then
			left="$left$cmd
"
			continue
		fi
		word=${cmd%% *}
		dmesg -c >/dev/null
		if refused "$cmd"; then
			if dmesg | grep -Eq "shadowmm: ctl: ($word: )?a stress or bench run is going on"; then
				ktap_test_pass "$cmd: EBUSY during stress, said in dmesg"
			else
				ktap_test_fail "$cmd: EBUSY during stress" "no dmesg line"
			fi
		elif { [ "$cmd" != "mirror on" ] || smm_ctl "mirror off" 2>/dev/null || :; } &&
		     refused drain; then
			# (an accepted mirror on is turned off first: else its
			# own refusal of drain would read as the run's)
			ktap_test_fail "$cmd: not refused during stress"
		else
			# the run ended first: try again in the next one
			running=0
			left="$left$cmd
"
		fi
		# check and the views, read inside the same run
		[ "$running" -eq 1 ] || continue
		out=$(tail -n 1 "$SMM_DEBUGFS/check")
		for v in $VIEWS; do
			cat "$SMM_DEBUGFS/$v" >/dev/null || badviews="$badviews $v"
		done
		rmqueue_whole || badviews="$badviews rmqueue_trace"
		if refused drain; then
			reads=$((reads + 1))
			if [ "$out" != "OK" ]; then
				bad=$((bad + 1))
				ktap_print_msg "round $round read $reads: $out"
			fi
		else
			running=0
		fi
	done <"$PENDING"
	printf '%s' "$left" >"$PENDING"
	# the remaining reads, each between two refused drains
	while [ "$running" -eq 1 ] && [ "$reads" -lt "$READS" ]; do
		out=$(tail -n 1 "$SMM_DEBUGFS/check")
		refused drain || break
		reads=$((reads + 1))
		if [ "$out" != "OK" ]; then
			bad=$((bad + 1))
			ktap_print_msg "round $round read $reads: $out"
		fi
	done
	wait "$SPID"
	[ "$(cat "$RC" 2>/dev/null)" = "0" ] || stress_fail=$((stress_fail + 1))
	# a slow guest (KASAN under TCG): the next run twice as long
	MS=$((MS * 2))
	[ "$MS" -le 60000 ] || MS=60000
done
while IFS= read -r cmd; do
	ktap_test_fail "$cmd: no stress run outlasted it in $ROUNDS runs"
done <"$PENDING"

if [ "$reads" -ge "$READS" ] && [ "$bad" -eq 0 ]; then
	ktap_test_pass "check during stress: $reads reads, all OK ($round run(s))"
else
	ktap_test_fail "check during stress" "$bad of $reads reads not OK ($round run(s))"
fi
if [ -z "$badviews" ]; then
	ktap_test_pass "views readable during stress: $VIEWS, and rmqueue_trace whole and in order"
else
	ktap_test_fail "views during stress" "unreadable:$badviews"
fi
if [ "$stress_fail" -eq 0 ]; then
	ktap_test_pass "$round stress run(s) succeeded"
else
	ktap_test_fail "stress" "$stress_fail of $round run(s) failed"
fi

# anything that ran after a run ended (and was tried again) is undone
for c in "free all" "kfree tag=busy" "cache destroy name=busy" "mirror off" \
	 "verify 0"; do
	smm_ctl "$c" 2>/dev/null
done
out=$(tail -n 1 "$SMM_DEBUGFS/check")
if [ "$out" = "OK" ]; then
	ktap_test_pass "after stress: check OK"
else
	ktap_test_fail "after stress: check" "$(tail -n 3 "$SMM_DEBUGFS/check")"
fi
if [ "$(smm_buddyinfo_drained)" = "$boot0" ]; then
	ktap_test_pass "after stress: buddyinfo after drain equals buddyinfo before"
else
	ktap_test_fail "after stress: buddyinfo after drain differs"
fi

rm -f "$RC" "$PENDING"
if smm_unload; then
	ktap_test_pass "rmmod"
else
	ktap_test_fail "rmmod"
fi
ktap_finished
