# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034 # variables are for the tests that source this
#
# lib.sh - helpers for the shadowmm guest selftests (busybox ash / POSIX sh).
#
#   . "$(dirname "$0")/lib.sh"
#
# KTAP output, with the semantics of the kernel's kselftest helpers:
#   ktap_print_header            "TAP version 13"
#   ktap_set_plan N              "1..N"
#   ktap_print_msg MSG...        "# MSG"
#   ktap_test_pass DESC          "ok N DESC"
#   ktap_test_fail DESC [DIAG]   "# DESC: DIAG" (when given), "not ok N DESC"
#   ktap_test_skip DESC [REASON] "ok N DESC # SKIP REASON"
#   ktap_test_xfail DESC         "ok N DESC # XFAIL"
#   ktap_test_result DESC CMD... runs CMD (output as "# " lines), pass if
#                                it exits 0, else fail with its status
#   ktap_skip_all REASON         "1..0 # SKIP REASON", exit 4
#   ktap_exit_fail_msg MSG       "Bail out! MSG", totals, exit 1
#   ktap_print_totals            "# Totals: pass:N fail:N xfail:N xpass:0 skip:N error:0"
#   ktap_finished                totals, then exit: 1 if anything failed or
#                                the count differs from the plan, 4 if
#                                every test was skipped, 0 otherwise
# Exit codes follow kselftest: KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4.
#
# shadowmm helpers:
#   SMM_KO, SMM_DEBUGFS (/sys/kernel/debug/shadowmm), SMM_BPFTRACE_DIR
#   smm_load [PARAM=VALUE...]    insmod $SMM_KO with the parameters
#   smm_unload                   rmmod shadowmm if loaded (0 when not loaded)
#   smm_loaded                   true when the module is loaded
#   smm_ctl "CMD"                write CMD to $SMM_DEBUGFS/ctl; the write's
#                                status (non-zero when the module rejects it)
#   smm_read FILE                cat $SMM_DEBUGFS/FILE
#   smm_check_ok                 true when the check view's verdict (its last
#                                line; info: lines may precede) is OK
#   smm_buddyinfo_drained        drain the pcp lists, print buddyinfo
#   smm_buddy_pages              drain, the free pages buddyinfo counts
#   smm_slab_pages               "SLABS PAGES": slabs and pages in slabs,
#                                summed over every cache in slabinfo
#   smm_free_kb                  the host's free memory in kB as its
#                                allocator sees it (see the function)
#   smm_require_module           skip all unless $SMM_KO exists
#   smm_require_bpftrace         skip all unless bpftrace is installed
#   smm_bpftrace_start PROG OUT  start bpftrace on PROG (a .bt file, a name in
#                                $SMM_BPFTRACE_DIR, or program text) in the
#                                background, its output in OUT; returns once
#                                the probes are attached (marker
#                                "SMM-BPFTRACE-READY" printed from BEGIN;
#                                added to PROG when PROG does not print it),
#                                at most $SMM_BPFTRACE_TIMEOUT s (60)
#   smm_bpftrace_stop            waits until OUT stops growing (0.6 s quiet,
#                                $SMM_BPFTRACE_SETTLE polls of 0.2 s; at
#                                most 5 s: bpftrace 0.17 drops the last
#                                printf events when stopped at once), then
#                                SIGINT (again after 10 s), SIGKILL after 20 s;
#                                returns bpftrace's exit status
#   smm_dmesg_mark TEXT          write "shadowmm-selftest: TEXT" to /dev/kmsg

KSFT_PASS=0
KSFT_FAIL=1
KSFT_XFAIL=2
KSFT_XPASS=3
KSFT_SKIP=4

KTAP_TESTNO=1
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_XFAIL=0
KTAP_CNT_SKIP=0
KSFT_NUM_TESTS=0

ktap_print_header() {
	echo "TAP version 13"
}

ktap_print_msg() {
	echo "# $*"
}

ktap_set_plan() {
	KSFT_NUM_TESTS=$1
	echo "1..$KSFT_NUM_TESTS"
}

