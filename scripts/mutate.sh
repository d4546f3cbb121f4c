#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutate.sh - mutation testing of the unit tests (make mutants): each entry
# of the table below is a plausible bug, one exact fragment of a source
# file and what it becomes. For each, the fragment is replaced in a copy of
# the tree (build/mutate/: src/, include/ and selftests/unit/, built there
# without the sanitizers, for speed), the unit tests that should notice are
# run (unit_tests --only) and must fail: the mutant is "killed". One line a
# mutant, killed or SURVIVED, then the total:
#
#   mutate: N passed, N failed
#
# A surviving mutant fails, and so does an entry whose fragment does not
# occur exactly once in today's source (the table cannot rot silently), a
# mutant that does not build, and a named test that does not pass on the
# unmutated copy. The real tree is only read. MUTANTS="NAME ..." runs some.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
work=build/mutate
t0=$(date +%s)

names=()
declare -A m_file=() m_orig=() m_repl=() m_tests=()

# mutant NAME FILE ORIGINAL REPLACEMENT TESTS (comma-separated)
mutant() {
	names+=("$1")
	m_file[$1]=$2
	m_orig[$1]=$3
	m_repl[$1]=$4
	m_tests[$1]=$5
}

pa=src/mm/page_alloc.c

# nr_pcp_free(): free_factor stops at PCP_BATCH_SCALE_MAX
mutant pcp-scale-max $pa \
	'if (batch < max_nr_free && pcp->free_factor < SMM_PCP_BATCH_SCALE_MAX)' \
	'if (batch < max_nr_free)' \
	pa_pcp_trim_factor_stops_at_scale_max
mutant pcp-scale-max-6 $pa \
	'#define SMM_PCP_BATCH_SCALE_MAX	5' \
	'#define SMM_PCP_BATCH_SCALE_MAX	6' \
	pa_pcp_trim_factor_stops_at_scale_max

# __rmqueue_fallback(): NOFRAGMENT raises min_order for small orders only
mutant nofragment-min-order $pa \
	'if (order < SMM_PAGEBLOCK_ORDER && (alloc_flags & SMM_ALLOC_NOFRAGMENT))' \
	'if (alloc_flags & SMM_ALLOC_NOFRAGMENT)' \
	pa_nofragment_pageblock_order_request_steals_no_smaller_block

# steal_suitable_fallback(): a highatomic pageblock keeps its type
mutant steal-highatomic $pa \
	'if (old_block_type == SMM_MIGRATE_HIGHATOMIC)' \
	'if (false)' \
	pa_steal_leaves_highatomic_pageblock_alone
mutant steal-highatomic-large-only $pa \
	'if (old_block_type == SMM_MIGRATE_HIGHATOMIC)' \
	'if (old_block_type == SMM_MIGRATE_HIGHATOMIC && current_order >= SMM_PAGEBLOCK_ORDER)' \
	pa_steal_leaves_highatomic_pageblock_alone
mutant steal-highatomic-small-only $pa \
	'if (old_block_type == SMM_MIGRATE_HIGHATOMIC)' \
	'if (old_block_type == SMM_MIGRATE_HIGHATOMIC && current_order < SMM_PAGEBLOCK_ORDER)' \
	pa_steal_leaves_highatomic_pageblock_alone

# free_pcppages_bulk(): the pageblock may have been isolated meanwhile
mutant pcp-bulk-isolate $pa \
	'if (smm_is_migrate_isolate(smm_zone_pageblock_migratetype(zone, pfn)))' \
	'if (false)' \
	pa_pcp_drain_into_isolated_pageblock

# free_one_page(): the pageblock's type asked again under zone->lock
mutant free-one-page-isolate $pa \
	'block_mt = smm_zone_pageblock_migratetype(zone, pfn);' \
	'block_mt = migratetype;' \
	pa_free_one_page_asks_the_pageblock_under_the_lock

# expand() adding to the tail: not in the table, an equivalent mutant.
# expand() only adds to @migratetype's lists of the orders between the
# request's and the block's, which __rmqueue_smallest() (its one caller)
# has just found empty; on an empty list head and tail are the same, so
# the mutant's every state is today's, bit for bit.

