#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_guest.sh - run the shadowmm selftests inside the guest, kselftest style.
#
# Usage: run_guest.sh [-t SECONDS] [TEST...]
#
# TEST: a file in this directory (shadowmm_foo.sh, shadowmm_foo or foo);
# default every shadowmm_*.sh here, sorted. Prints TAP on stdout:
#     TAP version 13
#     1..N
#     # selftests: shadowmm: shadowmm_foo.sh
#     # <the test's own KTAP output, each line prefixed by "# ">
#     ok 1 selftests: shadowmm: shadowmm_foo.sh
# and "not ok N ... # exit=RC", "not ok N ... # TIMEOUT S seconds",
# "ok N ... # SKIP reason" (test exit 4; reason from its "1..0 # SKIP" line).
#
# Per-test timeout, first found: a "# smm-timeout: S" line in the test, -t,
# $SMM_TEST_TIMEOUT, "timeout=S" in ./settings (kselftest's file), 120 s;
# a $SMM_TEST_TIMEOUT longer than the test's line wins.
# A test runs in its own session with stdin /dev/null; on timeout its
# process group gets SIGTERM, then SIGKILL 5 s later. Whatever the test left
# running in its process group is killed after it; a module it left loaded
# is unloaded (a failed rmmod fails the test).
#
# Each test's start and end are written to the kernel log
# ("shadowmm-selftest: start N NAME"); kernel log lines matching
#     BUG:|WARNING:|Oops|Call Trace|general protection|[Kk]ernel panic|UBSAN|KASAN
# that appear in between fail that test, and are shown. The log is read
# from /dev/kmsg ($SMM_KMSG, kept by the guest's /init, else a reader of
# our own), so a test's `dmesg -c` hides nothing.
#
# Exit status: 0 when every test passed or skipped, 1 otherwise, 2 on usage.

SMM_SELFTESTS=$(cd "$(dirname "$0")" && pwd)
DMESG_BAD='BUG:|WARNING:|Oops|Call Trace|general protection|[Kk]ernel panic|UBSAN|KASAN'

timeout_opt=""
while [ $# -gt 0 ]; do
	case "$1" in
	-t)
		[ $# -ge 2 ] || { echo "usage: $0 [-t SECONDS] [TEST...]" >&2; exit 2; }
		timeout_opt=$2
		shift 2
		;;
	-h | --help)
		awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); print; next } NR > 3 { exit }' "$0"
		exit 0
		;;
	--) shift; break ;;
	-*) echo "usage: $0 [-t SECONDS] [TEST...]" >&2; exit 2 ;;
	*) break ;;
	esac
done

default_timeout=120
if [ -r "$SMM_SELFTESTS/settings" ]; then
	v=$(sed -n 's/^timeout=\([0-9][0-9]*\).*/\1/p' "$SMM_SELFTESTS/settings" | tail -n 1)
	[ -z "$v" ] || default_timeout=$v
fi
[ -z "${SMM_TEST_TIMEOUT:-}" ] || default_timeout=$SMM_TEST_TIMEOUT
[ -z "$timeout_opt" ] || default_timeout=$timeout_opt

