#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The unbounded views, `allocations` and `slab_objects` (a line a record
# ctl holds, up to held_max), are streamed a record at a time
# (debugfs/debugfs.c: seq_file iteration under smm_lock, resuming where
# the last read stopped), not printed whole into one buffer:
#  - 6000 held allocations read whole (cat) and in 37-byte reads (dd),
#    the same text, a line each, as `held` counts;
#  - 20000 held kmalloc objects: the same in slab_objects;
#  - a reader that read the start, then the records it would go on with
#    freed (ctl free), then reads the rest: no line past what its first
#    read rendered (one 4 KiB seq_file buffer) names a freed record, and
#    every line is whole (a reader never walks freed records);
#  - check OK and nothing held or listed after `free all`.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header
smm_require_module
smm_unload
smm_load || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
ktap_set_plan 4

A=$SMM_DEBUGFS/allocations
O=$SMM_DEBUGFS/slab_objects
T=/tmp/smm-views
mkdir -p "$T"

# whole and chunked reads of view $1 agree and have $2 lines
same_both_ways() {
	cat "$1" >"$T/whole"
	dd if="$1" bs=37 2>/dev/null >"$T/chunks"
	cmp -s "$T/whole" "$T/chunks" && [ "$(wc -l <"$T/whole")" -eq "$2" ]
}

smm_ctl "alloc order=0 count=3000 tag=a" && smm_ctl "alloc order=0 count=3000 tag=b"
count=$(awk '$1 == "count" { print $2 }' "$SMM_DEBUGFS/held")
if [ "$count" = 6000 ] && same_both_ways "$A" 6000; then
	ktap_test_pass "allocations: 6000 lines, the same read whole and 37 bytes at a time"
else
	ktap_test_fail "allocations: held count '$count', $(wc -l <"$T/whole") lines whole, $(wc -l <"$T/chunks") in 37-byte reads"
fi

smm_ctl "kmalloc size=16 count=20000 tag=k"
if same_both_ways "$O" 20000; then
	ktap_test_pass "slab_objects: 20000 lines, the same read whole and 37 bytes at a time"
else
	ktap_test_fail "slab_objects: $(wc -l <"$T/whole") lines whole, $(wc -l <"$T/chunks") in 37-byte reads"
fi
smm_ctl "kfree tag=k"

# the first read renders a few records (at most a 4 KiB seq_file buffer,
# all a's); the a's are freed before the reader goes on, which must walk
# the list again rather than resume at a freed record
exec 3<"$A"
dd bs=100 count=1 <&3 2>/dev/null >"$T/changed"
smm_ctl "free tag=a"
cat <&3 >>"$T/changed"
exec 3<&-
late_a=$(tail -c +4097 "$T/changed" | grep -c '^tag a ')
bad=$(grep -cv '^tag [ab] pfn 0x[0-9a-f]* order 0 node [0-9] zone [A-Za-z0-9]* migratetype [A-Za-z]*$' "$T/changed")
nb=$(grep -c '^tag b ' "$T/changed")
if [ "$late_a" = 0 ] && [ "$bad" = 0 ] && [ "$nb" -gt 0 ]; then
	ktap_test_pass "a reader going on after its records were freed: no freed record past its first 4 KiB, every line whole ($nb b lines)"
else
	ktap_test_fail "reader after a change: $late_a freed records past 4 KiB, $bad malformed lines, $nb b lines"
	grep -v '^tag [ab] pfn' "$T/changed" | head -n 3 | sed 's/^/# /'
fi

# (the kmalloc caches keep their slabs: buddyinfo is not the boot's)
if smm_ctl "free all" && smm_check_ok && [ -z "$(cat "$A" "$O")" ] &&
   [ "$(awk '$1 == "count" { print $2 }' "$SMM_DEBUGFS/held")" = 0 ]; then
	ktap_test_pass "free all: check OK, nothing held or listed"
else
	ktap_test_fail "free all: check fails or something still held"
fi
rm -rf "$T"
smm_unload
ktap_finished