# alloc_flags_nofragment(): on NUMA, a node without DMA32 gets no NOFRAGMENT
mutant nofragment-numa-dma32 $pa \
	'if (m->nr_nodes > 1 &&' \
	'if (!m && m->nr_nodes > 1 &&' \
	pa_nofragment_not_on_a_node_without_dma32
mutant nofragment-uma-dma32 $pa \
	'if (m->nr_nodes > 1 &&' \
	'if (m &&' \
	pa_nofragment_not_on_a_node_without_dma32

# SPARSEMEM memmap_init: a run ends where the owning node may change,
# and where the zone may
mutant sparse-init-run-past-node src/mm/mm_init.c \
	'if (p->node_spanned_pages)
			next = smm_run_edge' \
	'if (!p->node_spanned_pages)
			next = smm_run_edge' \
	sparse_node_inside_another_node_span
mutant sparse-init-run-past-zone src/mm/mm_init.c \
	'smm_memmap_zone_next(pgdat, pfn, end));' \
	'end);' \
	sparse_round_trip_every_pfn

# setup_per_zone_lowmem_reserve(): no reserve in a zone with nothing managed
mutant lowmem-reserve-managed src/mm/mm_init.c \
	'bool clear = !ratio || !zone->managed_pages;' \
	'bool clear = !ratio;' \
	pa_lowmem_reserve_none_without_managed_pages
mutant lowmem-reserve-present src/mm/mm_init.c \
	'bool clear = !ratio || !zone->managed_pages;' \
	'bool clear = !ratio || !zone->present_pages;' \
	pa_lowmem_reserve_none_without_managed_pages

# move_freepages_block(): not below the zone's start
mutant move-freepages-zone-start $pa \
	'if (!smm_zone_spans_pfn(zone, start_pfn))' \
	'if (false)' \
	pa_steal_stops_at_zone_start_mid_pageblock

# free_unref_page() / rmqueue_pcplist(): a held pcp is only trylocked
mutant pcp-free-trylock $pa \
	'if (!smm_spin_trylock(&pcp->lock)) {' \
	'if (!smm_spin_trylock(&pcp->lock) && false) {' \
	pa_pcp_held_goes_to_the_buddy
mutant pcp-alloc-trylock $pa \
	$'if (!smm_spin_trylock(&pcp->lock))\n\t\treturn NULL;' \
	$'if (!smm_spin_trylock(&pcp->lock) && false)\n\t\treturn NULL;' \
	pa_pcp_held_goes_to_the_buddy

# held.c: free pfn= and tag= walk one hash chain, in allocation order
mutant held-tag-chain-lifo src/held.c \
	'list_add_tail(&h->by_tag, ' \
	'list_add(&h->by_tag, ' \
	held_free_tag_frees_in_allocation_order
mutant held-free-pfn-walks-all src/held.c \
	$'\tif (pfn) {\n\t\t*freed = held_free_pfn(m, *pfn, tag);' \
	$'\tif (pfn && tag) {\n\t\t*freed = held_free_pfn(m, *pfn, tag);' \
	held_free_pfn_walks_one_chain
mutant held-max-off-by-one src/held.c \
	'if (smm_held_count(m) < smm_held_max(m))' \
	'if (smm_held_count(m) <= smm_held_max(m))' \
	held_max_refuses_the_allocation_past_it

# the rmqueue ring's reader leaves out a slot being rewritten; a page's
# membership is bounded by its node's map
mutant ring-reader-ignores-busy src/views.c \
	$'if (seq == SMM_RMQUEUE_BUSY)\n\t\treturn false;' \
	$'if (false)\n\t\treturn false;' \
	rmqueue_trace_leaves_out_a_slot_being_written
mutant ring-reader-no-second-look src/views.c \
	'return READ_ONCE(slot->seq) == seq;' \
	'return true;' \
	rmqueue_trace_drops_a_slot_rewritten_during_its_copy
mutant memmap-bound-one-past src/mm/internal.h \
	'if (off >= pgdat->memmap_size ||' \
	'if (off > pgdat->memmap_size ||' \
	pa_page_in_memmap_bounds

# bench mirror=on's release gives every held block back to the shadow
mutant mirror-release-leaks src/mirror.c \
	$'\t\tif (page)\n\t\t\tsmm_free_pages(m, page, s->order);\n\t\ts->key = 0;' \
	$'\t\tif (page && !freed)\n\t\t\tsmm_free_pages(m, page, s->order);\n\t\ts->key = 0;' \
	mirror_release_frees_every_block

