#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Load shadowmm with each region backend this kernel can serve and check
# that what it built agrees with what it took:
#  - the chunks the module logged are the chunks in debugfs `region`;
#  - memblock.memory is exactly the union of the chunks, per node;
#  - every node's memory map is reserved and sized pages x sizeof(page);
#  - the boot reservations are in memblock.reserved;
#  - rmmod gives every page back: with page_owner=on, exactly (no page of
#    the chunks is still allocated from before the rmmod), else MemFree
#    (per-cpu lists folded) within 1 MiB;
#  - auto takes the first backend, in the order cma, contig, pages, that
#    loaded on its own here;
#  - modinfo's version is dkms.conf's PACKAGE_VERSION (the guest image
#    carries dkms.conf beside the module), and the module is installed
#    under /lib/modules/$(uname -r)/extra, found by name (modules.dep),
#    the same file as $SMM_KO.
# cma is one of the backends where the kernel has a CMA area (the debug
# lane); on a kernel without CMA it is expected to refuse cleanly.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

has_cma() {
	grep -q "^CONFIG_CMA=y" "/boot/config-$(uname -r)" 2>/dev/null ||
		[ -d /sys/kernel/mm/cma ] || [ -d /sys/kernel/debug/cma ]
}

BACKENDS="contig pages auto"
if [ -n "$(ls /sys/kernel/mm/cma /sys/kernel/debug/cma 2>/dev/null)" ]; then
	BACKENDS="cma $BACKENDS"
fi
NBACKENDS=$(echo "$BACKENDS" | wc -w)

# KASAN keeps freed slab objects in its quarantine (up to 1/32 of memory)
# instead of freeing their slabs: there, slab growth counts as free.
KASAN=0
grep -qw kasan_report /proc/kallsyms 2>/dev/null && KASAN=1

# page_owner=on (the debug lane): the exact check of what rmmod gave back
# (smm_page_owner_on in lib.sh).
PAGE_OWNER=0
smm_page_owner_on && PAGE_OWNER=1

ktap_print_header
ktap_set_plan $((5 + (9 + PAGE_OWNER) * NBACKENDS))

want=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$SMM_DIR/dkms.conf" 2>/dev/null)
got=$(modinfo -F version "$SMM_KO" 2>/dev/null)
if [ -z "$want" ]; then
	ktap_test_skip "modinfo version is dkms.conf's PACKAGE_VERSION" "no $SMM_DIR/dkms.conf"
elif [ "$got" = "$want" ]; then
	ktap_test_pass "modinfo version $got is dkms.conf's PACKAGE_VERSION"
else
	ktap_test_fail "modinfo version '$got', dkms.conf's PACKAGE_VERSION '$want'"
fi
inst=/lib/modules/$(uname -r)/extra/shadowmm.ko
byname=$(modinfo -n shadowmm 2>/dev/null)
if [ -f "$inst" ] && [ "$byname" = "$inst" ] && cmp -s "$inst" "$SMM_KO"; then
	ktap_test_pass "installed as $inst (modules.dep), the module $SMM_KO is"
else
	ktap_test_fail "not installed as $inst: modinfo -n shadowmm gave '$byname'"
fi

# pass when $1 is 1
result() {
	if [ "$1" -eq 1 ]; then
		ktap_test_pass "$2"
	else
		ktap_test_fail "$2"
	fi
}

# The chunk lines this load printed: "START END NODE" in decimal.
logged_chunks() {
	dmesg | sed -n "s/.*shadowmm: region: $1 chunk [0-9]*: pfn \[\(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)) [0-9]* pages node \([0-9]*\)/\1 \2 \3/p" |
	tail -n "$2" | while read -r s e n; do
		echo "$(smm_dec "$s") $(smm_dec "$e") $n"
	done | sort -n
}

# Merge adjacent same-node chunks into byte ranges "BASE END-1", as
# memblock_add_node() merges them.
chunks_as_memblock() {
	awk '{
		if (NR > 1 && $1 == e && $3 == n) { e = $2; next }
		if (NR > 1) printf "%d %d\n", s * 4096, e * 4096 - 1
		s = $1; e = $2; n = $3
	} END { if (NR) printf "%d %d\n", s * 4096, e * 4096 - 1 }'
}

