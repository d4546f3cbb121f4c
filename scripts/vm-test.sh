#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-test.sh - run the shadowmm selftests in the QEMU guest (make vm-test).
#
# Usage: scripts/vm-test.sh [options] [TEST...]
#
# TEST: selftests/shadowmm_NAME.sh, given as a path, shadowmm_NAME.sh,
# shadowmm_NAME or NAME; default every selftests/shadowmm_*.sh.
#
# All tests share one boot, which runs /lib/shadowmm/selftests/run_guest.sh
# (TAP on the console, kselftest style). A test whose file has a line
#     # smm-append: KERNEL ARGS
# needs those kernel arguments: tests are grouped by that line, one boot per
# distinct value (tests without it share the plain boot).
#
# Options:
#   --kernel VER          kernel version (default scripts/kver.sh)
#   --test-timeout S      per-test timeout in the guest (default: timeout=
#                         in selftests/settings, else 120; a test can say
#                         "# smm-timeout: S")
#   --timeout S           whole-boot timeout (default 120 + per test
#                         timeout + 10 for each test of the boot)
#   --append 'ARGS'       kernel arguments for every boot
#   --kselftest DIR       run the tests with the kernel's own kselftest
#                         runner instead: DIR is an install tree of
#                         scripts/ksft.sh, put in the guest at
#                         /lib/shadowmm/kselftest; each boot runs
#                         run_kselftest.sh -t shadowmm:TEST ... there (its
#                         per-test timeout is the installed settings'
#                         timeout=; the kernel log is checked per boot)
#   --mem/--nodes/--cpus/--dist/--movablecore/--module/--extra-tests/
#   --kernel-image/--no-bpftrace   passed to scripts/vm.sh (see there)
#   -h, --help
#
# Fails (exit 1) on: any "not ok", fewer results than tests, a guest timeout,
# a guest that ended without its exit marker (panic), a dmesg line matching
#     BUG:|WARNING:|Oops|Call Trace|general protection|[Kk]ernel panic|UBSAN|KASAN
# (offending lines shown), or a kernel taint of B, D, W or L (bad page, oops,
# warning, soft lockup). Exit 2 on bad usage or when there is no test.
# Before it, "[vm-test] cases: N ok, N not ok, N skipped" counts the KTAP
# cases inside the tests. The last line is always
#     vm-test: N passed, N failed, N skipped
# The full console of every boot goes to build/vm/vm-test.log (to
# build/vm/run.PID/vm-test.log when another run holds build/vm).

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
smm_script vm-test
vmdir="$repo/build/vm"
DMESG_BAD='BUG:|WARNING:|Oops|Call Trace|general protection|[Kk]ernel panic|UBSAN|KASAN'

test_timeout=""
boot_timeout=""
append=""
extra_tests="${SMM_EXTRA_TESTS:-}"
kselftest=""
vm_args=()
names=()

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel | --mem | --nodes | --cpus | --dist | --movablecore | --module | --kernel-image)
		[ $# -ge 2 ] || bad_usage "$1 needs a value"
		vm_args+=("$1" "$2")
		shift 2
		;;
	--extra-tests) [ $# -ge 2 ] || bad_usage "$1 needs a value"; extra_tests=$2; shift 2 ;;
	--kselftest) [ $# -ge 2 ] || bad_usage "$1 needs a value"; kselftest=$2; shift 2 ;;
	--no-bpftrace) vm_args+=("$1"); shift ;;
	--test-timeout) [ $# -ge 2 ] || bad_usage "$1 needs a value"; test_timeout=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || bad_usage "$1 needs a value"; boot_timeout=$2; shift 2 ;;
	--append) [ $# -ge 2 ] || bad_usage "$1 needs a value"; append="$append $2"; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; names+=("$@"); break ;;
	-*) bad_usage "unknown option '$1'" ;;
	*) names+=("$1"); shift ;;
	esac
done
# Per-test timeout: --test-timeout, else selftests/settings' timeout=, else
# 120 s (run_guest.sh reads the same file).
guest_env=""
if [ -n "$test_timeout" ]; then
	case "$test_timeout" in *[!0-9]*) bad_usage "--test-timeout wants seconds" ;; esac
	guest_env="SMM_TEST_TIMEOUT=$test_timeout "
