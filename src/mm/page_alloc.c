// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow buddy allocator: mm/page_alloc.c of v6.1 from a gfp mask to
 * the free lists and back. Function names are the kernel's with an smm_
 * prefix (the kernel's own headers declare many of the bare names), so
 * smm__rmqueue_smallest() is __rmqueue_smallest() and smm_expand() is
 * expand().
 *
 * Allocation: smm_alloc_pages() -> smm_get_page_from_freelist() walks the
 * zonelist checking watermarks -> smm_rmqueue(): orders up to
 * PAGE_ALLOC_COSTLY_ORDER and pageblock_order come off the CPU's pcp list,
 * refilled by smm_rmqueue_bulk(); the rest under zone->lock through
 * smm__rmqueue() -> smm__rmqueue_smallest() + smm_expand(), and
 * smm__rmqueue_fallback() when the migratetype's lists are empty. The
 * slowpath is one more walk at the min watermark; the shadow has no
 * reclaim, compaction or OOM killer, so then it fails cleanly.
 *
 * Freeing: smm_free_pages() -> smm_free_unref_page() onto the pcp list,
 * drained by smm_free_pcppages_bulk() above pcp->high, or straight to
 * smm__free_one_page(), which merges buddies.
 *
 * Locking, as v6.1: zone->lock covers the free lists, zone->nr_free_pages
 * and the pageblock bits, taken irqsave; each (zone, CPU) pcp list has
 * its own lock, taken with the CPU pinned (smm_get_cpu()): the fast paths
 * only trylock it, with interrupts on, and go to the buddy lists when it
 * is held (a drain, a check, or the mirror's probe in an interrupt of
 * this CPU's own fast path), so no interrupt needs to be off for it. The
 * order is pcp lock -> zone->lock. That CPU's part of the rmqueue ring
 * takes no lock: its CPU writes it with interrupts off, innermost, and
 * readers check each slot's sequence word around their copy. The
 * machine-wide ring and verify sequences are atomics, the once-only
 * reports are atomic exchanges. The per-cpu event counters of a CPU are
 * only written by that CPU, pinned.
 *
 * Where the shadow departs from v6.1 a comment says so, at the place it
 * does.
 */
#include "shadowmm/trace.h"
#include "internal.h"

const char *const smm_migratetype_names[SMM_MIGRATE_TYPES] = {
	"Unmovable",
	"Movable",
	"Reclaimable",
	"HighAtomic",
	"CMA",
	"Isolate",
};

const char *const smm_zone_names[SMM_MAX_NR_ZONES] = {
	"DMA",
	"DMA32",
	"Normal",
	"Movable",
};

/* ---- CPUs and events ------------------------------------------------- */

/*
 * In the module nr_cpus is nr_cpu_ids, so every CPU id is an index. A test
 * may make nr_cpus smaller than its CPU ids; such CPUs then share a slot
 * (the pcp lists stay correct, they are locked; the counters may race).
 */
static struct smm_vm_events *smm_events(struct smm_machine *m, int cpu)
{
	return &m->events[smm_cpu_index(m, cpu)];
}

void smm_vm_events_sum(struct smm_machine *m, struct smm_vm_events *sum)
{
	const size_t n = sizeof(*sum) / sizeof(u64);
	u64 *dst = (u64 *)sum;
	unsigned int cpu;
	size_t i;

	/* struct smm_vm_events is nothing but u64 counters: see its header */
	BUILD_BUG_ON(sizeof(struct smm_vm_events) !=
		     SMM_VM_EVENT_WORDS * sizeof(u64));
	memset(sum, 0, sizeof(*sum));
	if (!m->events)
		return;
	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		const u64 *src = (const u64 *)&m->events[cpu];

		for (i = 0; i < n; i++)
			dst[i] += READ_ONCE(src[i]);
	}
}

/*
 * The rmqueue ring's writer: the record goes in place into this CPU's
 * part, which only this CPU writes. Interrupts are off meanwhile (the
 * mirror's probe may allocate from an interrupt on this CPU) and no lock
 * is taken: the slot's seq is SMM_RMQUEUE_BUSY while its fields change,
 * and a reader keeps a slot only when seq reads the same, and not busy,
 * before and after its copy (smm_show_rmqueue_trace()). seq orders the
 * records machine-wide: an atomic, not a lock. The rmqueue tracepoint
 * fires on the slot once it is written.
 */
static __always_inline void smm_rmqueue_ring_write(struct smm_machine *m,
						   unsigned int slot,
						   const struct smm_zone *zone,
						   unsigned long pfn,
						   unsigned int order,
						   unsigned int current_order,
						   int migratetype, bool pcp)
{
	struct smm_rmqueue_ring *ring = &m->rmqueue_ring;
	struct smm_rmqueue_cpu_ring *cr = &ring->cpus[slot];
	u64 seq = smm_atomic64_inc_return(&ring->seq) - 1;
	struct smm_rmqueue_rec *r;
	unsigned long flags;

	smm_local_irq_save(flags);
	r = &cr->recs[cr->head % ring->size];
	WRITE_ONCE(r->seq, SMM_RMQUEUE_BUSY);
	smm_smp_wmb();
	r->pfn = pfn;
	r->nid = zone->node;
	r->zone = zone->idx;
	r->order = order;
	r->current_order = current_order;
	r->migratetype = migratetype;
	r->pcp = pcp;
	smm_smp_wmb();
	WRITE_ONCE(r->seq, seq);
	/* a reader that sees the new head sees the record's seq too */
	smm_smp_wmb();
	WRITE_ONCE(cr->head, cr->head + 1);
	/* the slot is this CPU's and interrupts are off: it holds still */
	trace_rmqueue(r);
	smm_local_irq_restore(flags);
}

/* The rmqueue tracepoint, out of line: its record is a copy of its own. */
static noinline void smm_trace_rmqueue(u64 seq, const struct smm_zone *zone,
				       unsigned long pfn, unsigned int order,
				       unsigned int current_order,
				       int migratetype, bool pcp)
{
	struct smm_rmqueue_rec rec = {
		.seq = seq,
		.pfn = pfn,
		.nid = zone->node,
		.zone = zone->idx,
		.order = order,
		.current_order = current_order,
		.migratetype = migratetype,
		.pcp = pcp,
	};

	trace_rmqueue(&rec);
}

/*
 * One block taken off a list: a record in the ring when it is on (seq 0
 * for the tracepoint when it is off), the rmqueue tracepoint when it is
 * enabled; with both off nothing is computed, not even the pfn.
 */
static __always_inline void smm_record_rmqueue(struct smm_machine *m,
					       const struct smm_vm_events *ev,
					       struct smm_zone *zone,
					       struct smm_page *page,
					       unsigned int order,
					       unsigned int current_order,
					       int migratetype, bool pcp)
{
	/* the ring's writer fires the tracepoint on the record it wrote */
	if (likely(m->rmqueue_ring.size)) {
		/* the CPU's slot: its counters are m->events[slot] */
		smm_rmqueue_ring_write(m, ev - m->events, zone,
				       smm__page_to_pfn(m, page), order,
				       current_order, migratetype, pcp);
		return;
	}
	if (trace_rmqueue_enabled())
		smm_trace_rmqueue(0, zone, smm__page_to_pfn(m, page), order,
				  current_order, migratetype, pcp);
}

/* Shadow instrumentation: a block served from a pcp list. */
static void smm_record_pcp_hit(struct smm_machine *m, struct smm_vm_events *ev,
			       struct smm_zone *zone, struct smm_page *page,
			       unsigned int order, int migratetype)
{
	ev->pcp_hit[order]++;
	smm_record_rmqueue(m, ev, zone, page, order, order, migratetype, true);
}

/* ---- gfp --------------------------------------------------------------- */

#define SMM_GFP_ZONE_BAD	(-1)

/*
 * GFP_ZONE_TABLE and GFP_ZONE_BAD of include/linux/gfp.h for x86_64 (no
 * HIGHMEM: __GFP_HIGHMEM means Normal, and Movable with __GFP_MOVABLE),
 * indexed by the four zone bits.
 */
static const signed char smm_gfp_zone_table[16] = {
	[0] = SMM_ZONE_NORMAL,
	[SMM___GFP_DMA] = SMM_ZONE_DMA,
	[SMM___GFP_HIGHMEM] = SMM_ZONE_NORMAL,
	[SMM___GFP_DMA | SMM___GFP_HIGHMEM] = SMM_GFP_ZONE_BAD,
	[SMM___GFP_DMA32] = SMM_ZONE_DMA32,
	[SMM___GFP_DMA | SMM___GFP_DMA32] = SMM_GFP_ZONE_BAD,
	[SMM___GFP_DMA32 | SMM___GFP_HIGHMEM] = SMM_GFP_ZONE_BAD,
	[SMM___GFP_DMA | SMM___GFP_DMA32 | SMM___GFP_HIGHMEM] = SMM_GFP_ZONE_BAD,
	[SMM___GFP_MOVABLE] = SMM_ZONE_NORMAL,
	[SMM___GFP_MOVABLE | SMM___GFP_DMA] = SMM_ZONE_DMA,
	[SMM___GFP_MOVABLE | SMM___GFP_HIGHMEM] = SMM_ZONE_MOVABLE,
	[SMM___GFP_MOVABLE | SMM___GFP_DMA | SMM___GFP_HIGHMEM] =
		SMM_GFP_ZONE_BAD,
	[SMM___GFP_MOVABLE | SMM___GFP_DMA32] = SMM_ZONE_DMA32,
	[SMM___GFP_MOVABLE | SMM___GFP_DMA | SMM___GFP_DMA32] =
		SMM_GFP_ZONE_BAD,
	[SMM___GFP_MOVABLE | SMM___GFP_DMA32 | SMM___GFP_HIGHMEM] =
		SMM_GFP_ZONE_BAD,
	[SMM_GFP_ZONEMASK] = SMM_GFP_ZONE_BAD,
};

int smm_gfp_zone(unsigned int gfp)
{
	int z = smm_gfp_zone_table[gfp & SMM_GFP_ZONEMASK];

	/* the kernel's VM_BUG_ON(GFP_ZONE_BAD): a request that fails here */
	return z == SMM_GFP_ZONE_BAD ? -EINVAL : z;
}

/*
 * gfp_migratetype(). Both mobility bits at once is a caller bug the kernel
 * only VM_WARNs about (the shift would give MIGRATE_HIGHATOMIC);
 * smm_alloc_pages() refuses such a request, here MOVABLE wins.
 */
enum smm_migratetype smm_gfp_migratetype(unsigned int gfp)
{
	if (gfp & SMM___GFP_MOVABLE)
		return SMM_MIGRATE_MOVABLE;
	if (gfp & SMM___GFP_RECLAIMABLE)
		return SMM_MIGRATE_RECLAIMABLE;
	return SMM_MIGRATE_UNMOVABLE;
}

/* ---- the memory map ---------------------------------------------------- */

/*
 * Two nodes' maps overlap where both are rounded out over the same
 * MAX_ORDER block; the page of the node that spans @pfn is the real one.
 */
struct smm_page *smm_pfn_to_page(struct smm_machine *m, unsigned long pfn)
{
	return smm__pfn_to_page(m, pfn);
}

/* page_to_pfn(): smm__page_to_pfn(), for the files outside mm/. */
unsigned long smm_page_to_pfn(struct smm_machine *m,
			      const struct smm_page *page)
{
	return smm__page_to_pfn(m, page);
}

struct smm_zone *smm_page_zone(struct smm_machine *m,
			       const struct smm_page *page)
{
	return &smm_pgdat(m, smm_page_nid(page))->node_zones[smm_page_zonenum(page)];
}

void *smm_page_address(struct smm_machine *m, const struct smm_page *page)
{
	return smm_phys_to_virt(PFN_PHYS(smm__page_to_pfn(m, page)));
}

unsigned long smm_memmap_pages(const struct smm_machine *m)
{
	const struct smm_sparse *sp = &m->sparse;
	unsigned long nr, pages = 0;
	int i;

	if (sp->mem_section) {
		for (nr = 0; nr < sp->nr_sections; nr++)
			if (smm_valid_section(&sp->mem_section[nr]))
				pages += smm_pages_per_section(sp);
		return pages;
	}
	for (i = 0; i < m->nr_nodes; i++) {
		const struct smm_pglist_data *pgdat = &m->node_data[m->node_ids[i]];

		if (pgdat->node_mem_map)
			pages += pgdat->memmap_end_pfn - pgdat->memmap_start_pfn;
	}
	return pages;
}

/*
 * The shadow's tables that grow with its memory, as the kernel's do
 * with RAM: the memory map (struct smm_page, 64 bytes, as struct page),
 * each zone's pageblock bits, and under SPARSEMEM the section table.
 * Per-zone and per-cpu structures do not grow with it and are left out.
 */
void smm_metadata_bytes(struct smm_machine *m, struct smm_metadata *md)
{
	struct smm_zone *zone;

	md->memmap = smm_memmap_pages(m) * sizeof(struct smm_page);
	md->usemap = 0;
	for_each_smm_zone(m, zone)
		if (zone->pageblock_flags)
			md->usemap += smm_usemap_size(zone->zone_start_pfn,
						      zone->spanned_pages);
	md->sections = m->sparse.nr_sections * sizeof(*m->sparse.mem_section);
}

void smm_walk_memmap(struct smm_machine *m, smm_memmap_page_fn fn,
		     void *arg)
{
	const struct smm_sparse *sp = &m->sparse;
	unsigned long nr, pfn;
	int i;

	if (sp->mem_section) {
		for (nr = 0; nr < sp->nr_sections; nr++) {
			const struct smm_mem_section *ms = &sp->mem_section[nr];
			unsigned long start =
				smm_section_nr_to_pfn(sp, sp->base_nr + nr);
			struct smm_page *map;

			if (!smm_valid_section(ms))
				continue;
			map = smm_section_map(sp, ms, sp->base_nr + nr);
			for (pfn = 0; pfn < smm_pages_per_section(sp); pfn++)
				fn(arg, &map[pfn], start + pfn);
		}
		return;
	}
	for (i = 0; i < m->nr_nodes; i++) {
		struct smm_pglist_data *pgdat = smm_pgdat(m, m->node_ids[i]);
		struct smm_page *map = smm_pgdat_map(pgdat);

		if (!pgdat->node_mem_map)
			continue;
		for (pfn = pgdat->memmap_start_pfn; pfn < pgdat->memmap_end_pfn;
		     pfn++)
			fn(arg, &map[pfn - pgdat->memmap_start_pfn], pfn);
	}
}

/*
 * A zone's pages all live in its node's map, which covers every buddy of
 * every block (the map is rounded out to MAX_ORDER blocks): the kernel's
 * page + (buddy_pfn - pfn) arithmetic needs no lookup. Under SPARSEMEM a
 * section holds whole MAX_ORDER blocks, which does the same; a pageblock
 * of the zone is in a present section, so the lookup finds it.
 */
static struct smm_page *smm_zone_pfn_to_page(const struct smm_zone *zone,
					     unsigned long pfn)
{
	const struct smm_pglist_data *pgdat = zone->zone_pgdat;

	if (unlikely(pgdat->sparse))
		return smm_sparse_pfn_to_page(pgdat->sparse, pfn);
	return smm_pgdat_map(pgdat) + (pfn - pgdat->memmap_start_pfn);
}

/* ---- pageblock bits (include/linux/pageblock-flags.h) ------------------ */

unsigned long smm_usemap_size(unsigned long zone_start_pfn,
			      unsigned long zonesize)
{
	unsigned long usemapsize;

	zonesize += zone_start_pfn & (SMM_PAGEBLOCK_NR_PAGES - 1);
	usemapsize = round_up(zonesize, SMM_PAGEBLOCK_NR_PAGES);
	usemapsize >>= SMM_PAGEBLOCK_ORDER;
	usemapsize *= SMM_NR_PAGEBLOCK_BITS;
	usemapsize = round_up(usemapsize, 8 * sizeof(unsigned long));
	return usemapsize / 8;
}

/* pfn_to_bitidx(): the zone's bitmap starts at its first pageblock. */
static unsigned long smm_pfn_to_bitidx(const struct smm_zone *zone,
				       unsigned long pfn)
{
	pfn -= round_down(zone->zone_start_pfn, SMM_PAGEBLOCK_NR_PAGES);
	return (pfn >> SMM_PAGEBLOCK_ORDER) * SMM_NR_PAGEBLOCK_BITS;
}

int smm_zone_pageblock_migratetype(const struct smm_zone *zone,
				   unsigned long pfn)
{
	unsigned long bitidx = smm_pfn_to_bitidx(zone, pfn);
	unsigned long word = READ_ONCE(zone->pageblock_flags[bitidx / BITS_PER_LONG]);

	return (word >> (bitidx % BITS_PER_LONG)) & SMM_MIGRATETYPE_MASK;
}

/* Under zone->lock, or before the zone is in use. */
void smm_set_pageblock_migratetype(struct smm_zone *zone, unsigned long pfn,
				   int migratetype)
{
	unsigned long bitidx = smm_pfn_to_bitidx(zone, pfn);
	unsigned long *word = &zone->pageblock_flags[bitidx / BITS_PER_LONG];
	unsigned int shift = bitidx % BITS_PER_LONG;

	WRITE_ONCE(*word, (*word & ~(SMM_MIGRATETYPE_MASK << shift)) |
		   ((unsigned long)migratetype << shift));
}

int smm_get_pageblock_migratetype(struct smm_machine *m, unsigned long pfn)
{
	struct smm_page *page = smm_pfn_to_page(m, pfn);
	struct smm_zone *zone;

	if (!page)
		return -1;
	zone = smm_page_zone(m, page);
	if (!zone->pageblock_flags || !smm_zone_spans_pfn(zone, pfn))
		return -1;
	return smm_zone_pageblock_migratetype(zone, pfn);
}

static bool smm_is_migrate_isolate(int mt)
{
	return mt == SMM_MIGRATE_ISOLATE;
}

static bool smm_migratetype_is_mergeable(int mt)
{
	return mt < SMM_MIGRATE_PCPTYPES;
}

/* ---- free lists ---------------------------------------------------------- */

static void smm_set_buddy_order(struct smm_page *page, unsigned int order)
{
	page->private = order;
	smm_set_page_flag(page, SMM_PG_buddy);
}

static unsigned int smm_buddy_order(const struct smm_page *page)
{
	return page->private;
}

/* set_pcppage_migratetype(): the list a pcp page goes back to */
static void smm_set_pcppage_migratetype(struct smm_page *page, int mt)
{
	page->index = mt;
}

static int smm_get_pcppage_migratetype(const struct smm_page *page)
{
	return page->index;
}

static void smm_add_to_free_list(struct smm_page *page, struct smm_zone *zone,
				 unsigned int order, int migratetype)
{
	struct smm_free_area *area = &zone->free_area[order];

	list_add(&page->lru, &area->free_list[migratetype]);
	area->nr_free++;
}

static void smm_add_to_free_list_tail(struct smm_page *page,
				      struct smm_zone *zone,
				      unsigned int order, int migratetype)
{
	struct smm_free_area *area = &zone->free_area[order];

	list_add_tail(&page->lru, &area->free_list[migratetype]);
	area->nr_free++;
}

/* To the tail: pages moved are not the next ones handed out. */
static void smm_move_to_free_list(struct smm_page *page, struct smm_zone *zone,
				  unsigned int order, int migratetype)
{
	list_move_tail(&page->lru, &zone->free_area[order].free_list[migratetype]);
}

static void smm_del_page_from_free_list(struct smm_page *page,
					struct smm_zone *zone,
					unsigned int order)
{
	list_del(&page->lru);
	smm_clear_page_flag(page, SMM_PG_buddy);
	page->private = 0;
	zone->free_area[order].nr_free--;
}

static struct smm_page *smm_get_page_from_free_area(struct smm_free_area *area,
						    int migratetype)
{
	return list_first_entry_or_null(&area->free_list[migratetype],
					struct smm_page, lru);
}

static bool smm_free_area_empty(const struct smm_free_area *area,
				int migratetype)
{
	return list_empty(&area->free_list[migratetype]);
}

/*
 * NR_FREE_PAGES does not count isolated pageblocks. (Unreachable today:
 * nothing isolates a shadow pageblock; kept for fidelity.)
 */
static void smm__mod_zone_freepage_state(struct smm_zone *zone, long nr_pages,
					 int migratetype)
{
	if (!smm_is_migrate_isolate(migratetype))
		WRITE_ONCE(zone->nr_free_pages, zone->nr_free_pages + nr_pages);
}

/*
 * page_is_buddy(): the buddy is free, heads a block of the same order, and
 * is in the same zone of the same node. The last test is what stops a
 * merge at a zone boundary.
 */
static bool smm_page_is_buddy(const struct smm_page *page,
			      const struct smm_page *buddy, unsigned int order)
{
	return smm_page_buddy(buddy) && smm_buddy_order(buddy) == order &&
	       smm_page_zone_id(page) == smm_page_zone_id(buddy);
}

static struct smm_page *smm_find_buddy_page_pfn(struct smm_page *page,
						unsigned long pfn,
						unsigned int order,
						unsigned long *buddy_pfn)
{
	unsigned long __buddy_pfn = pfn ^ (1UL << order);
	struct smm_page *buddy = page + (__buddy_pfn - pfn);

	if (buddy_pfn)
		*buddy_pfn = __buddy_pfn;
	return smm_page_is_buddy(page, buddy, order) ? buddy : NULL;
}

/*
 * buddy_merge_likely(): when the buddy of the next order up is free, this
 * block will probably merge soon, so it goes to the tail of its list where
 * it is less likely to be handed out first.
 */
static bool smm_buddy_merge_likely(unsigned long pfn, unsigned long buddy_pfn,
				   struct smm_page *page, unsigned int order)
{
	unsigned long higher_page_pfn;
	struct smm_page *higher_page;

	if (order >= SMM_MAX_ORDER - 2)
		return false;
	higher_page_pfn = buddy_pfn & pfn;
	higher_page = page + (higher_page_pfn - pfn);
	return smm_find_buddy_page_pfn(higher_page, higher_page_pfn, order + 1,
				       NULL);
}

/*
 * __free_one_page(): merge with the buddy while it is free, up to
 * MAX_ORDER - 1, then add the block to its list. Above pageblock_order a
 * block of a type that cannot merge (HIGHATOMIC, CMA, ISOLATE) stays apart
 * from a buddy of another type. Shuffling (is_shuffle_order) is off, as by
 * default. Under zone->lock.
 */
static void smm__free_one_page(struct smm_vm_events *ev, struct smm_page *page,
			       unsigned long pfn, struct smm_zone *zone,
			       unsigned int order, int migratetype,
			       bool to_tail)
{
	unsigned long freed_pfn = pfn, buddy_pfn = 0, combined_pfn;
	unsigned int freed_order = order;
	struct smm_page *buddy;

	smm__mod_zone_freepage_state(zone, 1L << order, migratetype);

	while (order < SMM_MAX_ORDER - 1) {
		buddy = smm_find_buddy_page_pfn(page, pfn, order, &buddy_pfn);
		if (!buddy)
			break;
		/* unreachable today: every pageblock is of a mergeable type */
		if (order >= SMM_PAGEBLOCK_ORDER) {
			int buddy_mt = smm_zone_pageblock_migratetype(zone,
								      buddy_pfn);

			if (migratetype != buddy_mt &&
			    (!smm_migratetype_is_mergeable(migratetype) ||
			     !smm_migratetype_is_mergeable(buddy_mt)))
				break;
		}
		smm_del_page_from_free_list(buddy, zone, order);
		combined_pfn = buddy_pfn & pfn;
		page += combined_pfn - pfn;
		pfn = combined_pfn;
		order++;
	}

	smm_set_buddy_order(page, order);
	if (!to_tail)
		to_tail = smm_buddy_merge_likely(pfn, buddy_pfn, page, order);
	if (to_tail)
		smm_add_to_free_list_tail(page, zone, order, migratetype);
	else
		smm_add_to_free_list(page, zone, order, migratetype);

	ev->merge[order]++;
	trace_free_one_page(freed_pfn, freed_order, order, migratetype);
}

/* free_one_page(): __free_one_page() under the zone lock. */
static void smm_free_one_page(struct smm_vm_events *ev, struct smm_zone *zone,
			      struct smm_page *page, unsigned long pfn,
			      unsigned int order,
			      int migratetype, bool to_tail)
{
	unsigned long flags;
	int block_mt;

	smm_spin_lock_irqsave(&zone->lock, flags);
	/*
	 * isolation is decided under the lock: ask the pageblock again
	 * (unreachable today: nothing isolates a shadow pageblock)
	 */
	block_mt = smm_zone_pageblock_migratetype(zone, pfn);
	if (smm_is_migrate_isolate(migratetype) ||
	    smm_is_migrate_isolate(block_mt))
		migratetype = block_mt;
	smm__free_one_page(ev, page, pfn, zone, order, migratetype, to_tail);
	smm_spin_unlock_irqrestore(&zone->lock, flags);
}

/*
 * __free_pages_core(): a block of never-used memory joins the buddy
 * allocator (memblock_free_all). Every page loses PG_reserved and the
 * refcount of 1 memmap init gave it, the zone gains managed pages, and the
 * block goes to the tail of its list, past the pcp lists
 * (__free_pages_ok() with FPI_TO_TAIL).
 */
void smm__free_pages_core(struct smm_machine *m, struct smm_page *page,
			  unsigned long pfn, unsigned int order)
{
	struct smm_zone *zone = smm_page_zone(m, page);
	unsigned long nr_pages = 1UL << order, i;
	int cpu;

	for (i = 0; i < nr_pages; i++) {
		smm_clear_page_flag(&page[i], SMM_PG_reserved);
		page[i]._refcount = 0;
	}
	zone->managed_pages += nr_pages;
	/* __free_pages_ok()'s free_pages_prepare() traces it in the kernel */
	trace_mm_page_free(pfn, order);

	cpu = smm_get_cpu();
	smm_free_one_page(smm_events(m, cpu), zone, page, pfn, order,
			  smm_zone_pageblock_migratetype(zone, pfn), true);
	smm_put_cpu();
}

/* ---- taking blocks off the free lists ------------------------------------ */

/*
 * expand(): split the high-order block taken for a low-order request; each
 * upper half goes back on the list of its order, largest first.
 */
static void smm_expand(struct smm_zone *zone, struct smm_page *page, int low,
		       int high, int migratetype)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		smm_add_to_free_list(&page[size], zone, high, migratetype);
		smm_set_buddy_order(&page[size], high);
	}
}

