/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the host kernels shadowmm builds against (6.1 and
 * 6.12), in one place. Only the kernel glue includes this; the shadow's own
 * limits (SMM_MAX_ORDER ...) never depend on the host's.
 */
#ifndef _SHADOWMM_HOST_COMPAT_H
#define _SHADOWMM_HOST_COMPAT_H

#include <linux/mmzone.h>

/* The largest order alloc_pages() accepts: 6.4 renamed and rebased it. */
#ifdef MAX_PAGE_ORDER
#define SMM_HOST_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#else
#define SMM_HOST_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

#endif /* _SHADOWMM_HOST_COMPAT_H */
