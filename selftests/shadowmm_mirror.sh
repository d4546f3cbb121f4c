#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The live mirror (ctl `mirror on|off`, debugfs mirror/):
#  - a tmpfs file written by a shell named smmwl and deleted: every host
#    allocation bpftrace counts for comm smmwl on kmem:mm_page_alloc is
#    mirrored (the mirror filters comm=smmwl; whatever the stats say
#    failed or was dropped is subtracted), and deleting the file frees
#    the mirrored pages in the shadow;
#  - the same for the pages dd faults in (its buffer), comm=dd;
#  - mirror/log holds one line per applied event, replayable format;
#  - mirror/compare shows the host's and the shadow's buddyinfo;
#  - while the mirror is on, commands that change the shadow fail with
#    EBUSY, and reset detaches it;
#  - mirror on/off and rmmod while the host allocates, repeated.
# bpftrace allocates too: the counts are per comm, so it is not counted.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header
smm_require_bpftrace
smm_load || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
ktap_set_plan 11

OUT=/tmp/smm-mirror.$$
MNT=/tmp/smm-mirror-tmpfs.$$
M=$SMM_DEBUGFS/mirror

stat_of() {
	awk -v k="$1" '$1 == k { print $2 }' "$M/stats"
}

# the allocations that reached the shadow allocator or failed on the way
accounted() {
	echo $(($(stat_of mirrored) + $(stat_of shadow_failures) + \
		$(stat_of table_full) + $(stat_of host_failures) + \
		$(stat_of dropped)))
}

bpf_count() {
	sed -n "s/^@\[$1\]: \([0-9]*\)$/\1/p" "$OUT" | tail -n 1
}

mkdir -p "$MNT"
mount -t tmpfs -o size=16m smmtmp "$MNT" || ktap_exit_fail_msg "cannot mount tmpfs"

# the tmpfs writer: its comm is smmwl, the writes are shell builtins
writer() {
	(
		printf smmwl >/proc/self/comm
		i=0
		while [ $i -lt 128 ]; do
			printf '%4096s' x >>"$MNT/f"
			i=$((i + 1))
		done
	)
}

BT='tracepoint:kmem:mm_page_alloc /comm == "smmwl" || comm == "dd"/ { @[comm] = count(); }'
if ! smm_bpftrace_start "$BT" "$OUT"; then
	ktap_exit_fail_msg "bpftrace did not start"
fi

# --- window 1: the tmpfs writer -----------------------------------------
smm_ctl "mirror on comm=smmwl" || ktap_test_fail "mirror on comm=smmwl failed"
writer
used=$(stat_of table_used)
rm -f "$MNT/f"
acc1=$(accounted)
mir1=$(stat_of mirrored)
fil1=$(stat_of filtered)
frees1=$(stat_of frees)
left1=$(stat_of table_used)
sed 's/^/# window 1: /' "$M/stats"
alloc_lines=$(grep -c ': mm_page_alloc: ' "$M/log")
free_lines=$(grep -c ': mm_page_free: ' "$M/log")
smm_ctl "mirror off"

# --- window 2: dd's buffer ------------------------------------------------
smm_ctl "mirror on comm=dd" || ktap_test_fail "mirror on comm=dd failed"
dd if=/dev/zero of=/dev/null bs=2M count=4 2>/dev/null
acc2=$(accounted)
mir2=$(stat_of mirrored)
sed 's/^/# window 2: /' "$M/stats"
smm_ctl "mirror off"

smm_bpftrace_stop
sed 's/^/# bpftrace: /' "$OUT"
bw=$(bpf_count smmwl)
bd=$(bpf_count dd)

if [ -n "$bw" ] && [ "$bw" -gt 128 ] && [ "$acc1" -eq "$bw" ] &&
	[ "$mir1" -eq "$acc1" ]; then
	ktap_test_pass "tmpfs writer: $mir1 mirrored = $bw bpftrace-counted allocations of smmwl ($fil1 filtered out)"
else
	ktap_test_fail "tmpfs writer" "bpftrace $bw, accounted $acc1, mirrored $mir1"
fi
if [ "$frees1" -ge 64 ] && [ "$left1" -lt "$used" ]; then
	ktap_test_pass "deleting the file freed $frees1 mirrored blocks (table $used -> $left1)"
else
	ktap_test_fail "deleting the file" "frees $frees1, table $used -> $left1"
fi
if [ -n "$bd" ] && [ "$bd" -gt 0 ] && [ "$acc2" -eq "$bd" ] &&
	[ "$mir2" -eq "$acc2" ]; then
	ktap_test_pass "dd's buffer: $mir2 mirrored = $bd bpftrace-counted allocations of dd"
else
	ktap_test_fail "dd's buffer" "bpftrace $bd, accounted $acc2, mirrored $mir2"