# memblock/{memory,reserved} lines "   N: 0x..A..0x..B" as "A B" decimal.
memblock_ranges() {
	sed -n 's/^ *[0-9]*: \(0x[0-9a-f]*\)\.\.\(0x[0-9a-f]*\)$/\1 \2/p' \
		"$SMM_DEBUGFS/memblock/$1" | while read -r a b; do
		echo "$(smm_dec "$a") $(smm_dec "$b")"
	done
}

# Is [base, end] inside one line of memblock/reserved?
reserved_covers() {
	memblock_ranges reserved | awk -v b="$1" -v e="$2" \
		'$1 <= b && e <= $2 { ok = 1 } END { exit !ok }'
}

# The control that shows smm_gave_back_exactly can fail: while loaded,
# page_owner lists the first 64 pages of the first chunk as allocated
# before now (one record a page for cma and contig, one order-10 record
# for pages).
sees_the_region() {
	_s=$(echo "$3" | awk 'NR == 1 { print $1 }')
	_held=$(smm_region_held "$2" "$_s $((_s + 64)) 0" | tail -n 1)
	if [ "$_held" != error ] && [ "$_held" -ge 64 ]; then
		ktap_test_pass "$1: page_owner lists the loaded region's pages ($_held from pfn $_s)"
	else
		ktap_test_fail "$1: page_owner: ${_held:-no} pages held at pfn $_s while loaded (mark at $2 ns)"
	fi
}

# "BLOCKS PAGES" isolated in the host (/proc/pagetypeinfo): pageblocks of
# migratetype Isolate and free pages on Isolate lists. A window
# alloc_contig_range() or CMA left isolated would hide its free pages from
# MemFree (isolated free pages are not counted in NR_FREE_PAGES).
isolated() {
	awk '/^Free pages count/ { f = 1; b = 0 } /^Number of/ { f = 0; b = !/mixed/ }
		f && $6 == "Isolate" { p = 1; for (i = 7; i <= NF; i++) { pages += $i * p; p *= 2 } }
		b && /^Node/ && col { blocks += $col }
		b && /^Number of blocks/ { for (i = 1; i <= NF; i++) if ($i == "Isolate") col = i }
		END { printf "%d %d\n", blocks, pages }' /proc/pagetypeinfo
}

# The newest boot line (make bench's init figure), into pages, t (ns),
# per (ns a page), sw (switches, "" without preempt notifiers) and what:
# true when it holds together. The time on the CPU is the wall clock less
# the time scheduled out, so equal to it with no switch and below it
# after one; the per-page figure is it over the region's pages.
init_figure_ok() {
	_bad=0
	line=$(dmesg | grep 'shadowmm: boot: [0-9]* pages (memory map' | tail -n 1)
	pages=$(echo "$line" | sed -n 's/.*boot: \([0-9]*\) pages.*/\1/p')
	t=$(echo "$line" | sed -n 's/.*) in \([0-9]*\) ns.*/\1/p')
	per=$(echo "$line" | sed -n 's/.*, \([0-9]*\) ns a page.*/\1/p')
	sw=""
	case "$line" in
	*"ns on the CPU"*"(wall clock "*" ns, "*" times off the CPU)")
		w=$(echo "$line" | sed -n 's/.*(wall clock \([0-9]*\) ns, .*/\1/p')
		sw=$(echo "$line" | sed -n 's/.* ns, \([0-9]*\) times off the CPU.*/\1/p')
		if [ -z "$w" ] || [ -z "$sw" ] || [ -z "$t" ] ||
		   { [ "$sw" -eq 0 ] && [ "$t" -ne "$w" ]; } ||
		   { [ "$sw" -gt 0 ] && [ "$t" -ge "$w" ]; }; then
			echo "# boot line: on the CPU ${t:-?} ns, wall clock ${w:-?} ns, ${sw:-?} switches: $line"
			_bad=1
		fi
		what="on the CPU ${t} ns, wall clock ${w} ns, ${sw} switch(es)"
		;;
	*"(wall clock: no preempt notifiers in this kernel)")
		what="wall clock ${t} ns (no preempt notifiers)"
		;;
	*)
		echo "# no boot line with the init figure: ${line:-none}"
		_bad=1 what="no line"
		;;
	esac
	if [ -z "$pages" ] || [ -z "$per" ] || [ -z "$t" ] || [ "$pages" -eq 0 ] ||
	   [ "$per" -ne $((t / pages)) ]; then
		echo "# boot line: ${per:-?} ns a page, ${t:-?} ns over ${pages:-?} pages"
		_bad=1
	fi
	return $_bad
}