/*
 * __rmqueue_smallest(): the first block on the smallest non-empty list of
 * @migratetype at @order or above. This is where seed 001's order-0
 * requests met current_order 4 or 5: every list below was empty. Each hit
 * is counted by (type, order, current_order) and recorded. Under
 * zone->lock.
 */
static struct smm_page *smm__rmqueue_smallest(struct smm_machine *m,
					      struct smm_vm_events *ev,
					      struct smm_zone *zone,
					      unsigned int order,
					      int migratetype)
{
	unsigned int current_order;
	struct smm_page *page;

	for (current_order = order; current_order < SMM_MAX_ORDER;
	     current_order++) {
		page = smm_get_page_from_free_area(&zone->free_area[current_order],
						   migratetype);
		if (!page)
			continue;
		smm_del_page_from_free_list(page, zone, current_order);
		smm_expand(zone, page, order, current_order, migratetype);
		smm_set_pcppage_migratetype(page, migratetype);

		ev->rmqueue[migratetype][order][current_order]++;
		smm_record_rmqueue(m, ev, zone, page, order, current_order,
				   migratetype, false);
		if (trace_mm_page_alloc_zone_locked_enabled()) {
			/* pcp_allowed_order() and a pcp type */
			bool refill = (order <= SMM_PAGE_ALLOC_COSTLY_ORDER ||
				       order == SMM_PAGEBLOCK_ORDER) &&
				      migratetype < SMM_MIGRATE_PCPTYPES;

			trace_mm_page_alloc_zone_locked(smm__page_to_pfn(m, page),
							order, migratetype,
							refill);
		}
		return page;
	}
	return NULL;
}

