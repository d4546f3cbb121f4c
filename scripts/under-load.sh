#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# under-load.sh - the guest suite several times back to back on a loaded
# host (make under-load): every run must pass every test, and every run's
# results must be the same.
#
# Usage: scripts/under-load.sh [options] [TEST...]
#
# Builds the module for KERNEL (make -s module KERNEL=VER, as check.sh does),
# starts a host load: a Linux kernel build (x86_64_defconfig, make -jJOBS
# vmlinux, then make clean and again, for as long as the runs last) of
# /usr/src/linux-source-6.1.tar.xz unpacked once under build/load-src/, in
# a process group of its own that is killed on exit (EXIT, INT, TERM), then
# runs
#     scripts/vm-test.sh --kernel VER --module shadowmm.ko --timeout S [TEST...]
# RUNS times (TEST: as for vm-test.sh, default every test), one after the
# other, each in a process group of its own too, with SMM_SOAK_MIN=1 on
# the guest's command line as make check's first lane has it (so the
# soak runs its minute; SMM_SOAK_MIN=N in the environment for longer).
# Each run's output (vm-test.sh's, the guest console included) goes to
# build/under-load/run-K.log; the host's load average (/proc/loadavg, the
# 1-minute figure) is sampled every 15 s during each run, and a progress
# line with the time, the load and the tests done so far is printed every
# minute.
#
# Then, from each log: every test's verdict (run_guest.sh's TAP lines
# "ok N selftests: shadowmm: NAME", "... # SKIP reason" and
# "not ok N ... # exit=RC" / "# TIMEOUT S seconds", outside the dmesg dump),
# the final "vm-test: N passed, N failed, N skipped" line and the count of
# KTAP cases inside the tests ("[vm-test] cases: N ok, N not ok, N
# skipped"). It prints a table (test x run), the load average and wall
# time of each run, what differs between runs, and writes
# build/under-load.json. Each run's guest kernel log is kept beside its log
# (run-K-dmesg.txt), and each test's seconds in the guest, from its
# start/end marks there, are shown in a second table (not compared).
# Timings are not compared (the TAP lines carry none).
#
# Options:
#   --runs N        how many runs of the suite (default 3)
#   --kernel VER    guest kernel (default scripts/kver.sh --series 6.1)
#   --timeout S     vm-test.sh's whole-boot timeout (default 3600; a loaded
#                   run of the 21 tests took 218-236 s on a 2-core host without
#                   the soak, which adds about 75 s,
#                   the per-test timeouts in the guest still apply)
#   --jobs J        make -jJ for the load (default nproc)
#   --no-load       no host load (a baseline to compare with)
#   --report        no runs: the table and the JSON again from the logs of
#                   the last run (build/under-load/run-K.{log,load,meta})
#   -h, --help
#
# Not part of make check: with the load it adds ~4 minutes a run.
# Exit status: 0 only when every run passed every test and all runs gave the
# same results; 1 otherwise (or when the load stopped early); 2 on bad usage.

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
smm_script under-load

runs=3
kver=""
boot_timeout=3600
soak_min=${SMM_SOAK_MIN:-1}
case $soak_min in
'' | *[!0-9]*) bad_usage "SMM_SOAK_MIN=$soak_min is not a count of minutes" ;;
esac
jobs=$(nproc)
with_load=1
report_only=0
names=()
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) [ $# -ge 2 ] || bad_usage "$1 needs a value"; runs=$2; shift 2 ;;
	--kernel) [ $# -ge 2 ] || bad_usage "$1 needs a value"; kver=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || bad_usage "$1 needs a value"; boot_timeout=$2; shift 2 ;;
	--jobs) [ $# -ge 2 ] || bad_usage "$1 needs a value"; jobs=$2; shift 2 ;;
	--no-load) with_load=0; shift ;;
	--report) report_only=1; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; names+=("$@"); break ;;
	-*) bad_usage "unknown option '$1'" ;;
	*) names+=("$1"); shift ;;
	esac
