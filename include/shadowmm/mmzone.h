/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow struct page and per-node data (include/linux/mm_types.h and
 * include/linux/mmzone.h in the kernel), as far as the pipeline has got.
 */
#ifndef _SHADOWMM_MMZONE_H
#define _SHADOWMM_MMZONE_H

#include "compat.h"

/*
 * Laid out like the kernel's 64-byte struct page on x86_64 so that the
 * memory map costs what the real one costs: pages x 64 bytes.
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

/* The kernel's PAGE_POISON_PATTERN, written over a fresh memory map. */
#define SMM_PAGE_POISON_PATTERN	0xff

struct smm_pglist_data {
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	/* The page of node_start_pfn; the map itself starts memmap_start_pfn. */
	struct smm_page *node_mem_map;
	unsigned long memmap_start_pfn;
	unsigned long memmap_end_pfn;
	phys_addr_t memmap_base;
	phys_addr_t memmap_size;
};

#endif /* _SHADOWMM_MMZONE_H */
