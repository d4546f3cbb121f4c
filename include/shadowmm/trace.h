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
struct smm_rmqueue_rec;

#ifdef __KERNEL__
#include <trace/events/shadowmm.h>
#include <trace/events/shadowmm_kmem.h>
#else
void trace_memblock_add(phys_addr_t base, phys_addr_t size, int nid,
			unsigned int flags);
void trace_memblock_reserve(phys_addr_t base, phys_addr_t size);
void trace_memblock_alloc(const struct smm_memblock_alloc_info *info);
void trace_memblock_free(phys_addr_t base, phys_addr_t size);

/* Stage 2; pfn ~0UL means "none" (a failed allocation). */
void trace_alloc_pages(unsigned int gfp, unsigned int order, int nid,
		       unsigned long pfn);
void trace_rmqueue(const struct smm_rmqueue_rec *rec);
void trace_rmqueue_bulk(int nid, int zone, unsigned int order,
			int migratetype, int count, int allocated);
void trace_pcp_drain(int nid, int zone, int cpu, int count);
void trace_fallback(unsigned long pfn, unsigned int alloc_order,
		    int fallback_order, int alloc_migratetype,
		    int fallback_migratetype, int change_ownership);
void trace_free_one_page(unsigned long pfn, unsigned int order,
			 unsigned int merged_order, int migratetype);
void trace_watermark_fail(int nid, int zone, unsigned int order,
			  unsigned long mark, unsigned long free,
			  unsigned int alloc_flags);
void trace_free_all(int nid, int zone, unsigned long pages);
void trace_zonelist_fallback(int preferred_nid, int preferred_zone, int nid,
			     int zone, unsigned int order, int reason);

/* Stage 3: the slab layer (phys 0: a failed allocation) */
void trace_kmem_cache_alloc(const char *name, u64 phys, size_t bytes_req,
			    size_t bytes_alloc, unsigned int gfp_flags,
			    int node);
void trace_kmalloc(const char *name, u64 phys, size_t bytes_req,
		   size_t bytes_alloc, unsigned int gfp_flags, int node);
void trace_kmem_cache_free(const char *name, u64 phys);
void trace_kfree(const char *name, u64 phys);
void trace_allocate_slab(const char *name, unsigned int order,
			 unsigned int got, unsigned int objects, int nid);
void trace_slab_state(int state, unsigned int caches);

/*
 * The kmem-named events (trace/events/shadowmm_kmem.h); pfn ~0UL: a
 * failed allocation.
 */
void trace_mm_page_alloc(unsigned long pfn, unsigned int order,
			 unsigned int gfp_flags, int migratetype);
void trace_mm_page_free(unsigned long pfn, unsigned int order);
void trace_mm_page_free_batched(unsigned long pfn);
void trace_mm_page_alloc_zone_locked(unsigned long pfn, unsigned int order,
				     int migratetype, int percpu_refill);
void trace_mm_page_pcpu_drain(unsigned long pfn, unsigned int order,
			      int migratetype);
void trace_mm_page_alloc_extfrag(unsigned long pfn, int alloc_order,
				 int fallback_order, int alloc_migratetype,
				 int fallback_migratetype,
				 int change_ownership);

/*
 * trace_<event>_enabled(), the module's static-key test: the hot path
 * computes what only an event needs (a pfn, a record) behind it. On the
 * host every event records unless the unit bench turns smm_trace_on off,
 * as a tracepoint nobody attached is off.
 */
extern bool smm_trace_on;
#define trace_rmqueue_enabled()		READ_ONCE(smm_trace_on)
/* alloc_pages or mm_page_alloc (the module's key: kernel/trace_alloc_key.h) */
#define smm_trace_alloc_enabled()	READ_ONCE(smm_trace_on)
#define trace_mm_page_free_enabled()	READ_ONCE(smm_trace_on)
#define trace_mm_page_alloc_zone_locked_enabled() READ_ONCE(smm_trace_on)
#define trace_mm_page_alloc_extfrag_enabled() READ_ONCE(smm_trace_on)
#endif

#endif /* _SHADOWMM_TRACE_H */