done
for v in runs boot_timeout jobs; do
	case "${!v}" in '' | *[!0-9]* | 0) bad_usage "--${v%_*} wants a positive number" ;; esac
done
[ -n "$kver" ] || kver=$(KERNEL='' "$here/kver.sh" --series 6.1)

cd "$repo"
outdir=$repo/build/under-load
json=$repo/build/under-load.json
srctar=/usr/src/linux-source-6.1.tar.xz
loaddir=$repo/build/load-src
mkdir -p "$outdir"

ts() { date -u +%H:%M:%S; }
load1() { cut -d' ' -f1 /proc/loadavg; }

if [ "$report_only" = 0 ]; then
	rm -f "$outdir"/run-*.log "$outdir"/run-*.load "$outdir"/run-*.meta "$outdir"/run-*-dmesg.txt "$outdir/params" "$json"
	echo "$kver $with_load $jobs" >"$outdir/params"

	# --- cleanup: our own process groups only ------------------------------------
	load_pgid=""
	run_pgid=""
	stop_group() { # PGID: TERM, then KILL what is left after 10 s
		local g=$1
		kill -TERM -- "-$g" 2>/dev/null || return 0
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			pgrep -g "$g" >/dev/null || return 0
			sleep 1
		done
		kill -KILL -- "-$g" 2>/dev/null || true
		sleep 1
		if pgrep -g "$g" >/dev/null; then
			err "process group $g still has processes: $(pgrep -g "$g" | tr '\n' ' ')"
		fi
	}
	# shellcheck disable=SC2317 # run by the traps
	cleanup() {
		trap - EXIT INT TERM
		if [ -n "$run_pgid" ]; then
			log "stopping the guest run (process group $run_pgid)"
			stop_group "$run_pgid"
		fi
		if [ -n "$load_pgid" ]; then
			log "stopping the host load (process group $load_pgid)"
			stop_group "$load_pgid"
		fi
	}
	trap cleanup EXIT
	trap 'cleanup; exit 130' INT
	trap 'cleanup; exit 143' TERM

	# --- the module ----------------------------------------------------------------
	log "module for $kver"
	make -s module KERNEL="$kver"

	# --- the load ------------------------------------------------------------------
	start_load() {
		local src
		if [ ! -f "$loaddir/.unpacked" ]; then
			[ -f "$srctar" ] || { err "no $srctar (scripts/setup.sh installs linux-source-6.1)"; exit 1; }
			log "unpacking $srctar into $loaddir"
			rm -rf "$loaddir"
			mkdir -p "$loaddir"
			tar -xf "$srctar" -C "$loaddir"
			touch "$loaddir/.unpacked"
		fi
		src=$(find "$loaddir" -mindepth 1 -maxdepth 1 -type d -name 'linux-source-*' | head -n 1)
		[ -n "$src" ] || { err "no linux-source-* directory in $loaddir"; exit 1; }
		log "host load: make -j$jobs vmlinux in $src (x86_64_defconfig), make clean and again"
		# setsid: the load is a session and process group of its own (its
		# pid is the group's id), so one kill reaches every make and cc1.
		# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
		setsid bash -c '
			cd "$1" || exit 1
			make -s x86_64_defconfig >/dev/null || exit 1
			n=0
			while :; do
				n=$((n + 1))
				echo "load: build $n started $(date -u +%H:%M:%S)"
				make -s -j"$2" vmlinux >/dev/null 2>&1 || { echo "load: build $n failed"; exit 1; }
				echo "load: build $n done $(date -u +%H:%M:%S)"
				make -s clean >/dev/null 2>&1
			done' load "$src" "$jobs" >"$outdir/load.log" 2>&1 </dev/null &
		load_pgid=$!
		sleep 1
		if [ "$(ps -o pgid= -p "$load_pgid" | tr -d ' ')" != "$load_pgid" ]; then
			err "the load is not a process group of its own"
			exit 1
		fi
	}
	load_alive() { [ -z "$load_pgid" ] || kill -0 "$load_pgid" 2>/dev/null; }

	if [ "$with_load" = 1 ]; then
		start_load
		# let the build get going before the first run
		sleep 30
	else
		log "no host load (--no-load)"
	fi

	# --- the runs ------------------------------------------------------------------
	load_lost=0
	t_all=$(date +%s)
	for k in $(seq 1 "$runs"); do
		runlog=$outdir/run-$k.log
		loadf=$outdir/run-$k.load
		: >"$loadf"
		if ! load_alive; then
			err "the host load stopped before run $k (see $outdir/load.log)"
			load_lost=1
		fi
		log "run $k/$runs started $(ts), load $(load1)"
		t0=$(date +%s)
		setsid "$here/vm-test.sh" --kernel "$kver" --module "$repo/shadowmm.ko" \
			--timeout "$boot_timeout" --append "SMM_SOAK_MIN=$soak_min" \
			${names[@]+"${names[@]}"} >"$runlog" 2>&1 </dev/null &
		run_pgid=$!
		n=0
		while kill -0 "$run_pgid" 2>/dev/null; do
			if [ $((n % 15)) -eq 0 ]; then
				echo "$(($(date +%s) - t0)) $(load1)" >>"$loadf"
			fi
			if [ "$n" -gt 0 ] && [ $((n % 60)) -eq 0 ]; then
				done_n=$(tr -d '\r' <"$runlog" | grep -cE '^(not )?ok [0-9]+ selftests: shadowmm: ' || true)
				log "run $k/$runs $(ts): $((n / 60)) min, load $(load1), $done_n test(s) done"
			fi
			sleep 1
			n=$((n + 1))
		done
		set +e
		wait "$run_pgid"
		rc=$?
		set -e
		run_pgid=""
		wall=$(($(date +%s) - t0))
		echo "$wall $(load1)" >>"$loadf"
		lost=0
		if ! load_alive; then
			err "the host load stopped during run $k (see $outdir/load.log)"
			load_lost=1
			lost=1
		fi
		echo "$wall $rc $lost" >"$outdir/run-$k.meta"
		# the guest's kernel log of each boot (vm-test.sh reuses its
		# files run after run): "[vm] dmesg: PATH" in the log
		tr -d '\r' <"$runlog" | sed -n 's/^\[vm\] dmesg: //p' | while IFS= read -r f; do
			[ ! -f "$f" ] || cat "$f"
		done >"$outdir/run-$k-dmesg.txt"
		log "run $k/$runs ended $(ts) after $wall s, exit $rc, load $(load1): $(tr -d '\r' <"$runlog" | grep '^vm-test:' | tail -n 1)"
	done
	echo "$(($(date +%s) - t_all))" >"$outdir/wall-total"
	if [ -n "$load_pgid" ]; then
		log "load builds: $(grep -c ' done ' "$outdir/load.log" || true) finished ($outdir/load.log)"
		stop_group "$load_pgid"
		load_pgid=""
	fi
