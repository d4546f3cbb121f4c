// SPDX-License-Identifier: GPL-2.0
/*
 * Region backends: how shadowmm takes real, physically contiguous memory
 * from the running kernel, per node, and gives it back.
 *
 *   cma    - CMA through the DMA API on a device we own (upstream exports no
 *            cma_* function to modules; dma-direct serves multi-page
 *            dma_alloc_pages() from dma_alloc_contiguous()).
 *   contig - alloc_contig_range() over the node's ZONE_MOVABLE (the host
 *            booted with movablecore=), scanning for windows that migrate.
 *   pages  - MAX-order alloc_pages_node() chunks; works everywhere, and the
 *            holes between chunks are real holes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/platform_device.h>
#include <linux/vmstat.h>

#include "host_compat.h"
#include "shadowmm/kernel/module.h"

enum { SMM_BACKEND_AUTO, SMM_BACKEND_CMA, SMM_BACKEND_CONTIG,
	SMM_BACKEND_PAGES, SMM_NR_BACKENDS };

const char *const smm_backend_names[SMM_NR_BACKENDS + 1] = {
	[SMM_BACKEND_AUTO] = "auto",
	[SMM_BACKEND_CMA] = "cma",
	[SMM_BACKEND_CONTIG] = "contig",
	[SMM_BACKEND_PAGES] = "pages",
};

/* The chunk size the contig and pages backends work in: one MAX-order block. */
#define SMM_CHUNK_ORDER		min(SMM_MAX_ORDER - 1, SMM_HOST_MAX_PAGE_ORDER)
#define SMM_CHUNK_PAGES		BIT(SMM_CHUNK_ORDER)

/* dma-direct quietly falls back to the buddy allocator up to this size. */
#define SMM_CMA_MIN_BYTES	(4UL << 20)

static struct platform_device *smm_cma_pdev;

int smm_backend_lookup(const char *name)
{
	int i;

	for (i = 0; i < SMM_NR_BACKENDS; i++)
		if (sysfs_streq(name, smm_backend_names[i]))
			return i;
	return -EINVAL;
}

static struct zone *movable_zone_of(int nid)
{
	struct zone *zone = &NODE_DATA(nid)->node_zones[ZONE_MOVABLE];

	return populated_zone(zone) ? zone : NULL;
}

static unsigned long node_free_pages(int nid)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		sum += zone_page_state(&NODE_DATA(nid)->node_zones[i],
				       NR_FREE_PAGES);
	return sum;
}

/*
 * The most a backend could possibly take from @nid: a request above this
 * is a bad parameter, not a transient failure.
 */
unsigned long smm_region_node_limit(int backend, int nid)
{
	struct zone *zone;

	switch (backend) {
	case SMM_BACKEND_CONTIG:
		zone = movable_zone_of(nid);
		return zone ? zone_managed_pages(zone) : 0;
	default:
		return node_free_pages(nid);
	}
}

static int region_add(struct smm_region *r, unsigned long pfn,
		      unsigned long nr_pages, unsigned int order, u64 handle)
{
	struct smm_region_chunk *c;

	if (r->nr_chunks == SMM_MAX_CHUNKS)
		return -ENOSPC;
	c = &r->chunks[r->nr_chunks++];
	c->start_pfn = pfn;
	c->nr_pages = nr_pages;
	c->nid = pfn_to_nid(pfn);
	c->order = order;
	c->handle = handle;
	return 0;
}

static int cma_device_get(void)
{
	int ret;

	if (smm_cma_pdev)
		return 0;
	smm_cma_pdev = platform_device_register_simple(KBUILD_MODNAME,
						       PLATFORM_DEVID_NONE,
						       NULL, 0);
	if (IS_ERR(smm_cma_pdev)) {
		ret = PTR_ERR(smm_cma_pdev);
		smm_cma_pdev = NULL;
		return ret;
	}
	ret = dma_coerce_mask_and_coherent(&smm_cma_pdev->dev,
					   DMA_BIT_MASK(64));
	if (ret) {
		platform_device_unregister(smm_cma_pdev);
		smm_cma_pdev = NULL;
	}
	return ret;
}

static int cma_acquire(struct smm_region *r, int nid, unsigned long nr_pages)
{
	size_t bytes = nr_pages << PAGE_SHIFT;
	struct page *page;
	dma_addr_t handle;
	int ret;

	if (!IS_ENABLED(CONFIG_CMA)) {
		pr_info("region: cma: this kernel is built without CONFIG_CMA\n");
		return -EOPNOTSUPP;
	}
	if (bytes <= SMM_CMA_MIN_BYTES) {
		/* Such a request may be served from the buddy allocator. */
		pr_err("region: cma: size must exceed 4M to come from CMA\n");
		return -EINVAL;
	}
	ret = cma_device_get();
	if (ret)
		return ret;
	set_dev_node(&smm_cma_pdev->dev, nid);
	page = dma_alloc_pages(&smm_cma_pdev->dev, bytes, &handle,
			       DMA_BIDIRECTIONAL, GFP_KERNEL | __GFP_NOWARN);
	if (!page) {
		pr_info("region: cma: no %zu bytes of CMA for node %d\n",
			bytes, nid);
		return -ENOMEM;
	}
	/* With one cma= area and no numa_cma=, every node shares it. */
	if (page_to_nid(page) != nid)
		pr_info("region: cma: node %d has no CMA area of its own: its chunk is on node %d\n",
			nid, page_to_nid(page));
	ret = region_add(r, page_to_pfn(page), nr_pages, 0, handle);
	if (ret)
		dma_free_pages(&smm_cma_pdev->dev, bytes, page, handle,
			       DMA_BIDIRECTIONAL);
	return ret;
}