# Resolve the test list.
tests=""
if [ $# -eq 0 ]; then
	for t in "$SMM_SELFTESTS"/shadowmm_*.sh; do
		[ -e "$t" ] && tests="$tests $(basename "$t")"
	done
else
	for a in "$@"; do
		a=$(basename "$a")
		found=""
		for c in "$a" "$a.sh" "shadowmm_$a" "shadowmm_$a.sh"; do
			if [ -f "$SMM_SELFTESTS/$c" ]; then
				found=$c
				break
			fi
		done
		# Unknown names stay in the list and fail as missing.
		tests="$tests ${found:-$a}"
	done
fi

uptime_s() { cut -d. -f1 /proc/uptime; }

# The kernel log, one /dev/kmsg record a line, from boot on.
kmsg_reader=""
if [ -z "${SMM_KMSG:-}" ] || [ ! -r "$SMM_KMSG" ]; then
	SMM_KMSG=/tmp/smm-kmsg.$$
	setsid sh -c 'while :; do cat /dev/kmsg; sleep 0.2; done' \
		</dev/null >"$SMM_KMSG" 2>/dev/null &
	kmsg_reader=$!
fi

# kmsg_mark TEXT: write TEXT to the kernel log, wait (at most 3 s) until the
# reader has it, print its line number in $SMM_KMSG.
kmsg_mark() {
	echo "$1" >/dev/kmsg 2>/dev/null
	i=0
	while [ "$i" -lt 30 ]; do
		l=$(grep -nF ";$1" "$SMM_KMSG" | tail -n 1 | cut -d: -f1)
		if [ -n "$l" ]; then
			echo "$l"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	wc -l <"$SMM_KMSG"
}

# Kernel log lines from line $1 on, dmesg style, that look like trouble.
kmsg_bad_since() {
	tail -n "+$1" "$SMM_KMSG" | awk '/^ / { next }
	{
		i = index($0, ";")
		if (!i) next
		split(substr($0, 1, i - 1), h, ",")
		t = h[3] + 0; s = int(t / 1000000)
		printf "[%5d.%06d] %s\n", s, t - s * 1000000, substr($0, i + 1)
	}' | grep -E "$DMESG_BAD" | head -n 20
}

# Prefix each line read with "# " and keep a raw copy in $1.
prefix_lines() {
	while IFS= read -r line || [ -n "$line" ]; do
		printf '# %s\n' "$line"
		printf '%s\n' "$line" >>"$1"
	done
}

run_one() { # NUM NAME
	n=$1
	name=$2
	hdr="selftests: shadowmm: $name"
	echo "# $hdr"
	if [ ! -f "$SMM_SELFTESTS/$name" ]; then
		echo "# Warning: file $name is missing!"
		echo "not ok $n $hdr"
		return 1
	fi
	to=$(sed -n 's/^# *smm-timeout: *\([0-9][0-9]*\).*/\1/p' "$SMM_SELFTESTS/$name" | head -n 1)
	[ -n "$to" ] || to=$default_timeout
	# a longer $SMM_TEST_TIMEOUT (vm-test.sh --test-timeout) wins over the
	# test's own line: make fuzz-ctl's long runs
	if [ -n "${SMM_TEST_TIMEOUT:-}" ] && [ "$SMM_TEST_TIMEOUT" -gt "$to" ]; then
		to=$SMM_TEST_TIMEOUT
	fi

	tmp=/tmp/smm-selftest.$n
	rm -rf "$tmp"
	mkdir -p "$tmp"
	mkfifo "$tmp/pipe"
	: >"$tmp/log"
	prefix_lines "$tmp/log" <"$tmp/pipe" &
	pp=$!

	kline=$(kmsg_mark "shadowmm-selftest: start $n $name")
	t0=$(uptime_s)
	# setsid: own session and process group (pgid = pid), for the timeout.
	(cd "$SMM_SELFTESTS" && exec setsid "./$name") </dev/null >"$tmp/pipe" 2>&1 &
	pid=$!
	(
		i=0
		while [ "$i" -lt "$to" ]; do
			sleep 1
			kill -0 "$pid" 2>/dev/null || exit 0
			i=$((i + 1))
		done
		: >"$tmp/timedout"
		kill -TERM -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
		sleep 5
		kill -KILL -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	) >/dev/null 2>&1 &
	wd=$!
	wait "$pid" 2>/dev/null
	rc=$?
	kill "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	# Anything the test left behind in its process group.
	kill -KILL -"$pid" 2>/dev/null
	# The prefixer ends when the last writer is gone; do not hang on a
	# writer that escaped the process group.
	i=0
	while kill -0 "$pp" 2>/dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$pp" 2>/dev/null
	wait "$pp" 2>/dev/null
	t1=$(uptime_s)

	extra=""
	if [ -d /sys/module/shadowmm ]; then
		echo "# $name left shadowmm loaded: rmmod shadowmm"
		rmmod shadowmm 2>&1 | sed 's/^/# /'
		if [ -d /sys/module/shadowmm ]; then
			extra="module left loaded and rmmod failed"
		fi
	fi
	kmsg_mark "shadowmm-selftest: end $n $name rc=$rc" >/dev/null
	bad=$(kmsg_bad_since "$kline")
	if [ -n "$bad" ]; then
		echo "# kernel log while $name ran:"
		printf '%s\n' "$bad" | sed 's/^/#   /'
		extra="${extra:+$extra; }kernel log has BUG/WARNING/Oops lines"
	fi
	echo "# $name: exit=$rc, $((t1 - t0))s"

	if [ -e "$tmp/timedout" ]; then
		echo "#"
		echo "not ok $n $hdr # TIMEOUT $to seconds"
		return 1
	fi
	if [ -n "$extra" ]; then
		echo "not ok $n $hdr # $extra"
		return 1
	fi
	case "$rc" in
	0) echo "ok $n $hdr" ;;
	4)
		reason=$(sed -n 's/^1\.\.0 *# *[Ss][Kk][Ii][Pp] *//p' "$tmp/log" | tail -n 1)
		echo "ok $n $hdr # SKIP${reason:+ $reason}"
		return 4
		;;
	*)
		echo "not ok $n $hdr # exit=$rc"
		return 1
		;;
	esac
	return 0
}

# shellcheck disable=SC2086 # test names hold no blanks
set -- $tests
echo "TAP version 13"
echo "1..$#"
num=0
pass=0
fail=0
skip=0
for name in "$@"; do
	num=$((num + 1))
	run_one "$num" "$name"
	case $? in
	0) pass=$((pass + 1)) ;;
	4) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
	rm -rf "/tmp/smm-selftest.$num"
done
if [ -n "$kmsg_reader" ]; then
	kill -TERM -"$kmsg_reader" 2>/dev/null
	rm -f "$SMM_KMSG"
fi
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" -eq 0 ]