check_backend() {
	be=$1
	before=$(smm_free_kb)
	if ! smm_load region="$be"; then
		for t in load region memory memmap init boot unload isolate memfree; do
			ktap_test_fail "$be: $t (insmod failed)"
		done
		[ "$PAGE_OWNER" = 0 ] || ktap_test_fail "$be: page_owner (insmod failed)"
		[ "$be" != auto ] || ktap_test_fail "auto: took no backend"
		return
	fi
	ktap_test_pass "$be: insmod"

	got=$(sed -n 's/^backend \([a-z]*\) .*/\1/p' "$SMM_DEBUGFS/region")
	# BACKENDS lists the others in auto's order: auto must take the
	# first of them that loaded on its own.
	if [ "$be" = auto ]; then
		if [ -n "$first_ok" ] && [ "$got" = "$first_ok" ]; then
			ktap_test_pass "auto took $got, the first backend that loads"
		else
			ktap_test_fail "auto took '$got', not the first backend that loads ('$first_ok')"
		fi
	elif [ -z "$first_ok" ]; then
		first_ok=$be
	fi
	nchunks=$(sed -n 's/^backend [a-z]* chunks \([0-9]*\) .*/\1/p' "$SMM_DEBUGFS/region")
	if [ "$(logged_chunks "$got" "$nchunks")" = "$(smm_region_chunks)" ] &&
	   [ "$nchunks" -gt 0 ]; then
		ktap_test_pass "$be: region file matches the $nchunks logged $got chunks"
	else
		ktap_test_fail "$be: region file differs from the logged chunks"
		echo "# logged:"; logged_chunks "$got" "$nchunks" | sed 's/^/#   /'
		echo "# debugfs:"; smm_region_chunks | sed 's/^/#   /'
	fi

	want=$(smm_region_chunks | chunks_as_memblock)
	have=$(memblock_ranges memory)
	if [ -n "$have" ] && [ "$want" = "$have" ]; then
		ktap_test_pass "$be: memblock.memory is the union of the chunks"
	else
		ktap_test_fail "$be: memblock.memory differs from the chunks"
		echo "# want: $want"; echo "# have: $have"
	fi

	ok=1
	# memory_model=sparsemem: a model line, the node lines (each node's
	# buffer holds the maps of the sections it owns, none of its holes),
	# then one line a present section with its own map
	sparse=0
	grep -q '^model sparsemem ' "$SMM_DEBUGFS/memmap" && sparse=1
	mapbytes=0
	while read -r what nid _ _ _ _ _ _ _ map _ sz _ size _ base; do
		[ "$what" = node ] || continue
		[ $sparse = 0 ] && mapbytes=$((mapbytes + size))
		[ $sparse = 1 ] && [ "$size" -eq 0 ] && continue
		s=$(smm_dec "${map%-*}"); e=$(smm_dec "${map#*-}")
		if { [ $sparse = 0 ] && [ "$size" -ne $(((e - s) * sz)) ]; } ||
		   ! reserved_covers "$(smm_dec "$base")" $(($(smm_dec "$base") + size - 1)); then
			echo "# node $nid: memmap $size bytes at $base not reserved as (map pages x $sz)"
			ok=0
		fi
	done <"$SMM_DEBUGFS/memmap"
	while read -r what nr _ range _ _ _ base _ size; do
		[ "$what" = section ] || continue
		mapbytes=$((mapbytes + size))
		s=$(smm_dec "${range%-*}"); e=$(smm_dec "${range#*-}")
		if [ "$size" -ne $(((e - s) * 64)) ] ||
		   ! reserved_covers "$(smm_dec "$base")" $(($(smm_dec "$base") + size - 1)); then
			echo "# section $nr: map $size bytes at $base not reserved as (section pages x 64)"
			ok=0
		fi
	done <"$SMM_DEBUGFS/memmap"
	nnodes=$(grep -c '^node ' "$SMM_DEBUGFS/memmap")
	[ "$nnodes" -ge 1 ] || ok=0
	# insmod's metadata line (make bench's figure) counts the same maps
	logged=$(dmesg | sed -n 's/.*shadowmm: metadata: .* bytes a page: memory map \([0-9]*\), .*/\1/p' |
		tail -n 1)
	if [ "${logged:-none}" != "$mapbytes" ]; then
		echo "# insmod's metadata line: memory map ${logged:-no line}, the memmap view's maps: $mapbytes bytes"
		ok=0
	fi
	result $ok "$be: $nnodes memory map(s) reserved, sized pages x struct size ($mapbytes bytes, as the metadata line says)"

	# insmod's boot line (make bench's init figure)
	init_figure_ok && ok=1 || ok=0
	result $ok "$be: insmod's init figure: $what"

	ok=1
	while read -r name range _ size; do
		a=$(smm_dec "${range%-*}"); b=$(smm_dec "${range#*-}")
		if [ $((b - a + 1)) -ne "$size" ] || ! reserved_covers "$a" "$b"; then
			echo "# $name $range not in memblock.reserved"
			ok=0
		fi
	done <"$SMM_DEBUGFS/boot"
	[ "$(wc -l <"$SMM_DEBUGFS/boot")" -eq 3 ] || ok=0
	result $ok "$be: firmware, kernel and initrd are reserved"

	chunks=$(smm_region_chunks)
	t_rmmod=$(smm_mark_ns "load: $be: rmmod")
	[ "$PAGE_OWNER" = 0 ] || sees_the_region "$be" "$t_rmmod" "$chunks"
	if smm_unload; then
		ktap_test_pass "$be: rmmod"
	else
		ktap_test_fail "$be: rmmod"
	fi
	iso=$(isolated)
	if [ "$iso" = "0 0" ]; then
		ktap_test_pass "$be: no host pageblock left isolated, no free page on an Isolate list"
	else
		ktap_test_fail "$be: host pageblocks / free pages still isolated: $iso"
	fi
	after=$(smm_free_kb)
	diff=$((before - after))
	echo "# $be: free (MemFree + per-cpu lists$([ "$KASAN" = 0 ] || echo ' + Slab')) before $before kB, after $after kB"
	if [ "$PAGE_OWNER" = 1 ]; then
		smm_gave_back_exactly "$be" "$t_rmmod" "$chunks"
	elif [ "$diff" -le 1024 ]; then
		ktap_test_pass "$be: MemFree restored within 1 MiB ($diff kB short)"
	else
		ktap_test_fail "$be: MemFree $diff kB short after rmmod"
	fi
}

