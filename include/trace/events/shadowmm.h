/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the shadow pipeline, system "shadowmm". Field names are
 * chosen for bpftrace: args->base, args->size, args->nid ... Fields are
 * numbers (zone, migratetype and gfp in the shadow's own values); the
 * text of the trace names them (mmflags.h). The page allocator's events
 * under the kernel's kmem names are in shadowmm_kmem.h.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shadowmm

#if !defined(_TRACE_SHADOWMM_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_SHADOWMM_H

#include <linux/tracepoint.h>
#include "../../shadowmm/memblock.h"
#include "../../shadowmm/page_alloc.h"
#include "../../shadowmm/slab.h"
#include "../../shadowmm/mmflags.h"
#include "../../shadowmm/kernel/trace_alloc_key.h"

TRACE_DEFINE_ENUM(SMM_ZONE_DMA);
TRACE_DEFINE_ENUM(SMM_ZONE_DMA32);
TRACE_DEFINE_ENUM(SMM_ZONE_NORMAL);
TRACE_DEFINE_ENUM(SMM_ZONE_MOVABLE);
TRACE_DEFINE_ENUM(SMM_MIGRATE_UNMOVABLE);
TRACE_DEFINE_ENUM(SMM_MIGRATE_MOVABLE);
TRACE_DEFINE_ENUM(SMM_MIGRATE_RECLAIMABLE);
TRACE_DEFINE_ENUM(SMM_MIGRATE_HIGHATOMIC);
TRACE_DEFINE_ENUM(SMM_MIGRATE_CMA);
TRACE_DEFINE_ENUM(SMM_MIGRATE_ISOLATE);

TRACE_EVENT(memblock_add,
	    TP_PROTO(phys_addr_t base, phys_addr_t size, int nid,
		     unsigned int flags),
	    TP_ARGS(base, size, nid, flags),
	    TP_STRUCT__entry(__field(u64, base)
			     __field(u64, size)
			     __field(int, nid)
			     __field(unsigned int, flags)),
	    TP_fast_assign(__entry->base = base;
			   __entry->size = size;
			   __entry->nid = nid;
			   __entry->flags = flags;),
	    TP_printk("base=0x%llx size=0x%llx nid=%d flags=0x%x",
		      __entry->base, __entry->size, __entry->nid,
		      __entry->flags)
);

DECLARE_EVENT_CLASS(smm_memblock_range,
		    TP_PROTO(phys_addr_t base, phys_addr_t size),
		    TP_ARGS(base, size),
		    TP_STRUCT__entry(__field(u64, base)
				     __field(u64, size)),
		    TP_fast_assign(__entry->base = base;
				   __entry->size = size;),
		    TP_printk("base=0x%llx size=0x%llx", __entry->base,
			      __entry->size)
);

DEFINE_EVENT(smm_memblock_range, memblock_reserve,
	     TP_PROTO(phys_addr_t base, phys_addr_t size),
	     TP_ARGS(base, size)
);

DEFINE_EVENT(smm_memblock_range, memblock_free,
	     TP_PROTO(phys_addr_t base, phys_addr_t size),
	     TP_ARGS(base, size)
);

/* One per allocation call; base 0 when it failed. */
TRACE_EVENT(memblock_alloc,
	    TP_PROTO(const struct smm_memblock_alloc_info *info),
	    TP_ARGS(info),
	    TP_STRUCT__entry(__field(u64, size)
			     __field(u64, align)
			     __field(u64, min)
			     __field(u64, max)
			     __field(int, nid)
			     __field(int, exact)
			     __field(int, retried)
			     __field(int, slab)
			     __field(u64, base)),
	    TP_fast_assign(__entry->size = info->size;
			   __entry->align = info->align;
			   __entry->min = info->min_addr;
			   __entry->max = info->max_addr;
			   __entry->nid = info->nid;
			   __entry->exact = info->exact_nid;
			   __entry->retried = info->retried;
			   __entry->slab = info->slab;
			   __entry->base = info->base;),
	    TP_printk("size=0x%llx align=0x%llx min=0x%llx max=0x%llx nid=%d exact=%d base=0x%llx retried=%d slab=%d",
		      __entry->size, __entry->align, __entry->min,
		      __entry->max, __entry->nid, __entry->exact,
		      __entry->base, __entry->retried, __entry->slab)
);

/*
 * smm_alloc_pages(): one per call; pfn is -1 (~0) when it failed. Its
 * reg/unreg keep smm_trace_alloc_key (kernel/trace_alloc_key.h).
 */
TRACE_EVENT_FN(alloc_pages,
	       TP_PROTO(unsigned int gfp, unsigned int order, int nid,
			unsigned long pfn),
	       TP_ARGS(gfp, order, nid, pfn),
	       TP_STRUCT__entry(__field(unsigned int, gfp)
				__field(unsigned int, order)
				__field(int, nid)
				__field(unsigned long, pfn)),
	       TP_fast_assign(__entry->gfp = gfp;
			      __entry->order = order;
			      __entry->nid = nid;
			      __entry->pfn = pfn;),
	       TP_printk("gfp=%s order=%u nid=%d pfn=0x%lx",
			 __entry->gfp ? smm_show_gfp_flags(__entry->gfp) : "none",
			 __entry->order,
			 __entry->nid, __entry->pfn),
	       smm_trace_alloc_reg, smm_trace_alloc_unreg
);

/*
 * A block taken off the buddy free lists (pcp=0, current_order is the
 * free list it came from) or off a per-cpu list (pcp=1).
 */
TRACE_EVENT(rmqueue,
	    TP_PROTO(const struct smm_rmqueue_rec *rec),
	    TP_ARGS(rec),
	    TP_STRUCT__entry(__field(int, nid)
			     __field(int, zone)
			     __field(unsigned int, order)
			     __field(unsigned int, current_order)
			     __field(int, migratetype)
			     __field(int, pcp)
			     __field(unsigned long, pfn)),
	    TP_fast_assign(__entry->nid = rec->nid;
			   __entry->zone = rec->zone;
			   __entry->order = rec->order;
			   __entry->current_order = rec->current_order;
			   __entry->migratetype = rec->migratetype;
			   __entry->pcp = rec->pcp;
			   __entry->pfn = rec->pfn;),
	    TP_printk("nid=%d zone=%s order=%u current_order=%u migratetype=%s pcp=%d pfn=0x%lx",
		      __entry->nid, smm_show_zone(__entry->zone),
		      __entry->order, __entry->current_order,
		      smm_show_migratetype(__entry->migratetype),
		      __entry->pcp, __entry->pfn)
);

TRACE_EVENT(rmqueue_bulk,
	    TP_PROTO(int nid, int zone, unsigned int order, int migratetype,
		     int count, int allocated),
	    TP_ARGS(nid, zone, order, migratetype, count, allocated),
	    TP_STRUCT__entry(__field(int, nid)
			     __field(int, zone)
			     __field(unsigned int, order)
			     __field(int, migratetype)
			     __field(int, count)
			     __field(int, allocated)),
	    TP_fast_assign(__entry->nid = nid;
			   __entry->zone = zone;
			   __entry->order = order;
			   __entry->migratetype = migratetype;
			   __entry->count = count;
			   __entry->allocated = allocated;),
	    TP_printk("nid=%d zone=%s order=%u migratetype=%s count=%d allocated=%d",
		      __entry->nid, smm_show_zone(__entry->zone),
		      __entry->order,
		      smm_show_migratetype(__entry->migratetype),
		      __entry->count, __entry->allocated)
);

TRACE_EVENT(pcp_drain,
	    TP_PROTO(int nid, int zone, int cpu, int count),
	    TP_ARGS(nid, zone, cpu, count),
	    TP_STRUCT__entry(__field(int, nid)
			     __field(int, zone)
			     __field(int, cpu)
			     __field(int, count)),
	    TP_fast_assign(__entry->nid = nid;
			   __entry->zone = zone;
			   __entry->cpu = cpu;
			   __entry->count = count;),
	    TP_printk("nid=%d zone=%s cpu=%d count=%d", __entry->nid,
		      smm_show_zone(__entry->zone), __entry->cpu,
		      __entry->count)
);

/*
 * The fields of the kernel's kmem:mm_page_alloc_extfrag, the types named
 * (shadowmm:mm_page_alloc_extfrag prints them as the kernel does).
 */
TRACE_EVENT(fallback,
	    TP_PROTO(unsigned long pfn, unsigned int alloc_order,
		     int fallback_order, int alloc_migratetype,
		     int fallback_migratetype, int change_ownership),
	    TP_ARGS(pfn, alloc_order, fallback_order, alloc_migratetype,
		    fallback_migratetype, change_ownership),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(int, alloc_order)
			     __field(int, fallback_order)
			     __field(int, alloc_migratetype)
			     __field(int, fallback_migratetype)
			     __field(int, change_ownership)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->alloc_order = alloc_order;
			   __entry->fallback_order = fallback_order;
			   __entry->alloc_migratetype = alloc_migratetype;
			   __entry->fallback_migratetype = fallback_migratetype;
			   __entry->change_ownership = change_ownership;),
	    TP_printk("pfn=0x%lx alloc_order=%d fallback_order=%d alloc_migratetype=%s fallback_migratetype=%s change_ownership=%d",
		      __entry->pfn, __entry->alloc_order,
		      __entry->fallback_order,
		      smm_show_migratetype(__entry->alloc_migratetype),
		      smm_show_migratetype(__entry->fallback_migratetype),
		      __entry->change_ownership)
);

