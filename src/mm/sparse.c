// SPDX-License-Identifier: GPL-2.0
/*
 * memory_model=sparsemem: v6.1's mm/sparse.c, classic SPARSEMEM (not
 * VMEMMAP), over the shadow memblock. memory_present() marks every
 * section a memblock.memory range touches; sparse_init_nid() gives each
 * node one buffer, from memmap_alloc(), with a section_map_size() slice
 * for each of its present sections; sparse_init_one_section() stores the
 * slice encoded in section_mem_map. Sections without memory get no map:
 * pfn_to_page() is NULL there.
 */
#include "shadowmm/machine.h"
#include "shadowmm/sparse.h"
#include "internal.h"

/* A table beyond this many sections is a region spread too thin. */
#define SMM_MAX_SECTIONS	BIT(20)

/* MAX_DMA_ADDRESS on x86_64: sparse_buffer_init() allocates above it. */
#define SMM_SPARSE_MIN_ADDR	0x1000000ULL

int smm_sparse_check_section_size(u64 bytes, const char **why)
{
	if (!bytes)
		return 0;
	if (!is_power_of_2(bytes)) {
		*why = "not a power of two";
		return -EINVAL;
	}
	/* the buddy's page + (buddy_pfn - pfn) must stay in one map */
	if (bytes < SMM_SECTION_SIZE_MIN) {
		*why = "smaller than MAX_ORDER_NR_PAGES (4M)";
		return -EINVAL;
	}
	if (bytes > SMM_SECTION_SIZE_MAX) {
		*why = "larger than x86_64's 128M";
		return -EINVAL;
	}
	return 0;
}

/* section_map_size() of classic SPARSEMEM */
static unsigned long smm_section_map_size(const struct smm_sparse *sp)
{
	return ALIGN(sizeof(struct smm_page) * smm_pages_per_section(sp),
		     PAGE_SIZE);
}

/*
 * The kernel's 128 MiB, halved until every node's MAX_ORDER rounded span
 * is made of whole sections, down to 4 MiB: then the sections cover what
 * FLATMEM's maps cover and a node's map costs what it costs there.
 */
static unsigned int smm_sparse_auto_shift(struct smm_machine *m)
{
	unsigned int shift = SMM_SECTION_SIZE_BITS - PAGE_SHIFT;
	int i;

	for (; shift > SMM_MAX_ORDER - 1; shift--) {
		unsigned long mask = (1UL << shift) - 1;
		bool fits = true;

		for (i = 0; i < m->nr_nodes; i++) {
			const struct smm_pglist_data *p = smm_pgdat(m, m->node_ids[i]);

			if (!p->node_spanned_pages)
				continue;
			if ((p->memmap_start_pfn & mask) ||
			    (p->memmap_end_pfn & mask))
				fits = false;
		}
		if (fits)
			break;
	}
	return shift;
}

/* memory_present(): the first node to touch a section owns it. */
static void smm_memory_present(struct smm_sparse *sp, int nid,
			       unsigned long start, unsigned long end)
{
	unsigned long nr;

	for (nr = smm_pfn_to_section_nr(sp, start);
	     nr <= smm_pfn_to_section_nr(sp, end - 1); nr++) {
		struct smm_mem_section *ms = smm_nr_to_section(sp, nr);

		if (ms->section_mem_map)
			continue;
		ms->section_mem_map = SMM_SECTION_MARKED_PRESENT;
		ms->nid = nid;
		sp->nr_present++;
	}
}

/*
 * sparse_init_nid(): one buffer for the node's present sections, exact
 * node first (sparse_buffer_init()); without it each section on its own
 * from any node, as __populate_section_memmap() falls back to. The kernel
 * then drops a section it cannot back; the shadow fails the boot, as its
 * FLATMEM does for a map that does not fit.
 */
