/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the shadow's mm/ files share and the rest of the core may only
 * read through: page flag helpers, pageblock bits, the pcp list index,
 * the freeing entry point memblock_free_all needs (the kernel keeps the
 * same things in mm/internal.h and include/linux/page-flags.h), and the
 * zone walker the views share. src/check.c and src/views.c include it to
 * inspect what mm/ keeps; nothing outside src/ does.
 */
#ifndef _SHADOWMM_MM_INTERNAL_H
#define _SHADOWMM_MM_INTERNAL_H

#include "shadowmm/machine.h"
#include "shadowmm/vmstat.h"
#include "shadowmm/views.h"

/*
 * Page flags. Like the kernel's __SetPageX() these are plain, non-atomic
 * read-modify-writes: a page's state bits only change under the lock that
 * owns the page at that moment (zone->lock for buddy pages, the pcp lock
 * for pcp pages) or in the hands of its one owner.
 */
static inline bool smm_test_page_flag(const struct smm_page *page, int bit)
{
	return page->flags & BIT(bit);
}

static inline void smm_set_page_flag(struct smm_page *page, int bit)
{
	page->flags |= BIT(bit);
}

static inline void smm_clear_page_flag(struct smm_page *page, int bit)
{
	page->flags &= ~BIT(bit);
}

static inline bool smm_page_buddy(const struct smm_page *page)
{
	return smm_test_page_flag(page, SMM_PG_buddy);
}

static inline int smm_page_nid(const struct smm_page *page)
{
	return (page->flags >> SMM_PAGE_NODE_SHIFT) & SMM_PAGE_NODE_MASK;
}

static inline int smm_page_zonenum(const struct smm_page *page)
{
	return (page->flags >> SMM_PAGE_ZONE_SHIFT) & SMM_PAGE_ZONE_MASK;
}

/* page_zone_id(): node and zone together, what buddies must share. */
static inline unsigned long smm_page_zone_id(const struct smm_page *page)
{
	return page->flags & ((SMM_PAGE_NODE_MASK << SMM_PAGE_NODE_SHIFT) |
			      (SMM_PAGE_ZONE_MASK << SMM_PAGE_ZONE_SHIFT));
}

/* The first entry of a node's memory map (the page of memmap_start_pfn). */
static inline struct smm_page *smm_pgdat_map(const struct smm_pglist_data *pgdat)
{
	return pgdat->node_mem_map -
	       (pgdat->node_start_pfn - pgdat->memmap_start_pfn);
}

/*
 * Every entry of the memory map, with its pfn: each node's map in node
 * order under FLATMEM (entries where two maps' rounding overlaps come
 * twice, holes both times), each present section's under SPARSEMEM.
 */
typedef void (*smm_memmap_page_fn)(void *arg, struct smm_page *page,
				   unsigned long pfn);
void smm_walk_memmap(struct smm_machine *m, smm_memmap_page_fn fn,
		     void *arg);

/* memmap_alloc() (mm_init.c), for both memory models' maps */
void *smm_memmap_alloc(struct smm_memblock *mb, phys_addr_t size,
		       phys_addr_t align, phys_addr_t min_addr, int nid,
		       bool exact_nid);

static inline struct smm_pglist_data *smm_pgdat(struct smm_machine *m, int nid)
{
	return &m->node_data[nid];
}

/*
 * smm_page_to_pfn() inline, for the allocator's own paths. FLATMEM:
 * through the node id in page->flags (the shadow's maps are per node);
 * SPARSEMEM: through the section number there, as the kernel's.
 */
static inline unsigned long smm__page_to_pfn(struct smm_machine *m,
					     const struct smm_page *page)
{
	const struct smm_pglist_data *pgdat;

	if (unlikely(m->sparse.mem_section))
		return smm_sparse_page_to_pfn(&m->sparse, page);
	pgdat = smm_pgdat(m, smm_page_nid(page));
	return pgdat->memmap_start_pfn + (page - smm_pgdat_map(pgdat));
}

/*
 * smm_pfn_to_page() inline, for the allocator's own paths (the slab
 * layer's virt_to_slab() on every free). FLATMEM: the node whose span
 * holds @pfn, else the first map that covers it (a pfn in the rounding
 * of a map beyond its node), else NULL; SPARSEMEM: the section's map.
 */
static inline struct smm_page *smm__pfn_to_page(struct smm_machine *m,
						unsigned long pfn)
{
	struct smm_page *other = NULL;
	int i;

	if (unlikely(m->sparse.mem_section))
		return smm_sparse_pfn_to_page(&m->sparse, pfn);
	for (i = 0; i < m->nr_nodes; i++) {
		struct smm_pglist_data *pgdat = smm_pgdat(m, m->node_ids[i]);
		struct smm_page *page;

		if (!pgdat->node_mem_map || pfn < pgdat->memmap_start_pfn ||
		    pfn >= pgdat->memmap_end_pfn)
			continue;
		page = smm_pgdat_map(pgdat) + (pfn - pgdat->memmap_start_pfn);
		if (likely(pfn >= pgdat->node_start_pfn &&
			   pfn < pgdat->node_start_pfn + pgdat->node_spanned_pages))
			return page;
		if (!other)
			other = page;
	}
	return other;
}

/*
 * for_each_online_pgdat() and for_each_zone(): the nodes with memory and
 * all their zones, populated or not. As with memblock's walks the index
 * lives in the loop and each step is one call.
 */
static inline bool smm_next_pgdat(struct smm_machine *m, int *idx,
				  struct smm_pglist_data **pgdat)
{
	if (*idx >= m->nr_nodes)
		return false;
	*pgdat = smm_pgdat(m, m->node_ids[(*idx)++]);
	return true;
}

