// SPDX-License-Identifier: GPL-2.0
/*
 * From the memblock to a buddy allocator ready to run: each node's memory
 * map (alloc_node_mem_map() -> memmap_alloc(), seed 000), the zones
 * (free_area_init()), the per-cpu pagesets, the watermarks and the
 * zonelists, as v6.1 sets them up at boot, and the teardown that lets
 * `reset` start over. v6.1 keeps all of this in mm/page_alloc.c; v6.4
 * moved it to mm/mm_init.c, and so does the shadow, which keeps
 * page_alloc.c for the runtime allocator.
 *
 * The kernel's boot order, which smm_boot() follows: alloc_node_mem_map()
 * and free_area_init() in setup_arch(), build_all_zonelists(), mem_init()
 * -> memblock_free_all() (src/mm/memblock.c), setup_per_cpu_pageset()
 * and, as an initcall, init_per_zone_wmark_min().
 */
#include "shadowmm/trace.h"
#include "internal.h"

/* x86_64's sysctl_lowmem_reserve_ratio: DMA, DMA32, Normal, Movable */
static const int smm_lowmem_reserve_ratio[SMM_MAX_NR_ZONES] = {
	256, 256, 32, 0
};

/* vm.watermark_scale_factor's default, in 1/10000 of a zone */
#define SMM_WATERMARK_SCALE_FACTOR	10

#define SMM_SZ_16M_PFN			(0x1000000UL >> PAGE_SHIFT)
#define SMM_SZ_4G_PFN			(0x100000000ULL >> PAGE_SHIFT)

/* ---- the memory map (FLATMEM) ------------------------------------------ */

/*
 * memmap_alloc(): the memory map comes from memblock itself, raw (not
 * zeroed), and on a CONFIG_DEBUG_VM host (and in the host tests) is
 * poisoned so that a struct page used before it is initialised stands
 * out, as that config's page_init_poison() does.
 */
void *smm_memmap_alloc(struct smm_memblock *mb, phys_addr_t size,
		       phys_addr_t align, phys_addr_t min_addr, int nid,
		       bool exact_nid)
{
	void *ptr;

	if (exact_nid)
		ptr = smm_memblock_alloc_exact_nid_raw(mb, size, align, min_addr,
						       SMM_MEMBLOCK_ALLOC_ACCESSIBLE,
						       nid, NULL);
	else
		ptr = smm_memblock_alloc_try_nid_raw(mb, size, align, min_addr,
						     SMM_MEMBLOCK_ALLOC_ACCESSIBLE,
						     nid, NULL);
	if (SMM_DEBUG_VM && ptr && size)
		memset(ptr, SMM_PAGE_POISON_PATTERN, size);
	return ptr;
}

/*
 * alloc_node_mem_map(): the map spans the node, holes included, with both
 * ends rounded out to SMM_MAX_ORDER_NR_PAGES so that the buddy allocator can
 * look up any buddy of any page without a bounds check.
 */
int smm_alloc_node_mem_map(struct smm_machine *m, int nid, smm_log_fn log,
			   void *ctx)
{
	struct smm_pglist_data *pgdat = &m->node_data[nid];
	unsigned long start_pfn = ~0UL, end_pfn = 0, present = 0;
	unsigned long spfn, epfn, mstart, mend;
	phys_addr_t size;
	struct smm_page *map;

	smm_for_each_mem_pfn_range(&m->memblock, nid, &spfn, &epfn, NULL) {
		start_pfn = min(start_pfn, spfn);
		end_pfn = max(end_pfn, epfn);
		present += epfn - spfn;
	}

	pgdat->node_id = nid;
	if (!present)
		return 0;
	pgdat->node_start_pfn = start_pfn;
	pgdat->node_spanned_pages = end_pfn - start_pfn;
	pgdat->node_present_pages = present;

	mstart = start_pfn & ~(SMM_MAX_ORDER_NR_PAGES - 1);
	mend = ALIGN(end_pfn, SMM_MAX_ORDER_NR_PAGES);
	/* SPARSEMEM: the span is all; smm_sparse_init() maps the sections */
	if (m->cfg.memory_model == SMM_MEMORY_MODEL_SPARSEMEM) {
		pgdat->memmap_start_pfn = mstart;
		pgdat->memmap_end_pfn = mend;
		return 0;
	}
	size = (phys_addr_t)(mend - mstart) * sizeof(struct smm_page);
	map = smm_memmap_alloc(&m->memblock, size, SMP_CACHE_BYTES,
			       SMM_MEMBLOCK_LOW_LIMIT, nid, false);
	if (!map) {
		log(ctx, "memmap: node %d: no room for %llu bytes of memory map\n",
		    nid, (unsigned long long)size);
		return -ENOMEM;
	}

	pgdat->node_mem_map = map + (start_pfn - mstart);
	pgdat->memmap_start_pfn = mstart;
	pgdat->memmap_end_pfn = mend;
	pgdat->memmap_base = smm_virt_to_phys(map);
	pgdat->memmap_size = size;
	log(ctx, "memmap: node %d pfn [0x%lx-0x%lx) %lu pages x %zu bytes at 0x%016llx\n",
	    nid, mstart, mend, mend - mstart, sizeof(struct smm_page),
	    (unsigned long long)pgdat->memmap_base);
	return 0;
}

