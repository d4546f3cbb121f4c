/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow struct page, zones and per-node data (include/linux/mm_types.h,
 * include/linux/mmzone.h and include/linux/pageblock-flags.h of v6.1).
 */
#ifndef _SHADOWMM_MMZONE_H
#define _SHADOWMM_MMZONE_H

#include "compat.h"

/* The shadow's own order limit (orders 0..SMM_MAX_ORDER - 1), not the host's. */
#define SMM_MAX_ORDER			11
#define SMM_MAX_ORDER_NR_PAGES		BIT(SMM_MAX_ORDER - 1)
#define SMM_PAGEBLOCK_ORDER		9
#define SMM_PAGEBLOCK_NR_PAGES		BIT(SMM_PAGEBLOCK_ORDER)
#define SMM_PAGE_ALLOC_COSTLY_ORDER	3

enum smm_migratetype {
	SMM_MIGRATE_UNMOVABLE,
	SMM_MIGRATE_MOVABLE,
	SMM_MIGRATE_RECLAIMABLE,
	SMM_MIGRATE_PCPTYPES,	/* the number of types on the pcp lists */
	SMM_MIGRATE_HIGHATOMIC = SMM_MIGRATE_PCPTYPES,
	SMM_MIGRATE_CMA,
	SMM_MIGRATE_ISOLATE,	/* can't allocate from here */
	SMM_MIGRATE_TYPES
};

/* Names as /proc/pagetypeinfo prints them. */
extern const char *const smm_migratetype_names[SMM_MIGRATE_TYPES];

enum smm_zone_type {
	SMM_ZONE_DMA,
	SMM_ZONE_DMA32,
	SMM_ZONE_NORMAL,
	SMM_ZONE_MOVABLE,
	SMM_MAX_NR_ZONES
};

extern const char *const smm_zone_names[SMM_MAX_NR_ZONES];

enum smm_zone_watermarks {
	SMM_WMARK_MIN,
	SMM_WMARK_LOW,
	SMM_WMARK_HIGH,
	SMM_NR_WMARK
};

/*
 * One pcp list per migratetype for each order up to COSTLY, plus one for
 * pageblock_order (THP-sized) blocks, as in v6.1.
 */
#define SMM_NR_PCP_THP		1
#define SMM_NR_LOWORDER_PCP_LISTS \
	(SMM_MIGRATE_PCPTYPES * (SMM_PAGE_ALLOC_COSTLY_ORDER + 1))
#define SMM_NR_PCP_LISTS	(SMM_NR_LOWORDER_PCP_LISTS + SMM_NR_PCP_THP)

/*
 * Laid out like the kernel's 64-byte struct page on x86_64 so that the
 * memory map costs what the real one costs: pages x 64 bytes.
 *
 * flags: SMM_PG_* bits low, then zone and node ids high (the kernel's
 * page->flags layout, simplified). private: the buddy order while
 * PageBuddy, the pcp order while on a pcp list (as v6.1's
 * set_pcppage_migratetype keeps the migratetype in index).
 */
struct smm_page {
	unsigned long flags;
	struct list_head lru;
	void *mapping;
	unsigned long index;
	unsigned long private;
	int _mapcount;
	int _refcount;
	unsigned long memcg_data;
};

enum smm_pageflags {
	SMM_PG_buddy,		/* free, on a buddy free list (page_type in 6.1) */
	SMM_PG_reserved,	/* never handed to the buddy allocator */
	SMM_PG_pcp,		/* free, on a per-cpu list */
	SMM_PG_head,		/* first page of an allocated block */
	SMM_PG_verify,		/* holds a verify tag (verify=1) */
	/*
	 * part of a MOVABLE allocation: what PageLRU() says of a page its
	 * user put on an LRU list, counted by move_freepages_block()
	 */
	SMM_PG_lru,
	/*
	 * the head of a slab: the page is struct smm_slab (slab.h) until the
	 * slab goes back; tails point at it (compound_head, lru.next | 1)
	 */
	SMM_PG_slab,
	SMM_NR_PAGEFLAGS
};

#define SMM_PAGE_ZONE_SHIFT	8
#define SMM_PAGE_ZONE_MASK	0x3UL
#define SMM_PAGE_NODE_SHIFT	16
#define SMM_PAGE_NODE_MASK	0xffUL

/* The kernel's PAGE_POISON_PATTERN, written over a fresh memory map. */
#define SMM_PAGE_POISON_PATTERN	0xff