fi

# --- what the runs left --------------------------------------------------------
[ -f "$outdir/params" ] || { err "no runs in $outdir"; exit 1; }
read -r kver with_load jobs <"$outdir/params"
runs=0
while [ -f "$outdir/run-$((runs + 1)).meta" ]; do runs=$((runs + 1)); done
[ "$runs" -gt 0 ] || { err "no finished run in $outdir"; exit 1; }
t_total=$(cat "$outdir/wall-total" 2>/dev/null || echo 0)
declare -a wall=() rcs=() lmean=() lmax=() lmin=()
load_lost=0
for k in $(seq 1 "$runs"); do
	read -r "wall[k]" "rcs[k]" lost <"$outdir/run-$k.meta"
	[ "$lost" = 0 ] || load_lost=1
	read -r "lmean[k]" "lmax[k]" "lmin[k]" < <(awk '
		{ s += $2; n++; if (n == 1 || $2 > mx) mx = $2; if (n == 1 || $2 < mn) mn = $2 }
		END { if (n) printf "%.2f %.2f %.2f\n", s / n, mx, mn; else print "0 0 0" }' "$outdir/run-$k.load")
done

# --- the verdicts ----------------------------------------------------------------
# One "NAME<TAB>VERDICT" line per test, VERDICT "ok", "skip" or
# "not ok (# exit=1)"; the test's number is part of the TAP line, not of
# the verdict (it follows the name order, which is the same every run).
verdicts() { # LOG
	tr -d '\r' <"$1" | awk '
		/SMM-DMESG-BEGIN/ { indm = 1 } /SMM-DMESG-END/ { indm = 0; next } indm { next }
		/^(not )?ok [0-9]+ selftests: shadowmm: / {
			line = $0
			v = "ok"
			if (line ~ /^not ok/) { v = "not ok"; sub(/^not ok [0-9]+ selftests: shadowmm: /, "", line) }
			else sub(/^ok [0-9]+ selftests: shadowmm: /, "", line)
			name = line; sub(/ .*/, "", name)
			rest = line; sub(/^[^ ]*/, "", rest); sub(/^ +/, "", rest)
			if (v == "ok" && rest ~ /^# SKIP/) v = "skip"
			else if (v == "not ok" && rest != "") v = v " (" rest ")"
			print name "\t" v
		}'
}

declare -A verdict=()
tests=()
for k in $(seq 1 "$runs"); do
	while IFS=$'\t' read -r name v; do
		[ -n "${verdict[$name,seen]+set}" ] || { tests+=("$name"); verdict[$name,seen]=1; }
		verdict[$name,$k]=$v
	done < <(verdicts "$outdir/run-$k.log")
	sum=$(tr -d '\r' <"$outdir/run-$k.log" | grep '^vm-test:' | tail -n 1 || true)
	verdict[@summary,$k]=${sum:-"(no vm-test: line)"}
	cases=$(tr -d '\r' <"$outdir/run-$k.log" | sed -n 's/^\[vm-test\] cases: //p' | tail -n 1)
	verdict[@cases,$k]=${cases:-"(no cases line)"}
done

all_passed=1
identical=1
differs=()
for t in "${tests[@]}"; do
	first=${verdict[$t,1]:-missing}
	same=1
	for k in $(seq 1 "$runs"); do
		v=${verdict[$t,$k]:-missing}
		case "$v" in ok | skip) ;; *) all_passed=0 ;; esac
		[ "$v" = "$first" ] || same=0
	done
	[ "$same" = 1 ] || { identical=0; differs+=("$t"); }