static int contig_try(struct smm_region *r, unsigned long pfn,
		      unsigned long nr_pages)
{
	int ret;

	ret = alloc_contig_range(pfn, pfn + nr_pages, MIGRATE_MOVABLE,
				 GFP_KERNEL | __GFP_NOWARN);
	if (ret)
		return ret;
	ret = region_add(r, pfn, nr_pages, 0, 0);
	if (ret)
		free_contig_range(pfn, nr_pages);
	return ret;
}

/*
 * Early boot allocations can sit inside ZONE_MOVABLE (movablecore= does not
 * keep them out), so a window can fail with -EBUSY while others succeed.
 * First look for one window of the whole size, then settle for
 * chunk-sized windows.
 */
static int contig_acquire(struct smm_region *r, int nid,
			  unsigned long nr_pages)
{
	struct zone *zone = movable_zone_of(nid);
	unsigned long start, end, pfn, got = 0;

	if (!zone) {
		pr_info("region: contig: node %d has no ZONE_MOVABLE (boot with movablecore=)\n",
			nid);
		return -ENODEV;
	}
	start = ALIGN(zone->zone_start_pfn, SMM_CHUNK_PAGES);
	end = ALIGN_DOWN(zone_end_pfn(zone), SMM_CHUNK_PAGES);

	for (pfn = start; pfn + nr_pages <= end; pfn += SMM_CHUNK_PAGES)
		if (!contig_try(r, pfn, nr_pages))
			return 0;

	for (pfn = start; pfn + SMM_CHUNK_PAGES <= end && got < nr_pages;
	     pfn += SMM_CHUNK_PAGES) {
		unsigned long n = min(SMM_CHUNK_PAGES, nr_pages - got);

		if (!contig_try(r, pfn, n))
			got += n;
	}
	if (got < nr_pages) {
		pr_info("region: contig: node %d: only %lu of %lu pages migrate\n",
			nid, got, nr_pages);
		return -ENOMEM;
	}
	return 0;
}

static int pages_acquire(struct smm_region *r, int nid,
			 unsigned long nr_pages)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN |
			  __GFP_RETRY_MAYFAIL;
	unsigned long got = 0;
	int ret;

	while (got < nr_pages) {
		unsigned int order = SMM_CHUNK_ORDER;
		struct page *page;

		while ((1UL << order) > nr_pages - got)
			order--;
		page = alloc_pages_node(nid, gfp, order);
		if (!page) {
			pr_info("region: pages: node %d: order-%u allocation failed after %lu pages\n",
				nid, order, got);
			return -ENOMEM;
		}
		ret = region_add(r, page_to_pfn(page), 1UL << order, order, 0);
		if (ret) {
			__free_pages(page, order);
			return ret;
		}
		got += 1UL << order;
	}
	return 0;
}

static void chunk_release(const struct smm_region *r,
			  const struct smm_region_chunk *c)
{
	struct page *page = pfn_to_page(c->start_pfn);

	switch (smm_backend_lookup(r->backend)) {
	case SMM_BACKEND_CMA:
		dma_free_pages(&smm_cma_pdev->dev, c->nr_pages << PAGE_SHIFT,
			       page, c->handle, DMA_BIDIRECTIONAL);
		break;
	case SMM_BACKEND_CONTIG:
		free_contig_range(c->start_pfn, c->nr_pages);
		break;
	case SMM_BACKEND_PAGES:
		__free_pages(page, c->order);
		break;
	}
}

void smm_region_release(struct smm_region *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_chunks; i++)
		chunk_release(r, &r->chunks[i]);
	r->nr_chunks = 0;
	if (smm_cma_pdev) {
		platform_device_unregister(smm_cma_pdev);
		smm_cma_pdev = NULL;
	}
}

static int backend_acquire(struct smm_region *r, int backend,
			   unsigned long pages_per_node)
{
	static int (*const acquire[SMM_NR_BACKENDS])(struct smm_region *, int,
						     unsigned long) = {
		[SMM_BACKEND_CMA] = cma_acquire,
		[SMM_BACKEND_CONTIG] = contig_acquire,
		[SMM_BACKEND_PAGES] = pages_acquire,
	};
	unsigned int i;
	int nid, ret;

	r->backend = smm_backend_names[backend];
	r->nr_chunks = 0;
	for_each_node_state(nid, N_MEMORY) {
		ret = acquire[backend](r, nid, pages_per_node);
		if (ret) {
			smm_region_release(r);
			return ret;
		}
	}
	for (i = 0; i < r->nr_chunks; i++)
		pr_info("region: %s chunk %u: pfn [0x%lx-0x%lx) %lu pages node %d\n",
			r->backend, i, r->chunks[i].start_pfn,
			r->chunks[i].start_pfn + r->chunks[i].nr_pages,
			r->chunks[i].nr_pages, r->chunks[i].nid);
	return 0;
}

/* auto: the first backend that works, in DESIGN.md's order. */
int smm_region_acquire(struct smm_region *r, int backend,
		       unsigned long pages_per_node)
{
	int ret = -ENODEV;

	if (backend != SMM_BACKEND_AUTO)
		return backend_acquire(r, backend, pages_per_node);

	for (backend = SMM_BACKEND_CMA; backend < SMM_NR_BACKENDS; backend++) {
		ret = backend_acquire(r, backend, pages_per_node);
		if (!ret)
			return 0;
		pr_info("region: auto: %s failed (%d), trying the next backend\n",
			smm_backend_names[backend], ret);
	}
	return ret;
}
