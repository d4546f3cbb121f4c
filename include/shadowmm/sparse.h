/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memory_model=sparsemem: classic SPARSEMEM (not VMEMMAP) as v6.1's
 * mm/sparse.c and include/linux/mmzone.h build it, over the shadow's
 * region (src/mm/sparse.c). FLATMEM keeps one map a node (mm_init.c).
 */
#ifndef _SHADOWMM_SPARSE_H
#define _SHADOWMM_SPARSE_H

#include "compat.h"
#include "mmzone.h"

enum smm_memory_model {
	SMM_MEMORY_MODEL_FLATMEM,
	SMM_MEMORY_MODEL_SPARSEMEM,
};

/* x86_64's SECTION_SIZE_BITS; section_size= only scales it down. */
#define SMM_SECTION_SIZE_BITS		27
#define SMM_SECTION_SIZE_MAX		BIT_ULL(SMM_SECTION_SIZE_BITS)
/* A MAX_ORDER block never straddles two sections (4 MiB). */
#define SMM_SECTION_SIZE_MIN		\
	((u64)SMM_MAX_ORDER_NR_PAGES << PAGE_SHIFT)

/*
 * The low bits of section_mem_map, as v6.1's enum (SECTION_IS_ONLINE and
 * the rest are kept in their places though the shadow never sets them);
 * the map's address above them needs 32-byte alignment, which a map of
 * 64-byte pages at a cache-line aligned address has.
 */
#define SMM_SECTION_MARKED_PRESENT	BIT(0)
#define SMM_SECTION_HAS_MEM_MAP		BIT(1)
#define SMM_SECTION_IS_ONLINE		BIT(2)
#define SMM_SECTION_IS_EARLY		BIT(3)
#define SMM_SECTION_MAP_LAST_BIT	5
#define SMM_SECTION_MAP_MASK		(~(BIT(SMM_SECTION_MAP_LAST_BIT) - 1))

/*
 * struct mem_section. nid: the node whose memblock range first touched
 * the section (memory_present()), whose buffer holds its map; the kernel
 * keeps it in section_to_node_table or the early encoding, the shadow
 * beside the map for the memmap view.
 */
struct smm_mem_section {
	unsigned long section_mem_map;
	int nid;
};

/*
 * The section table. The kernel's mem_section[] starts at pfn 0; the
 * region lies high in physical memory, so the shadow's starts at the
 * region's first section (base_nr) and ends at its last: section numbers
 * stay absolute (pfn >> pfn_section_shift), only the index is offset.
 */
struct smm_sparse {
	unsigned int pfn_section_shift;	/* PFN_SECTION_SHIFT */
	unsigned long base_nr;
	unsigned long nr_sections;
	unsigned long nr_present;
	struct smm_mem_section *mem_section;	/* NULL: FLATMEM */
};

/*
 * page->flags carries the section number (SECTION_IN_PAGE_FLAGS, as
 * classic SPARSEMEM on x86_64 does) above the node id: page_to_pfn() is
 * then one table lookup, not a search of every map by address.
 */
#define SMM_PAGE_SECTION_SHIFT	32
#define SMM_PAGE_SECTION_MASK	0xffffffffUL

static inline unsigned long smm_pages_per_section(const struct smm_sparse *sp)
{
	return 1UL << sp->pfn_section_shift;
}

static inline unsigned long smm_pfn_to_section_nr(const struct smm_sparse *sp,
						  unsigned long pfn)
{
	return pfn >> sp->pfn_section_shift;
}

static inline unsigned long smm_section_nr_to_pfn(const struct smm_sparse *sp,
						  unsigned long nr)
{
	return nr << sp->pfn_section_shift;
}

/* __nr_to_section(): NULL outside the table. */
static inline struct smm_mem_section *
smm_nr_to_section(const struct smm_sparse *sp, unsigned long nr)
{
	if (nr < sp->base_nr || nr - sp->base_nr >= sp->nr_sections)
		return NULL;
	return &sp->mem_section[nr - sp->base_nr];
}

static inline bool smm_valid_section(const struct smm_mem_section *ms)
{
	return ms && (ms->section_mem_map & SMM_SECTION_HAS_MEM_MAP);
}

/*
 * sparse_encode_mem_map(): the map minus the section's first pfn, so
 * that decoded + pfn is the page of any pfn of the section. Kept as an
 * integer, as the kernel does: the encoded pointer points nowhere.
 */
static inline unsigned long smm_sparse_encode_mem_map(const struct smm_sparse *sp,
						      struct smm_page *map,
						      unsigned long pnum)
{
	return (unsigned long)map -
	       smm_section_nr_to_pfn(sp, pnum) * sizeof(struct smm_page);
}

/* __section_mem_map_addr() */
static inline unsigned long smm_section_mem_map_addr(const struct smm_mem_section *ms)
{
	return ms->section_mem_map & SMM_SECTION_MAP_MASK;
}

/* The first page of section @ms of number @pnum. */
static inline struct smm_page *smm_section_map(const struct smm_sparse *sp,
					       const struct smm_mem_section *ms,
					       unsigned long pnum)
{
	return (struct smm_page *)(smm_section_mem_map_addr(ms) +
				   smm_section_nr_to_pfn(sp, pnum) *
				   sizeof(struct smm_page));
}

/* __pfn_to_page() of SPARSEMEM, NULL in a hole between sections. */
static inline struct smm_page *smm_sparse_pfn_to_page(const struct smm_sparse *sp,
						      unsigned long pfn)
{
	const struct smm_mem_section *ms =
		smm_nr_to_section(sp, smm_pfn_to_section_nr(sp, pfn));

	if (!smm_valid_section(ms))
		return NULL;
	return (struct smm_page *)(smm_section_mem_map_addr(ms) +
				   pfn * sizeof(struct smm_page));
}

static inline unsigned long smm_page_to_section(const struct smm_page *page)
{
	return (page->flags >> SMM_PAGE_SECTION_SHIFT) & SMM_PAGE_SECTION_MASK;
}

/* __page_to_pfn() of SPARSEMEM: through the section in page->flags. */
static inline unsigned long smm_sparse_page_to_pfn(const struct smm_sparse *sp,
						   const struct smm_page *page)
{
	const struct smm_mem_section *ms =
		&sp->mem_section[smm_page_to_section(page) - sp->base_nr];

	return ((unsigned long)page - smm_section_mem_map_addr(ms)) /
	       sizeof(struct smm_page);
}

struct smm_machine;

/*
 * section_size=: 0 (the default: x86_64's 128 MiB, scaled down to what the
 * region's node boundaries allow) or a power of two from 4 MiB to 128 MiB.
 * Returns 0, or -EINVAL with the reason in *@why.
 */
int smm_sparse_check_section_size(u64 bytes, const char **why);

/* Whether @page is an entry of a present section's map; its pfn then. */
bool smm_sparse_page_in_memmap(const struct smm_sparse *sp,
			       const struct smm_page *page, unsigned long *pfn);

#endif /* _SHADOWMM_SPARSE_H */