TRACE_EVENT(free_one_page,
	    TP_PROTO(unsigned long pfn, unsigned int order,
		     unsigned int merged_order, int migratetype),
	    TP_ARGS(pfn, order, merged_order, migratetype),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(unsigned int, merged_order)
			     __field(int, migratetype)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->merged_order = merged_order;
			   __entry->migratetype = migratetype;),
	    TP_printk("pfn=0x%lx order=%u merged_order=%u migratetype=%s",
		      __entry->pfn, __entry->order, __entry->merged_order,
		      smm_show_migratetype(__entry->migratetype))
);

TRACE_EVENT(watermark_fail,
	    TP_PROTO(int nid, int zone, unsigned int order,
		     unsigned long mark, unsigned long free,
		     unsigned int alloc_flags),
	    TP_ARGS(nid, zone, order, mark, free, alloc_flags),
	    TP_STRUCT__entry(__field(int, nid)
			     __field(int, zone)
			     __field(unsigned int, order)
			     __field(unsigned long, mark)
			     __field(unsigned long, free)
			     __field(unsigned int, alloc_flags)),
	    TP_fast_assign(__entry->nid = nid;
			   __entry->zone = zone;
			   __entry->order = order;
			   __entry->mark = mark;
			   __entry->free = free;
			   __entry->alloc_flags = alloc_flags;),
	    TP_printk("nid=%d zone=%s order=%u mark=%lu free=%lu alloc_flags=0x%x",
		      __entry->nid, smm_show_zone(__entry->zone),
		      __entry->order, __entry->mark, __entry->free,
		      __entry->alloc_flags)
);