else
	test_timeout=$(sed -n 's/^timeout=\([0-9][0-9]*\).*/\1/p' "$repo/selftests/settings" 2>/dev/null | tail -n 1)
	[ -n "$test_timeout" ] || test_timeout=120
fi
[ -z "$extra_tests" ] || vm_args+=(--extra-tests "$extra_tests")
if [ -n "$kselftest" ]; then
	[ -f "$kselftest/kselftest-list.txt" ] ||
		bad_usage "--kselftest $kselftest: no kselftest-list.txt there (scripts/ksft.sh installs one)"
	[ -z "$extra_tests" ] || bad_usage "--kselftest and --extra-tests do not mix"
	vm_args+=(--kselftest "$kselftest")
fi

# --- the tests ------------------------------------------------------------------
# Test files: the repo's selftests/, then --extra-tests DIR (same names win
# from DIR, as in the guest).
test_file() { # NAME -> path or nothing
	local d
	for d in ${extra_tests:+"$extra_tests"} "$repo/selftests"; do
		if [ -f "$d/$1" ]; then echo "$d/$1"; return 0; fi
	done
	return 1
}

tests=()
if [ ${#names[@]} -eq 0 ]; then
	while IFS= read -r f; do
		tests+=("$f")
	done < <(for d in "$repo/selftests" ${extra_tests:+"$extra_tests"}; do
		for f in "$d"/shadowmm_*.sh; do [ -e "$f" ] && basename "$f"; done
	done | LC_ALL=C sort -u)
else
	for a in "${names[@]}"; do
		a=$(basename "$a")
		found=""
		for c in "$a" "$a.sh" "shadowmm_$a" "shadowmm_$a.sh"; do
			if test_file "$c" >/dev/null; then found=$c; break; fi
		done
		[ -n "$found" ] || bad_usage "no test '$a' in selftests/${extra_tests:+ or $extra_tests}"
		tests+=("$found")
	done
fi
if [ ${#tests[@]} -eq 0 ]; then
	log "no selftests/shadowmm_*.sh to run"
	echo "vm-test: 0 passed, 0 failed, 0 skipped"
	exit 2
fi

# Group by "# smm-append:" (bash 4 associative arrays; keys keep order via
# the groups list).
declare -A group_tests=()
groups=()
for t in "${tests[@]}"; do
	ga=$(sed -n 's/^#[[:space:]]*smm-append:[[:space:]]*//p' "$(test_file "$t")" | head -n 1)
	key="x$ga"
	if [ -z "${group_tests[$key]+set}" ]; then
		groups+=("$key")
		group_tests[$key]=""
	fi
	group_tests[$key]="${group_tests[$key]} $t"
done

# build/vm is shared by every run from this checkout: hold its lock for all
# boots (the vm.sh calls below get --workdir), or work in a private one.
# shellcheck source=scripts/vm-workdir.sh
. "$here/vm-workdir.sh"
vm_workdir "$vmdir"
biglog="$workdir/vm-test.log"
: >"$biglog"

total_pass=0
total_fail=0
total_skip=0
cases_ok=0
cases_fail=0
cases_skip=0
problems=()
nboot=${#groups[@]}
b=0
t_start=$(date +%s)

for key in "${groups[@]}"; do
	b=$((b + 1))
	gappend=${key#x}
	read -r -a gtests <<<"${group_tests[$key]}"
	ntests=${#gtests[@]}
	to=${boot_timeout:-$((120 + ntests * (test_timeout + 10)))}
	blog="$workdir/vm-test-boot$b.log"
	bdmesg="$workdir/vm-test-boot$b-dmesg.txt"
	log "boot $b/$nboot: ${gtests[*]}${gappend:+ (smm-append: $gappend)}"

	if [ -n "$kselftest" ]; then
		gcmd="cd /lib/shadowmm/kselftest && ./run_kselftest.sh$(printf ' -t shadowmm:%s' "${gtests[@]}")"
	else
		gcmd="${guest_env}/lib/shadowmm/selftests/run_guest.sh ${gtests[*]}"
	fi
	set +e
	"$here/vm.sh" run "${vm_args[@]}" --workdir "$workdir" --timeout "$to" \
		--log "$blog" --dmesg "$bdmesg" \
		${append:+--append "$append"} ${gappend:+--append "$gappend"} \
		-- "$gcmd"
	rc=$?
	set -e
	{
		echo "===== boot $b/$nboot: ${gtests[*]}${gappend:+ (smm-append: $gappend)}"
		tr -d '\r' <"$blog"
	} >>"$biglog"

	case "$rc" in
	124) problems+=("boot $b: guest timed out after ${to}s") ;;
	125) problems+=("boot $b: guest died without an exit marker (panic?)") ;;
	126 | 2)
		problems+=("boot $b: vm.sh failed on the host (status $rc)")
		;;
	esac

	# TAP results of run_guest.sh: unindented lines outside the dmesg dump;
	# the KTAP cases inside the tests are the "# ok N" lines.
	res=$(tr -d '\r' <"$blog" | awk '
		/SMM-DMESG-BEGIN/ { indm = 1 } /SMM-DMESG-END/ { indm = 0; next } indm { next }
		/^ok [0-9]+ selftests: shadowmm: / { if ($0 ~ /# SKIP/) s++; else p++; next }
		/^not ok [0-9]+ selftests: shadowmm: / { f++; next }
		/^# ok [0-9]+ / { if ($0 ~ /# SKIP/) cs++; else cp++; next }
		/^# not ok [0-9]+ / { cf++ }
		END { printf "%d %d %d %d %d %d\n", p, f, s, cp, cf, cs }')
	read -r p f s cp cf cs <<<"$res"
	cases_ok=$((cases_ok + cp))
	cases_fail=$((cases_fail + cf))
	cases_skip=$((cases_skip + cs))
	missing=$((ntests - p - f - s))
	if [ "$missing" -gt 0 ]; then
		problems+=("boot $b: $missing of $ntests test result(s) missing")
		f=$((f + missing))
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$f" -eq 0 ]; then
		# Guest-side trouble with every result present (e.g. died after
		# the last test): count it.
		f=1
	fi
	[ "$rc" -ne 1 ] || [ "$f" -gt 0 ] || { problems+=("boot $b: run_guest.sh failed"); f=1; }

	# Kernel log and taint.
	if [ -s "$bdmesg" ]; then
		bad=$(grep -E "$DMESG_BAD" "$bdmesg" | head -n 20 || true)
		if [ -n "$bad" ]; then
			problems+=("boot $b: kernel log has BUG/WARNING/Oops lines (shown above)")
			echo "[vm-test] boot $b: offending kernel log lines ($bdmesg):"
			printf '%s\n' "$bad" | sed 's/^/[vm-test]   /'
			[ "$f" -gt 0 ] || f=1
		fi
	elif [ "$rc" -ne 124 ] && [ "$rc" -ne 125 ] && [ "$rc" -lt 126 ]; then
		problems+=("boot $b: no dmesg dump from the guest")
		[ "$f" -gt 0 ] || f=1
	fi
	taint=$(tr -d '\r' <"$blog" | sed -n 's/.*SMM-TAINT \([0-9][0-9]*\).*/\1/p' | tail -n 1)
	if [ -n "$taint" ]; then
		flags=""
		((taint & 32)) && flags="$flags B(bad page)"
		((taint & 128)) && flags="$flags D(oops)"
		((taint & 512)) && flags="$flags W(warning)"
		((taint & 16384)) && flags="$flags L(soft lockup)"
		if [ -n "$flags" ]; then
			problems+=("boot $b: kernel tainted ($taint):$flags")
			[ "$f" -gt 0 ] || f=1
		fi
	fi

	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
done

log "console log: $biglog ($(($(date +%s) - t_start)) s for $nboot boot(s))"
if [ ${#problems[@]} -gt 0 ]; then
	for m in "${problems[@]}"; do log "FAIL: $m"; done
fi
tr -d '\r' <"$biglog" | grep -E '^not ok [0-9]+ selftests: shadowmm: ' | sed 's/^/[vm-test] /' || true
# For scale: the totals below count test scripts.
echo "[vm-test] cases: $cases_ok ok, $cases_fail not ok, $cases_skip skipped"
echo "vm-test: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ] && [ ${#problems[@]} -eq 0 ]