/*
 * Where each migratetype looks when its own lists are empty, in order
 * (fallbacks[]). The other types have no fallbacks.
 */
static const int smm_fallbacks[SMM_MIGRATE_TYPES][3] = {
	[SMM_MIGRATE_UNMOVABLE] = { SMM_MIGRATE_RECLAIMABLE,
				    SMM_MIGRATE_MOVABLE, SMM_MIGRATE_TYPES },
	[SMM_MIGRATE_MOVABLE] = { SMM_MIGRATE_RECLAIMABLE,
				  SMM_MIGRATE_UNMOVABLE, SMM_MIGRATE_TYPES },
	[SMM_MIGRATE_RECLAIMABLE] = { SMM_MIGRATE_UNMOVABLE,
				      SMM_MIGRATE_MOVABLE, SMM_MIGRATE_TYPES },
	/* unreachable today: no such pageblocks, no such requests */
	[SMM_MIGRATE_HIGHATOMIC] = { SMM_MIGRATE_TYPES },
	[SMM_MIGRATE_CMA] = { SMM_MIGRATE_TYPES },
	[SMM_MIGRATE_ISOLATE] = { SMM_MIGRATE_TYPES },
};

/*
 * move_freepages(): every free block in [start_pfn, end_pfn] to the tail
 * of @migratetype's lists; *num_movable counts the allocated pages that
 * could be migrated (PG_lru: pages of MOVABLE allocations, what the kernel
 * finds with PageLRU() || __PageMovable()). Returns the free pages moved.
 */
static int smm_move_freepages(struct smm_zone *zone, unsigned long start_pfn,
			      unsigned long end_pfn, int migratetype,
			      int *num_movable)
{
	unsigned long pfn = start_pfn;
	int pages_moved = 0;

	while (pfn <= end_pfn) {
		struct smm_page *page = smm_zone_pfn_to_page(zone, pfn);
		unsigned int order;

		if (!smm_page_buddy(page)) {
			if (num_movable &&
			    smm_test_page_flag(page, SMM_PG_lru))
				(*num_movable)++;
			pfn++;
			continue;
		}
		order = smm_buddy_order(page);
		smm_move_to_free_list(page, zone, order, migratetype);
		pfn += 1UL << order;
		pages_moved += 1 << order;
	}
	return pages_moved;
}

