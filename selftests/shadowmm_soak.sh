#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Soak (issue 14): SMM_SOAK_MIN minutes of every vCPU allocating and
# freeing at once, verify=1, then nothing lost or overwritten.
#
# Runs only when SMM_SOAK_MIN is set (make soak: 10 by default; make
# check's vm-test-6.1 lane: 1); the other lanes skip it. Two halves, each
# a module load of its own, rounds until half the minutes have gone:
#  - pages (slab=0, the default size): the buddy and pcp lists alone;
#  - slab (slab=1, size=64M; 32M when the lane's default region is CMA,
#    whose areas are 48M a node in the debug lane): the same, and slab
#    objects on top.
# A round: the fragment pattern (order-0 movable and unmovable pages
# allocated, every other one freed by pfn, the previous round's rest
# freed: holes all over the pageblocks, held across the stress run),
# in the slab half the slab pattern (a cache of a random size and
# kmalloc objects, small and large, held across the run, the previous
# round's freed and its cache destroyed), `workload` bound to one CPU
# (in turn), then `stress ms=4000 seed=S` (one thread per online CPU:
# random orders and migratetypes, in the slab half every other step a
# kmalloc/kfree through one pool all CPUs share). Each round prints its
# seed (a failure reproduces with it), elapsed time, ops and the
# mismatch count.
#
# Asserted, per half: every stress run succeeded on every online CPU
# and each CPU did work; verify_mismatch (the events view) is 0 and
# dmesg has no verify, overwritten-object or bad-free line; stress's
# slab pool had no object overwritten; check is OK after every round
# and at the end; no BUG/WARNING/Oops in dmesg; after free all (and the
# slab tags, the caches) + drain, buddyinfo is the one taken right after
# the load. In the slab half both are taken after `cache shrink all`
# (kmem_cache_shrink of every cache: SLUB keeps up to min_partial empty
# slabs a node cached, the shrink frees them), so the slabs left are the
# ones holding the boot's objects, then and now.
# No assertion depends on time: time only ends the loop.
#
# smm-timeout: 420

# The runner's timeout MIN minutes need: the loop stops once the time is
# up, then finishes its round (a stress run of 4 s and a few hundred
# writes) and the checks: the minutes plus half again plus 150 s.
# `shadowmm_soak.sh --need MIN` prints it (make soak asks).
soak_need() { echo $(($1 * 90 + 150)); }
if [ "${1:-}" = --need ]; then
	soak_need "${2:?--need MIN}"
	exit 0
fi

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header
smm_require_module
[ -n "${SMM_SOAK_MIN:-}" ] ||
	ktap_skip_all "SMM_SOAK_MIN not set: make soak (make check's vm-test-6.1 lane runs 1 minute)"
case $SMM_SOAK_MIN in
*[!0-9]* | 0) ktap_exit_fail_msg "SMM_SOAK_MIN=$SMM_SOAK_MIN: want whole minutes, 1 or more" ;;
esac
# The runner's timeout: SMM_TEST_TIMEOUT when longer (vm-test.sh
# --test-timeout, make soak sets it), else this file's.
own_to=$(sed -n 's/^# *smm-timeout: *\([0-9][0-9]*\).*/\1/p' "$0" | head -n 1)
to=${SMM_TEST_TIMEOUT:-0}
[ "$to" -gt "$own_to" ] || to=$own_to
need=$(soak_need "$SMM_SOAK_MIN")
[ "$need" -le "$to" ] ||
	ktap_exit_fail_msg "SMM_SOAK_MIN=$SMM_SOAK_MIN needs a test timeout of $need s, have $to s (vm-test.sh --test-timeout; make soak sets it)"