struct smm_free_area {
	struct list_head free_list[SMM_MIGRATE_TYPES];
	unsigned long nr_free;
};

/*
 * The kernel keeps these in per-cpu memory; the shadow keeps a zone's in
 * one array, each on cache lines of its own so that two CPUs working on
 * their own lists never share a line.
 */
struct smm_per_cpu_pages {
	smm_spinlock_t lock;	/* protects lists and count */
	int count;		/* pages on the lists */
	int high;		/* above this, free_pcppages_bulk */
	int batch;		/* chunk size for buddy add/remove */
	short free_factor;	/* batch scaling factor during free */
	struct list_head lists[SMM_NR_PCP_LISTS];
} ____cacheline_aligned_in_smp;

struct smm_pglist_data;

struct smm_zone {
	/* Read-mostly: watermarks and the reserve protecting lower zones. */
	unsigned long _watermark[SMM_NR_WMARK];
	unsigned long watermark_boost;
	long lowmem_reserve[SMM_MAX_NR_ZONES];
	int node;
	enum smm_zone_type idx;
	struct smm_pglist_data *zone_pgdat;
	/* nr_cpus of them (struct smm_machine.nr_cpus) */
	struct smm_per_cpu_pages *per_cpu_pageset;
	int pageset_high;
	int pageset_batch;

	/* 4 bits a pageblock: 3 for the migratetype, 1 spare (skip) */
	unsigned long *pageblock_flags;
	unsigned long zone_start_pfn;
	unsigned long managed_pages;
	unsigned long spanned_pages;
	unsigned long present_pages;
	const char *name;
	unsigned long nr_reserved_highatomic;

	smm_spinlock_t lock;
	struct smm_free_area free_area[SMM_MAX_ORDER];
	/* NR_FREE_PAGES: pages on the free lists (not on pcp lists). */
	long nr_free_pages;
};

static inline unsigned long smm_zone_end_pfn(const struct smm_zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

static inline bool smm_populated_zone(const struct smm_zone *zone)
{
	return zone->present_pages != 0;
}

static inline bool smm_zone_spans_pfn(const struct smm_zone *zone,
				      unsigned long pfn)
{
	return zone->zone_start_pfn <= pfn && pfn < smm_zone_end_pfn(zone);
}

static inline unsigned long smm_wmark_pages(const struct smm_zone *z,
					    enum smm_zone_watermarks w)
{
	return z->_watermark[w] + z->watermark_boost;
}

/* A zonelist entry; zonelists are built per node (build_zonelists). */
struct smm_zoneref {
	struct smm_zone *zone;
	int zone_idx;
};

enum {
	SMM_ZONELIST_FALLBACK,	/* every node, by distance */
	SMM_ZONELIST_NOFALLBACK,	/* this node only: __GFP_THISNODE */
	SMM_MAX_ZONELISTS
};

#define SMM_MAX_ZONES_PER_ZONELIST	(64 * SMM_MAX_NR_ZONES)

struct smm_zonelist {
	/* NULL-zone terminated */
	struct smm_zoneref _zonerefs[SMM_MAX_ZONES_PER_ZONELIST + 1];
};

struct smm_sparse;

struct smm_pglist_data {
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	/* The page of node_start_pfn; the map itself starts memmap_start_pfn. */
	struct smm_page *node_mem_map;
	unsigned long memmap_start_pfn;
	unsigned long memmap_end_pfn;
	/*
	 * Where the map lives; with FLATMEM memmap_size is exactly the map of
	 * [memmap_start_pfn, memmap_end_pfn), 0 for a node without one
	 * (smm_page_in_memmap() bounds a page by it).
	 */
	phys_addr_t memmap_base;
	phys_addr_t memmap_size;
	/*
	 * SPARSEMEM: the machine's section table, for lookups that have only
	 * a zone (move_freepages); NULL with FLATMEM. node_mem_map is NULL
	 * then, memmap_* give the node's sections and its one buffer.
	 */
	const struct smm_sparse *sparse;

	struct smm_zone node_zones[SMM_MAX_NR_ZONES];
	int nr_zones;		/* highest populated zone index + 1 */
	struct smm_zonelist node_zonelists[SMM_MAX_ZONELISTS];
	unsigned long totalreserve_pages;
};

#endif /* _SHADOWMM_MMZONE_H */