/* ---- zone boundaries ------------------------------------------------- */

/*
 * zone_layout=real: the kernel's x86_64 max_zone_pfn[] (zone_sizes_init()):
 * DMA below 16 MiB, DMA32 below 4 GiB, Normal above. Movable gets nothing:
 * the kernel only carves it out of Normal for movablecore=/kernelcore=,
 * and the shadow has no such option, so Movable ends where Normal does.
 */
static void smm_real_max_zone_pfn(unsigned long *max_zone_pfn)
{
	max_zone_pfn[SMM_ZONE_DMA] = SMM_SZ_16M_PFN;
	max_zone_pfn[SMM_ZONE_DMA32] = SMM_SZ_4G_PFN;
	max_zone_pfn[SMM_ZONE_NORMAL] = ~0UL;
	max_zone_pfn[SMM_ZONE_MOVABLE] = ~0UL;
}

/*
 * zone_layout=scaled: the same array, scaled into one node's span
 * [start_pfn, end_pfn) so that every zone exists on every node large
 * enough: DMA ends after the first 1/16 of the span, DMA32 at 6/16, Normal
 * at 12/16, Movable at the end. Each end is rounded to the nearest
 * pageblock so that no pageblock straddles two zones (its migratetype bits
 * belong to one zone); a node smaller than 16 pageblocks (32 MiB) may lose
 * a zone to the rounding. The kernel's own boundaries (16M, 4G, the
 * movablecore start) are MAX_ORDER aligned, these only pageblock aligned,
 * so smm_free_pages_memory() splits at zone ends where the kernel needs
 * not.
 */
static void smm_scaled_max_zone_pfn(unsigned long start_pfn,
				    unsigned long end_pfn,
				    unsigned long *max_zone_pfn)
{
	static const unsigned int sixteenths[SMM_MAX_NR_ZONES] = {
		1, 6, 12, 16
	};
	unsigned long span = end_pfn - start_pfn;
	int zid;

	for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
		unsigned long pfn = start_pfn + span * sixteenths[zid] / 16;

		pfn = round_down(pfn + SMM_PAGEBLOCK_NR_PAGES / 2,
				 SMM_PAGEBLOCK_NR_PAGES);
		max_zone_pfn[zid] = clamp(pfn, start_pfn, end_pfn);
	}
	max_zone_pfn[SMM_ZONE_MOVABLE] = end_pfn;
}

/*
 * zone_spanned_pages_in_node(): the zone is what lies between the previous
 * zone's end and its own inside the node; an empty zone starts at 0.
 */
static unsigned long smm_zone_spanned_pages(const struct smm_pglist_data *pgdat,
					    const unsigned long *max_zone_pfn,
					    int zid, unsigned long *zone_start_pfn)
{
	unsigned long node_end = pgdat->node_start_pfn + pgdat->node_spanned_pages;
	unsigned long start = zid ? max_zone_pfn[zid - 1] : 0;
	unsigned long end = max_zone_pfn[zid];

	start = max(start, pgdat->node_start_pfn);
	end = min(end, node_end);
	if (start >= end) {
		*zone_start_pfn = 0;
		return 0;
	}
	*zone_start_pfn = start;
	return end - start;
}

/* spanned minus zone_absent_pages_in_node(): memory of @nid in the span */
static unsigned long smm_zone_present_pages(struct smm_machine *m, int nid,
					    unsigned long start,
					    unsigned long end)
{
	unsigned long spfn, epfn, present = 0;

	smm_for_each_mem_pfn_range(&m->memblock, nid, &spfn, &epfn, NULL) {
		spfn = clamp(spfn, start, end);
		epfn = clamp(epfn, start, end);
		present += epfn - spfn;
	}
	return present;
}

/* ---- zone structures ------------------------------------------------- */

