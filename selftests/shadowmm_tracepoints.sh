#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every shadowmm tracepoint fires where it should, with its documented
# fields, as seen through tracefs (no bpftrace needed): a reset emits the
# memblock events and free_all; filling a zone emits alloc_pages (the last
# one failed, pfn=-1), rmqueue, rmqueue_bulk and watermark_fail; the first
# unmovable request emits fallback; freeing and draining emit
# free_one_page and pcp_drain; one more DMA request on the full node A
# emits zonelist_fallback to node B. A and B are the shadow's first two
# nodes (0 and 1, unless the region lies on one node only: one cma= area;
# then zonelist_fallback has nowhere to go and is skipped, saying so).
# Zones, migratetypes and gfp print as names. The kmem-named events
# (mm_page_alloc, mm_page_free, mm_page_alloc_zone_locked,
# mm_page_pcpu_drain, mm_page_alloc_extfrag) print as v6.1's kmem ones,
# page= the id SMM_TRACE_PAGE_ID (pfn x 64); the GFP_KERNEL allocation's
# mm_page_alloc and mm_page_free carry the pfn the allocations view shows.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

TR=/sys/kernel/tracing

ktap_print_header
[ -d "$TR/events" ] || ktap_skip_all "no tracefs at $TR"
smm_load || ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
[ -d "$TR/events/shadowmm" ] || ktap_skip_all "no shadowmm events in tracefs"

nodes=$(smm_nodes)
A=$(echo "$nodes" | sed -n 1p)
B=$(echo "$nodes" | sed -n 2p)

# The memory map's memblock_alloc: FLATMEM aligns it to a cache line,
# SPARSEMEM's sparse_buffer_init() to section_map_size(), a section's
# pages x 64 bytes (the section size from the memmap model line).
map_align=0x40
sec=$(sed -n 's/^model sparsemem section_size \(0x[0-9a-f]*\) .*/\1/p' "$SMM_DEBUGFS/memmap")
[ -n "$sec" ] && map_align=$(printf '0x%x' $(((sec >> 12) * 64)))

ZONE='\(DMA\|DMA32\|Normal\|Movable\)'
MT='\(Unmovable\|Movable\|Reclaimable\|HighAtomic\|CMA\|Isolate\)'
PAGE='[0-9a-f]\{16\}'

# event name|a field pattern its line must show
EVENTS="memblock_add|base=0x[0-9a-f]* size=0x[0-9a-f]* nid=[0-9]* flags=0x0
memblock_reserve|base=0x[0-9a-f]* size=0x[0-9a-f]*
memblock_alloc|size=0x[0-9a-f]* align=$map_align .* retried=0
free_all|nid=[0-9]* zone=$ZONE pages=[1-9][0-9]*
alloc_pages|gfp=GFP_KERNEL|GFP_DMA|__GFP_THISNODE order=0 nid=$A pfn=0xffffffffffffffff
rmqueue|nid=[0-9]* zone=$ZONE order=0 current_order=[0-9]* migratetype=$MT pcp=[01] pfn=0x[0-9a-f]*
rmqueue_bulk|nid=[0-9]* zone=$ZONE order=0 migratetype=$MT count=[0-9]* allocated=[0-9]*
watermark_fail|nid=$A zone=DMA order=0 mark=[0-9]* free=[0-9]* alloc_flags=0x[0-9a-f]*
fallback|pfn=0x[0-9a-f]* alloc_order=0 fallback_order=[0-9]* alloc_migratetype=Unmovable fallback_migratetype=Movable change_ownership=1
free_one_page|pfn=0x[0-9a-f]* order=[0-9]* merged_order=[0-9]* migratetype=$MT
pcp_drain|nid=[0-9]* zone=$ZONE cpu=[0-9]* count=[1-9][0-9]*
zonelist_fallback|preferred_nid=$A preferred_zone=DMA nid=$B zone=DMA order=0 reason=watermark
mm_page_alloc|page=0000000000000000 pfn=0x0 order=0 migratetype=0 gfp_flags=GFP_KERNEL|GFP_DMA|__GFP_THISNODE\$
mm_page_alloc_zone_locked|page=$PAGE pfn=0x[0-9a-f]* order=0 migratetype=[0-5] percpu_refill=1\$
mm_page_pcpu_drain|page=$PAGE pfn=0x[0-9a-f]* order=0 migratetype=[0-5]\$
mm_page_alloc_extfrag|page=$PAGE pfn=0x[0-9a-f]* alloc_order=0 fallback_order=[0-9]* pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=[01] change_ownership=1\$
mm_page_free|page=$PAGE pfn=0x[0-9a-f]* order=[0-9]*\$"

# the events, the GFP_KERNEL page's mm_page_alloc and mm_page_free, and
# the alloc events' shared key
ktap_set_plan "$(($(echo "$EVENTS" | wc -l) + 4))"

