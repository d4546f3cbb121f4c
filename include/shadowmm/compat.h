/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thin layer that lets the portable core build both inside the module
 * and as a userspace program on the host, the way the kernel's own
 * tools/testing/memblock builds mm/memblock.c: the core includes only this
 * header, never a kernel header directly.
 */
#ifndef _SHADOWMM_COMPAT_H
#define _SHADOWMM_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/minmax.h>
#include <linux/align.h>
#include <linux/list.h>
#include <linux/printk.h>
#include <linux/bug.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/cache.h>
#include <linux/io.h>

#define SMM_PHYS_ADDR_MAX	PHYS_ADDR_MAX

/* Shadow memory is ordinary RAM in the host's direct map. */
static inline void *smm_phys_to_virt(phys_addr_t pa)
{
	return phys_to_virt(pa);
}

static inline phys_addr_t smm_virt_to_phys(const void *va)
{
	return virt_to_phys((void *)va);
}

#else
/*
 * The host build (selftests/unit) supplies the same names from libc; its
 * shim lives with the host tests, which add their directory to the
 * include path.
 */
#include "compat_user.h"
#endif /* __KERNEL__ */

#endif /* _SHADOWMM_COMPAT_H */