/* memblock_free_all(): the pages one zone received. */
TRACE_EVENT(free_all,
	    TP_PROTO(int nid, int zone, unsigned long pages),
	    TP_ARGS(nid, zone, pages),
	    TP_STRUCT__entry(__field(int, nid)
			     __field(int, zone)
			     __field(unsigned long, pages)),
	    TP_fast_assign(__entry->nid = nid;
			   __entry->zone = zone;
			   __entry->pages = pages;),
	    TP_printk("nid=%d zone=%s pages=%lu", __entry->nid,
		      smm_show_zone(__entry->zone), __entry->pages)
);

TRACE_DEFINE_ENUM(SMM_ZLF_WATERMARK);
TRACE_DEFINE_ENUM(SMM_ZLF_EMPTY);

/*
 * An allocation served from a zone after the first eligible one of its
 * zonelist; reason says why that first zone was passed over.
 */
TRACE_EVENT(zonelist_fallback,
	    TP_PROTO(int preferred_nid, int preferred_zone, int nid, int zone,
		     unsigned int order, int reason),
	    TP_ARGS(preferred_nid, preferred_zone, nid, zone, order, reason),
	    TP_STRUCT__entry(__field(int, preferred_nid)
			     __field(int, preferred_zone)
			     __field(int, nid)
			     __field(int, zone)
			     __field(unsigned int, order)
			     __field(int, reason)),
	    TP_fast_assign(__entry->preferred_nid = preferred_nid;
			   __entry->preferred_zone = preferred_zone;
			   __entry->nid = nid;
			   __entry->zone = zone;
			   __entry->order = order;
			   __entry->reason = reason;),
	    TP_printk("preferred_nid=%d preferred_zone=%s nid=%d zone=%s order=%u reason=%s",
		      __entry->preferred_nid,
		      smm_show_zone(__entry->preferred_zone),
		      __entry->nid, smm_show_zone(__entry->zone),
		      __entry->order,
		      __print_symbolic(__entry->reason,
				       { SMM_ZLF_WATERMARK, "watermark" },
				       { SMM_ZLF_EMPTY, "empty" }))
);

/*
 * The slab layer's events under the kernel's kmem names and fields
 * (include/trace/events/kmem.h of v6.1), with the cache's name added and
 * the object's physical address in place of the pointer (phys; 0 when
 * the allocation failed). node is the node asked for (-1: any).
 */
