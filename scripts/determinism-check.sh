#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# determinism-check.sh [LOG] - the host half of the determinism test.
#
# selftests/shadowmm_buddy.sh runs `workload seed=S ops=N` on a freshly
# reset machine in the guest and prints
#     SMM-DETERMINISM CHUNKS CPUS SEED OPS HASH
# (the region's chunks as START_PFN+PAGES@NID,...). This script rebuilds
# the same machine in the host build of the core (selftests/unit, --replay),
# runs the same workload and compares the hash of the final free lists:
# the portable core must behave identically in both.
#
# LOG defaults to build/vm/vm-test.log. Exit 0 when the hashes agree.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
log=${1:-$top/build/vm/vm-test.log}

line=$(grep -o 'SMM-DETERMINISM .*' "$log" 2>/dev/null | tail -n 1 | tr -d '\r')
if [ -z "$line" ]; then
	echo "[determinism] no SMM-DETERMINISM line in $log (did shadowmm_buddy.sh run?)"
	echo "determinism: 0 passed, 1 failed"
	exit 1
fi
read -r _ chunks cpus seed ops guest <<<"$line"
# CPUS: N or N:NID,... (see selftests/unit/replay.c)

make -s -C "$top/selftests/unit" >/dev/null
host=$("$top/selftests/unit/build/unit_tests" --replay "$chunks" "$cpus" "$seed" "$ops" |
	sed -n 's/^hash=0x\([0-9a-f]*\) .*/\1/p')
echo "[determinism] chunks $chunks, $cpus cpus, seed $seed, $ops ops"
echo "[determinism] guest $guest, host $host"
if [ -n "$host" ] && [ "$host" = "$guest" ]; then
	echo "determinism: 1 passed, 0 failed"
else
	echo "[determinism] the host build and the module disagree"
	echo "determinism: 0 passed, 1 failed"
	exit 1
fi
