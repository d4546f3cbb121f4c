/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow's gfp flags: the kernel's names and meanings (include/linux/
 * gfp_types.h, gfp.h of v6.1), the shadow's own bit values. Only what the
 * shadow allocator acts on exists.
 */
#ifndef _SHADOWMM_GFP_H
#define _SHADOWMM_GFP_H

#include "mmzone.h"

#define SMM___GFP_DMA		0x01u
#define SMM___GFP_HIGHMEM	0x02u
#define SMM___GFP_DMA32		0x04u
#define SMM___GFP_MOVABLE	0x08u
#define SMM___GFP_RECLAIMABLE	0x10u
#define SMM___GFP_HIGH		0x20u	/* may dip below the min watermark */
#define SMM___GFP_ATOMIC	0x40u	/* atomic context: see __alloc_pages_slowpath */
#define SMM___GFP_ZERO		0x100u
#define SMM___GFP_THISNODE	0x200u	/* no fallback to other nodes */
#define SMM___GFP_NOWARN	0x400u
#define SMM___GFP_DIRECT_RECLAIM 0x800u	/* may block, reclaim, compact */
#define SMM___GFP_KSWAPD_RECLAIM 0x1000u /* may wake kswapd */
/*
 * Fail rather than try hard: allocate_slab() asks for s->oo this way
 * before it falls back to s->min. The shadow's allocator never reclaims
 * or retries, so the bit changes nothing there; it is carried so that
 * traces and callers say what the kernel says.
 */
#define SMM___GFP_NORETRY	0x2000u
#define SMM___GFP_BITS		0x3fffu

#define SMM___GFP_RECLAIM	(SMM___GFP_DIRECT_RECLAIM | SMM___GFP_KSWAPD_RECLAIM)

#define SMM_GFP_ZONEMASK	(SMM___GFP_DMA | SMM___GFP_HIGHMEM | \
				 SMM___GFP_DMA32 | SMM___GFP_MOVABLE)
#define SMM_GFP_MOVABLE_MASK	(SMM___GFP_RECLAIMABLE | SMM___GFP_MOVABLE)

/*
 * The kernel's compositions, less the bits the shadow has no use for
 * (__GFP_IO, __GFP_FS, __GFP_HARDWALL): GFP_KERNEL may reclaim, so it
 * blocks; GFP_ATOMIC and GFP_NOWAIT may not.
 */
#define SMM_GFP_KERNEL		SMM___GFP_RECLAIM
#define SMM_GFP_ATOMIC		(SMM___GFP_HIGH | SMM___GFP_ATOMIC | \
				 SMM___GFP_KSWAPD_RECLAIM)
#define SMM_GFP_NOWAIT		SMM___GFP_KSWAPD_RECLAIM
#define SMM_GFP_DMA		SMM___GFP_DMA
#define SMM_GFP_DMA32		SMM___GFP_DMA32
#define SMM_GFP_HIGHUSER_MOVABLE (SMM___GFP_RECLAIM | SMM___GFP_MOVABLE | \
				  SMM___GFP_HIGHMEM)

/*
 * gfp_zone(): the highest zone the request may use, or -EINVAL for a
 * combination the kernel's GFP_ZONE_BAD table rejects (e.g. DMA|DMA32).
 */
int smm_gfp_zone(unsigned int gfp);
/* gfp_migratetype(): MOVABLE, RECLAIMABLE or UNMOVABLE. */
enum smm_migratetype smm_gfp_migratetype(unsigned int gfp);

#endif /* _SHADOWMM_GFP_H */
