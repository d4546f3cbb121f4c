#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# held_max bounds the records ctl makes the shadow hold (src/held.c,
# src/held_slab.c). Loaded with held_max=64:
#  - the parameter reads back, and debugfs `held` (0400) says max 64;
#  - 64 single allocations succeed, `held` counts 64;
#  - the 65th fails with ENOMEM and the dmesg line naming held_max, is
#    counted (`held` refused 1), and changes nothing else: buddyinfo,
#    allocations and check as before it;
#  - an `alloc count=` past the limit keeps what fits (ENOMEM, 64 held);
#  - `free all` + `drain` give back the boot buddyinfo, `held` count 0.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header
smm_require_module
smm_unload
# slab=0: buddyinfo is compared exactly
smm_load slab=0 held_max=64 || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
ktap_set_plan 6

H=$SMM_DEBUGFS/held
# the value of "KEY N" in held
hv() {
	awk -v k="$1" '$1 == k { print $2 }' "$H"
}

boot=$(smm_buddyinfo_drained)

mode=$(stat -c %a "$H" 2>/dev/null)
param=$(cat /sys/module/shadowmm/parameters/held_max)
if [ "$mode" = 400 ] && [ "$param" = 64 ] && [ "$(hv max)" = 64 ] &&
   [ "$(hv count)" = 0 ] && [ "$(hv refused)" = 0 ]; then
	ktap_test_pass "held_max=64: parameter 64, held (mode $mode) says max 64, count 0"
else
	ktap_test_fail "held_max=64: parameter '$param', held mode '$mode': $(tr '\n' ' ' <"$H")"
fi

ok=0
i=0
while [ $i -lt 64 ]; do
	smm_ctl "alloc order=0 tag=h" && ok=$((ok + 1))
	i=$((i + 1))
done
if [ $ok = 64 ] && [ "$(hv count)" = 64 ] && [ "$(hv pages)" = 64 ] &&
   [ "$(grep -c '^tag h ' "$SMM_DEBUGFS/allocations")" = 64 ]; then
	ktap_test_pass "64 allocations succeed, held count 64"
else
	ktap_test_fail "$ok of 64 allocations succeeded, held count $(hv count)"
fi

bi0=$(cat "$SMM_DEBUGFS/buddyinfo")
al0=$(cat "$SMM_DEBUGFS/allocations")
smm_dmesg_mark "held 65th"
err=$(smm_ctl "alloc order=0 tag=h" 2>&1) && rc=0 || rc=$?
line=$(dmesg | sed -n '/shadowmm-selftest: held 65th$/,$p' |
	grep -c 'shadowmm: ctl: 64 records held, held_max=64: allocation refused$')
if [ "$rc" != 0 ] && echo "$err" | grep -q "Cannot allocate memory" &&
   [ "$line" = 1 ] && [ "$(hv refused)" = 1 ] && [ "$(hv count)" = 64 ]; then
	ktap_test_pass "the 65th: ENOMEM, dmesg names held_max, refused 1"
else
	ktap_test_fail "the 65th: rc=$rc '$err', $line held_max line(s), held: $(tr '\n' ' ' <"$H")"
fi

if [ "$(cat "$SMM_DEBUGFS/buddyinfo")" = "$bi0" ] &&
   [ "$(cat "$SMM_DEBUGFS/allocations")" = "$al0" ] && smm_check_ok; then
	ktap_test_pass "the refused allocation changed nothing: buddyinfo, allocations, check OK"
else
	ktap_test_fail "the refused allocation changed the shadow"
	tail -n 3 "$SMM_DEBUGFS/check" | sed 's/^/# /'
fi

smm_ctl "free tag=h"
err=$(smm_ctl "alloc order=1 count=100 tag=c" 2>&1) && rc=0 || rc=$?
if [ "$rc" != 0 ] && [ "$(hv count)" = 64 ] && [ "$(hv refused)" = 2 ] &&
   [ "$(grep -c '^tag c ' "$SMM_DEBUGFS/allocations")" = 64 ]; then
	ktap_test_pass "alloc count=100 past the limit: ENOMEM, keeps 64, refused 2"
else
	ktap_test_fail "alloc count=100: rc=$rc '$err', held: $(tr '\n' ' ' <"$H")"
fi

if smm_ctl "free all" && [ "$(hv count)" = 0 ] && smm_check_ok &&
   [ "$(smm_buddyinfo_drained)" = "$boot" ]; then
	ktap_test_pass "free all + drain: the boot buddyinfo, held count 0"
else
	ktap_test_fail "free all + drain: buddyinfo differs or held count $(hv count)"
	smm_buddyinfo_drained | sed 's/^/# /'
fi

smm_unload
ktap_finished
