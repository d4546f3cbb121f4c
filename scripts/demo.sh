#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - shadowmm in one guest boot (make demo): load the module with its
# defaults, show what it took, its memblock and its free lists, rebuild the
# pipeline under a bpftrace one-liner, answer seed 001's question, record
# the views while a workload runs (scripts/record), unload; then plot the
# recording on the host (scripts/plot) into build/plots/.
#
# The recording comes out on the console, each line prefixed "SMM-REC "
# (hidden from the output shown); it is kept as build/plots/recording.txt.
set -eu

here=$(cd "$(dirname "$0")" && pwd)

# The guest side, run by busybox sh.
read -r -d '' guest <<'GUEST' || true
. /lib/shadowmm/selftests/lib.sh
step() { printf '\n===== %s\n' "$*"; }

step "insmod shadowmm.ko (defaults: region=auto size=32M per node)"
insmod "$SMM_KO" || exit 1
dmesg | grep -E 'shadowmm: (region|boot|memmap|ready)'

step "region: what the host gave, per node"
cat "$SMM_DEBUGFS/region"

step "memblock/memory (the kernel's debugfs format)"
cat "$SMM_DEBUGFS/memblock/memory"
step "memblock/reserved: firmware, kernel, initrd and each node's memory map"
cat "$SMM_DEBUGFS/memblock/reserved"
step "memblock/dump (memblock_dump_all)"
cat "$SMM_DEBUGFS/memblock/dump"
step "memmap: each node's struct page array, allocated by memblock itself"
cat "$SMM_DEBUGFS/memmap"

step "buddyinfo after memblock_free_all: the largest aligned blocks"
cat "$SMM_DEBUGFS/buddyinfo"

step "bpftrace scripts/bpftrace/memblock-events.bt while: echo reset > ctl"
smm_bpftrace_start "$SMM_BPFTRACE_DIR/memblock-events.bt" /tmp/bt.out || exit 1
smm_ctl reset
smm_bpftrace_stop
grep -v "$SMM_BPFTRACE_MARKER" /tmp/bt.out

step "seed 001: which free list does an order-0 request come from?"
smm_bpftrace_start "$SMM_BPFTRACE_DIR/rmqueue-orders.bt" /tmp/bt.out || exit 1
smm_ctl "alloc order=0 count=8 gfp=movable tag=demo"
smm_bpftrace_stop
grep -v "$SMM_BPFTRACE_MARKER" /tmp/bt.out
echo "(keys: [requested order, current_order]; see README.rst, walkthrough)"
tail -n 4 "$SMM_DEBUGFS/rmqueue_trace"
smm_ctl "free all"
step "check: every free list and pcp list walked"
cat "$SMM_DEBUGFS/check"

step "record: the views sampled while a workload runs (scripts/record)"
smm_ctl reset
/lib/shadowmm/record -o /tmp/rec.txt
echo "record: exit status $?, $(grep -c '^@sample' /tmp/rec.txt) samples, $(wc -l </tmp/rec.txt) lines"
sed 's/^/SMM-REC /' /tmp/rec.txt

step "rmmod: every page goes back"
rmmod shadowmm && dmesg | tail -n 1
GUEST

plots="$(cd "$here/.." && pwd)/build/plots"
mkdir -p "$plots"
log="$plots/demo-console.log"
set +e
"$here/vm.sh" run --timeout 420 --log "$log" -- "$guest" |
	awk '/^SMM-REC / { n++; next } { print; fflush() }
		END { if (n) print "[demo] (" n " recording lines hidden: SMM-REC)" }'
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 0 ] || { echo "[demo] the guest failed (status $rc)" >&2; exit "$rc"; }

rec="$plots/recording.txt"
tr -d '\r' <"$log" | sed -n 's/^SMM-REC //p' >"$rec"
echo "[demo] recording: $rec ($(wc -l <"$rec") lines)"
"$here/plot" -o "$plots" "$rec"
echo "[demo] plots in $plots"