ktap_set_plan 13
NCPU=$(grep -c '^processor' /proc/cpuinfo)
SEED0=${SMM_SOAK_SEED:-$(awk '{ printf "%d", $1 * 100 }' /proc/uptime)}
STRESS_MS=4000
HALF=$((SMM_SOAK_MIN * 30))
# the shadow's own reports of a page or object someone else wrote or freed
DMESG_WRONG='shadowmm: verify:|overwritten while held|shadowmm: bad free|Wrong slab cache|not a slab object|outside the shadow'
DMESG_BAD='BUG:|WARNING:|Oops|Call Trace|general protection|[Kk]ernel panic|UBSAN|KASAN'
ktap_print_msg "SMM_SOAK_MIN=$SMM_SOAK_MIN: two halves of $HALF s, $NCPU CPU(s), seeds from $SEED0 (SMM_SOAK_SEED=$SEED0 replays them)"

now() {
	awk '{ printf "%d", $1 }' /proc/uptime
}

# dmesg since the mark "shadowmm-selftest: $1"
since() {
	dmesg | sed -n "/shadowmm-selftest: $1\$/,\$p"
}

mismatches() {
	awk '$1 == "verify_mismatch" { print $2 }' "$SMM_DEBUGFS/events"
}

# fragment R: order-0 movable and unmovable pages under tag fragR, every
# other one of them freed by pfn; the previous round's rest freed
fragment() {
	smm_ctl "alloc order=0 count=192 gfp=movable tag=frag$1" 2>/dev/null
	smm_ctl "alloc order=0 count=192 tag=frag$1" 2>/dev/null
	smm_ctl "alloc order=1 count=32 gfp=reclaimable tag=frag$1" 2>/dev/null
	pfns=$(awk -v t="frag$1" '$1 == "tag" && $2 == t && ++n % 2 { print $4 }' \
		"$SMM_DEBUGFS/allocations")
	for p in $pfns; do
		smm_ctl "free pfn=$p" || frag_bad=$((frag_bad + 1))
	done
	[ "$1" -le 1 ] || smm_ctl "free tag=frag$(($1 - 1))" 2>/dev/null
}

# slab pattern R (slab half): a cache of a random size, objects of it and
# kmalloc objects small and large held across the run; the previous
# round's freed, its cache destroyed
slab_pattern() {
	sz=$((8 + $2 % 1000))
	smm_ctl "cache create name=soak$1 size=$sz" || slab_bad=$((slab_bad + 1))
	smm_ctl "cache alloc name=soak$1 count=100 tag=sc$1" || slab_bad=$((slab_bad + 1))
	smm_ctl "kmalloc size=$((1 + $2 % 700)) count=100 tag=km$1" || slab_bad=$((slab_bad + 1))
	smm_ctl "kmalloc size=$((4096 + $2 % 9000)) count=8 tag=km$1" || slab_bad=$((slab_bad + 1))
	smm_ctl "kmalloc size=96 count=50 gfp=reclaimable tag=km$1" || slab_bad=$((slab_bad + 1))
	[ "$1" -gt 1 ] || return 0
	p=$(($1 - 1))
	smm_ctl "kfree tag=km$p" || slab_bad=$((slab_bad + 1))
	smm_ctl "cache free tag=sc$p" || slab_bad=$((slab_bad + 1))
	smm_ctl "cache destroy name=soak$p" || slab_bad=$((slab_bad + 1))
}