static inline bool smm_next_zone(struct smm_machine *m, int *idx,
				 struct smm_zone **zone)
{
	int node = *idx / SMM_MAX_NR_ZONES;

	if (node >= m->nr_nodes)
		return false;
	*zone = &smm_pgdat(m, m->node_ids[node])->node_zones[*idx % SMM_MAX_NR_ZONES];
	(*idx)++;
	return true;
}

#define for_each_smm_pgdat(m, pgdat)					\
	for (int __smm_idx = 0; smm_next_pgdat(m, &__smm_idx, &(pgdat));)

#define for_each_smm_zone(m, zone)					\
	for (int __smm_idx = 0; smm_next_zone(m, &__smm_idx, &(zone));)

/* The shadow node of @cpu's real node, or NUMA_NO_NODE (no shadow node). */
int smm_cpu_shadow_node(const struct smm_machine *m, int cpu);

/* Bits a pageblock takes in zone->pageblock_flags (NR_PAGEBLOCK_BITS). */
#define SMM_NR_PAGEBLOCK_BITS	4
#define SMM_MIGRATETYPE_MASK	0x7UL

/* pageblock_flags bytes for a zone (usemap_size()). */
unsigned long smm_usemap_size(unsigned long zone_start_pfn,
			      unsigned long zonesize);
void smm_set_pageblock_migratetype(struct smm_zone *zone, unsigned long pfn,
				   int migratetype);
int smm_zone_pageblock_migratetype(const struct smm_zone *zone,
				   unsigned long pfn);

/* Boot values of a per-cpu pageset (per_cpu_pages_init(): high 0, batch 1). */
void smm_per_cpu_pages_init(struct smm_per_cpu_pages *pcp);

/*
 * __free_pages_core(): hand a block that was never in the buddy allocator
 * over to it (memblock_free_all), bypassing the pcp lists.
 */
void smm__free_pages_core(struct smm_machine *m, struct smm_page *page,
			  unsigned long pfn, unsigned int order);

/*
 * The CPU a caller pinned with smm_get_cpu(), as an index for m's arrays
 * (inline: the pcp and slab fast paths take it on every call).
 */
static inline unsigned int smm_cpu_index(const struct smm_machine *m, int cpu)
{
	unsigned int c = cpu;

	return likely(c < m->nr_cpus) ? c : c % m->nr_cpus;
}

/*
 * pindex_to_order(): the order of pcp list @pindex (low orders by type,
 * then the one THP list).
 */
static inline unsigned int smm_pindex_to_order(unsigned int pindex)
{
	if (pindex == SMM_NR_LOWORDER_PCP_LISTS)
		return SMM_PAGEBLOCK_ORDER;
	return pindex / SMM_MIGRATE_PCPTYPES;
}

/*
 * Is @page an entry of some node's memory map (a caller's pointer, or a
 * list entry about to be followed)? Its pfn in *@pfn when it is and @pfn
 * is not NULL.
 */
static inline bool smm_page_in_memmap(struct smm_machine *m,
				      const struct smm_page *page,
				      unsigned long *pfn)
{
	uintptr_t p = (uintptr_t)page;
	int i;

	if (unlikely(m->sparse.mem_section))
		return smm_sparse_page_in_memmap(&m->sparse, page, pfn);
	/*
	 * FLATMEM's memmap_size is the whole map's, [memmap_start_pfn,
	 * memmap_end_pfn), and 0 for a node without one: one unsigned
	 * compare of the offset is the range check.
	 */
	for (i = 0; i < m->nr_nodes; i++) {
		const struct smm_pglist_data *pgdat =
			smm_pgdat(m, m->node_ids[i]);
		uintptr_t map = (uintptr_t)pgdat->node_mem_map -
				(pgdat->node_start_pfn -
				 pgdat->memmap_start_pfn) *
				sizeof(struct smm_page);
		uintptr_t off = p - map;

		if (off >= pgdat->memmap_size ||
		    off % sizeof(struct smm_page))
			continue;
		if (pfn)
			*pfn = pgdat->memmap_start_pfn +
			       off / sizeof(struct smm_page);
		return true;
	}
	return false;
}

/* ---- what the views share (mm/vmstat.c, src/views.c, src/check.c) ---- */

static inline const char *smm_mt_name(int mt)
{
	if (mt < 0 || mt >= SMM_MIGRATE_TYPES)
		return "?";
	return smm_migratetype_names[mt];
}

static inline const char *smm_zid_name(int zid)
{
	if (zid < 0 || zid >= SMM_MAX_NR_ZONES)
		return "?";
	return smm_zone_names[zid];
}

/*
 * No buddy allocator (upto=memmap, or torn down): the zones are not set
 * up and the views have nothing to show. The allocator's own test.
 */
static inline bool smm_no_buddy(const struct smm_machine *m)
{
	return !m->events;
}

/* The @i-th shadow node's pgdat, in node id order. */
static inline struct smm_pglist_data *smm_nth_pgdat(struct smm_machine *m,
						    int i)
{
	return &m->node_data[m->node_ids[i]];
}

typedef void (*smm_zone_print_fn)(struct smm_machine *m,
				  struct smm_pglist_data *pgdat,
				  struct smm_zone *zone, smm_emit_fn emit,
				  void *ctx);

/*
 * Every node's zones (populated ones only, or all), each printed with its
 * zone->lock held. Nothing without a buddy allocator.
 */
void smm_walk_zones(struct smm_machine *m, bool populated,
		    smm_zone_print_fn print, smm_emit_fn emit, void *ctx);

/* The sum of every CPU's counters (kfree it), or NULL and a line saying so. */
struct smm_vm_events *smm_events_snapshot(struct smm_machine *m,
					  smm_emit_fn emit, void *ctx);

#endif /* _SHADOWMM_MM_INTERNAL_H */
