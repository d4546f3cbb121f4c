// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated boot: what an architecture's setup code and the generic
 * free_area_init() do with memblock before the buddy allocator exists.
 *
 * The order follows x86's setup_arch(): the early reservations (firmware
 * area at the bottom of memory, the kernel image, the initrd the boot
 * loader put high) are made first, then memblock may resize its arrays, then
 * every memory bank is added with its node, and each node's memory map is
 * carved out of memblock (seed 000: memmap_alloc() ->
 * memblock_alloc_try_nid_raw()). Unless upto=memmap, the zones are laid
 * over the map, memblock hands every free range to the buddy allocator
 * and the zonelists are built (src/mm_init.c).
 */
#include "shadowmm/machine.h"
#include "shadowmm/trace.h"

#define SMM_KERNEL_ALIGN	(2UL << 20)	/* x86 CONFIG_PHYSICAL_ALIGN */

static phys_addr_t chunk_base(const struct smm_region_chunk *c)
{
	return PFN_PHYS(c->start_pfn);
}

static phys_addr_t chunk_end(const struct smm_region_chunk *c)
{
	return PFN_PHYS(c->start_pfn + c->nr_pages);
}

/* Backends hand chunks over in allocation order; boot wants them by address. */
static void smm_region_sort(struct smm_region *r)
{
	unsigned int i, j;

	for (i = 1; i < r->nr_chunks; i++) {
		struct smm_region_chunk c = r->chunks[i];

		for (j = i; j > 0 && r->chunks[j - 1].start_pfn > c.start_pfn; j--)
			r->chunks[j] = r->chunks[j - 1];
		r->chunks[j] = c;
	}
}

static bool ranges_overlap(phys_addr_t b1, phys_addr_t s1, phys_addr_t b2,
			   phys_addr_t s2)
{
	return s1 && s2 && b1 < b2 + s2 && b2 < b1 + s1;
}

static bool overlaps_placed(const struct smm_machine *m, phys_addr_t base,
			    phys_addr_t size)
{
	int i;

	for (i = 0; i < SMM_NR_RES; i++)
		if (ranges_overlap(base, size, m->res[i].base, m->res[i].size))
			return true;
	return false;
}

/* Lowest @align-aligned place for @size bytes above @floor inside a chunk. */
static int place_low(const struct smm_machine *m, phys_addr_t floor,
		     phys_addr_t size, phys_addr_t align, phys_addr_t *out)
{
	unsigned int i;

	for (i = 0; i < m->region.nr_chunks; i++) {
		const struct smm_region_chunk *c = &m->region.chunks[i];
		phys_addr_t cand = ALIGN(max(chunk_base(c), floor), align);

		if (cand + size <= chunk_end(c) && !overlaps_placed(m, cand, size)) {
			*out = cand;
			return 0;
		}
	}
	return -ENOMEM;
}

/*
 * Highest page-aligned place for @size bytes inside a chunk: from the top
 * of each chunk down, below any reservation already placed in the way.
 */
static int place_high(const struct smm_machine *m, phys_addr_t size,
		      phys_addr_t *out)
{
	unsigned int i;
	int r;

	for (i = m->region.nr_chunks; i-- > 0;) {
		const struct smm_region_chunk *c = &m->region.chunks[i];
		phys_addr_t cand;

		if (PFN_PHYS(c->nr_pages) < size)
			continue;
		cand = ALIGN_DOWN(chunk_end(c) - size, PAGE_SIZE);
		for (;;) {
			for (r = 0; r < SMM_NR_RES; r++)
				if (ranges_overlap(cand, size, m->res[r].base,
						   m->res[r].size))
					break;
			if (r == SMM_NR_RES) {
				*out = cand;
				return 0;
			}
			/* is there room between the chunk's base and res[r]? */
			if (m->res[r].base < chunk_base(c) ||
			    m->res[r].base - chunk_base(c) < size)
				break;
			cand = ALIGN_DOWN(m->res[r].base - size, PAGE_SIZE);
		}
	}
	return -ENOMEM;
}