/*
 * zone_init_internals() + zone_pcp_init() + setup_usemap() +
 * zone_init_free_lists(): an empty zone, its lock, lists, pageblock bits
 * and boot pagesets. Unpopulated zones get pagesets too (the kernel points
 * them at boot_pageset) so that every zone can be read the same way.
 */
static int smm_zone_init(struct smm_machine *m, struct smm_pglist_data *pgdat,
			 int zid, unsigned long zone_start_pfn,
			 unsigned long spanned, unsigned long present)
{
	struct smm_zone *zone = &pgdat->node_zones[zid];
	unsigned int order, mt, cpu;

	/* nothing of a previous boot survives: counters, marks, reserves */
	memset(zone, 0, sizeof(*zone));
	zone->node = pgdat->node_id;
	zone->idx = zid;
	zone->name = smm_zone_names[zid];
	zone->zone_pgdat = pgdat;
	zone->zone_start_pfn = zone_start_pfn;
	zone->spanned_pages = spanned;
	zone->present_pages = present;
	smm_spin_lock_init(&zone->lock);
	for (order = 0; order < SMM_MAX_ORDER; order++)
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&zone->free_area[order].free_list[mt]);

	zone->per_cpu_pageset = kcalloc(m->nr_cpus,
					sizeof(*zone->per_cpu_pageset),
					GFP_KERNEL);
	if (!zone->per_cpu_pageset)
		return -ENOMEM;
	for (cpu = 0; cpu < m->nr_cpus; cpu++)
		smm_per_cpu_pages_init(&zone->per_cpu_pageset[cpu]);
	/* boot pageset values until setup_per_cpu_pageset() */
	zone->pageset_batch = 1;

	if (spanned) {
		zone->pageblock_flags = kzalloc(smm_usemap_size(zone_start_pfn,
								spanned),
						GFP_KERNEL);
		if (!zone->pageblock_flags)
			return -ENOMEM;
	}
	return 0;
}

/*
 * The zone a struct page of the node's map belongs to: the one spanning
 * its pfn; below the node, its lowest populated zone; above, the highest
 * (where the kernel's memmap_init() puts unavailable ranges).
 */
static int smm_memmap_zone(const struct smm_pglist_data *pgdat,
			   unsigned long pfn)
{
	int zid, lowest = -1, highest = 0;

	for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
		const struct smm_zone *zone = &pgdat->node_zones[zid];

		if (zone->spanned_pages && smm_zone_spans_pfn(zone, pfn))
			return zid;
		if (!smm_populated_zone(zone))
			continue;
		if (lowest < 0)
			lowest = zid;
		highest = zid;
	}
	return pfn < pgdat->node_start_pfn && lowest >= 0 ? lowest : highest;
}

/*
 * @next lowered to the first edge of the span [@start, @end_pfn) above
 * @pfn, if it has one below @next: where a run from @pfn stops.
 */
static unsigned long smm_run_edge(unsigned long next, unsigned long pfn,
				  unsigned long start, unsigned long end_pfn)
{
	if (start > pfn)
		next = min(next, start);
	if (end_pfn > pfn)
		next = min(next, end_pfn);
	return next;
}

/*
 * The first pfn above @pfn (at most @end) where smm_memmap_zone() may
 * answer otherwise: its answer only changes at a zone's start or end
 * (the node's start is the first zone's), so memmap_init looks a zone up
 * once a run.
 */
static unsigned long smm_memmap_zone_next(const struct smm_pglist_data *pgdat,
					  unsigned long pfn, unsigned long end)
{
	unsigned long next = end;
	int zid;

	for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
		const struct smm_zone *zone = &pgdat->node_zones[zid];

		if (zone->spanned_pages)
			next = smm_run_edge(next, pfn, zone->zone_start_pfn,
					    smm_zone_end_pfn(zone));
	}
	return next;
}

/*
 * __init_single_page(): the poison goes, the page knows its zone and
 * node, holds one reference (it is not free), has no mappings. Every page
 * starts PG_reserved, as reserve_bootmem_region() leaves the kernel's
 * before memblock_free_all() releases the free ones.
 */
static void smm_init_single_page(struct smm_page *page, int zid, int nid)
{
	/* every field written: mm_zero_struct_page() and the stores after */
	*page = (struct smm_page) {
		.flags = ((unsigned long)zid << SMM_PAGE_ZONE_SHIFT) |
			 ((unsigned long)nid << SMM_PAGE_NODE_SHIFT) |
			 BIT(SMM_PG_reserved),
		._refcount = 1,
		._mapcount = -1,
	};
	INIT_LIST_HEAD(&page->lru);
}

