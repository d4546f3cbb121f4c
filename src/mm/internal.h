/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What src/mm_init.c and src/page_alloc.c share and nobody else should
 * use: page flag helpers, pageblock bits, the pcp list index and the
 * freeing entry point memblock_free_all needs (the kernel keeps the same
 * things in mm/internal.h and include/linux/page-flags.h).
 */
#ifndef _SHADOWMM_SRC_INTERNAL_H
#define _SHADOWMM_SRC_INTERNAL_H

#include "shadowmm/machine.h"

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

static inline struct smm_pglist_data *smm_pgdat(struct smm_machine *m, int nid)
{
	return &m->node_data[nid];
}

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

/* The CPU a caller pinned with smm_get_cpu(), as an index for m's arrays. */
unsigned int smm_cpu_index(const struct smm_machine *m, int cpu);

#endif /* _SHADOWMM_SRC_INTERNAL_H */