static const char *const smm_res_names[SMM_NR_RES] = {
	[SMM_RES_FIRMWARE] = "firmware",
	[SMM_RES_KERNEL] = "kernel",
	[SMM_RES_INITRD] = "initrd",
};

static int smm_boot_reserve_one(struct smm_machine *m, enum smm_boot_res which,
				phys_addr_t size, smm_log_fn log, void *ctx)
{
	struct smm_boot_reservation *res = &m->res[which];
	phys_addr_t lowest = chunk_base(&m->region.chunks[0]);
	phys_addr_t base;
	int ret;

	res->name = smm_res_names[which];
	res->base = 0;
	res->size = 0;
	if (!size)
		return 0;

	switch (which) {
	case SMM_RES_FIRMWARE:
		/* Firmware owns the very bottom of memory, as on a PC. */
		base = lowest;
		ret = size <= PFN_PHYS(m->region.chunks[0].nr_pages) ? 0 : -ENOMEM;
		break;
	case SMM_RES_KERNEL:
		/* The first 2M-aligned place above the firmware. */
		ret = place_low(m, lowest + m->res[SMM_RES_FIRMWARE].size, size,
				SMM_KERNEL_ALIGN, &base);
		break;
	default:
		/* Boot loaders put the initrd as high as they can. */
		ret = place_high(m, size, &base);
		break;
	}
	if (ret) {
		log(ctx, "boot: %s_size=%llu does not fit in the region\n",
		    res->name, (unsigned long long)size);
		return ret;
	}

	ret = smm_memblock_reserve(&m->memblock, base, size);
	if (ret)
		return ret;
	res->base = base;
	res->size = size;
	log(ctx, "boot: reserved %s [0x%016llx-0x%016llx]\n", res->name,
	    (unsigned long long)base, (unsigned long long)(base + size - 1));
	return 0;
}

/* A CPU of real node @real is on shadow node @nid (the first one wins). */
static void smm_boot_map_real_node(struct smm_machine *m, int real, int nid)
{
	if (real >= 0 && real < SMM_MAX_NUMNODES && !m->shadow_of_real[real])
		m->shadow_of_real[real] = nid + 1;
}

/*
 * nodes=N, as numa=fake=N splits memory: the region in address order cut
 * into N slices of the same size, in whole pageblocks (the last slice
 * takes what is left); slice k is shadow node k, whichever real node its
 * memory is on. A real node's CPUs belong to the first slice of its memory.
 */
static int smm_boot_add_fake_banks(struct smm_machine *m, smm_log_fn log,
				   void *ctx)
{
	unsigned int i, n = m->cfg.fake_nodes;
	unsigned long total = 0, slice, off = 0;
	int ret;

	for (i = 0; i < m->region.nr_chunks; i++)
		total += m->region.chunks[i].nr_pages;
	slice = ALIGN_DOWN(total / n, SMM_PAGEBLOCK_NR_PAGES);
	if (n > SMM_MAX_NUMNODES || slice < SMM_MAX_ORDER_NR_PAGES) {
		log(ctx, "boot: nodes=%u: %lu pages make no %u nodes of %lu pages or more\n",
		    n, total, n, SMM_MAX_ORDER_NR_PAGES);
		return -EINVAL;
	}
	for (i = 0; i < m->region.nr_chunks; i++) {
		const struct smm_region_chunk *c = &m->region.chunks[i];
		unsigned long pfn = c->start_pfn, left = c->nr_pages;

		while (left) {
			int nid = min_t(unsigned long, off / slice, n - 1);
			unsigned long len = left;

			if (nid < (int)n - 1)
				len = min(left, (nid + 1) * slice - off);
			ret = smm_memblock_add_node(&m->memblock, PFN_PHYS(pfn),
						    PFN_PHYS(len), nid,
						    SMM_MEMBLOCK_NONE);
			if (ret) {
				log(ctx, "boot: memblock_add_node of chunk %u failed: %d\n",
				    i, ret);
				return ret;
			}
			smm_boot_map_real_node(m, c->nid, nid);
			pfn += len;
			off += len;
			left -= len;
		}
	}
	return 0;
}