/* move_freepages_block(): the same over @pfn's pageblock, inside the zone. */
static int smm_move_freepages_block(struct smm_zone *zone, unsigned long pfn,
				    int migratetype, int *num_movable)
{
	unsigned long start_pfn, end_pfn;

	if (num_movable)
		*num_movable = 0;
	start_pfn = round_down(pfn, SMM_PAGEBLOCK_NR_PAGES);
	end_pfn = start_pfn + SMM_PAGEBLOCK_NR_PAGES - 1;

	/* do not cross zone boundaries */
	if (!smm_zone_spans_pfn(zone, start_pfn))
		start_pfn = pfn;
	if (!smm_zone_spans_pfn(zone, end_pfn))
		return 0;
	return smm_move_freepages(zone, start_pfn, end_pfn, migratetype,
				  num_movable);
}

static void smm_change_pageblock_range(struct smm_zone *zone,
				       unsigned long pfn, int start_order,
				       int migratetype)
{
	int nr_pageblocks = 1 << (start_order - SMM_PAGEBLOCK_ORDER);

	while (nr_pageblocks--) {
		smm_set_pageblock_migratetype(zone, pfn, migratetype);
		pfn += SMM_PAGEBLOCK_NR_PAGES;
	}
}

/*
 * can_steal_fallback(): may the allocation take the whole pageblock?
 * Always for a pageblock-sized block or half of one, and always for
 * unmovable and reclaimable requests, which pollute a movable block worse
 * than movable ones pollute theirs. (page_group_by_mobility_disabled is
 * never set in the shadow.)
 */
static bool smm_can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= SMM_PAGEBLOCK_ORDER)
		return true;
	return order >= SMM_PAGEBLOCK_ORDER / 2 ||
	       start_mt == SMM_MIGRATE_RECLAIMABLE ||
	       start_mt == SMM_MIGRATE_UNMOVABLE;
}

/*
 * steal_suitable_fallback(): move the fallback block to @start_type's
 * list; a block of pageblock_order or more changes its pageblocks' type
 * outright. Otherwise, when allowed, every free page of the pageblock
 * moves too, and the pageblock changes type if at least half of it is
 * free or in use by compatible allocations. boost_watermark() is left
 * out: only kswapd takes a boost back, and the shadow has no kswapd.
 */
static void smm_steal_suitable_fallback(struct smm_zone *zone,
					struct smm_page *page,
					unsigned long pfn, int start_type,
					bool whole_block)
{
	unsigned int current_order = smm_buddy_order(page);
	int free_pages, movable_pages, alike_pages;
	int old_block_type = smm_zone_pageblock_migratetype(zone, pfn);

	/*
	 * a race the kernel guards against: keep highatomic accounting
	 * (unreachable today: no highatomic pageblock is ever reserved)
	 */
	if (old_block_type == SMM_MIGRATE_HIGHATOMIC)
		goto single_page;

	if (current_order >= SMM_PAGEBLOCK_ORDER) {
		smm_change_pageblock_range(zone, pfn, current_order, start_type);
		goto single_page;
	}

	if (!whole_block)
		goto single_page;

	free_pages = smm_move_freepages_block(zone, pfn, start_type,
					      &movable_pages);
	/*
	 * What is compatible: for a movable request the movable pages; for
	 * the others, in a movable block whatever is not movable; between
	 * unmovable and reclaimable nothing can be told apart.
	 */
	if (start_type == SMM_MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old_block_type == SMM_MIGRATE_MOVABLE)
		alike_pages = SMM_PAGEBLOCK_NR_PAGES -
			      (free_pages + movable_pages);
	else
		alike_pages = 0;

	/* moving the whole block fails at a zone boundary */
	if (!free_pages)
		goto single_page;

	if (free_pages + alike_pages >= (1 << (SMM_PAGEBLOCK_ORDER - 1)))
		smm_set_pageblock_migratetype(zone, pfn, start_type);
	return;

single_page:
	smm_move_to_free_list(page, zone, current_order, start_type);
}

/*
 * find_suitable_fallback(): the first type of @migratetype's fallbacks
 * with a free block of @order; *can_steal says whether it may take the
 * whole pageblock.
 */
static int smm_find_suitable_fallback(struct smm_free_area *area,
				      unsigned int order, int migratetype,
				      bool only_stealable, bool *can_steal)
{
	int i, fallback_mt;

	*can_steal = false;
	if (!area->nr_free)
		return -1;

	for (i = 0; i < (int)ARRAY_SIZE(smm_fallbacks[0]); i++) {
		fallback_mt = smm_fallbacks[migratetype][i];
		if (fallback_mt == SMM_MIGRATE_TYPES)
			break;
		if (smm_free_area_empty(area, fallback_mt))
			continue;
		if (smm_can_steal_fallback(order, migratetype))
			*can_steal = true;
		if (!only_stealable || *can_steal)
			return fallback_mt;
	}
	return -1;
}

/*
 * __rmqueue_fallback(): take a block from another migratetype's lists.
 * The largest one first (it roughly marks the pageblock with the most free
 * pages), from the top order down to min_order: pageblock_order when
 * ALLOC_NOFRAGMENT forbids splitting another type's pageblock. A movable
 * request that may not steal the whole block takes the smallest suitable
 * block instead. True when a block was moved to @start_migratetype's list
 * for __rmqueue_smallest() to find. Under zone->lock.
 */
static bool smm__rmqueue_fallback(struct smm_machine *m,
				  struct smm_vm_events *ev,
				  struct smm_zone *zone, int order,
				  int start_migratetype,
				  unsigned int alloc_flags)
{
	struct smm_free_area *area;
	int current_order, min_order = order, fallback_mt;
	struct smm_page *page;
	unsigned long pfn;
	bool can_steal;

	if (order < SMM_PAGEBLOCK_ORDER && (alloc_flags & SMM_ALLOC_NOFRAGMENT))
		min_order = SMM_PAGEBLOCK_ORDER;

	for (current_order = SMM_MAX_ORDER - 1; current_order >= min_order;
	     current_order--) {
		area = &zone->free_area[current_order];
		fallback_mt = smm_find_suitable_fallback(area, current_order,
							 start_migratetype,
							 false, &can_steal);
		if (fallback_mt == -1)
			continue;
		if (!can_steal && start_migratetype == SMM_MIGRATE_MOVABLE &&
		    current_order > order)
			goto find_smallest;
		goto do_steal;
	}
	return false;

find_smallest:
	for (current_order = order; current_order < SMM_MAX_ORDER;
	     current_order++) {
		area = &zone->free_area[current_order];
		fallback_mt = smm_find_suitable_fallback(area, current_order,
							 start_migratetype,
							 false, &can_steal);
		if (fallback_mt != -1)
			break;
	}
	/* the top-down walk found one, so this one must */
	if (WARN_ON_ONCE(current_order == SMM_MAX_ORDER))
		return false;

do_steal:
	page = smm_get_page_from_free_area(area, fallback_mt);
	pfn = smm__page_to_pfn(m, page);
	smm_steal_suitable_fallback(zone, page, pfn, start_migratetype,
				    can_steal);

	ev->fallback[start_migratetype][fallback_mt]++;
	/* mm_page_alloc_extfrag's change_ownership: the block is ours now */
	if (smm_zone_pageblock_migratetype(zone, pfn) == start_migratetype)
		ev->steal[start_migratetype][fallback_mt]++;
	trace_fallback(pfn, order, current_order, start_migratetype,
		       fallback_mt,
		       smm_zone_pageblock_migratetype(zone, pfn) ==
		       start_migratetype);
	if (trace_mm_page_alloc_extfrag_enabled())
		trace_mm_page_alloc_extfrag(pfn, order, current_order,
					    start_migratetype, fallback_mt,
					    smm_zone_pageblock_migratetype(zone, pfn) ==
					    start_migratetype);
	return true;
}

/* __rmqueue(): the type's own lists, else a fallback. Under zone->lock. */
static struct smm_page *smm__rmqueue(struct smm_machine *m,
				     struct smm_vm_events *ev,
				     struct smm_zone *zone, unsigned int order,
				     int migratetype, unsigned int alloc_flags)
{
	struct smm_page *page;

	do {
		page = smm__rmqueue_smallest(m, ev, zone, order, migratetype);
	} while (!page && smm__rmqueue_fallback(m, ev, zone, order, migratetype,
						alloc_flags));
	return page;
}

/* ---- per-cpu lists ------------------------------------------------------- */

/* pcp_allowed_order(): up to COSTLY, and THP-sized blocks. */
static bool smm_pcp_allowed_order(unsigned int order)
{
	return order <= SMM_PAGE_ALLOC_COSTLY_ORDER ||
	       order == SMM_PAGEBLOCK_ORDER;
}

/* order_to_pindex(): one list per (order, type); one for every THP. */
static unsigned int smm_order_to_pindex(int migratetype, unsigned int order)
{
	if (order > SMM_PAGE_ALLOC_COSTLY_ORDER)
		return SMM_NR_LOWORDER_PCP_LISTS;
	return SMM_MIGRATE_PCPTYPES * order + migratetype;
}

void smm_per_cpu_pages_init(struct smm_per_cpu_pages *pcp)
{
	unsigned int pindex;

	memset(pcp, 0, sizeof(*pcp));
	smm_spin_lock_init(&pcp->lock);
	for (pindex = 0; pindex < SMM_NR_PCP_LISTS; pindex++)
		INIT_LIST_HEAD(&pcp->lists[pindex]);
	/* a boot pageset: nothing stays on it until the real sizes are set */
	pcp->high = 0;
	pcp->batch = 1;
}

static void smm_pcp_page_set(struct smm_page *page, unsigned int order)
{
	smm_set_page_flag(page, SMM_PG_pcp);
	page->private = order;
}

static void smm_pcp_page_clear(struct smm_page *page)
{
	smm_clear_page_flag(page, SMM_PG_pcp);
	page->private = 0;
}

/*
 * rmqueue_bulk(): @count blocks of @order onto a pcp list under one hold
 * of zone->lock, in the order __rmqueue() hands them out (physical order
 * after a split: each goes to the tail).
 */