/*
 * The node that owns @pfn's struct page under SPARSEMEM, where one page
 * stands for the pfn: the first node spanning it (FLATMEM's
 * smm_pfn_to_page() picks the same), else the section's own node.
 */
static int smm_sparse_pfn_nid(struct smm_machine *m, int section_nid,
			      unsigned long pfn)
{
	int i;

	for (i = 0; i < m->nr_nodes; i++) {
		const struct smm_pglist_data *p = smm_pgdat(m, m->node_ids[i]);

		if (p->node_spanned_pages && pfn >= p->node_start_pfn &&
		    pfn < p->node_start_pfn + p->node_spanned_pages)
			return p->node_id;
	}
	return section_nid;
}

/*
 * The first pfn above @pfn (at most @end) where smm_sparse_pfn_nid() may
 * answer otherwise: a node's start or end.
 */
static unsigned long smm_sparse_pfn_nid_next(struct smm_machine *m,
					     unsigned long pfn,
					     unsigned long end)
{
	unsigned long next = end;
	int i;

	for (i = 0; i < m->nr_nodes; i++) {
		const struct smm_pglist_data *p = smm_pgdat(m, m->node_ids[i]);

		if (p->node_spanned_pages)
			next = smm_run_edge(next, pfn, p->node_start_pfn,
					    p->node_start_pfn +
					    p->node_spanned_pages);
	}
	return next;
}

/*
 * memmap_init() under SPARSEMEM: the pages of @pgdat's pfns in every
 * present section it spans or owns, holes of the section included (the
 * kernel's init_unavailable_range()), each with its section number
 * (set_page_section()). The owner and the zone are looked up once a run
 * of pfns over which neither can change, as FLATMEM's loop does.
 */
static void smm_sparse_memmap_init_node(struct smm_machine *m,
					struct smm_pglist_data *pgdat)
{
	const struct smm_sparse *sp = pgdat->sparse;
	unsigned long nstart = pgdat->node_start_pfn;
	unsigned long nend = nstart + pgdat->node_spanned_pages;
	unsigned long nr, pfn, next;
	int zid;

	for (nr = 0; nr < sp->nr_sections; nr++) {
		const struct smm_mem_section *ms = &sp->mem_section[nr];
		unsigned long pnum = sp->base_nr + nr;
		unsigned long start = smm_section_nr_to_pfn(sp, pnum);
		unsigned long end = start + smm_pages_per_section(sp);
		struct smm_page *map;

		if (!smm_valid_section(ms))
			continue;
		if (ms->nid != pgdat->node_id && (end <= nstart || start >= nend))
			continue;
		map = smm_section_map(sp, ms, pnum);
		for (pfn = start; pfn < end; pfn = next) {
			next = min(smm_sparse_pfn_nid_next(m, pfn, end),
				   smm_memmap_zone_next(pgdat, pfn, end));
			if (smm_sparse_pfn_nid(m, ms->nid, pfn) != pgdat->node_id)
				continue;
			zid = smm_memmap_zone(pgdat, pfn);
			for (; pfn < next; pfn++) {
				struct smm_page *page = &map[pfn - start];

				smm_init_single_page(page, zid, pgdat->node_id);
				page->flags |= pnum << SMM_PAGE_SECTION_SHIFT;
			}
		}
	}
}

/*
 * memmap_init() for one node: every entry of the map, holes and rounding
 * included, then the pageblock types. Like memmap_init_range() only
 * pageblocks whose first pfn is memory become MOVABLE; the others keep
 * type 0, UNMOVABLE.
 */
static void smm_memmap_init_node(struct smm_machine *m,
				 struct smm_pglist_data *pgdat)
{
	unsigned long pfn, spfn, epfn;
	int zid;

	if (pgdat->sparse) {
		smm_sparse_memmap_init_node(m, pgdat);
	} else {
		struct smm_page *map = smm_pgdat_map(pgdat);
		unsigned long next;

		pfn = pgdat->memmap_start_pfn;
		while (pfn < pgdat->memmap_end_pfn) {
			zid = smm_memmap_zone(pgdat, pfn);
			next = smm_memmap_zone_next(pgdat, pfn,
						    pgdat->memmap_end_pfn);
			for (; pfn < next; pfn++)
				smm_init_single_page(&map[pfn - pgdat->memmap_start_pfn],
						     zid, pgdat->node_id);
		}
	}