static int smm_boot_add_banks(struct smm_machine *m, smm_log_fn log, void *ctx)
{
	unsigned int i;
	int ret;

	if (m->cfg.fake_nodes)
		return smm_boot_add_fake_banks(m, log, ctx);
	for (i = 0; i < m->region.nr_chunks; i++) {
		const struct smm_region_chunk *c = &m->region.chunks[i];

		/* Shadow node ids are real node ids, and the shadow has fewer. */
		if (c->nid < 0 || c->nid >= SMM_MAX_NUMNODES) {
			log(ctx, "boot: chunk %u is on node %d; the shadow has nodes 0-%d\n",
			    i, c->nid, SMM_MAX_NUMNODES - 1);
			return -ERANGE;
		}
		ret = smm_memblock_add_node(&m->memblock, chunk_base(c),
					    PFN_PHYS(c->nr_pages), c->nid,
					    SMM_MEMBLOCK_NONE);
		if (ret) {
			log(ctx, "boot: memblock_add_node of chunk %u failed: %d\n",
			    i, ret);
			return ret;
		}
		smm_boot_map_real_node(m, c->nid, c->nid);
	}
	return 0;
}

static void smm_boot_collect_nodes(struct smm_machine *m)
{
	struct smm_memblock_region *r;
	bool seen[SMM_MAX_NUMNODES] = { false };
	int nid;

	smm_for_each_memblock_type(&m->memblock.memory, r)
		if (r->size && r->nid >= 0 && r->nid < SMM_MAX_NUMNODES)
			seen[r->nid] = true;

	m->nr_nodes = 0;
	for (nid = 0; nid < SMM_MAX_NUMNODES; nid++)
		if (seen[nid])
			m->node_ids[m->nr_nodes++] = nid;
}

/* /proc/zoneinfo's numbers of a populated zone, on one line. */
static void smm_boot_log_zone(const struct smm_zone *z, smm_log_fn log,
			      void *ctx)
{
	log(ctx,
	    "zones: node %d %s: spanned %lu present %lu managed %lu min/low/high %lu/%lu/%lu\n",
	    z->node, z->name, z->spanned_pages, z->present_pages,
	    z->managed_pages, z->_watermark[SMM_WMARK_MIN],
	    z->_watermark[SMM_WMARK_LOW], z->_watermark[SMM_WMARK_HIGH]);
}

static void smm_boot_log_zones(struct smm_machine *m, smm_log_fn log,
			       void *ctx)
{
	int i, zid;

	for (i = 0; i < m->nr_nodes; i++) {
		struct smm_zone *zones = m->node_data[m->node_ids[i]].node_zones;

		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++)
			if (smm_populated_zone(&zones[zid]))
				smm_boot_log_zone(&zones[zid], log, ctx);
	}
}

/*
 * Pipeline step 8: kmem_cache_init() (mm_core_init() in v6.1's
 * start_kernel(), right after mem_init()), traced and logged with what
 * the bootstrap left: the two boot caches and the kmalloc caches.
 */
static int smm_boot_slab(struct smm_machine *m, smm_log_fn log, void *ctx)
{
	struct smm_kmem_cache *s;
	unsigned int caches = 0;
	int ret;

	ret = smm_kmem_cache_init(m);
	if (ret) {
		log(ctx, "slab: kmem_cache_init failed: %d\n", ret);
		return ret;
	}
	/* memblock_alloc*() from now on: slab_is_available() */
	m->memblock.late_kzalloc_node = smm_slab_memblock_kzalloc;
	m->memblock.late_owner = m;
	list_for_each_entry(s, &m->slab->caches, list)
		caches++;
	trace_slab_state(m->slab->state, caches);
	s = m->slab->kmem_cache;
	log(ctx,
	    "slab: state FULL, %u caches; kmem_cache %u bytes, order %u, %u a slab; min_objects %u\n",
	    caches, s->size, smm_oo_order(s->oo), smm_oo_objects(s->oo),
	    m->slab->min_objects);
	return 0;
}