done
for k in $(seq 1 "$runs"); do
	[ "${rcs[k]}" -eq 0 ] || all_passed=0
done
# the totals, and the KTAP cases inside the tests counted
for what in summary cases; do
	for k in $(seq 1 "$runs"); do
		if [ "${verdict[@$what,$k]}" != "${verdict[@$what,1]}" ]; then
			identical=0
			differs+=("($what line)")
			break
		fi
	done
done
[ ${#tests[@]} -gt 0 ] || all_passed=0

# --- the table -------------------------------------------------------------------
w=4
for t in "${tests[@]}"; do [ ${#t} -le "$w" ] || w=${#t}; done
# table TITLE ARRAY EMPTY: a test a line, a column a run, each cell
# ARRAY[test,run] (EMPTY where it has none)
table() {
	local -n cell=$2
	local t k

	echo
	printf "%-${w}s" "$1"
	for k in $(seq 1 "$runs"); do printf "  %-10s" "run $k"; done
	echo
	for t in "${tests[@]}"; do
		printf "%-${w}s" "$t"
		for k in $(seq 1 "$runs"); do printf "  %-10s" "${cell[$t,$k]:-$3}"; done
		echo
	done
}
table test verdict missing
for k in $(seq 1 "$runs"); do
	printf "run %d: %s (cases: %s); %d s, exit %d, load mean %s (min %s, max %s)\n" "$k" \
		"${verdict[@summary,$k]}" "${verdict[@cases,$k]}" "${wall[k]}" "${rcs[k]}" \
		"${lmean[k]}" "${lmin[k]}" "${lmax[k]}"
done
for t in ${differs[@]+"${differs[@]}"}; do
	log "differs between runs: $t"
done

# Each test's time in the guest (kernel log timestamps of run_guest.sh's
# start/end marks; shown, not compared): how near a loaded run comes to
# the per-test timeouts.
declare -A secs=()
for k in $(seq 1 "$runs"); do
	[ -s "$outdir/run-$k-dmesg.txt" ] || continue
	while read -r name d; do
		secs[$name,$k]=$d
	done < <(sed -nE 's/^\[ *([0-9.]+)\] shadowmm-selftest: (start|end) [0-9]+ ([^ ]+).*/\1 \2 \3/p' \
		"$outdir/run-$k-dmesg.txt" |
		awk '$2 == "start" { s[$3] = $1 } $2 == "end" && ($3 in s) { printf "%s %.1f\n", $3, $1 - s[$3] }')
done
[ ${#secs[@]} -eq 0 ] || table "guest s" secs -

# --- the JSON ----------------------------------------------------------------------
jstr() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
{
	printf '{\n  "kernel": %s,\n  "runs": %d,\n  "load": %s,\n  "jobs": %d,\n' \
		"$(jstr "$kver")" "$runs" "$([ "$with_load" = 1 ] && echo '"make vmlinux (linux-source-6.1, x86_64_defconfig)"' || echo null)" "$jobs"
	printf '  "load_lost": %s,\n  "wall_total_s": %d,\n' \
		"$([ "$load_lost" = 1 ] && echo true || echo false)" "$t_total"
	printf '  "all_passed": %s,\n  "identical": %s,\n  "differs": [' \
		"$([ "$all_passed" = 1 ] && echo true || echo false)" \
		"$([ "$identical" = 1 ] && echo true || echo false)"
	sep=""
	for t in ${differs[@]+"${differs[@]}"}; do printf '%s%s' "$sep" "$(jstr "$t")"; sep=", "; done
	printf '],\n  "run": [\n'
	for k in $(seq 1 "$runs"); do
		printf '    {"run": %d, "exit": %d, "wall_s": %d, "summary": %s, "cases": %s,\n' \
			"$k" "${rcs[k]}" "${wall[k]}" "$(jstr "${verdict[@summary,$k]}")" \
			"$(jstr "${verdict[@cases,$k]}")"
		printf '     "loadavg_1min": {"mean": %s, "min": %s, "max": %s, "samples": [%s]},\n' \
			"${lmean[k]}" "${lmin[k]}" "${lmax[k]}" \
			"$(awk '{ printf "%s[%d, %s]", (NR > 1 ? ", " : ""), $1, $2 }' "$outdir/run-$k.load")"
		printf '     "tests": {'
		sep=""
		for t in "${tests[@]}"; do
			printf '%s%s: %s' "$sep" "$(jstr "$t")" "$(jstr "${verdict[$t,$k]:-missing}")"
			sep=", "
		done
		printf '},\n     "guest_s": {'
		sep=""
		for t in "${tests[@]}"; do
			[ -n "${secs[$t,$k]:-}" ] || continue
			printf '%s%s: %s' "$sep" "$(jstr "$t")" "${secs[$t,$k]}"
			sep=", "
		done
		printf '}}%s\n' "$([ "$k" -lt "$runs" ] && echo ,)"
	done
	printf '  ]\n}\n'
} >"$json"
log "logs: $outdir/run-*.log; summary: $json"

if [ "$load_lost" = 1 ]; then
	log "FAIL: the host load stopped early: the runs were not all under load"
	exit 1
fi
if [ "$all_passed" = 1 ] && [ "$identical" = 1 ]; then
	log "$runs run(s) $([ "$with_load" = 1 ] && echo "under load" || echo "without a host load"): every test passed, every run the same"
	exit 0
fi
[ "$all_passed" = 1 ] || log "FAIL: not every run passed every test"
[ "$identical" = 1 ] || log "FAIL: the runs differ"
exit 1
