#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-toggle-repro.sh - reproduce the QEMU multi-threaded TCG hang that
# made scripts/vm.sh boot single-threaded, without shadowmm.
#
# Usage: scripts/qemu-toggle-repro.sh [--accel A] [--boots N] [--toggles N]
#                                     [--kernel VER] [--timeout S]
#
#   --accel A     qemu -accel value (default tcg: multi-threaded, where the
#                 hang shows; tcg,thread=single is what vm.sh boots)
#   --boots N     boots to try (default 2)
#   --toggles N   on/off toggles of kmem:mm_page_alloc, mm_page_free and
#                 mm_page_free_batched per boot (default 60)
#   --kernel VER  kernel to boot (default as scripts/vm.sh)
#   --timeout S   per boot (default 600)
#
# Each boot runs two dd loops (page allocations on both vCPUs) and toggles
# the three events from tracefs, printing "toggle I" as it goes. A vCPU
# caught in its stale translation of the int3 that text_poke_bp() left at
# the jump-label site spins there; softlockup_panic=1 (vm.sh) then ends the
# boot with that CPU's stack. Prints, per boot, how many toggles completed
# and whether the boot hung, then a summary line
#   repro: accel=A boots=N hung=H
# and exits 0 (the figures are the result; a hang is what is looked for).
#
# Measured (QEMU 7.2, Debian 6.1 guest, this repo's default 2 vCPUs): with
# --accel tcg 2 of 2 boots hung (after 17 and 19 toggles); with
# --accel tcg,thread=single 0 of 4 (60 toggles each).

set -u
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
smm_script repro
accel=tcg
boots=2
toggles=60
kernel=()
timeout=600

count() { [[ $2 =~ ^[1-9][0-9]*$ ]] || bad_usage "$1 needs a positive count, not '$2'"; }

while [ $# -gt 0 ]; do
	case $1 in
	--accel) [ $# -ge 2 ] || bad_usage "--accel needs a value"
		accel=$2; shift 2 ;;
	--boots) [ $# -ge 2 ] || bad_usage "--boots needs a value"
		count "$1" "$2"; boots=$2; shift 2 ;;
	--toggles) [ $# -ge 2 ] || bad_usage "--toggles needs a value"
		count "$1" "$2"; toggles=$2; shift 2 ;;
	--kernel) [ $# -ge 2 ] || bad_usage "--kernel needs a value"
		kernel=(--kernel "$2"); shift 2 ;;
	--timeout) [ $# -ge 2 ] || bad_usage "--timeout needs a value"
		count "$1" "$2"; timeout=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) bad_usage "unknown argument '$1'" ;;
	esac
done

# busybox sh in the guest: the loops and the toggles
guest_cmd="
ev=/sys/kernel/tracing/events/kmem
for c in 0 1; do
	(while :; do dd if=/dev/zero of=/dev/null bs=1M count=64 2>/dev/null; done) &
done
i=0
while [ \$i -lt $toggles ]; do
	for v in 1 0; do
		for e in mm_page_alloc mm_page_free mm_page_free_batched; do
			echo \$v > \$ev/\$e/enable
		done
	done
	i=\$((i + 1))
	echo \"toggle \$i\"
done
echo REPRO-DONE
"

hung=0
for b in $(seq 1 "$boots"); do
	console=$repo/build/vm/toggle-repro-$b.log
	mkdir -p "$repo/build/vm"
	log "boot $b of $boots: accel=$accel, $toggles toggles"
	SMM_QEMU_ACCEL=$accel "$repo/scripts/vm.sh" run --no-module \
		--no-bpftrace --timeout "$timeout" "${kernel[@]}" \
		--log "$console" -- "$guest_cmd" >/dev/null 2>&1
	done_n=$(grep -c "toggle [0-9]" "$console" || true)
	if grep -q '^REPRO-DONE' "$console"; then
		log "boot $b: all $done_n toggles completed"
	else
		hung=$((hung + 1))
		log "boot $b: hung after $done_n toggles ($(grep -m1 -o 'soft lockup.*' "$console" || echo 'no soft-lockup line'); console: $console)"
	fi
done
echo "repro: accel=$accel boots=$boots hung=$hung"