# __ktap_test RESULT DESC [DIRECTIVE]
__ktap_test() {
	if [ -n "${3:-}" ]; then
		echo "$1 $KTAP_TESTNO $2 # $3"
	else
		echo "$1 $KTAP_TESTNO $2"
	fi
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

ktap_test_pass() {
	__ktap_test "ok" "$1"
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
}

ktap_test_fail() {
	[ -z "${2:-}" ] || echo "# $1: $2"
	__ktap_test "not ok" "$1"
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
}

ktap_test_skip() {
	__ktap_test "ok" "$1" "SKIP${2:+ $2}"
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
}

ktap_test_xfail() {
	__ktap_test "ok" "$1" "XFAIL"
	KTAP_CNT_XFAIL=$((KTAP_CNT_XFAIL + 1))
}

# ktap_test_result DESC CMD [ARGS...]: CMD runs in a subshell (variables it
# sets do not survive); its output is shown as diagnostic lines.
ktap_test_result() {
	__ktr_desc=$1
	shift
	__ktr_out=$("$@" 2>&1)
	__ktr_rc=$?
	[ -z "$__ktr_out" ] || printf '%s\n' "$__ktr_out" | sed 's/^/# /'
	if [ "$__ktr_rc" -eq 0 ]; then
		ktap_test_pass "$__ktr_desc"
	else
		ktap_test_fail "$__ktr_desc" "'$*' exited with status $__ktr_rc"
	fi
}

ktap_skip_all() {
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

ktap_print_totals() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL xfail:$KTAP_CNT_XFAIL xpass:0 skip:$KTAP_CNT_SKIP error:0"
}

ktap_exit_fail_msg() {
	echo "Bail out! $*"
	ktap_print_totals
	exit "$KSFT_FAIL"
}

ktap_finished() {
	ktap_print_totals
	__ktf_done=$((KTAP_CNT_PASS + KTAP_CNT_SKIP + KTAP_CNT_XFAIL + KTAP_CNT_FAIL))
	if [ "$KTAP_CNT_FAIL" -gt 0 ]; then
		exit "$KSFT_FAIL"
	fi
	if [ "$__ktf_done" -ne "$KSFT_NUM_TESTS" ]; then
		echo "# planned $KSFT_NUM_TESTS test(s), ran $__ktf_done"
		exit "$KSFT_FAIL"
	fi
	if [ "$KTAP_CNT_SKIP" -gt 0 ] && [ $((KTAP_CNT_PASS + KTAP_CNT_XFAIL)) -eq 0 ]; then
		exit "$KSFT_SKIP"
	fi
	exit "$KSFT_PASS"
}

# --- shadowmm ---------------------------------------------------------------

SMM_DIR=${SMM_DIR:-/lib/shadowmm}
SMM_KO=${SMM_KO:-$SMM_DIR/shadowmm.ko}
SMM_DEBUGFS=${SMM_DEBUGFS:-/sys/kernel/debug/shadowmm}
SMM_BPFTRACE_DIR=${SMM_BPFTRACE_DIR:-$SMM_DIR/bpftrace}
SMM_BPFTRACE_TIMEOUT=${SMM_BPFTRACE_TIMEOUT:-60}
SMM_BPFTRACE_MARKER=SMM-BPFTRACE-READY
SMM_BPFTRACE_PID=""

smm_loaded() {
	[ -d /sys/module/shadowmm ]
}

# Parameters are optional: smm_load alone loads the defaults.
# SMM_DEFAULT_PARAMS (e.g. region=cma or memory_model=sparsemem; a lane
# passes it on the kernel command line, which hands it to init's
# environment): each of its words is added unless the call names the same
# parameter (a test's region=pages stays region=pages, and still gets
# memory_model=sparsemem).
# shellcheck disable=SC2120
smm_load() {
	_smm_p=""
	for _smm_d in ${SMM_DEFAULT_PARAMS:-}; do
		_smm_keep=1
		for _smm_a in "$@"; do
			[ "${_smm_a%%=*}" = "${_smm_d%%=*}" ] && _smm_keep=0
		done
		[ $_smm_keep = 1 ] && _smm_p="$_smm_p $_smm_d"
	done
	# shellcheck disable=SC2086
	insmod "$SMM_KO" $_smm_p "$@"
}

smm_unload() {
	smm_loaded || return 0
	rmmod shadowmm
}

smm_ctl() {
	echo "$*" >"$SMM_DEBUGFS/ctl"
}

smm_read() {
	cat "$SMM_DEBUGFS/$1"
}

# check ends with "OK" or "FAILED: N violation(s)" ("info:" lines may precede)
smm_check_ok() {
	[ "$(tail -n 1 "$SMM_DEBUGFS/check")" = "OK" ]
}

# buddyinfo with every pcp list drained back: comparable across time
smm_buddyinfo_drained() {
	smm_ctl drain
	cat "$SMM_DEBUGFS/buddyinfo"
}

# free pages in buddyinfo (drained), summed over zones and orders
smm_buddy_pages() {
	smm_buddyinfo_drained | awk '{ p = 1; for (i = 5; i <= NF; i++) { n += $i * p; p *= 2 } }
		END { printf "%d\n", n }'
}

# slabinfo 2.1: $6 pagesperslab, $15 num_slabs
smm_slab_pages() {
	awk '!/^#/ && NF >= 15 { s += $15; n += $6 * $15 } END { printf "%d %d\n", s, n }' \
		"$SMM_DEBUGFS/slabinfo"
}

# The host's free memory in kB as its allocator sees it: MemFree after
# folding the per-cpu vmstat deltas (without that MemFree lags by
# megabytes), plus the pages parked on per-cpu free lists (/proc/zoneinfo
# "count:"), which NR_FREE_PAGES does not count: free_contig_range()
# returns a region page by page through those lists, up to "high" (several
# MiB) of them. Under KASAN plus Slab: KASAN keeps freed slab objects in
# its quarantine (up to 1/32 of memory) instead of freeing their slabs, so
# there slab growth counts as free.
smm_free_kb() {
	_smm_kasan=0
	grep -qw kasan_report /proc/kallsyms 2>/dev/null && _smm_kasan=1
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
	_smm_pcp=$(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)
	awk -v pcp="$_smm_pcp" -v kasan="$_smm_kasan" '/^MemFree:/ { f = $2 + pcp * 4 }
		/^Slab:/ { s = $2 } END { print f + kasan * s }' /proc/meminfo
}

# The shadow's node ids, ascending, one a line (its debugfs node<N> dirs).
smm_nodes() {
	(cd "$SMM_DEBUGFS" && for d in node[0-9]*; do
		[ -d "$d" ] && echo "${d#node}"
	done) | sort -n
}

smm_require_module() {
	[ -f "$SMM_KO" ] || ktap_skip_all "no module at $SMM_KO"
}

smm_require_bpftrace() {
	command -v bpftrace >/dev/null 2>&1 || ktap_skip_all "bpftrace not installed"
}

smm_dmesg_mark() {
	echo "shadowmm-selftest: $*" >/dev/kmsg 2>/dev/null || true
}

# hex/decimal to decimal (busybox ash arithmetic is 64-bit)
smm_dec() { echo $(($1)); }

# The loaded region's chunks, from debugfs: "START END NODE" lines, pfns
# in decimal, ascending.
smm_region_chunks() {
	sed -n 's/^chunk [0-9]* pfn \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\) pages [0-9]* node \([0-9]*\)$/\1 \2 \3/p' \
		"$SMM_DEBUGFS/region" | while read -r s e n; do
		echo "$(smm_dec "$s") $(smm_dec "$e") $n"
	done | sort -n
}

# page_owner=on with the tool that reads it (the debug lane): there what
# rmmod gave back is checked exactly (smm_gave_back_exactly). MemFree is
# no measure of it on that kernel: KASAN's quarantine and stack depot and
# kmemleak's objects move it by up to ~800 kB across one load/unload with
# no page of the region kept, more on a loaded machine (see README).
smm_page_owner_on() {
	[ -r /sys/kernel/debug/page_owner ] && command -v smm-page-owner >/dev/null
}

# Write a mark to the kernel log and print its timestamp in ns: printk
# stamps with local_clock(), the clock page_owner's "ts" is taken with.
smm_mark_ns() {
	smm_dmesg_mark "$1"
	dmesg | sed -n "s/^\[ *\([0-9]*\)\.\([0-9]*\)\] shadowmm-selftest: $1\$/\1 \2/p" |
		tail -n 1 | {
		read -r sec usec
		usec=$(echo "$usec" | sed 's/^0*//')
		echo $((sec * 1000000000 + ${usec:-0} * 1000))
	}
}

# How many pages of the chunks ($2: "START END NODE" lines) page_owner
# still lists as allocated before $1 (ns, smm_mark_ns): up to 4 lines
# "still allocated: pfn ..." (the records), then the count, or "error"
# when page_owner could not be read.
smm_region_held() {
	_out=$(echo "$2" | while read -r s e _; do
		smm-page-owner "$s" "$e" "$1" || echo "held error"
	done)
	echo "$_out" | grep -v '^held' | head -n 4 | sed 's/^/still allocated: /'
	if [ -z "$2" ] || [ "${1:-0}" -le 0 ] || echo "$_out" | grep -q "held error"; then
		echo error
	else
		echo "$_out" | awk '$1 == "held" { n += $2 } END { print n + 0 }'
	fi
}

# With page_owner the check is exact: after rmmod, page_owner must list no
# page of the region's chunks ($3) as allocated before the rmmod ($2, ns):
# every page the backend took went back to the buddy allocator (pages
# allocated there since are someone else's). $1 names the case.
smm_gave_back_exactly() {
	_r=$(smm_region_held "$2" "$3")
	echo "$_r" | sed '$d' | sed "s/^/# $1: /"
	_held=$(echo "$_r" | tail -n 1)
	_pages=$(echo "$3" | awk '{ n += $2 - $1 } END { print n + 0 }')
	if [ "$_held" = 0 ] && [ "$_pages" -gt 0 ]; then
		ktap_test_pass "$1: page_owner: all $_pages pages of the region freed at rmmod"
	else
		ktap_test_fail "$1: page_owner: $_held of $_pages pages of the region still allocated from before rmmod"
	fi
}

# Program text with the ready marker printed from BEGIN: as it is when it
# mentions the marker already, else the printf is put first in a one-line
# "BEGIN {", or added as a BEGIN probe of its own when the program has none
# (bpftrace allows one BEGIN only).
__smm_bpftrace_prog() {
	if grep -q "$SMM_BPFTRACE_MARKER" "$1"; then
		cat "$1"
	elif grep -q 'BEGIN[[:space:]]*{' "$1"; then
		awk -v m="$SMM_BPFTRACE_MARKER" '
		!done && match($0, /BEGIN[ \t]*\{/) {
			$0 = substr($0, 1, RSTART + RLENGTH - 1) " printf(\"" m "\\n\");" \
				substr($0, RSTART + RLENGTH)
			done = 1
		}
		{ print }' "$1"
	elif grep -q 'BEGIN' "$1"; then
		# "BEGIN" with its brace on another line: the program prints the
		# marker itself.
		cat "$1"
	else
		cat "$1"
		printf '\nBEGIN { printf("%s\\n"); }\n' "$SMM_BPFTRACE_MARKER"
	fi
}

# smm_bpftrace_start PROG OUT [BPFTRACE-OPTIONS...]
smm_bpftrace_start() {
	__sbs_prog=$1
	__sbs_out=$2
	shift 2
	if [ -n "$SMM_BPFTRACE_PID" ]; then
		echo "# smm_bpftrace_start: bpftrace $SMM_BPFTRACE_PID still running" >&2
		return 1
	fi
	__sbs_src=$(mktemp /tmp/smm-bt.XXXXXX)
	if [ -f "$__sbs_prog" ]; then
		cp "$__sbs_prog" "$__sbs_src"
	elif [ -f "$SMM_BPFTRACE_DIR/$__sbs_prog" ]; then
		cp "$SMM_BPFTRACE_DIR/$__sbs_prog" "$__sbs_src"
	else
		printf '%s\n' "$__sbs_prog" >"$__sbs_src"
	fi
	SMM_BPFTRACE_SRC="$__sbs_src.bt"
	__smm_bpftrace_prog "$__sbs_src" >"$SMM_BPFTRACE_SRC"
	rm -f "$__sbs_src"

	: >"$__sbs_out"
	bpftrace "$@" "$SMM_BPFTRACE_SRC" >"$__sbs_out" 2>&1 </dev/null &
	SMM_BPFTRACE_PID=$!
	SMM_BPFTRACE_OUT=$__sbs_out
	__sbs_t=0
	# Poll every 0.2 s for the marker.
	while [ "$__sbs_t" -lt $((SMM_BPFTRACE_TIMEOUT * 5)) ]; do
		if grep -q "$SMM_BPFTRACE_MARKER" "$__sbs_out"; then
			return 0
		fi
		if ! kill -0 "$SMM_BPFTRACE_PID" 2>/dev/null; then
			wait "$SMM_BPFTRACE_PID"
			echo "# bpftrace exited (status $?) before attaching:" >&2
			sed 's/^/#   /' "$__sbs_out" >&2
			SMM_BPFTRACE_PID=""
			return 1
		fi
		sleep 0.2
		__sbs_t=$((__sbs_t + 1))
	done
	echo "# bpftrace did not attach within ${SMM_BPFTRACE_TIMEOUT}s:" >&2
	sed 's/^/#   /' "$__sbs_out" >&2
	smm_bpftrace_stop >/dev/null 2>&1
	return 1
}

smm_bpftrace_stop() {
	[ -n "$SMM_BPFTRACE_PID" ] || return 0
	# bpftrace 0.17 does not drain its perf buffers on SIGINT: printf
	# output of the last events can be lost. Wait until the output has
	# not grown for $SMM_BPFTRACE_SETTLE polls of 0.2 s (at most 5 s).
	__sbt_t=0
	__sbt_quiet=0
	__sbt_size=-1
	while [ "$__sbt_quiet" -lt "${SMM_BPFTRACE_SETTLE:-3}" ] && [ "$__sbt_t" -lt 25 ]; do
		__sbt_new=$(wc -c <"$SMM_BPFTRACE_OUT" 2>/dev/null || echo 0)
		if [ "$__sbt_new" = "$__sbt_size" ]; then
			__sbt_quiet=$((__sbt_quiet + 1))
		else
			__sbt_quiet=0
			__sbt_size=$__sbt_new
		fi
		sleep 0.2
		__sbt_t=$((__sbt_t + 1))
	done
	kill -INT "$SMM_BPFTRACE_PID" 2>/dev/null
	# Under TCG bpftrace has been seen to miss the first SIGINT now and
	# then (its exit path never started): ask again after 10 s.
	__sbt_t=0
	while kill -0 "$SMM_BPFTRACE_PID" 2>/dev/null && [ "$__sbt_t" -lt 100 ]; do
		[ "$__sbt_t" -ne 50 ] || kill -INT "$SMM_BPFTRACE_PID" 2>/dev/null
		sleep 0.2
		__sbt_t=$((__sbt_t + 1))
	done
	if kill -0 "$SMM_BPFTRACE_PID" 2>/dev/null; then
		echo "# bpftrace ignored SIGINT twice in 20 s: SIGKILL" >&2
		kill -KILL "$SMM_BPFTRACE_PID" 2>/dev/null
	fi
	wait "$SMM_BPFTRACE_PID"
	__sbt_rc=$?
	SMM_BPFTRACE_PID=""
	rm -f "${SMM_BPFTRACE_SRC:-}"
	return "$__sbt_rc"
}

# --- a test's start and end ---------------------------------------------------
# Under the kernel's own runner (run_kselftest.sh) nothing unloads a module
# a test left loaded, and its per-test timeout ends a test with SIGTERM: so
# a test (a script named shadowmm_*.sh) that sources this file starts by
# unloading a module an earlier one left behind, and unloads it when
# terminated. run_guest.sh unloads after every test as well.

# smm_on_term: the TERM trap of a test. The runner's timeout signals the
# whole process group, so what the test started (bpftrace, dd readers of
# debugfs) is going away too: retry rmmod while they let go (at most 10 s).
smm_on_term() {
	trap - TERM
	echo "# terminated (SIGTERM): unloading shadowmm"
	[ -z "$SMM_BPFTRACE_PID" ] || kill -KILL "$SMM_BPFTRACE_PID" 2>/dev/null
	__sot_i=0
	while smm_loaded && [ "$__sot_i" -lt 50 ]; do
		rmmod shadowmm 2>/dev/null || sleep 0.2
		__sot_i=$((__sot_i + 1))
	done
	smm_loaded && echo "# rmmod shadowmm failed for 10 s: left loaded"
	exit 143
}

smm_test_start() {
	if smm_loaded; then
		echo "# shadowmm was left loaded (by an earlier test?): rmmod shadowmm"
		rmmod shadowmm || echo "# rmmod shadowmm failed: this test starts on a loaded module"
	fi
	trap smm_on_term TERM
}

case "${0##*/}" in
shadowmm_*.sh) smm_test_start ;;
esac
