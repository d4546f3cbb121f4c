#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ctl file: malformed or out-of-range commands fail with EINVAL (or
# EBUSY for the shadow's own metadata) and change nothing; well-formed
# memblock commands do exactly what they say; reset rebuilds the boot state.
# Read, ctl prints the grammar; the help command logs it to dmesg.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header

if ! smm_load region=pages upto=memmap; then
	ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
fi

state() {
	cat "$SMM_DEBUGFS/memblock/memory" "$SMM_DEBUGFS/memblock/reserved" \
	    "$SMM_DEBUGFS/memblock/dump"
}

# The lowest and highest byte of memory, and one reserved range.
mem_lo=$(sed -n '1s/^ *0: \(0x[0-9a-f]*\)\.\..*/\1/p' "$SMM_DEBUGFS/memblock/memory")
mem_hi=$(sed -n '$s/.*\.\.\(0x[0-9a-f]*\)$/\1/p' "$SMM_DEBUGFS/memblock/memory")
map_base=$(grep '^node ' "$SMM_DEBUGFS/memmap" | head -n 1 |
	   sed -n 's/.* size \([0-9]*\) base \(0x[0-9a-f]*\)$/\2/p')
boot0=$(state)

BAD='
bogus
reset now
memblock
memblock frobnicate
memblock alloc
memblock alloc size=0
memblock alloc size=4K align=3
memblock alloc size=4K align=0
memblock alloc size=4K nid=7
memblock alloc size=4K exact
memblock alloc size=4K min=0x2000 max=0x1000
memblock alloc size=100G
memblock alloc size=4K size=8K
memblock alloc size=4K colour=blue
memblock alloc size=4K raw=1
memblock alloc size=12Q
memblock reserve base=0x0 size=0x1000
memblock reserve base=MEMHI size=0x2000
memblock reserve base=MEMLO
memblock reserve base=0xffffffffffffffff size=2
memblock reserve base=MEMLO size=0
memblock free base=MEMLO size=0x1000000000
memblock set
memblock set bottom_up=2
memblock set limit=0
help extra'

ktap_set_plan $(($(echo "$BAD" | grep -c .) + 13))

# Read, ctl is the grammar: a line a command form, the word first.
grammar=$(cat "$SMM_DEBUGFS/ctl" 2>&1) && rc=0 || rc=$?
missing=""
for w in alloc free drain reset mirror stress memblock cache help; do
	echo "$grammar" | grep -Eq "^$w( |\$)" || missing="$missing $w"
done
if [ "$rc" -eq 0 ] && [ -z "$missing" ] && [ "$(state)" = "$boot0" ]; then
	ktap_test_pass "cat ctl: the grammar, $(echo "$grammar" | grep -c '^[a-z]') command lines"
else
	ktap_test_fail "cat ctl: rc=$rc, no line for:$missing"
fi

# help: the same grammar in dmesg, a "ctl: " line each; nothing changes.
dmesg -c >/dev/null
if smm_ctl help; then
	logged=$(dmesg | sed -n 's/.*shadowmm: ctl: //p')
	if [ -n "$grammar" ] && [ "$logged" = "$grammar" ] &&
	   [ "$(state)" = "$boot0" ]; then
		ktap_test_pass "help: dmesg shows the grammar ($(echo "$logged" | grep -c .) lines)"
	else
		ktap_test_fail "help: dmesg is not the grammar of cat ctl"
		echo "$logged" | head -n 5 | sed 's/^/# dmesg: /'
	fi
else
	ktap_test_fail "help was refused"
fi

while read -r cmd; do
	[ -n "$cmd" ] || continue
	cmd=$(echo "$cmd" | sed "s/MEMLO/$mem_lo/; s/MEMHI/$mem_hi/")
	err=$(smm_ctl "$cmd" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq 0 ]; then
		ktap_test_fail "'$cmd' was accepted"
	elif ! echo "$err" | grep -q "Invalid argument"; then
		ktap_test_fail "'$cmd' failed but not with EINVAL: $err"
	elif [ "$(state)" != "$boot0" ]; then
		ktap_test_fail "'$cmd' changed memblock"
	else
		ktap_test_pass "'$cmd' -> EINVAL, nothing changed"
	fi
done <<EOF_BAD
$BAD
EOF_BAD