	smm_for_each_mem_pfn_range(&m->memblock, pgdat->node_id, &spfn, &epfn,
				   NULL) {
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
			struct smm_zone *zone = &pgdat->node_zones[zid];
			unsigned long s = clamp(spfn, zone->zone_start_pfn,
						smm_zone_end_pfn(zone));
			unsigned long e = clamp(epfn, zone->zone_start_pfn,
						smm_zone_end_pfn(zone));

			for (pfn = round_up(s, SMM_PAGEBLOCK_NR_PAGES); pfn < e;
			     pfn += SMM_PAGEBLOCK_NR_PAGES)
				smm_set_pageblock_migratetype(zone, pfn,
							      SMM_MIGRATE_MOVABLE);
		}
	}
}

/* free_area_init_node(): the node's zones from its max_zone_pfn[]. */
static int smm_free_area_init_node(struct smm_machine *m,
				   struct smm_pglist_data *pgdat)
{
	unsigned long max_zone_pfn[SMM_MAX_NR_ZONES];
	int zid, ret;

	if (m->cfg.zone_layout == SMM_ZONE_LAYOUT_REAL)
		smm_real_max_zone_pfn(max_zone_pfn);
	else
		smm_scaled_max_zone_pfn(pgdat->node_start_pfn,
					pgdat->node_start_pfn +
					pgdat->node_spanned_pages,
					max_zone_pfn);

	pgdat->nr_zones = 0;
	for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
		unsigned long start, spanned, present;

		spanned = smm_zone_spanned_pages(pgdat, max_zone_pfn, zid,
						 &start);
		present = spanned ? smm_zone_present_pages(m, pgdat->node_id,
							   start,
							   start + spanned) : 0;
		ret = smm_zone_init(m, pgdat, zid, start, spanned, present);
		if (ret)
			return ret;
		if (present)
			pgdat->nr_zones = zid + 1;
	}
	smm_memmap_init_node(m, pgdat);
	return 0;
}

/* The rmqueue ring: rmqueue_trace_size records for each CPU, or off. */
static int smm_rmqueue_ring_init(struct smm_machine *m)
{
	struct smm_rmqueue_ring *ring = &m->rmqueue_ring;
	unsigned int size = m->cfg.rmqueue_trace_size, cpu;

	smm_atomic64_set(&ring->seq, 0);
	ring->size = 0;
	ring->cpus = NULL;
	if (!size)
		return 0;
	ring->cpus = kcalloc(m->nr_cpus, sizeof(*ring->cpus), GFP_KERNEL);
	if (!ring->cpus)
		return -ENOMEM;
	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct smm_rmqueue_cpu_ring *cr = &ring->cpus[cpu];

		cr->recs = kvcalloc(size, sizeof(*cr->recs), GFP_KERNEL);
		if (!cr->recs)
			return -ENOMEM;	/* smm_page_alloc_teardown() frees */
	}
	ring->size = size;
	return 0;
}

/* Undo smm_rmqueue_ring_init(), whatever it got to. */
static void smm_rmqueue_ring_free(struct smm_machine *m)
{
	struct smm_rmqueue_ring *ring = &m->rmqueue_ring;
	unsigned int cpu;

	for (cpu = 0; ring->cpus && cpu < m->nr_cpus; cpu++)
		kvfree(ring->cpus[cpu].recs);
	kfree(ring->cpus);
	ring->cpus = NULL;
	ring->size = 0;
	smm_atomic64_set(&ring->seq, 0);
}

int smm_free_area_init(struct smm_machine *m)
{
	struct smm_pglist_data *pgdat;
	int ret;

	if (!m->nr_cpus)
		m->nr_cpus = smm_nr_cpu_ids();
	m->events = kvcalloc(m->nr_cpus, sizeof(*m->events), GFP_KERNEL);
	ret = m->events ? smm_rmqueue_ring_init(m) : -ENOMEM;
	for_each_smm_pgdat(m, pgdat) {
		if (ret)
			break;
		ret = smm_free_area_init_node(m, pgdat);
	}
	if (ret)
		smm_page_alloc_teardown(m);
	return ret;
}

/* ---- per-cpu pagesets -------------------------------------------------- */

/*
 * zone_batchsize(): about 0.1% of the zone, at most 1 MiB, a quarter of
 * it rounded to 2^n - 1 (power-of-two batches alias in the cache).
 */
static int smm_zone_batchsize(const struct smm_zone *zone)
{
	int batch;

	batch = min_t(unsigned long, zone->managed_pages >> 10,
		      (1UL << 20) / PAGE_SIZE);
	batch /= 4;
	if (batch < 1)
		batch = 1;
	return rounddown_pow_of_two(batch + batch / 2) - 1;
}

