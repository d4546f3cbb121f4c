/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints as the portable core sees them. In the module they are the
 * real tracepoints of include/trace/events/shadowmm.h; on the host they are
 * plain functions that the unit-test harness implements and records, so a
 * test can assert on what would have been traced.
 */
#ifndef _SHADOWMM_TRACE_H
#define _SHADOWMM_TRACE_H

#include "compat.h"

struct smm_memblock_alloc_info;

#ifdef __KERNEL__
#include <trace/events/shadowmm.h>
#else
void trace_memblock_add(phys_addr_t base, phys_addr_t size, int nid,
			unsigned int flags);
void trace_memblock_reserve(phys_addr_t base, phys_addr_t size);
void trace_memblock_alloc(const struct smm_memblock_alloc_info *info);
void trace_memblock_free(phys_addr_t base, phys_addr_t size);
#endif

#endif /* _SHADOWMM_TRACE_H */