static int smm_rmqueue_bulk(struct smm_machine *m, struct smm_vm_events *ev,
			    struct smm_zone *zone, unsigned int order,
			    int count, struct list_head *list,
			    int migratetype, unsigned int alloc_flags)
{
	unsigned long flags;
	int i;

	smm_spin_lock_irqsave(&zone->lock, flags);
	for (i = 0; i < count; i++) {
		struct smm_page *page = smm__rmqueue(m, ev, zone, order,
						     migratetype, alloc_flags);

		if (!page)
			break;
		smm_pcp_page_set(page, order);
		list_add_tail(&page->lru, list);
	}
	WRITE_ONCE(zone->nr_free_pages, zone->nr_free_pages - ((long)i << order));
	smm_spin_unlock_irqrestore(&zone->lock, flags);

	ev->pcp_refill++;
	trace_rmqueue_bulk(zone->node, zone->idx, order, migratetype, count, i);
	return i;
}

/*
 * free_pcppages_bulk(): @count pages back to the buddy lists, the lists
 * taken round-robin starting with @pindex, each from its tail (the
 * coldest pages). @cpu is the CPU whose pcp it is, for the trace.
 */
static void smm_free_pcppages_bulk(struct smm_machine *m,
				   struct smm_vm_events *ev,
				   struct smm_zone *zone, int count,
				   struct smm_per_cpu_pages *pcp,
				   int pindex, int cpu)
{
	int min_pindex = 0, max_pindex = SMM_NR_PCP_LISTS - 1, freed = 0;
	unsigned long flags;

	count = min(pcp->count, count);
	if (count <= 0)
		return;

	/* make the first ++ land on the requested list */
	pindex--;

	smm_spin_lock_irqsave(&zone->lock, flags);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;
		int nr_pages;

		/* the next non-empty list; empty ones at the ends drop out */
		for (;;) {
			if (++pindex > max_pindex)
				pindex = min_pindex;
			list = &pcp->lists[pindex];
			if (!list_empty(list))
				break;
			if (pindex == max_pindex)
				max_pindex--;
			if (pindex == min_pindex)
				min_pindex++;
		}

		order = smm_pindex_to_order(pindex);
		nr_pages = 1 << order;
		do {
			struct smm_page *page;
			unsigned long pfn;
			int mt;

			page = list_last_entry(list, struct smm_page, lru);
			mt = smm_get_pcppage_migratetype(page);
			list_del(&page->lru);
			smm_pcp_page_clear(page);
			count -= nr_pages;
			pcp->count -= nr_pages;
			freed += nr_pages;

			pfn = smm__page_to_pfn(m, page);
			/* isolated meanwhile? (unreachable today: never) */
			if (smm_is_migrate_isolate(smm_zone_pageblock_migratetype(zone, pfn)))
				mt = SMM_MIGRATE_ISOLATE;
			smm__free_one_page(ev, page, pfn, zone, order, mt, false);
			trace_mm_page_pcpu_drain(pfn, order, mt);
		} while (count > 0 && !list_empty(list));
	}
	smm_spin_unlock_irqrestore(&zone->lock, flags);

	ev->pcp_drain++;
	trace_pcp_drain(zone->node, zone->idx, cpu, freed);
}

/*
 * nr_pcp_free(): how much to give back once count reaches high. At least
 * batch, at most high - batch, doubling (free_factor) while frees come
 * without allocations in between; everything when freeing high-order
 * pages in a row (free_high). The doubling stops at 2^5, as with
 * CONFIG_PCP_BATCH_SCALE_MAX=5 of the 6.1.y tree we build against.
 */
#define SMM_PCP_BATCH_SCALE_MAX	5

static int smm_nr_pcp_free(struct smm_per_cpu_pages *pcp, int high, int batch,
			   bool free_high)
{
	int min_nr_free, max_nr_free;

	if (free_high)
		return pcp->count;
	/* a boot pageset, or pcp disabled */
	if (high < batch)
		return 1;

	min_nr_free = batch;
	max_nr_free = high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free && pcp->free_factor < SMM_PCP_BATCH_SCALE_MAX)
		pcp->free_factor++;
	return clamp(batch, min_nr_free, max_nr_free);
}

/*
 * nr_pcp_high(): pcp->high; 0 when freeing high-order pages in a row. The
 * kernel's ZONE_RECLAIM_ACTIVE limit never applies: no reclaim.
 */
static int smm_nr_pcp_high(struct smm_per_cpu_pages *pcp, bool free_high)
{
	int high = READ_ONCE(pcp->high);

	return free_high ? 0 : high;
}

/* free_unref_page_commit(): onto the list's head; trim once at high. */
static void smm_free_unref_page_commit(struct smm_machine *m,
				       struct smm_vm_events *ev,
				       struct smm_zone *zone,
				       struct smm_per_cpu_pages *pcp,
				       struct smm_page *page, int migratetype,
				       unsigned int order, int cpu)
{
	unsigned int pindex = smm_order_to_pindex(migratetype, order);
	bool free_high;
	int high;

	smm_pcp_page_set(page, order);
	list_add(&page->lru, &pcp->lists[pindex]);
	pcp->count += 1 << order;

	/*
	 * High-order pages other than THP's fragment memory when they pile
	 * up; while the pcp is only freeing, give them all back.
	 */
	free_high = pcp->free_factor && order &&
		    order <= SMM_PAGE_ALLOC_COSTLY_ORDER;
	high = smm_nr_pcp_high(pcp, free_high);
	if (pcp->count >= high) {
		int batch = READ_ONCE(pcp->batch);

		smm_free_pcppages_bulk(m, ev, zone,
				       smm_nr_pcp_free(pcp, high, batch,
						       free_high),
				       pcp, pindex, cpu);
	}
}

/*
 * free_unref_page(): onto this CPU's pcp list of the pageblock's type.
 * HIGHATOMIC and CMA pages use the MOVABLE list (the page remembers its
 * own type for the way back); an isolated pageblock's page goes straight
 * to the buddy lists (both unreachable today: no such pageblocks). The
 * pcp is only trylocked, with interrupts on: while a drain holds it, or
 * the mirror's probe interrupted this CPU inside it, the block goes to
 * the buddy lists instead.
 */
static void smm_free_unref_page(struct smm_machine *m,
				struct smm_vm_events *ev, int cpu,
				struct smm_zone *zone, struct smm_page *page,
				unsigned long pfn, unsigned int order)
{
	int migratetype = smm_zone_pageblock_migratetype(zone, pfn);
	int pcpmigratetype = migratetype;
	struct smm_per_cpu_pages *pcp;

	smm_set_pcppage_migratetype(page, migratetype);
	if (migratetype >= SMM_MIGRATE_PCPTYPES) {
		if (smm_is_migrate_isolate(migratetype)) {
			smm_free_one_page(ev, zone, page, pfn, order,
					  migratetype, false);
			return;
		}
		pcpmigratetype = SMM_MIGRATE_MOVABLE;
	}

	pcp = &zone->per_cpu_pageset[smm_cpu_index(m, cpu)];
	if (!smm_spin_trylock(&pcp->lock)) {
		smm_free_one_page(ev, zone, page, pfn, order, migratetype,
				  false);
		return;
	}
	smm_free_unref_page_commit(m, ev, zone, pcp, page, pcpmigratetype,
				   order, cpu);
	smm_spin_unlock(&pcp->lock);
}

/*
 * __rmqueue_pcplist(): the first block of the list, after refilling an
 * empty list with batch blocks (batch >> order for high orders, at least
 * 2, as v6.1 scales it).
 */
static struct smm_page *smm__rmqueue_pcplist(struct smm_machine *m,
					     struct smm_vm_events *ev,
					     struct smm_zone *zone,
					     unsigned int order,
					     int migratetype,
					     unsigned int alloc_flags,
					     struct smm_per_cpu_pages *pcp,
					     struct list_head *list)
{
	struct smm_page *page;

	if (list_empty(list)) {
		int batch = READ_ONCE(pcp->batch);
		int alloced;

		if (batch > 1)
			batch = max(batch >> order, 2);
		alloced = smm_rmqueue_bulk(m, ev, zone, order, batch, list,
					   migratetype, alloc_flags);
		pcp->count += alloced << order;
		if (list_empty(list))
			return NULL;
	}

	page = list_first_entry(list, struct smm_page, lru);
	list_del(&page->lru);
	smm_pcp_page_clear(page);
	pcp->count -= 1 << order;
	return page;
}

/* ---- NUMA statistics ------------------------------------------------------ */

/* The shadow node of @cpu's real node, or NUMA_NO_NODE. */
int smm_cpu_shadow_node(const struct smm_machine *m, int cpu)
{
	int real = smm_cpu_to_node(cpu);

	if (real < 0 || real >= SMM_MAX_NUMNODES || !m->shadow_of_real[real])
		return NUMA_NO_NODE;
	return m->shadow_of_real[real] - 1;
}

int smm_numa_node_id(struct smm_machine *m, int cpu)
{
	int nid = smm_cpu_shadow_node(m, cpu);

	return nid == NUMA_NO_NODE ? m->node_ids[0] : nid;
}

void smm_count_numa_event(struct smm_machine *m, int nid,
			  enum smm_numa_stat_item item)
{
	int cpu;

	if (!m->events)
		return;
	cpu = smm_get_cpu();
	smm_events(m, cpu)->numa[nid][item]++;
	smm_put_cpu();
}

/*
 * zone_statistics(): a hit or a miss on the node the page came from, a
 * foreign on the node that was wanted (the first eligible zone's), and
 * local or other on the page's node as seen from the allocating CPU
 * (whose real node may have no shadow node: then every page is other).
 * One count an allocation whatever its order, where rmqueue_pcplist() and
 * rmqueue_buddy() count it.
 */
static __always_inline void smm_zone_statistics(struct smm_machine *m,
						struct smm_vm_events *ev,
						int cpu,
						const struct smm_zone *preferred,
						const struct smm_zone *z)
{
	if (z->node == preferred->node) {
		ev->numa[z->node][SMM_NUMA_HIT]++;
	} else {
		ev->numa[z->node][SMM_NUMA_MISS]++;
		ev->numa[preferred->node][SMM_NUMA_FOREIGN]++;
	}
	ev->numa[z->node][z->node == smm_cpu_shadow_node(m, cpu) ?
			  SMM_NUMA_LOCAL : SMM_NUMA_OTHER]++;
}

/*
 * rmqueue_pcplist(): under this CPU's pcp lock, trylocked with interrupts
 * on as v6.1 does: NULL while a drain holds it or when the mirror's probe
 * interrupted this CPU inside it (smm_rmqueue() then takes the block
 * from the buddy lists).
 */