# tracing_on is put back as found at the end: later tests read trace_pipe
was_on=$(cat "$TR/tracing_on")
echo 0 >"$TR/tracing_on"
echo >"$TR/trace"
echo 16384 >"$TR/buffer_size_kb"
echo 1 >"$TR/events/shadowmm/enable"
echo 1 >"$TR/tracing_on"

smm_ctl reset
smm_ctl "alloc order=0 count=100000 nid=$A gfp=dma|thisnode tag=fill" 2>/dev/null
smm_ctl "alloc order=0 count=1 nid=$A gfp=dma tag=dmafb" 2>/dev/null
smm_ctl "alloc order=0 count=1 nid=${B:-$A} gfp=kernel tag=unmov"
pfn=$(sed -n 's/^tag unmov pfn \(0x[0-9a-f]*\) .*/\1/p' "$SMM_DEBUGFS/allocations")
smm_ctl "free all"
smm_ctl drain

echo 0 >"$TR/tracing_on"
echo 0 >"$TR/events/shadowmm/enable"
cat "$TR/trace" >/tmp/smm-trace.$$
echo >"$TR/trace"
echo "$was_on" >"$TR/tracing_on"

while IFS='|' read -r ev pat; do
	n=$(grep -c " $ev: " /tmp/smm-trace.$$)
	if [ "$ev" = zonelist_fallback ] && [ -z "$B" ]; then
		ktap_test_skip "$ev" "one shadow node (node $A): no other node to fall back to"
	elif grep -q " $ev: $pat" /tmp/smm-trace.$$; then
		ktap_test_pass "$ev: $n event(s), fields as documented"
	else
		ktap_test_fail "$ev: $n event(s), none matching '$pat'"
		grep " $ev: " /tmp/smm-trace.$$ | tail -n 2 | sed 's/^/# /'
	fi
done <<EOF_EVENTS
$EVENTS
EOF_EVENTS

# the allocation's own events: page= is its id, pfn= the pfn ctl holds
page=$(printf '%016x' $((${pfn:-0} * 64)))
for ev in "mm_page_alloc: page=$page pfn=$pfn order=0 migratetype=0 gfp_flags=GFP_KERNEL" \
	"mm_page_free: page=$page pfn=$pfn order=0"; do
	if [ -n "$pfn" ] && grep -q " $ev\$" /tmp/smm-trace.$$; then
		ktap_test_pass "${ev%%:*} of the GFP_KERNEL page: $ev"
	else
		ktap_test_fail "${ev%%:*} of the GFP_KERNEL page (pfn '$pfn'): no line '$ev'"
		grep " ${ev%%:*}: .* pfn=${pfn:-none} " /tmp/smm-trace.$$ | tail -n 2 | sed 's/^/# /'
	fi
done

# alloc_pages and mm_page_alloc share one static key, on while either has
# a probe (kernel/trace_alloc_key.h): each alone must fire, and the key
# must stay on while the other event still has its probe.
# alloc_events EVENT... : one allocation's events, with only EVENTs on
alloc_events() {
	echo 0 >"$TR/tracing_on"
	echo >"$TR/trace"
	for __ae in "$@"; do
		echo 1 >"$TR/events/shadowmm/$__ae/enable"
	done
	echo 1 >"$TR/tracing_on"
	smm_ctl "alloc order=0 count=1 nid=$A gfp=kernel tag=key"
	smm_ctl "free tag=key"
	echo 0 >"$TR/tracing_on"
	grep -o ' \(alloc_pages\|mm_page_alloc\): ' "$TR/trace" | tr -d ' :' | sort | tr '\n' ' '
	echo >"$TR/trace"
	echo "$was_on" >"$TR/tracing_on"
}

got=$(alloc_events mm_page_alloc)
ktap_test_result "mm_page_alloc alone on: the allocation fires it alone (got: '$got')" \
	[ "$got" = "mm_page_alloc " ]
# both on, then mm_page_alloc's last probe gone: alloc_pages still fires
got=$(alloc_events alloc_pages)
echo 0 >"$TR/events/shadowmm/mm_page_alloc/enable"
got2=$(alloc_events)
echo 0 >"$TR/events/shadowmm/alloc_pages/enable"
got3=$(alloc_events)
what="alloc_pages still fires after mm_page_alloc goes off, and neither after both (got: '$got', '$got2', '$got3')"
if [ "$got" = "alloc_pages mm_page_alloc " ] && [ "$got2" = "alloc_pages " ] && [ -z "$got3" ]; then
	ktap_test_pass "$what"
else
	ktap_test_fail "$what"
fi

rm -f /tmp/smm-trace.$$
smm_unload
ktap_finished