/*
 * cpumask_weight(cpumask_of_node(nid)): the shadow's CPUs whose real node
 * is shadow node @nid's (with nodes=, a real node's CPUs belong to the
 * first fake node cut from its memory).
 */
static int smm_node_nr_cpus(const struct smm_machine *m, int nid)
{
	unsigned int cpu;
	int n = 0;

	for (cpu = 0; cpu < m->nr_cpus; cpu++)
		if (smm_cpu_shadow_node(m, cpu) == nid)
			n++;
	return n;
}

/*
 * zone_highsize() with percpu_pagelist_high_fraction 0: the low watermark
 * split over the CPUs of the zone's node, so that full pcp lists never
 * wake reclaim early; over every CPU for a node without CPUs (the
 * shadow's CPUs are all online: num_online_cpus() is nr_cpus); at least
 * 4 batches.
 */
static int smm_zone_highsize(const struct smm_machine *m,
			     const struct smm_zone *zone, int batch,
			     int cpu_online)
{
	unsigned long total_pages = smm_wmark_pages(zone, SMM_WMARK_LOW);
	int nr_split_cpus = smm_node_nr_cpus(m, zone->node) + cpu_online;
	int high;

	if (!nr_split_cpus)
		nr_split_cpus = m->nr_cpus;
	high = total_pages / nr_split_cpus;
	return max(high, batch << 2);
}

/* zone_set_pageset_high_and_batch(): every CPU's pageset of the zone. */
static void smm_zone_set_pageset_high_and_batch(struct smm_machine *m,
						struct smm_zone *zone,
						int cpu_online)
{
	int new_batch = max(1, smm_zone_batchsize(zone));
	int new_high = smm_zone_highsize(m, zone, new_batch, cpu_online);
	unsigned int cpu;

	if (zone->pageset_high == new_high && zone->pageset_batch == new_batch)
		return;
	zone->pageset_high = new_high;
	zone->pageset_batch = new_batch;
	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		WRITE_ONCE(zone->per_cpu_pageset[cpu].batch, new_batch);
		WRITE_ONCE(zone->per_cpu_pageset[cpu].high, new_high);
	}
}

/* setup_per_cpu_pageset(): real sizes for the populated zones. */
void smm_setup_per_cpu_pageset(struct smm_machine *m)
{
	struct smm_zone *zone;

	for_each_smm_zone(m, zone)
		if (smm_populated_zone(zone))
			smm_zone_set_pageset_high_and_batch(m, zone, 0);
}

/* ---- watermarks and reserves ------------------------------------------- */

/*
 * nr_free_buffer_pages(): managed pages above the high watermark of the
 * zones GFP_USER may use, i.e. up to Normal on every node.
 */
static unsigned long smm_nr_free_buffer_pages(struct smm_machine *m)
{
	unsigned long sum = 0, high;
	struct smm_zone *zone;

	for_each_smm_zone(m, zone) {
		if (zone->idx > SMM_ZONE_NORMAL)
			continue;
		high = smm_wmark_pages(zone, SMM_WMARK_HIGH);
		if (zone->managed_pages > high)
			sum += zone->managed_pages - high;
	}
	return sum;
}

/*
 * calculate_min_free_kbytes(): 4 * sqrt(lowmem_kbytes) within [128K, 256M],
 * unless min_free_kbytes= says otherwise (the shadow takes the value as
 * is, like a write to vm.min_free_kbytes after boot).
 */
static void smm_calculate_min_free_kbytes(struct smm_machine *m)
{
	unsigned long lowmem_kbytes;

	if (m->cfg.min_free_kbytes) {
		m->min_free_kbytes = m->cfg.min_free_kbytes;
		return;
	}
	lowmem_kbytes = smm_nr_free_buffer_pages(m) * (PAGE_SIZE >> 10);
	m->min_free_kbytes = clamp(int_sqrt(lowmem_kbytes * 16), 128UL,
				   262144UL);
}

/* calculate_totalreserve_pages(): what each node keeps back. */
static void smm_calculate_totalreserve_pages(struct smm_machine *m)
{
	struct smm_pglist_data *pgdat;
	struct smm_zone *zone;
	int j;

	for_each_smm_pgdat(m, pgdat)
		pgdat->totalreserve_pages = 0;
	for_each_smm_zone(m, zone) {
		long reserve = 0;

		for (j = zone->idx; j < SMM_MAX_NR_ZONES; j++)
			reserve = max(reserve, zone->lowmem_reserve[j]);
		reserve += smm_wmark_pages(zone, SMM_WMARK_HIGH);
		reserve = min_t(long, reserve, zone->managed_pages);
		zone->zone_pgdat->totalreserve_pages += reserve;
	}
}