# Two commands in one write, an over-long write.
if printf 'reset\nreset\n' >"$SMM_DEBUGFS/ctl" 2>/dev/null; then
	ktap_test_fail "two commands in one write accepted"
else
	ktap_test_pass "two commands in one write -> error"
fi
long=$(head -c 300 /dev/zero | tr '\0' 'x')
if smm_ctl "$long" 2>/dev/null; then
	ktap_test_fail "300-byte command accepted"
else
	ktap_test_pass "300-byte command -> error"
fi

# The memory map is reserved but must not be freed through ctl.
err=$(smm_ctl "memblock free base=$map_base size=0x1000" 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && echo "$err" | grep -q "busy" && [ "$(state)" = "$boot0" ]; then
	ktap_test_pass "freeing the memory map -> EBUSY, nothing changed"
else
	ktap_test_fail "freeing the memory map: rc=$rc $err"
fi

# A real allocation: reserved grows by exactly its size, top-down.
rsize() { sed -n 's/.* reserved size = \(0x[0-9a-f]*\)$/\1/p' "$SMM_DEBUGFS/memblock/dump"; }
r0=$(($(rsize)))
dmesg -c >/dev/null
smm_ctl "memblock alloc size=64K align=64K"
r1=$(($(rsize)))
base=$(dmesg | sed -n 's/.*ctl: memblock alloc 65536 bytes at \(0x[0-9a-f]*\).*/\1/p' | tail -n 1)
if [ $((r1 - r0)) -eq 65536 ] && [ -n "$base" ] && [ $((base % 65536)) -eq 0 ]; then
	ktap_test_pass "alloc 64K: reserved +65536 at aligned $base"
else
	ktap_test_fail "alloc 64K: reserved $r0 -> $r1, base '$base'"
fi

# Top-down: nothing free above it in its node... simpler: it is above the
# bottom-up allocation that follows.
smm_ctl "memblock set bottom_up=1"
dmesg -c >/dev/null
smm_ctl "memblock alloc size=64K align=64K"
low=$(dmesg | sed -n 's/.*ctl: memblock alloc 65536 bytes at \(0x[0-9a-f]*\).*/\1/p' | tail -n 1)
if [ -n "$low" ] && [ $((low)) -lt $((base)) ]; then
	ktap_test_pass "bottom_up=1 allocates below the top-down allocation ($low < $base)"
else
	ktap_test_fail "bottom_up: '$low' not below '$base'"
fi

# min above everything: the retry without min_addr takes over.
dmesg -c >/dev/null
if smm_ctl "memblock alloc size=4K min=$mem_hi" &&
   dmesg | grep -q "retried without min"; then
	ktap_test_pass "min above memory: allocated on the retry without min_addr"
else
	ktap_test_fail "min above memory: no retry seen"
fi

# free what we allocated: reserved shrinks back.
r2=$(($(rsize)))
if smm_ctl "memblock free base=$base size=64K" &&
   [ $(($(rsize))) -eq $((r2 - 65536)) ]; then
	ktap_test_pass "free 64K at $base: reserved -65536"
else
	ktap_test_fail "free 64K at $base"
fi

# reserve a free range inside memory, then free it again
if smm_ctl "memblock reserve base=$base size=4K" &&
   [ $(($(rsize))) -eq $((r2 - 65536 + 4096)) ] &&
   smm_ctl "memblock free base=$base size=4K"; then
	ktap_test_pass "reserve + free 4K at $base"
else
	ktap_test_fail "reserve + free 4K at $base"
fi

# A request larger than any free range fails with ENOMEM, nothing changed.
before=$(state)
err=$(smm_ctl "memblock alloc size=31M" 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && echo "$err" | grep -q "memory" && [ "$(state)" = "$before" ]; then
	ktap_test_pass "alloc 31M -> ENOMEM, nothing changed"
else
	ktap_test_fail "alloc 31M: rc=$rc $err"
fi

# reset: back to exactly the boot state.
if smm_ctl reset && [ "$(state)" = "$boot0" ]; then
	ktap_test_pass "reset rebuilds the boot state exactly"
else
	ktap_test_fail "reset did not restore the boot state"
fi

# A written-to machine still unloads.
if smm_unload; then
	ktap_test_pass "rmmod after ctl use"
else
	ktap_test_fail "rmmod after ctl use"
fi

ktap_finished