# phase NAME SLAB PARAMS...: one half; sets the variables the
# assertions read
phase() {
	name=$1
	slab=$2
	shift 2
	smm_unload
	if ! smm_load "$@"; then
		ktap_exit_fail_msg "$name: insmod shadowmm $* failed"
	fi
	[ "$slab" = 0 ] || smm_ctl "cache shrink all" ||
		ktap_exit_fail_msg "$name: cache shrink all refused"
	bi0=$(smm_buddyinfo_drained)
	bp0=$(smm_buddy_pages)
	sp0=$(smm_slab_pages | cut -d" " -f2)
	smm_ctl "verify 1" || ktap_exit_fail_msg "$name: verify 1 refused"
	t0=$(now)
	round=0
	ops=0
	runs_bad=0
	threads_bad=0
	kbad=0
	frag_bad=0
	slab_bad=0
	check_bad=""
	splat=""
	vbad=0
	cpu_ops=""
	while [ "$round" -eq 0 ] || [ $(($(now) - t0)) -lt "$HALF" ]; do
		round=$((round + 1))
		seed=$((SEED0 + round))
		mark="soak $name round $round"
		smm_dmesg_mark "$mark"
		fragment "$round"
		[ "$slab" = 0 ] || slab_pattern "$round" "$seed"
		taskset -c $((round % NCPU)) sh -c \
			"echo 'workload seed=$seed ops=20000' >$SMM_DEBUGFS/ctl" ||
			runs_bad=$((runs_bad + 1))
		smm_ctl "stress ms=$STRESS_MS seed=$seed" || runs_bad=$((runs_bad + 1))
		log=$(since "$mark")
		# stress: N thread(s), one per online CPU
		n=$(echo "$log" | sed -n 's/.*shadowmm: stress: \([0-9]*\) thread(s).*/\1/p' | tail -n 1)
		[ "${n:-0}" = "$NCPU" ] || threads_bad=$((threads_bad + 1))
		r=$(echo "$log" | awk '
			/shadowmm: stress: cpu [0-9]+: [0-9]+ allocations/ {
				c = $0; sub(/.*stress: cpu /, "", c); c += 0
				o = $0; sub(/.*cpu [0-9]+: /, "", o); split(o, a, /[ ,]+/)
				ops[c] += a[1] + a[3]; tot += a[1] + a[3]
			}
			/shadowmm: stress: cpu [0-9]+: slab / {
				c = $0; sub(/.*stress: cpu /, "", c); c += 0
				o = $0; sub(/.*: slab /, "", o); split(o, a, /[ ,]+/)
				ops[c] += a[1] + a[3]; tot += a[1] + a[3]
			}
			/shadowmm: stress: slab .* overwritten/ {
				o = $0; sub(/ overwritten.*/, "", o); sub(/.* /, "", o); bad += o
			}
			/shadowmm: workload: seed / {
				o = $0; sub(/.* ops /, "", o); tot += o + 0
			}
			END {
				s = ""
				for (c in ops) s = s " " c ":" ops[c]
				printf "%d %d%s\n", tot, bad, s
			}')
		# shellcheck disable=SC2086 # the words of r
		set -- $r
		ops=$((ops + $1))
		kbad=$((kbad + $2))
		shift 2
		cpu_ops="$cpu_ops $*"
		if echo "$log" | grep -Eq "$DMESG_WRONG"; then
			vbad=$((vbad + 1))
			echo "$log" | grep -E "$DMESG_WRONG" | head -n 3 | sed 's/^/# /'
		fi
		s=$(echo "$log" | grep -E "$DMESG_BAD" | head -n 3)
		[ -z "$s" ] || splat="$splat$s
"
		smm_check_ok || check_bad="$check_bad $round"
		ktap_print_msg "$name round $round: seed $seed, $(($(now) - t0)) s, ops $ops, mismatches $(mismatches)"
	done
	elapsed=$(($(now) - t0))
	mm=$(mismatches)
	# every CPU did work: the per-CPU sums over the half
	idle=$(echo "$cpu_ops" | awk -v n="$NCPU" '
		{ for (i = 1; i <= NF; i++) { split($i, a, ":"); s[a[1]] += a[2] } }
		END { for (c = 0; c < n; c++) if (!(s[c] > 0)) printf " %d", c }')
	final_check=$(tail -n 1 "$SMM_DEBUGFS/check")
	# everything back
	smm_ctl "free all" 2>/dev/null
	if [ "$slab" = 1 ]; then
		smm_ctl "kfree tag=km$round" || slab_bad=$((slab_bad + 1))
		smm_ctl "cache free tag=sc$round" || slab_bad=$((slab_bad + 1))
		smm_ctl "cache destroy name=soak$round" || slab_bad=$((slab_bad + 1))
	fi
	smm_ctl "verify 0"
	[ "$slab" = 0 ] || smm_ctl "cache shrink all" || slab_bad=$((slab_bad + 1))
	held=$(grep -c . "$SMM_DEBUGFS/allocations")
	objs=$(grep -c . "$SMM_DEBUGFS/slab_objects" 2>/dev/null)
	bi1=$(smm_buddyinfo_drained)
	bp1=$(smm_buddy_pages)
	sp1=$(smm_slab_pages | cut -d" " -f2)
	after_check=$(tail -n 1 "$SMM_DEBUGFS/check")
}

verdict() { # COND-STATUS PASS-DESC FAIL-DESC [DIAG]
	if [ "$1" = 0 ]; then
		ktap_test_pass "$2"
	else
		ktap_test_fail "$3" "${4:-}"
	fi
}

assert_half() {
	[ "$runs_bad" = 0 ] && [ "$threads_bad" = 0 ] && [ -z "$idle" ]
	verdict $? "$name: $round rounds in $elapsed s, every stress and workload run succeeded on $NCPU CPU(s), $ops ops" \
		"$name: runs" "$runs_bad failed run(s), $threads_bad run(s) without $NCPU threads, idle CPU(s):${idle:-none}"
	[ "$mm" = 0 ] && [ "$vbad" = 0 ] && [ "$kbad" = 0 ]
	verdict $? "$name: 0 content mismatches (verify_mismatch 0, no verify or overwritten line, 0 stress objects overwritten)" \
		"$name: content mismatches" "verify_mismatch $mm, $vbad round(s) with a dmesg verify/overwritten/bad free line, $kbad stress object(s) overwritten"
	[ -z "$check_bad" ] && [ "$final_check" = OK ] && [ "$after_check" = OK ]
	verdict $? "$name: check OK after every round, at the end and after the frees" \
		"$name: check" "not OK after round(s):${check_bad:-none}; at the end '$final_check', after the frees '$after_check'"
	[ -z "$splat" ]
	verdict $? "$name: no BUG/WARNING/Oops in dmesg" "$name: dmesg splat" \
		"$(printf '%s' "$splat" | head -n 3 | tr '\n' '|')"
	[ "$frag_bad" = 0 ] && [ "$slab_bad" = 0 ] && [ "$held" = 0 ] && [ "${objs:-0}" = 0 ]
	verdict $? "$name: every free of the patterns succeeded, nothing held after free all" \
		"$name: frees" "$frag_bad page free(s) and $slab_bad slab command(s) failed; held after: $held page(s), ${objs:-0} object(s)"
}

phase pages 0 slab=0
assert_half
if [ "$bi1" = "$bi0" ]; then
	ktap_test_pass "pages: free all + drain: buddyinfo is the one after the load"
else
	ktap_test_fail "pages: free all + drain: buddyinfo differs from the one after the load" \
		"$bp0 free pages after the load, $bp1 now"
	printf 'after load:\n%s\nnow:\n%s\n' "$bi0" "$bi1" | sed 's/^/# /'
fi

slab_size=64M
case " ${SMM_DEFAULT_PARAMS:-} " in
*" region=cma "*) slab_size=32M ;;
esac
phase slab 1 slab=1 size=$slab_size
assert_half
if [ "$bi1" = "$bi0" ] && [ "$sp1" = "$sp0" ]; then
	ktap_test_pass "slab: free all + cache shrink all + drain: buddyinfo and the $sp1 slab pages as after the load"
else
	ktap_test_fail "slab: free all + cache shrink all + drain: buddyinfo or slab pages differ from the ones after the load" \
		"free + slab pages: $bp1 + $sp1 now, $bp0 + $sp0 after the load"
	printf 'after load:\n%s\nnow:\n%s\n' "$bi0" "$bi1" | sed 's/^/# /'
fi

if smm_unload; then
	ktap_test_pass "rmmod after the soak"
else
	ktap_test_fail "rmmod after the soak"
fi
ktap_finished