first_ok=""
for be in $BACKENDS; do
	check_backend "$be"
done

# Beside a busy task of the same priority on its CPU, insmod is switched
# out inside smm_boot() (at a GFP_KERNEL allocation, once its slice is
# up: the boot takes tens of ms under TCG, CFS's slice for two tasks is
# a few): the boot line must count those switches and leave their time
# out of the figure. Without preempt notifiers there is nothing to count.
dmesg -c >/dev/null
mask=$(taskset -p $$ | sed 's/.*: //')
taskset -p 1 $$ >/dev/null
sh -c 'while :; do :; done' &
busy=$!
smm_load
rc=$?
kill "$busy"
wait "$busy" 2>/dev/null
taskset -p "$mask" $$ >/dev/null
if [ "$rc" -ne 0 ]; then
	ktap_test_fail "insmod beside a busy task: insmod failed"
elif ! init_figure_ok; then
	ktap_test_fail "insmod beside a busy task: its time off the CPU left out ($what)"
elif [ -z "$sw" ]; then
	ktap_test_skip "insmod beside a busy task: its time off the CPU left out" \
		"no preempt notifiers in this kernel ($what)"
elif [ "$sw" -gt 0 ]; then
	ktap_test_pass "insmod beside a busy task: its time off the CPU left out ($what)"
else
	ktap_test_fail "insmod beside a busy task: its time off the CPU left out ($what)"
fi
smm_unload

# No CONFIG_CMA: the cma backend must say so and fail the load.
if has_cma; then
	ktap_test_skip "cma refuses without CONFIG_CMA" "this kernel has CMA (debug lane)"
else
	dmesg -c >/dev/null
	if ! smm_load region=cma 2>/dev/null &&
	   dmesg | grep -q "shadowmm: region: cma: this kernel is built without CONFIG_CMA" &&
	   [ ! -d "$SMM_DEBUGFS" ]; then
		ktap_test_pass "cma refuses without CONFIG_CMA, naming it"
	else
		ktap_test_fail "cma on a kernel without CMA"
		smm_unload 2>/dev/null
	fi
fi

ktap_finished