/*
 * Pipeline steps 4 to 6, in the kernel's boot order: the zones over the
 * memory map (free_area_init() in setup_arch()), the zonelists
 * (build_all_zonelists()), every free memblock range into the buddy
 * allocator (mem_init() -> memblock_free_all(): memblock's job ends
 * here), then what needs the managed counts: the pagesets
 * (setup_per_cpu_pageset()) and the watermarks (the
 * init_per_zone_wmark_min() initcall).
 */
static int smm_boot_buddy(struct smm_machine *m, smm_log_fn log, void *ctx)
{
	unsigned long pages;
	int ret;

	if (!m->nr_cpus)
		m->nr_cpus = smm_nr_cpu_ids();
	ret = smm_free_area_init(m);
	if (ret) {
		log(ctx, "zones: no memory for the zone structures\n");
		return ret;
	}
	smm_build_all_zonelists(m);
	pages = smm_memblock_free_all(m);
	smm_setup_per_cpu_pageset(m);
	smm_init_per_zone_wmark_min(m);
	smm_boot_log_zones(m, log, ctx);
	log(ctx, "free_all: %lu pages\n", pages);
	if (!m->cfg.slab)
		return 0;
	return smm_boot_slab(m, log, ctx);
}

void smm_machine_teardown(struct smm_machine *m)
{
	/* ctl's held allocations name pages of the buddy going away */
	smm_held_forget(m);
	smm_held_slab_forget(m);
	smm_slab_teardown(m);
	smm_page_alloc_teardown(m);
	smm_memblock_destroy(&m->memblock);
	smm_sparse_teardown(m);
	memset(m->res, 0, sizeof(m->res));
	memset(m->node_data, 0, sizeof(m->node_data));
	memset(m->shadow_of_real, 0, sizeof(m->shadow_of_real));
	m->nr_nodes = 0;
	m->booted = false;
}

int smm_boot(struct smm_machine *m, smm_log_fn log, void *ctx)
{
	static const enum smm_boot_res order[] = {
		SMM_RES_FIRMWARE, SMM_RES_KERNEL, SMM_RES_INITRD,
	};
	const phys_addr_t sizes[SMM_NR_RES] = {
		[SMM_RES_FIRMWARE] = m->cfg.firmware_size,
		[SMM_RES_KERNEL] = m->cfg.kernel_size,
		[SMM_RES_INITRD] = m->cfg.initrd_size,
	};
	unsigned int i;
	int ret;

	if (!m->region.nr_chunks) {
		log(ctx, "boot: the region has no memory\n");
		smm_machine_teardown(m);
		return -EINVAL;
	}
	smm_region_sort(&m->region);
	memset(m->res, 0, sizeof(m->res));
	smm_memblock_init(&m->memblock);

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		ret = smm_boot_reserve_one(m, order[i], sizes[order[i]], log, ctx);
		if (ret)
			goto fail;
	}

	smm_memblock_allow_resize(&m->memblock);

	ret = smm_boot_add_banks(m, log, ctx);
	if (ret)
		goto fail;

	smm_boot_collect_nodes(m);
	for (i = 0; i < (unsigned int)m->nr_nodes; i++) {
		ret = smm_alloc_node_mem_map(m, m->node_ids[i], log, ctx);
		if (ret)
			goto fail;
	}
	ret = smm_sparse_init(m, log, ctx);
	if (ret)
		goto fail;
	/* upto=memmap: memblock stays in charge, no buddy allocator. */
	if (m->cfg.upto == SMM_UPTO_MEMMAP)
		goto done;

	ret = smm_boot_buddy(m, log, ctx);
	if (ret)
		goto fail;
done:
	m->booted = true;
	return 0;

fail:
	smm_machine_teardown(m);
	return ret;
}