/*
 * __setup_per_zone_wmarks(): min_free_kbytes shared out over the zones by
 * managed size (x86_64 has no highmem, so every zone is lowmem); low and
 * high each a quarter of min above the previous one, or
 * watermark_scale_factor/10000 of the zone if that is more.
 */
static void smm__setup_per_zone_wmarks(struct smm_machine *m)
{
	unsigned long pages_min = m->min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct smm_zone *zone;

	for_each_smm_zone(m, zone)
		lowmem_pages += zone->managed_pages;

	for_each_smm_zone(m, zone) {
		unsigned long managed = zone->managed_pages;
		unsigned long tmp, flags;

		smm_spin_lock_irqsave(&zone->lock, flags);
		/* no memory at all: no divisor, and nothing to keep */
		tmp = lowmem_pages ? pages_min * managed / lowmem_pages : 0;
		zone->_watermark[SMM_WMARK_MIN] = tmp;
		tmp = max(tmp >> 2, mult_frac(managed, SMM_WATERMARK_SCALE_FACTOR,
					      10000UL));
		zone->watermark_boost = 0;
		zone->_watermark[SMM_WMARK_LOW] =
			zone->_watermark[SMM_WMARK_MIN] + tmp;
		zone->_watermark[SMM_WMARK_HIGH] =
			zone->_watermark[SMM_WMARK_LOW] + tmp;
		smm_spin_unlock_irqrestore(&zone->lock, flags);
	}
	smm_calculate_totalreserve_pages(m);
}

/*
 * setup_per_zone_wmarks(): the watermarks, then the pcp sizes that depend
 * on them (zone_pcp_update() for every zone).
 */
static void smm_setup_per_zone_wmarks(struct smm_machine *m)
{
	struct smm_zone *zone;

	smm__setup_per_zone_wmarks(m);
	for_each_smm_zone(m, zone)
		smm_zone_set_pageset_high_and_batch(m, zone, 0);
}

/*
 * setup_per_zone_lowmem_reserve(): zone i keeps 1/ratio[i] of the managed
 * pages of the zones above it, up to j, from a request that could have
 * used zone j; none with ratio 0 or nothing managed.
 */
static void smm_setup_per_zone_lowmem_reserve(struct smm_machine *m)
{
	struct smm_zone *zone, *upper;
	int j;

	for_each_smm_zone(m, zone) {
		int ratio = smm_lowmem_reserve_ratio[zone->idx];
		bool clear = !ratio || !zone->managed_pages;
		unsigned long managed_pages = 0;

		for (j = zone->idx + 1; j < SMM_MAX_NR_ZONES; j++) {
			upper = &zone->zone_pgdat->node_zones[j];
			managed_pages += upper->managed_pages;
			zone->lowmem_reserve[j] = clear ? 0 : managed_pages / ratio;
		}
	}
	smm_calculate_totalreserve_pages(m);
}

/* init_per_zone_wmark_min(), as far as the shadow has the pieces. */
void smm_init_per_zone_wmark_min(struct smm_machine *m)
{
	smm_calculate_min_free_kbytes(m);
	smm_setup_per_zone_wmarks(m);
	smm_setup_per_zone_lowmem_reserve(m);
}

/* ---- zonelists ---------------------------------------------------------- */

/*
 * node_distance(): the machine's matrix, local 10 and remote 20 where it
 * says nothing (host tests, or a node the glue did not fill).
 */
int smm_node_distance(const struct smm_machine *m, int from, int to)
{
	if (m->distance[from][to])
		return m->distance[from][to];
	return from == to ? SMM_LOCAL_DISTANCE : SMM_REMOTE_DISTANCE;
}

/*
 * find_next_best_node(): the node itself first, then the unused node with
 * the smallest distance, where a node below @node costs one more (so that
 * equal distances prefer the nodes after this one) and, within the same
 * distance, the node picked first by fewer lists so far (@node_load) wins.
 * The kernel also adds PENALTY_FOR_NODE_WITH_CPUS to nodes with CPUs: the
 * shadow counts every node as one with CPUs, which adds the same to all.
 * The multiplier is SMM_MAX_NUMNODES rather than MAX_NUMNODES: a load
 * never reaches either, so the order is the same.
 */
