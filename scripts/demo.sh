#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - shadowmm in one guest boot (make demo): load the module with its
# defaults, show what it took, its memblock and its free lists, rebuild the
# pipeline under a bpftrace one-liner, answer seed 001's question, unload.
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

step "rmmod: every page goes back"
rmmod shadowmm && dmesg | tail -n 1
GUEST

exec "$here/vm.sh" run --timeout 240 -- "$guest"