fi
# window 1's log: one line per allocation that reached the core
if [ "$alloc_lines" -eq "$acc1" ] && [ "$free_lines" -ge "$frees1" ]; then
	ktap_test_pass "mirror/log: $alloc_lines alloc and $free_lines free lines"
else
	ktap_test_fail "mirror/log" "$alloc_lines alloc lines for $acc1, $free_lines free lines for $frees1 frees"
fi
head -n 12 "$M/log" | sed 's/^/# log: /'

# --- mirror/compare -------------------------------------------------------
if grep -q '^# host$' "$M/compare" && grep -q '^# shadow$' "$M/compare" &&
	[ "$(grep -c '^Node [0-9]*, zone ' "$M/compare")" -ge 2 ]; then
	ktap_test_pass "mirror/compare: host and shadow buddyinfo"
else
	ktap_test_fail "mirror/compare unreadable"
fi
sed 's/^/# compare: /' "$M/compare"

# --- EBUSY while on, reset detaches -----------------------------------------
smm_ctl "mirror on order=0"
busy=""
for c in "alloc order=0" "free all" "drain" "workload seed=1 ops=10" \
	"stress ms=10" "memblock set bottom_up=1" "mirror on" \
	"reset upto=bogus"; do
	if smm_ctl "$c" 2>/dev/null; then
		busy="$busy '$c' succeeded;"
	fi
done
[ "$(stat_of on)" = 1 ] || busy="$busy the mirror went off;"
if [ -z "$busy" ]; then
	ktap_test_pass "mirror on: commands that change the shadow fail"
else
	ktap_test_fail "mirror on" "$busy"
fi
if smm_ctl reset && [ "$(stat_of on)" = 0 ] && smm_ctl "alloc order=0" &&
	smm_ctl "free all"; then
	ktap_test_pass "reset with the mirror on detaches it first"
else
	ktap_test_fail "reset with the mirror on" "on=$(stat_of on)"
fi

# --- bad commands ----------------------------------------------------------
bad=""
for c in "mirror" "mirror on pid=x" "mirror on order=3-1" "mirror on order=11" \
	"mirror on comm=abcdefghijklmnopq" "mirror on nid=99" "mirror on bogus=1" \
	"mirror off now"; do
	if smm_ctl "$c" 2>/dev/null; then
		bad="$bad '$c' accepted;"
	fi
done
if [ -z "$bad" ] && [ "$(stat_of on)" = 0 ]; then
	ktap_test_pass "malformed mirror commands fail with EINVAL"
else
	ktap_test_fail "malformed mirror commands" "$bad"
fi

# --- on/off and rmmod while the host allocates ---------------------------------
(
	while [ ! -e "$OUT.stop" ]; do
		dd if=/dev/zero of=/dev/null bs=1M count=1 2>/dev/null
		printf '%65536s' x >"$MNT/g"
		rm -f "$MNT/g"
	done
) &
bg=$!
ok=1
n=0
while [ $n -lt 5 ]; do
	smm_ctl "mirror on" || ok=0
	sleep 0.2
	smm_ctl "mirror off" || ok=0
	n=$((n + 1))
done
seen=$(stat_of allocs)
if [ "$ok" = 1 ] && [ "${seen:-0}" -gt 0 ] &&
	[ "$(tail -n 1 "$SMM_DEBUGFS/check")" = OK ]; then
	ktap_test_pass "mirror on/off x5 under load: $seen host allocations seen last time, check OK"
else
	ktap_test_fail "mirror on/off under load" "ok=$ok seen=$seen check: $(tail -n 1 "$SMM_DEBUGFS/check")"
fi
ok=1
n=0
while [ $n -lt 3 ]; do
	smm_ctl "mirror on" || ok=0
	sleep 0.2
	rmmod shadowmm || ok=0
	smm_load || ok=0
	n=$((n + 1))
done
touch "$OUT.stop"
wait "$bg"
if [ "$ok" = 1 ] && smm_loaded; then
	ktap_test_pass "rmmod with the mirror on under load x3"
else
	ktap_test_fail "rmmod with the mirror on under load"
fi

# --- bad parameters -------------------------------------------------------------
smm_unload
msg=""
for p in mirror_entries=1 mirror_entries=99999999 mirror_log_entries=2000000; do
	if smm_load "$p" 2>/dev/null; then
		msg="$msg $p loaded;"
		smm_unload
	elif ! dmesg | tail -n 5 | grep -q "invalid ${p%%=*}="; then
		msg="$msg $p: no dmesg line naming it;"
	fi
done
if [ -z "$msg" ]; then
	ktap_test_pass "bad mirror_entries= / mirror_log_entries= fail insmod, named in dmesg"
else
	ktap_test_fail "bad mirror parameters" "$msg"
fi

umount "$MNT"
rm -rf "$MNT" "$OUT" "$OUT.stop"
smm_unload
ktap_finished