# kmem_cache_shrink(): the fullest slabs go first; empty ones are freed
mutant shrink-promote-reversed src/mm/slub.c \
	'for (i = SMM_SHRINK_PROMOTE_MAX - 1; i >= 0; i--)' \
	'for (i = 0; i < SMM_SHRINK_PROMOTE_MAX; i++)' \
	slub_shrink_frees_empty_slabs_fullest_first,slub_shrink_leaves_emptier_slabs_in_order
mutant shrink-keeps-empty src/mm/slub.c \
	'if (free == slab->objects) {' \
	'if (free == slab->objects + 1) {' \
	slub_shrink_frees_empty_slabs_fullest_first,slub_ctl_cache_shrink

[ -z "${MUTANTS:-}" ] || read -r -a names <<<"$MUTANTS"

passed=0
failed=0
fail() {
	echo "$1"
	failed=$((failed + 1))
}

# how many times fixed string $2 occurs in $1
occurrences() {
	local rest=${1//"$2"/}

	echo $(((${#1} - ${#rest}) / ${#2}))
}

for n in "${names[@]}"; do
	if [ -z "${m_file[$n]+set}" ]; then
		echo "mutate: no mutant named $n"
		echo "mutate: 0 passed, 1 failed"
		exit 1
	fi
done

echo "[mutate] copying src, include, selftests/unit and selftests/tools to $work"
rm -rf "$work"
mkdir -p "$work/selftests"
cp -a src include "$work/"
cp -a selftests/unit selftests/tools "$work/selftests/"
rm -rf "$work/selftests/unit/build"
unit=$work/selftests/unit
bin=$unit/build/unit_tests

build() {
	make -s -C "$unit" SANITIZE= >"$work/build.log" 2>&1
}

echo "[mutate] building the unmutated copy (no sanitizers)"
if ! build; then
	cat "$work/build.log"
	echo "mutate: the unmutated copy does not build"
	echo "mutate: 0 passed, 1 failed"
	exit 1
fi
echo "[mutate] built in $(($(date +%s) - t0)) s"

# Every named test must exist and pass before a failure can mean anything.
all_tests=$(for n in "${names[@]}"; do echo "${m_tests[$n]}"; done |
	tr ',' '\n' | sort -u | paste -sd, -)
if ! "$bin" --only "$all_tests" >"$work/base.log" 2>&1; then
	cat "$work/base.log"
	echo "mutate: the named tests do not all pass unmutated: $all_tests"
	echo "mutate: 0 passed, 1 failed"
	exit 1
fi

for n in "${names[@]}"; do
	f=${m_file[$n]}
	orig=${m_orig[$n]}
	src=$(<"$f")
	count=$(occurrences "$src" "$orig")
	if [ "$count" -ne 1 ]; then
		fail "SURVIVED $n: '$orig' occurs $count times in $f, not once: fix the table"
		continue
	fi
	printf '%s\n' "${src/"$orig"/"${m_repl[$n]}"}" >"$work/$f"
	touch "$work/$f"
	if ! build; then
		sed 's/^/    /' "$work/build.log" | head -n 20
		fail "SURVIVED $n: the mutant does not build"
	else
		timeout 120 "$bin" --only "${m_tests[$n]}" >"$work/$n.log" 2>&1
		rc=$?
		if grep -q '^Bail out!' "$work/$n.log"; then
			fail "SURVIVED $n: the run bailed out ($(grep -m1 '^Bail out!' "$work/$n.log"))"
		elif [ "$rc" -eq 0 ]; then
			fail "SURVIVED $n: ${m_tests[$n]} passed"
		else
			how=$(grep -m1 '^not ok' "$work/$n.log" || true)
			[ "$rc" -ne 124 ] || how="timed out"
			[ -n "$how" ] || how="exit $rc"
			echo "killed   $n ($how)"
			passed=$((passed + 1))
		fi
	fi
	# the original back for the next mutant (rebuilt with it)
	cp "$f" "$work/$f"
	touch "$work/$f"
done

echo "[mutate] done in $(($(date +%s) - t0)) s"
echo "mutate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
