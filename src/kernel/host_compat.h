/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the host kernels shadowmm builds against (6.1 and
 * 6.12), in one place. Only the kernel glue includes this; the shadow's own
 * limits (SMM_MAX_ORDER ...) never depend on the host's.
 *
 * Checked against Debian's 6.1 and 6.12 headers and the same on both (no
 * entry needed): alloc_contig_range() (a macro around
 * alloc_contig_range_noprof() on 6.12, same arguments), free_contig_range(),
 * platform_device_register_simple(), dma_coerce_mask_and_coherent(),
 * dma_alloc_pages()/dma_free_pages(), debugfs_lookup() (returns a
 * reference: dput()), kthread_complete_and_exit(), migrate_disable(),
 * three-argument strscpy(), seq_file, module_param().
 */
#ifndef _SHADOWMM_HOST_COMPAT_H
#define _SHADOWMM_HOST_COMPAT_H

#include <linux/gfp.h>
#include <linux/mmzone.h>

/* The largest order alloc_pages() accepts: 6.4 renamed and rebased it. */
#ifdef MAX_PAGE_ORDER
#define SMM_HOST_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#else
#define SMM_HOST_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/* Orders of a zone's free_area[]: 6.4 renamed MAX_ORDER's meaning too. */
#ifdef NR_PAGE_ORDERS
#define SMM_HOST_NR_ORDERS	NR_PAGE_ORDERS
#else
#define SMM_HOST_NR_ORDERS	MAX_ORDER
#endif

/*
 * 6.1's __GFP_ATOMIC (ALLOC_HARDER in its allocator) is gone in 6.12,
 * where GFP_ATOMIC is __GFP_HIGH without direct reclaim: the same
 * requests.
 */
static inline bool smm_host_gfp_atomic(gfp_t gfp)
{
#ifdef __GFP_ATOMIC
	return gfp & __GFP_ATOMIC;
#else
	return (gfp & __GFP_HIGH) && !(gfp & __GFP_DIRECT_RECLAIM);
#endif
}

/*
 * The kmem page tracepoints' probes: TP_PROTO of mm_page_alloc,
 * mm_page_free and mm_page_free_batched is the same on 6.1 and 6.12
 * (include/trace/events/kmem.h), data first.
 */

#endif /* _SHADOWMM_HOST_COMPAT_H */
