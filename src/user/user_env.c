// SPDX-License-Identifier: GPL-2.0
/*
 * What the portable core needs from a userspace program that is not the
 * unit-test harness (shadowmm-replay, the fuzz target): the "physical
 * memory" arena and CPU variables compat_user.h declares, and the core's
 * tracepoints as functions that record nothing.
 */
#include "shadowmm/trace.h"

/* What compat_user.h leaves to the program: the arena and the CPUs. */
unsigned char *smm_uarena;
__thread int smm_ucpu;
unsigned int smm_unr_cpus = 2;
int smm_unode;
int smm_ucpu_node[SMM_UMAX_CPUS] = { [0 ... SMM_UMAX_CPUS - 1] = -1 };
/* the host tests' race hooks (compat_user.h): none here */
void (*smm_ulock_hook)(struct smm_spinlock *l);
void (*smm_urmb_hook)(void);
/* long commands' scheduling points and fatal signals (compat_user.h) */
unsigned long smm_uresched_count;
bool (*smm_ufatal_hook)(void);

/* The core's tracepoints: nothing to record here, as if unattached. */
bool smm_trace_on;

void trace_memblock_add(phys_addr_t base, phys_addr_t size, int nid,
			unsigned int flags)
{
}

void trace_memblock_reserve(phys_addr_t base, phys_addr_t size)
{
}

void trace_memblock_alloc(const struct smm_memblock_alloc_info *info)
{
}

void trace_memblock_free(phys_addr_t base, phys_addr_t size)
{
}

void trace_alloc_pages(unsigned int gfp, unsigned int order, int nid,
		       unsigned long pfn)
{
}

void trace_rmqueue(const struct smm_rmqueue_rec *rec)
{
}

void trace_rmqueue_bulk(int nid, int zone, unsigned int order,
			int migratetype, int count, int allocated)
{
}

void trace_pcp_drain(int nid, int zone, int cpu, int count)
{
}

void trace_fallback(unsigned long pfn, unsigned int alloc_order,
		    int fallback_order, int alloc_migratetype,
		    int fallback_migratetype, int change_ownership)
{
}

void trace_free_one_page(unsigned long pfn, unsigned int order,
			 unsigned int merged_order, int migratetype)
{
}

void trace_watermark_fail(int nid, int zone, unsigned int order,
			  unsigned long mark, unsigned long free,
			  unsigned int alloc_flags)
{
}

void trace_free_all(int nid, int zone, unsigned long pages)
{
}

void trace_zonelist_fallback(int preferred_nid, int preferred_zone, int nid,
			     int zone, unsigned int order, int reason)
{
}

void trace_kmem_cache_alloc(const char *name, u64 phys, size_t bytes_req,
			    size_t bytes_alloc, unsigned int gfp_flags,
			    int node)
{
}

void trace_kmalloc(const char *name, u64 phys, size_t bytes_req,
		   size_t bytes_alloc, unsigned int gfp_flags, int node)
{
}

void trace_kmem_cache_free(const char *name, u64 phys)
{
}

void trace_kfree(const char *name, u64 phys)
{
}

void trace_allocate_slab(const char *name, unsigned int order,
			 unsigned int got, unsigned int objects, int nid)
{
}

void trace_slab_state(int state, unsigned int caches)
{
}

void trace_mm_page_alloc(unsigned long pfn, unsigned int order,
			 unsigned int gfp_flags, int migratetype)
{
}

void trace_mm_page_free(unsigned long pfn, unsigned int order)
{
}

void trace_mm_page_free_batched(unsigned long pfn)
{
}

void trace_mm_page_alloc_zone_locked(unsigned long pfn, unsigned int order,
				     int migratetype, int percpu_refill)
{
}

void trace_mm_page_pcpu_drain(unsigned long pfn, unsigned int order,
			      int migratetype)
{
}

void trace_mm_page_alloc_extfrag(unsigned long pfn, int alloc_order,
				 int fallback_order, int alloc_migratetype,
				 int fallback_migratetype, int change_ownership)
{
}
