#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debug lane only, runs last (name sorts after every other test): one more
# load/unload, then kmemleak scans and must report nothing (every report
# is shown; one naming shadowmm fails apart), and lockdep must still be
# on (a lockdep splat turns debug_locks off). A kmemleak that turned
# itself off (its object pool ran out, say) refuses the scan: that fails
# too, rather than reading as "no leaks".

DIR=$(dirname "$0")
. "$DIR/lib.sh"

KML=/sys/kernel/debug/kmemleak

ktap_print_header
[ -e "$KML" ] || ktap_skip_all "no $KML (CONFIG_DEBUG_KMEMLEAK)"
ktap_set_plan 5

smm_unload
if smm_load && smm_unload; then
	ktap_test_pass "load, unload"
else
	ktap_test_fail "load, unload"
	smm_unload
fi

# kmemleak ignores objects younger than 5 s; two scans settle the
# transient references.
sleep 6
if echo scan >"$KML" && echo scan >"$KML"; then
	ktap_test_pass "kmemleak is on: two scans ran"
else
	ktap_test_fail "kmemleak refused the scan: it is off (see dmesg)"
fi
cat "$KML" >/tmp/smm-kmemleak
n=$(grep -c '^unreferenced object' /tmp/smm-kmemleak)
sed 's/^/# kmemleak: /' /tmp/smm-kmemleak | head -n 200
if grep -qi shadowmm /tmp/smm-kmemleak; then
	ktap_test_fail "kmemleak reports leaks naming shadowmm"
else
	ktap_test_pass "no kmemleak report names shadowmm"
fi
if [ "$n" -eq 0 ]; then
	ktap_test_pass "kmemleak: no unreferenced object at all"
else
	ktap_test_fail "kmemleak: $n unreferenced objects"
fi

if [ -r /proc/lockdep_stats ]; then
	dl=$(awk '/debug_locks:/ { print $2 }' /proc/lockdep_stats)
	if [ "$dl" = 1 ]; then
		ktap_test_pass "lockdep still on (no splat turned it off)"
	else
		ktap_test_fail "lockdep off: debug_locks=$dl"
	fi
else
	ktap_test_skip "lockdep still on" "no /proc/lockdep_stats"
fi
rm -f /tmp/smm-kmemleak
ktap_finished