static struct smm_page *smm_rmqueue_pcplist(struct smm_machine *m,
					    struct smm_vm_events *ev, int cpu,
					    struct smm_zone *preferred_zone,
					    struct smm_zone *zone,
					    unsigned int order,
					    int migratetype,
					    unsigned int alloc_flags)
{
	struct smm_per_cpu_pages *pcp;
	struct smm_page *page;

	pcp = &zone->per_cpu_pageset[smm_cpu_index(m, cpu)];
	if (!smm_spin_trylock(&pcp->lock))
		return NULL;
	/* an allocation: frees no longer come in a row */
	pcp->free_factor >>= 1;
	page = smm__rmqueue_pcplist(m, ev, zone, order, migratetype,
				    alloc_flags, pcp,
				    &pcp->lists[smm_order_to_pindex(migratetype,
								    order)]);
	if (page)
		smm_record_pcp_hit(m, ev, zone, page, order, migratetype);
	smm_spin_unlock(&pcp->lock);
	if (page)
		smm_zone_statistics(m, ev, cpu, preferred_zone, zone);
	return page;
}

/*
 * rmqueue_buddy(): straight from the free lists. A high-order atomic
 * request (ALLOC_HIGHATOMIC) tries the highatomic reserve first; a
 * request that cannot block (or an OOM victim) falls back to it rather
 * than fail. (Unreachable today: the shadow never reserves a highatomic
 * pageblock, so those lists stay empty.)
 */
static struct smm_page *smm_rmqueue_buddy(struct smm_machine *m,
					  struct smm_vm_events *ev, int cpu,
					  struct smm_zone *preferred_zone,
					  struct smm_zone *zone,
					  unsigned int order,
					  unsigned int alloc_flags,
					  int migratetype)
{
	struct smm_page *page = NULL;
	unsigned long flags;

	smm_spin_lock_irqsave(&zone->lock, flags);
	if (alloc_flags & SMM_ALLOC_HIGHATOMIC)
		page = smm__rmqueue_smallest(m, ev, zone, order,
					     SMM_MIGRATE_HIGHATOMIC);
	if (!page) {
		page = smm__rmqueue(m, ev, zone, order, migratetype,
				    alloc_flags);
		if (!page && (alloc_flags & (SMM_ALLOC_OOM | SMM_ALLOC_NON_BLOCK)))
			page = smm__rmqueue_smallest(m, ev, zone, order,
						     SMM_MIGRATE_HIGHATOMIC);
		if (!page) {
			smm_spin_unlock_irqrestore(&zone->lock, flags);
			return NULL;
		}
	}
	smm__mod_zone_freepage_state(zone, -(1L << order),
				     smm_get_pcppage_migratetype(page));
	smm_spin_unlock_irqrestore(&zone->lock, flags);

	smm_zone_statistics(m, ev, cpu, preferred_zone, zone);
	return page;
}

/*
 * rmqueue(): the pcp list for the orders it keeps, else the buddy lists.
 * (The kernel skips the pcp list for a MOVABLE request that may not use
 * CMA; the shadow is a kernel without CONFIG_CMA, so it never does.)
 */
static struct smm_page *smm_rmqueue(struct smm_machine *m,
				    struct smm_vm_events *ev, int cpu,
				    struct smm_zone *preferred_zone,
				    struct smm_zone *zone, unsigned int order,
				    unsigned int alloc_flags, int migratetype)
{
	struct smm_page *page = NULL;

	if (smm_pcp_allowed_order(order))
		page = smm_rmqueue_pcplist(m, ev, cpu, preferred_zone, zone,
					   order, migratetype, alloc_flags);
	if (!page)
		page = smm_rmqueue_buddy(m, ev, cpu, preferred_zone, zone,
					 order, alloc_flags, migratetype);
	return page;
}

/* ---- watermarks ---------------------------------------------------------- */

/*
 * __zone_watermark_unusable_free(): what an allocation can't use anyway:
 * all but one page of the block, and the highatomic reserve unless it may
 * go below the min watermark. (The CMA term of the kernel's is absent:
 * no CONFIG_CMA.)
 */
static long smm__zone_watermark_unusable_free(const struct smm_zone *z,
					      unsigned int order,
					      unsigned int alloc_flags)
{
	long unusable_free = (1L << order) - 1;

	if (!(alloc_flags & SMM_ALLOC_RESERVES))
		unusable_free += z->nr_reserved_highatomic;
	return unusable_free;
}

/*
 * __zone_watermark_ok(): free pages above mark plus the reserve this zone
 * keeps from requests that could have used a higher zone (lowmem_reserve).
 * __GFP_HIGH (ALLOC_MIN_RESERVE) may use half of mark, and a request that
 * also cannot block (ALLOC_NON_BLOCK: GFP_ATOMIC) a further quarter of
 * the rest; ALLOC_NON_BLOCK alone (GFP_NOWAIT) gets nothing. A high-order
 * request also needs one free block of its order or above on a list it
 * may use.
 */