static int smm_find_next_best_node(struct smm_machine *m, int node,
				   unsigned long *used, const int *node_load)
{
	int i, best = NUMA_NO_NODE, min_val = INT_MAX;

	if (!(*used & BIT(node))) {
		*used |= BIT(node);
		return node;
	}
	for (i = 0; i < m->nr_nodes; i++) {
		int n = m->node_ids[i];
		int val;

		if (*used & BIT(n))
			continue;
		val = smm_node_distance(m, node, n) + (n < node);
		val = val * SMM_MAX_NUMNODES + node_load[n];
		if (val < min_val) {
			min_val = val;
			best = n;
		}
	}
	if (best != NUMA_NO_NODE)
		*used |= BIT(best);
	return best;
}

/*
 * build_zonerefs_node(): the node's populated zones, highest first, each
 * reported to policy_zone (check_highest_zone()).
 */
static int smm_build_zonerefs_node(struct smm_machine *m,
				   struct smm_pglist_data *pgdat,
				   struct smm_zoneref *zonerefs)
{
	int zid, nr_zones = 0;

	for (zid = SMM_MAX_NR_ZONES - 1; zid >= 0; zid--) {
		struct smm_zone *zone = &pgdat->node_zones[zid];

		if (!smm_populated_zone(zone))
			continue;
		zonerefs[nr_zones].zone = zone;
		zonerefs[nr_zones].zone_idx = zid;
		nr_zones++;
		smm_check_highest_zone(m, zid);
	}
	return nr_zones;
}

/*
 * build_zonelists(): ZONELIST_FALLBACK is every node in the order of
 * find_next_best_node(), each with its zones high to low (node ordering,
 * the only one v6.1 has); ZONELIST_NOFALLBACK is this node's zones, for
 * __GFP_THISNODE. Both end with a NULL zone. The first node of each new
 * distance gets a load, so that the next node building its list picks
 * another one of that distance: lists that tie spread over the nodes.
 */
static void smm_build_zonelists(struct smm_machine *m,
				struct smm_pglist_data *pgdat, int *node_load)
{
	int local = pgdat->node_id, prev = local;
	struct smm_zoneref *zonerefs;
	unsigned long used = 0;
	int node;

	zonerefs = pgdat->node_zonelists[SMM_ZONELIST_FALLBACK]._zonerefs;
	while ((node = smm_find_next_best_node(m, local, &used, node_load)) !=
	       NUMA_NO_NODE) {
		if (smm_node_distance(m, local, node) !=
		    smm_node_distance(m, local, prev))
			node_load[node]++;
		zonerefs += smm_build_zonerefs_node(m, smm_pgdat(m, node),
						    zonerefs);
		prev = node;
	}
	zonerefs->zone = NULL;
	zonerefs->zone_idx = 0;

	zonerefs = pgdat->node_zonelists[SMM_ZONELIST_NOFALLBACK]._zonerefs;
	zonerefs += smm_build_zonerefs_node(m, pgdat, zonerefs);
	zonerefs->zone = NULL;
	zonerefs->zone_idx = 0;
}

/*
 * __build_all_zonelists(): node_load starts from zero and carries from
 * one node's list to the next, in node id order, as the kernel's static
 * array does.
 */
void smm_build_all_zonelists(struct smm_machine *m)
{
	int node_load[SMM_MAX_NUMNODES] = { };
	struct smm_pglist_data *pgdat;

	m->policy_zone = 0;
	for_each_smm_pgdat(m, pgdat)
		smm_build_zonelists(m, pgdat, node_load);
}

/* ---- teardown ----------------------------------------------------------- */

/*
 * Everything smm_free_area_init() allocated; safe on a machine it never
 * ran on, or ran on halfway. The memory map and the free lists need no
 * undoing: they live in the region.
 */
void smm_page_alloc_teardown(struct smm_machine *m)
{
	int nid, zid;

	for (nid = 0; nid < SMM_MAX_NUMNODES; nid++) {
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
			struct smm_zone *zone = &m->node_data[nid].node_zones[zid];

			kfree(zone->per_cpu_pageset);
			zone->per_cpu_pageset = NULL;
			kfree(zone->pageblock_flags);
			zone->pageblock_flags = NULL;
		}
	}
	kvfree(m->events);
	m->events = NULL;
	smm_rmqueue_ring_free(m);
	m->totalram_pages = 0;
	m->min_free_kbytes = 0;
	smm_atomic64_set(&m->verify_seq, 0);
	m->verify_warned = 0;
	m->bad_free_warned = 0;
}