DECLARE_EVENT_CLASS(smm_kmem_alloc,
		    TP_PROTO(const char *name, u64 phys, size_t bytes_req,
			     size_t bytes_alloc, unsigned int gfp_flags,
			     int node),
		    TP_ARGS(name, phys, bytes_req, bytes_alloc, gfp_flags,
			    node),
		    TP_STRUCT__entry(__array(char, name, SMM_SLAB_NAME_LEN)
				     __field(u64, phys)
				     __field(size_t, bytes_req)
				     __field(size_t, bytes_alloc)
				     __field(unsigned int, gfp_flags)
				     __field(int, node)),
		    TP_fast_assign(strscpy(__entry->name, name, sizeof(__entry->name));
				   __entry->phys = phys;
				   __entry->bytes_req = bytes_req;
				   __entry->bytes_alloc = bytes_alloc;
				   __entry->gfp_flags = gfp_flags;
				   __entry->node = node;),
		    TP_printk("name=%s phys=0x%llx bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d",
			      __entry->name, __entry->phys,
			      __entry->bytes_req, __entry->bytes_alloc,
			      __entry->gfp_flags ?
			      smm_show_gfp_flags(__entry->gfp_flags) : "none",
			      __entry->node)
);

DEFINE_EVENT(smm_kmem_alloc, kmem_cache_alloc,
	     TP_PROTO(const char *name, u64 phys, size_t bytes_req,
		      size_t bytes_alloc, unsigned int gfp_flags, int node),
	     TP_ARGS(name, phys, bytes_req, bytes_alloc, gfp_flags, node)
);

DEFINE_EVENT(smm_kmem_alloc, kmalloc,
	     TP_PROTO(const char *name, u64 phys, size_t bytes_req,
		      size_t bytes_alloc, unsigned int gfp_flags, int node),
	     TP_ARGS(name, phys, bytes_req, bytes_alloc, gfp_flags, node)
);

DECLARE_EVENT_CLASS(smm_kmem_free,
		    TP_PROTO(const char *name, u64 phys),
		    TP_ARGS(name, phys),
		    TP_STRUCT__entry(__array(char, name, SMM_SLAB_NAME_LEN)
				     __field(u64, phys)),
		    TP_fast_assign(strscpy(__entry->name, name, sizeof(__entry->name));
				   __entry->phys = phys;),
		    TP_printk("name=%s phys=0x%llx", __entry->name,
			      __entry->phys)
);

DEFINE_EVENT(smm_kmem_free, kmem_cache_free,
	     TP_PROTO(const char *name, u64 phys),
	     TP_ARGS(name, phys)
);

DEFINE_EVENT(smm_kmem_free, kfree,
	     TP_PROTO(const char *name, u64 phys),
	     TP_ARGS(name, phys)
);

/*
 * allocate_slab(): a new slab for cache name; order is s->oo's, got the
 * order it was allocated with (s->min's after a fallback). The rmqueue
 * that served it follows on the same CPU.
 */
TRACE_EVENT(allocate_slab,
	    TP_PROTO(const char *name, unsigned int order, unsigned int got,
		     unsigned int objects, int nid),
	    TP_ARGS(name, order, got, objects, nid),
	    TP_STRUCT__entry(__array(char, name, SMM_SLAB_NAME_LEN)
			     __field(unsigned int, order)
			     __field(unsigned int, got)
			     __field(unsigned int, objects)
			     __field(int, nid)),
	    TP_fast_assign(strscpy(__entry->name, name, sizeof(__entry->name));
			   __entry->order = order;
			   __entry->got = got;
			   __entry->objects = objects;
			   __entry->nid = nid;),
	    TP_printk("name=%s order=%u got=%u objects=%u nid=%d",
		      __entry->name, __entry->order, __entry->got,
		      __entry->objects, __entry->nid)
);

/* kmem_cache_init() reached a slab_state (1 PARTIAL, 2 UP, 3 FULL). */
TRACE_EVENT(slab_state,
	    TP_PROTO(int state, unsigned int caches),
	    TP_ARGS(state, caches),
	    TP_STRUCT__entry(__field(int, state)
			     __field(unsigned int, caches)),
	    TP_fast_assign(__entry->state = state;
			   __entry->caches = caches;),
	    TP_printk("state=%d caches=%u", __entry->state, __entry->caches)
);

#endif /* _TRACE_SHADOWMM_H */

/* This part must be outside protection */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE shadowmm
#include <trace/define_trace.h>