static int smm_sparse_init_nid(struct smm_machine *m, int nid, smm_log_fn log,
			       void *ctx)
{
	struct smm_sparse *sp = &m->sparse;
	struct smm_pglist_data *pgdat = smm_pgdat(m, nid);
	unsigned long msize = smm_section_map_size(sp);
	unsigned long nr, count = 0, first = 0, last = 0;
	char *buf, *next;

	for (nr = 0; nr < sp->nr_sections; nr++) {
		if (!sp->mem_section[nr].section_mem_map ||
		    sp->mem_section[nr].nid != nid)
			continue;
		if (!count++)
			first = nr;
		last = nr;
	}
	pgdat->sparse = sp;
	if (!count)
		return 0;

	buf = smm_memmap_alloc(&m->memblock, (phys_addr_t)count * msize, msize,
			       SMM_SPARSE_MIN_ADDR, nid, true);
	next = buf;
	for (nr = first; nr <= last; nr++) {
		struct smm_mem_section *ms = &sp->mem_section[nr];
		unsigned long pnum = sp->base_nr + nr;
		struct smm_page *map;

		if (!ms->section_mem_map || ms->nid != nid)
			continue;
		if (buf) {
			map = (struct smm_page *)next;
			next += msize;
		} else {
			map = smm_memmap_alloc(&m->memblock, msize, msize,
					       SMM_SPARSE_MIN_ADDR, nid, false);
		}
		if (!map) {
			log(ctx, "memmap: node %d: no room for the %lu byte map of section %lu\n",
			    nid, msize, pnum);
			return -ENOMEM;
		}
		/* sparse_init_one_section() */
		ms->section_mem_map &= ~SMM_SECTION_MAP_MASK;
		ms->section_mem_map |= smm_sparse_encode_mem_map(sp, map, pnum) |
				       SMM_SECTION_HAS_MEM_MAP |
				       SMM_SECTION_IS_EARLY;
	}
	if (buf) {
		pgdat->memmap_base = smm_virt_to_phys(buf);
		pgdat->memmap_size = (phys_addr_t)count * msize;
	}
	log(ctx, "memmap: node %d %lu sections x %lu bytes at 0x%016llx\n",
	    nid, count, msize, (unsigned long long)pgdat->memmap_base);
	return 0;
}

int smm_sparse_init(struct smm_machine *m, smm_log_fn log, void *ctx)
{
	struct smm_sparse *sp = &m->sparse;
	unsigned long lo = ~0UL, hi = 0;
	struct smm_memblock_region *r;
	const char *why;
	int i, ret;

	smm_sparse_teardown(m);
	if (m->cfg.memory_model != SMM_MEMORY_MODEL_SPARSEMEM)
		return 0;

	if (smm_sparse_check_section_size(m->cfg.section_size, &why)) {
		log(ctx, "memmap: section_size %llu: %s\n",
		    (unsigned long long)m->cfg.section_size, why);
		return -EINVAL;
	}
	if (m->cfg.section_size)
		sp->pfn_section_shift = __ffs(m->cfg.section_size) - PAGE_SHIFT;
	else
		sp->pfn_section_shift = smm_sparse_auto_shift(m);

	smm_for_each_memblock_type(&m->memblock.memory, r) {
		if (!r->size)
			continue;
		lo = min_t(unsigned long, lo, PHYS_PFN(r->base));
		hi = max_t(unsigned long, hi, PHYS_PFN(r->base + r->size));
	}
	if (lo >= hi)
		return 0;
	sp->base_nr = smm_pfn_to_section_nr(sp, lo);
	sp->nr_sections = smm_pfn_to_section_nr(sp, hi - 1) - sp->base_nr + 1;
	if (sp->nr_sections > SMM_MAX_SECTIONS) {
		log(ctx, "memmap: %lu sections of %lu pages span the region: more than %lu\n",
		    sp->nr_sections, smm_pages_per_section(sp),
		    SMM_MAX_SECTIONS);
		return -EINVAL;
	}
	sp->mem_section = kvcalloc(sp->nr_sections, sizeof(*sp->mem_section),
				   GFP_KERNEL);
	if (!sp->mem_section)
		return -ENOMEM;

	/* memblocks_present(): memblock.memory in address order */
	smm_for_each_memblock_type(&m->memblock.memory, r) {
		unsigned long s = PHYS_PFN(r->base);
		unsigned long e = PHYS_PFN(r->base + r->size);

		if (s < e)
			smm_memory_present(sp, r->nid, s, e);
	}
	log(ctx, "memmap: sparsemem: %lu of %lu sections of %lu pages present\n",
	    sp->nr_present, sp->nr_sections, smm_pages_per_section(sp));

	for (i = 0; i < m->nr_nodes; i++) {
		ret = smm_sparse_init_nid(m, m->node_ids[i], log, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

void smm_sparse_teardown(struct smm_machine *m)
{
	kvfree(m->sparse.mem_section);
	memset(&m->sparse, 0, sizeof(m->sparse));
}

bool smm_sparse_page_in_memmap(const struct smm_sparse *sp,
			       const struct smm_page *page, unsigned long *pfn)
{
	unsigned long p = (unsigned long)page, nr;
	unsigned long bytes = smm_pages_per_section(sp) *
			      sizeof(struct smm_page);

	for (nr = 0; nr < sp->nr_sections; nr++) {
		const struct smm_mem_section *ms = &sp->mem_section[nr];
		unsigned long map;

		if (!smm_valid_section(ms))
			continue;
		map = (unsigned long)smm_section_map(sp, ms, sp->base_nr + nr);
		if (p < map || p >= map + bytes ||
		    (p - map) % sizeof(struct smm_page))
			continue;
		if (pfn)
			*pfn = smm_section_nr_to_pfn(sp, sp->base_nr + nr) +
			       (p - map) / sizeof(struct smm_page);
		return true;
	}
	return false;
}