static bool smm__zone_watermark_ok(struct smm_zone *z, unsigned int order,
				   unsigned long mark, int highest_zoneidx,
				   unsigned int alloc_flags, long free_pages)
{
	long min = mark;
	unsigned int o;
	int mt;

	free_pages -= smm__zone_watermark_unusable_free(z, order, alloc_flags);
	if (alloc_flags & SMM_ALLOC_RESERVES) {
		if (alloc_flags & SMM_ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & SMM_ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		/* unreachable today: no OOM killer, no OOM victims */
		if (alloc_flags & SMM_ALLOC_OOM)
			min -= min / 2;
	}

	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;

	for (o = order; o < SMM_MAX_ORDER; o++) {
		struct smm_free_area *area = &z->free_area[o];

		if (!READ_ONCE(area->nr_free))
			continue;
		for (mt = 0; mt < SMM_MIGRATE_PCPTYPES; mt++)
			if (!smm_free_area_empty(area, mt))
				return true;
		/* unreachable today: the highatomic lists are always empty */
		if ((alloc_flags & (SMM_ALLOC_HIGHATOMIC | SMM_ALLOC_OOM)) &&
		    !smm_free_area_empty(area, SMM_MIGRATE_HIGHATOMIC))
			return true;
	}
	return false;
}

bool smm_zone_watermark_ok(struct smm_zone *z, unsigned int order,
			   unsigned long mark, int highest_zoneidx,
			   unsigned int alloc_flags)
{
	return smm__zone_watermark_ok(z, order, mark, highest_zoneidx,
				      alloc_flags, READ_ONCE(z->nr_free_pages));
}

/*
 * zone_watermark_fast(): the order-0 shortcut first. The kernel's retry
 * for an order-0 atomic request without the watermark boost has nothing
 * to do: the shadow's boost is always 0.
 */
static bool smm_zone_watermark_fast(struct smm_zone *z, unsigned int order,
				    unsigned long mark, int highest_zoneidx,
				    unsigned int alloc_flags)
{
	long free_pages = READ_ONCE(z->nr_free_pages);

	if (!order) {
		long usable_free = free_pages;
		long reserved = smm__zone_watermark_unusable_free(z, 0,
								  alloc_flags);

		usable_free -= min(usable_free, reserved);
		if (usable_free > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}
	return smm__zone_watermark_ok(z, order, mark, highest_zoneidx,
				      alloc_flags, free_pages);
}

/* ---- the zonelist walk ---------------------------------------------------- */

struct smm_alloc_context {
	struct smm_zonelist *zonelist;
	const struct smm_nodemask *nodemask;
	struct smm_zoneref *preferred_zoneref;
	int migratetype;
	int highest_zoneidx;
	/*
	 * Shadow instrumentation: why the walk last passed over the first
	 * eligible zone, and that zone and the one that served when a page
	 * was found.
	 */
	enum smm_zonelist_fallback_reason fallback_reason;
	struct smm_zone *served_preferred;
	struct smm_zone *served;
};

static bool smm_node_isset(int nid, const struct smm_nodemask *nodemask)
{
	return nodemask->bits & BIT(nid);
}

/* next_zones_zonelist(): @z or the next entry the request may use. */
static struct smm_zoneref *smm_next_zones_zonelist(struct smm_zoneref *z,
						   int highest_zoneidx,
						   const struct smm_nodemask *nodes)
{
	while (z->zone && (z->zone_idx > highest_zoneidx ||
			   (nodes && !smm_node_isset(z->zone->node, nodes))))
		z++;
	return z;
}

static struct smm_zoneref *
smm_first_zones_zonelist(struct smm_zonelist *zonelist, int highest_zoneidx,
			 const struct smm_nodemask *nodes)
{
	return smm_next_zones_zonelist(zonelist->_zonerefs, highest_zoneidx,
				       nodes);
}

/*
 * alloc_flags_nofragment(): a request whose preferred zone is Normal keeps
 * away from splitting other types' pageblocks while DMA32 is there to
 * spread into (on more than one node, only if this node has a DMA32).
 * __GFP_KSWAPD_RECLAIM becomes ALLOC_KSWAPD (the same bit in the kernel).
 */
static unsigned int smm_alloc_flags_nofragment(struct smm_machine *m,
					       struct smm_zone *zone,
					       unsigned int gfp)
{
	unsigned int alloc_flags = 0;

	if (gfp & SMM___GFP_KSWAPD_RECLAIM)
		alloc_flags |= SMM_ALLOC_KSWAPD;
	if (!zone || zone->idx != SMM_ZONE_NORMAL)
		return alloc_flags;
	if (m->nr_nodes > 1 &&
	    !smm_populated_zone(&zone->zone_pgdat->node_zones[SMM_ZONE_DMA32]))
		return alloc_flags;
	return alloc_flags | SMM_ALLOC_NOFRAGMENT;
}

/* Shadow instrumentation: a zone below its watermark, counted and traced. */
static void smm_watermark_failed(struct smm_vm_events *ev,
				 struct smm_zone *zone, unsigned int order,
				 unsigned long mark, unsigned int alloc_flags)
{
	ev->watermark_fail++;
	trace_watermark_fail(zone->node, zone->idx, order, mark,
			     READ_ONCE(zone->nr_free_pages), alloc_flags);
}

/*
 * get_page_from_freelist(): the first zone of the zonelist, from the
 * preferred one on, that is above its watermark and has the block. With
 * ALLOC_NOFRAGMENT the walk starts over without it rather than leave the
 * preferred node, and once more if every zone failed. Node reclaim is off
 * (its default), so a zone under its watermark is simply skipped.
 * (prep_new_page() runs in smm_alloc_pages(), once the CPU is released.)
 */
static struct smm_page *smm_get_page_from_freelist(struct smm_machine *m,
						   struct smm_vm_events *ev,
						   int cpu, unsigned int order,
						   unsigned int alloc_flags,
						   struct smm_alloc_context *ac)
{
	struct smm_zone *preferred = ac->preferred_zoneref->zone;
	struct smm_zoneref *z;
	struct smm_page *page;
	bool no_fallback;

retry:
	no_fallback = alloc_flags & SMM_ALLOC_NOFRAGMENT;
	for (z = ac->preferred_zoneref; z->zone;
	     z = smm_next_zones_zonelist(z + 1, ac->highest_zoneidx,
					 ac->nodemask)) {
		struct smm_zone *zone = z->zone;
		unsigned long mark;

		/* locality matters more than fragmentation */
		if (no_fallback && m->nr_nodes > 1 && zone != preferred &&
		    zone->node != preferred->node) {
			alloc_flags &= ~SMM_ALLOC_NOFRAGMENT;
			goto retry;
		}

		if (!(alloc_flags & SMM_ALLOC_NO_WATERMARKS)) {
			mark = smm_wmark_pages(zone,
					       alloc_flags & SMM_ALLOC_WMARK_MASK);
			if (!smm_zone_watermark_fast(zone, order, mark,
						     ac->highest_zoneidx,
						     alloc_flags)) {
				smm_watermark_failed(ev, zone, order, mark,
						     alloc_flags);
				if (z == ac->preferred_zoneref)
					ac->fallback_reason = SMM_ZLF_WATERMARK;
				continue;
			}
		}

		page = smm_rmqueue(m, ev, cpu, preferred, zone, order,
				   alloc_flags, ac->migratetype);
		if (page) {
			ac->served_preferred = preferred;
			ac->served = zone;
			return page;
		}
		if (z == ac->preferred_zoneref)
			ac->fallback_reason = SMM_ZLF_EMPTY;
	}

	if (no_fallback) {
		alloc_flags &= ~SMM_ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

/*
 * gfp_to_alloc_flags(): the slowpath's watermark and privileges. A
 * request that cannot reclaim (no __GFP_DIRECT_RECLAIM) is ALLOC_NON_BLOCK
 * and, with __GFP_HIGH, ALLOC_HIGHATOMIC for a high order and free of the
 * policy's nodemask (no ALLOC_CPUSET). The shadow has no
 * __GFP_NOMEMALLOC, no realtime tasks and no CMA, so the kernel's
 * branches for them have nothing to do.
 */
static unsigned int smm_gfp_to_alloc_flags(unsigned int gfp,
					   unsigned int order)
{
	unsigned int alloc_flags = SMM_ALLOC_WMARK_MIN | SMM_ALLOC_CPUSET;

	if (gfp & SMM___GFP_HIGH)
		alloc_flags |= SMM_ALLOC_MIN_RESERVE;
	if (gfp & SMM___GFP_KSWAPD_RECLAIM)
		alloc_flags |= SMM_ALLOC_KSWAPD;
	if (!(gfp & SMM___GFP_DIRECT_RECLAIM)) {
		alloc_flags |= SMM_ALLOC_NON_BLOCK;
		if (order > 0 && (alloc_flags & SMM_ALLOC_MIN_RESERVE))
			alloc_flags |= SMM_ALLOC_HIGHATOMIC;
		if (alloc_flags & SMM_ALLOC_MIN_RESERVE)
			alloc_flags &= ~SMM_ALLOC_CPUSET;
	}
	return alloc_flags;
}

/*
 * __alloc_pages_slowpath(), as far as the shadow goes: a walk at the min
 * watermark with the request's privileges; then, at the kernel's retry
 * label, without the nodemask when the request may ignore the policy (no
 * ALLOC_CPUSET: GFP_ATOMIC escapes a bind policy), a second walk. Then
 * nopage: the shadow has no kswapd, reclaim, compaction or OOM killer to
 * try before it. (The highatomic reserve is never set up either:
 * reserve_highatomic_pageblock() and its undoing belong with reclaim.)
 */
static struct smm_page *smm__alloc_pages_slowpath(struct smm_machine *m,
						  struct smm_vm_events *ev,
						  int cpu, unsigned int gfp,
						  unsigned int order,
						  struct smm_alloc_context *ac)
{
	unsigned int alloc_flags;
	struct smm_page *page;

	/* the kernel WARNs and drops __GFP_ATOMIC; the shadow only drops it */
	if ((gfp & (SMM___GFP_ATOMIC | SMM___GFP_DIRECT_RECLAIM)) ==
	    (SMM___GFP_ATOMIC | SMM___GFP_DIRECT_RECLAIM))
		gfp &= ~SMM___GFP_ATOMIC;

	alloc_flags = smm_gfp_to_alloc_flags(gfp, order);
	ac->preferred_zoneref = smm_first_zones_zonelist(ac->zonelist,
							 ac->highest_zoneidx,
							 ac->nodemask);
	if (!ac->preferred_zoneref->zone)
		return NULL;
	page = smm_get_page_from_freelist(m, ev, cpu, order, alloc_flags, ac);
	if (page)
		return page;

	/* retry: */
	if (!(alloc_flags & SMM_ALLOC_CPUSET)) {
		ac->nodemask = NULL;
		ac->preferred_zoneref =
			smm_first_zones_zonelist(ac->zonelist,
						 ac->highest_zoneidx, NULL);
	}
	return smm_get_page_from_freelist(m, ev, cpu, order, alloc_flags, ac);
}

/*
 * prepare_alloc_pages(): the zonelist, the highest zone and the type. False
 * for a request the kernel would BUG or WARN on: an unknown gfp bit, a bad
 * zone combination, both mobility bits, a node without memory.
 */
static bool smm_prepare_alloc_pages(struct smm_machine *m, unsigned int gfp,
				    int preferred_nid,
				    const struct smm_nodemask *nodemask,
				    struct smm_alloc_context *ac)
{
	struct smm_pglist_data *pgdat;

	if (gfp & ~SMM___GFP_BITS)
		return false;
	if ((gfp & SMM_GFP_MOVABLE_MASK) == SMM_GFP_MOVABLE_MASK)
		return false;
	ac->highest_zoneidx = smm_gfp_zone(gfp);
	if (ac->highest_zoneidx < 0)
		return false;
	if (preferred_nid < 0 || preferred_nid >= SMM_MAX_NUMNODES)
		return false;
	pgdat = smm_pgdat(m, preferred_nid);
	if (!pgdat->node_present_pages)
		return false;

	ac->zonelist = &pgdat->node_zonelists[(gfp & SMM___GFP_THISNODE) ?
					      SMM_ZONELIST_NOFALLBACK :
					      SMM_ZONELIST_FALLBACK];
	ac->nodemask = nodemask;
	ac->migratetype = smm_gfp_migratetype(gfp);
	ac->preferred_zoneref = smm_first_zones_zonelist(ac->zonelist,
							 ac->highest_zoneidx,
							 nodemask);
	return true;
}

/* ---- allocated pages ------------------------------------------------------ */

/*
 * With verify on, the first 16 bytes of every page of an allocation hold
 * this tag (so verify overwrites what __GFP_ZERO zeroed there). The head
 * page's index keeps the sequence number for the check on free.
 */
#define SMM_VERIFY_MAGIC	0x5a3du

struct smm_verify_tag {
	u16 magic;
	u16 index;		/* page within the allocation */
	u32 head_pfn;		/* low 32 bits: 16 TiB of physical memory */
	u64 seq;
};

static void smm_verify_tag_expect(struct smm_verify_tag *tag,
				  unsigned long head_pfn, unsigned long i,
				  u64 seq)
{
	memset(tag, 0, sizeof(*tag));
	tag->magic = SMM_VERIFY_MAGIC;
	tag->index = i;
	tag->head_pfn = (u32)head_pfn;
	tag->seq = seq;
}

static void smm_verify_write(struct smm_machine *m, struct smm_page *page,
			     unsigned long pfn, unsigned int order)
{
	unsigned long i, nr_pages = 1UL << order;
	struct smm_verify_tag tag;
	u64 seq = smm_atomic64_inc_return(&m->verify_seq);

	page->index = seq;
	for (i = 0; i < nr_pages; i++) {
		smm_verify_tag_expect(&tag, pfn, i, seq);
		memcpy(smm_phys_to_virt(PFN_PHYS(pfn + i)), &tag, sizeof(tag));
		smm_set_page_flag(&page[i], SMM_PG_verify);
	}
}

/*
 * The tag of page @i of a block being freed. A page whose tag is not the
 * one its allocation wrote was written by someone else: another
 * allocation handed the same memory, or a stray write. True when it is
 * bad; reported once a machine (pr_warn, not WARN: a WARN taints the
 * host).
 */
static bool smm_verify_page_bad(struct smm_machine *m,
				const struct smm_page *page,
				unsigned long pfn, unsigned long i,
				unsigned int order)
{
	struct smm_verify_tag want, got;

	smm_verify_tag_expect(&want, pfn, i, page->index);
	memcpy(&got, smm_phys_to_virt(PFN_PHYS(pfn + i)), sizeof(got));
	if (!memcmp(&want, &got, sizeof(want)))
		return false;
	if (smm_test_and_set_once(&m->verify_warned))
		pr_warn("shadowmm: verify: pfn 0x%lx, page %lu of the order-%u block at 0x%lx (allocation %llu), holds magic 0x%x index %u pfn 0x%x allocation %llu\n",
			pfn + i, i, order, pfn,
			(unsigned long long)page->index, got.magic, got.index,
			got.head_pfn, (unsigned long long)got.seq);
	return true;
}

/*
 * prep_new_page(): the head page is the allocation's (refcount 1, and the
 * order in private where a compound page would keep it, so that a free
 * with another order is caught); the pages of a MOVABLE allocation are
 * what the kernel's LRU pages are to move_freepages_block(). Then zero
 * and tag the memory itself.
 */
static void smm_prep_new_page(struct smm_machine *m, struct smm_page *page,
			      unsigned int order, unsigned int gfp,
			      int migratetype)
{
	unsigned long i, nr_pages = 1UL << order;
	bool verify = READ_ONCE(m->cfg.verify);
	unsigned long pfn;

	page->_refcount = 1;
	page->private = order;
	smm_set_page_flag(page, SMM_PG_head);
	if (migratetype == SMM_MIGRATE_MOVABLE)
		for (i = 0; i < nr_pages; i++)
			smm_set_page_flag(&page[i], SMM_PG_lru);

	if (!(gfp & SMM___GFP_ZERO) && !verify)
		return;
	pfn = smm__page_to_pfn(m, page);
	if (gfp & SMM___GFP_ZERO)
		for (i = 0; i < nr_pages; i++)
			memset(smm_phys_to_virt(PFN_PHYS(pfn + i)), 0,
			       PAGE_SIZE);
	if (verify)
		smm_verify_write(m, page, pfn, order);
}

/* ---- __alloc_pages ------------------------------------------------------- */

/*
 * Shadow instrumentation of one smm_alloc_pages() call: outcomes per node,
 * zone and order (failures per order, refused requests apart), and the
 * zonelist fallback matrix with its tracepoint, counted against the zone
 * the successful walk started from.
 */
static void smm_count_alloc(struct smm_vm_events *ev,
			    const struct smm_alloc_context *ac,
			    const struct smm_zone *zone, unsigned int order)
{
	const struct smm_zone *preferred = ac->served_preferred;

	if (!zone) {
		if (order < SMM_MAX_ORDER)
			ev->alloc_fail[order]++;
		return;
	}
	ev->alloc_success[zone->node][zone->idx][order]++;
	if (zone == preferred)
		return;
	ev->zonelist_fallback[preferred->node][zone->node]++;
	trace_zonelist_fallback(preferred->node, preferred->idx, zone->node,
				zone->idx, order, ac->fallback_reason);
}

/*
 * __alloc_pages(): the fast path at the low watermark, then the slowpath
 * with the caller's nodemask restored. A NUMA_NO_NODE @preferred_nid is
 * the calling CPU's node, as alloc_pages_node() makes it. The CPU stays
 * pinned for the walk (its pcp lists and event counters); prep_new_page()
 * zeroes and tags the memory after it is released.
 */
struct smm_page *smm_alloc_pages(struct smm_machine *m, unsigned int gfp,
				 unsigned int order, int preferred_nid,
				 const struct smm_nodemask *nodemask)
{
	unsigned int alloc_flags = SMM_ALLOC_WMARK_LOW;
	struct smm_alloc_context ac = { };
	struct smm_vm_events *ev;
	struct smm_page *page;
	int cpu;

	/* no buddy allocator: upto=memmap, or torn down */
	if (!m->events)
		return NULL;

	cpu = smm_get_cpu();
	ev = smm_events(m, cpu);
	if (preferred_nid == NUMA_NO_NODE)
		preferred_nid = smm_numa_node_id(m, cpu);
	/* the kernel WARNs on these; the shadow counts them (alloc_invalid) */
	if (order >= SMM_MAX_ORDER ||
	    !smm_prepare_alloc_pages(m, gfp, preferred_nid, nodemask, &ac)) {
		ev->alloc_invalid++;
		page = NULL;
		goto out;
	}

	alloc_flags |= smm_alloc_flags_nofragment(m, ac.preferred_zoneref->zone,
						  gfp);
	page = smm_get_page_from_freelist(m, ev, cpu, order, alloc_flags, &ac);
	if (!page) {
		ac.nodemask = nodemask;
		page = smm__alloc_pages_slowpath(m, ev, cpu, gfp, order, &ac);
	}

out:
	smm_count_alloc(ev, &ac, page ? ac.served : NULL, order);
	if (smm_trace_alloc_enabled()) {
		unsigned long pfn = page ? smm__page_to_pfn(m, page) : ~0UL;

		trace_alloc_pages(gfp, order, preferred_nid, pfn);
		trace_mm_page_alloc(pfn, order, gfp, ac.migratetype);
	}
	smm_put_cpu();

	if (page)
		smm_prep_new_page(m, page, order, gfp, ac.migratetype);
	return page;
}

/* ---- freeing -------------------------------------------------------------- */

#define SMM_PAGE_STATE_FLAGS	(BIT(SMM_PG_buddy) | BIT(SMM_PG_reserved) | \
				 BIT(SMM_PG_pcp) | BIT(SMM_PG_head))

/*
 * free_pages_check(): is this the head of an allocation of @order, and is
 * every page of it allocated? A second free of a block, a free of memory
 * never handed out or a free with the wrong order all fail here. On
 * success *@seen holds every page's flags ORed, so that
 * smm_free_pages_prepare() only walks the block again when a page has
 * something to forget.
 */
static const char *smm_free_pages_check(const struct smm_page *page,
					unsigned long pfn, unsigned int order,
					unsigned long *seen)
{
	unsigned long i, flags = page->flags;

	if ((page->flags & SMM_PAGE_STATE_FLAGS) != BIT(SMM_PG_head))
		return "not an allocated block";
	if (page->_refcount != 1)
		return "refcount is not 1";
	if (page->private != order || pfn & ((1UL << order) - 1))
		return "allocated with another order";
	for (i = 1; i < (1UL << order); i++) {
		if ((page[i].flags & SMM_PAGE_STATE_FLAGS) || page[i]._refcount)
			return "a page of the block is not allocated";
		flags |= page[i].flags;
	}
	*seen = flags;
	return NULL;
}

/*
 * free_pages_prepare(): the pages forget their allocation, and where they
 * carry verify tags each is checked (a mismatch counted once a block).
 * (The kernel checks and clears in one pass; the shadow checks before it,
 * read-only, in smm_free_pages_check(), so that a bad free leaves the
 * block untouched, and walks the block a second time only when @seen, the
 * pages' flags ORed, says a page was MOVABLE or tagged.)
 */
static void smm_free_pages_prepare(struct smm_machine *m,
				   struct smm_vm_events *ev,
				   struct smm_page *page, unsigned long pfn,
				   unsigned int order, unsigned long seen)
{
	const unsigned long forget = BIT(SMM_PG_lru) | BIT(SMM_PG_verify);
	unsigned long i;
	bool bad = false;

	trace_mm_page_free(pfn, order);
	for (i = 0; (seen & forget) && i < (1UL << order); i++) {
		if (!bad && smm_test_page_flag(&page[i], SMM_PG_verify))
			bad = smm_verify_page_bad(m, page, pfn, i, order);
		page[i].flags &= ~forget;
	}
	if (bad)
		ev->verify_mismatch++;
	smm_clear_page_flag(page, SMM_PG_head);
	page->_refcount = 0;
	page->private = 0;
	page->index = 0;
}

static void smm_bad_free(struct smm_machine *m, struct smm_vm_events *ev,
			 unsigned long pfn, unsigned int order, const char *why)
{
	ev->bad_free++;
	if (!smm_test_and_set_once(&m->bad_free_warned))
		return;
	if (pfn == ~0UL)
		pr_warn("shadowmm: bad free of an order-%u block: %s\n", order,
			why);
	else
		pr_warn("shadowmm: bad free of the order-%u block at pfn 0x%lx: %s\n",
			order, pfn, why);
}

/*
 * A block that is not allocated is left alone: counted and reported once,
 * without a WARN, which would taint the host for what is a caller's bug.
 * The check is not atomic against a second free racing the first.
 */
void smm_free_pages(struct smm_machine *m, struct smm_page *page,
		    unsigned int order)
{
	unsigned long pfn = ~0UL, seen = 0;
	struct smm_vm_events *ev;
	struct smm_zone *zone;
	const char *why;
	int cpu;

	if (!m->events)
		return;
	cpu = smm_get_cpu();
	ev = smm_events(m, cpu);
	if (!page || !smm_page_in_memmap(m, page, &pfn)) {
		why = "not a page of the memory map";
	} else {
		why = order >= SMM_MAX_ORDER ? "order too large" :
		      smm_free_pages_check(page, pfn, order, &seen);
	}
	if (why) {
		smm_bad_free(m, ev, pfn, order, why);
		goto out;
	}

	ev->free[order]++;
	/* before the page's flags change under the compiler's feet */
	zone = smm_page_zone(m, page);
	smm_free_pages_prepare(m, ev, page, pfn, order, seen);
	if (smm_pcp_allowed_order(order))
		smm_free_unref_page(m, ev, cpu, zone, page, pfn, order);
	else
		smm_free_one_page(ev, zone, page, pfn, order,
				  smm_zone_pageblock_migratetype(zone, pfn),
				  false);
out:
	smm_put_cpu();
}

/*
 * drain_pages_zone(): one CPU's pcp lists of @zone back to the buddy
 * lists, at most batch << PCP_BATCH_SCALE_MAX pages under one hold of the
 * pcp lock, so that interrupts are never off for a whole list.
 */
static void smm_drain_pages_zone(struct smm_machine *m,
				 struct smm_vm_events *ev, unsigned int cpu,
				 struct smm_zone *zone)
{
	struct smm_per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
	unsigned long flags;
	int count;

	do {
		smm_spin_lock_irqsave(&pcp->lock, flags);
		count = pcp->count;
		if (count) {
			int to_drain = min(count, pcp->batch <<
						  SMM_PCP_BATCH_SCALE_MAX);

			smm_free_pcppages_bulk(m, ev, zone, to_drain, pcp, 0,
					       cpu);
			count -= to_drain;
		}
		smm_spin_unlock_irqrestore(&pcp->lock, flags);
	} while (count);
}

/*
 * drain_all_pages(NULL): for each CPU, drain_pages(): every populated
 * zone's pcp lists of that CPU back to the buddy lists, from this CPU
 * under each pcp's own lock (as v6.1 drains remote pcps directly). The
 * kernel first picks the CPUs that have pcp pages; draining an empty pcp
 * does nothing, so the shadow visits them all. It has no pcpu_drain_mutex:
 * its callers hold the machine's ctl lock.
 */
void smm_drain_all_pages(struct smm_machine *m)
{
	struct smm_vm_events *ev;
	struct smm_zone *zone;
	unsigned int c;
	int cpu;

	if (!m->events)
		return;
	cpu = smm_get_cpu();
	ev = smm_events(m, cpu);
	for (c = 0; c < m->nr_cpus; c++)
		for_each_smm_zone(m, zone)
			if (smm_populated_zone(zone))
				smm_drain_pages_zone(m, ev, c, zone);
	smm_put_cpu();
}
