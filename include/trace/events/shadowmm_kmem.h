/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow page allocator's events under the names, fields and formats
 * of the kernel's kmem page-allocator events (include/trace/events/
 * kmem.h of v6.1), in the "shadowmm" system, so that tools written for
 * kmem:mm_page_* traces read the shadow's unchanged. Two differences,
 * both in what the values mean: pfn= is the shadow pfn, and page= is not
 * a pointer but SMM_TRACE_PAGE_ID(pfn) (mmflags.h). gfp_flags holds the
 * shadow's bits (gfp.h), printed with the kernel's names. The callers
 * pass the pfn (the kernel passes the page and takes its pfn).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shadowmm

#if !defined(_TRACE_SHADOWMM_KMEM_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_SHADOWMM_KMEM_H

#include <linux/tracepoint.h>
#include "../../shadowmm/mmflags.h"
#include "../../shadowmm/kernel/trace_alloc_key.h"

TRACE_EVENT(mm_page_free,
	    TP_PROTO(unsigned long pfn, unsigned int order),
	    TP_ARGS(pfn, order),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;),
	    TP_printk("page=%016lx pfn=0x%lx order=%d",
		      SMM_TRACE_PAGE_ID(__entry->pfn), __entry->pfn,
		      __entry->order)
);

TRACE_EVENT(mm_page_free_batched,
	    TP_PROTO(unsigned long pfn),
	    TP_ARGS(pfn),
	    TP_STRUCT__entry(__field(unsigned long, pfn)),
	    TP_fast_assign(__entry->pfn = pfn;),
	    TP_printk("page=%016lx pfn=0x%lx order=0",
		      SMM_TRACE_PAGE_ID(__entry->pfn), __entry->pfn)
);

/*
 * pfn -1 (~0UL): the allocation failed; printed as page 0, pfn=0x0. Its
 * reg/unreg keep smm_trace_alloc_key (kernel/trace_alloc_key.h).
 */
TRACE_EVENT_FN(mm_page_alloc,
	       TP_PROTO(unsigned long pfn, unsigned int order,
			unsigned int gfp_flags, int migratetype),
	       TP_ARGS(pfn, order, gfp_flags, migratetype),
	       TP_STRUCT__entry(__field(unsigned long, pfn)
				__field(unsigned int, order)
				__field(unsigned long, gfp_flags)
				__field(int, migratetype)),
	       TP_fast_assign(__entry->pfn = pfn;
			      __entry->order = order;
			      __entry->gfp_flags = gfp_flags;
			      __entry->migratetype = migratetype;),
	       TP_printk("page=%016lx pfn=0x%lx order=%d migratetype=%d gfp_flags=%s",
			 __entry->pfn != -1UL ? SMM_TRACE_PAGE_ID(__entry->pfn) : 0,
			 __entry->pfn != -1UL ? __entry->pfn : 0,
			 __entry->order, __entry->migratetype,
			 __entry->gfp_flags ?
			 smm_show_gfp_flags(__entry->gfp_flags) : "none"),
	       smm_trace_alloc_reg, smm_trace_alloc_unreg
);

DECLARE_EVENT_CLASS(smm_mm_page,
		    TP_PROTO(unsigned long pfn, unsigned int order,
			     int migratetype, int percpu_refill),
		    TP_ARGS(pfn, order, migratetype, percpu_refill),
		    TP_STRUCT__entry(__field(unsigned long, pfn)
				     __field(unsigned int, order)
				     __field(int, migratetype)
				     __field(int, percpu_refill)),
		    TP_fast_assign(__entry->pfn = pfn;
				   __entry->order = order;
				   __entry->migratetype = migratetype;
				   __entry->percpu_refill = percpu_refill;),
		    TP_printk("page=%016lx pfn=0x%lx order=%u migratetype=%d percpu_refill=%d",
			      __entry->pfn != -1UL ?
			      SMM_TRACE_PAGE_ID(__entry->pfn) : 0,
			      __entry->pfn != -1UL ? __entry->pfn : 0,
			      __entry->order, __entry->migratetype,
			      __entry->percpu_refill)
);

DEFINE_EVENT(smm_mm_page, mm_page_alloc_zone_locked,
	     TP_PROTO(unsigned long pfn, unsigned int order, int migratetype,
		      int percpu_refill),
	     TP_ARGS(pfn, order, migratetype, percpu_refill)
);

TRACE_EVENT(mm_page_pcpu_drain,
	    TP_PROTO(unsigned long pfn, unsigned int order, int migratetype),
	    TP_ARGS(pfn, order, migratetype),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(int, migratetype)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->migratetype = migratetype;),
	    TP_printk("page=%016lx pfn=0x%lx order=%d migratetype=%d",
		      SMM_TRACE_PAGE_ID(__entry->pfn), __entry->pfn,
		      __entry->order, __entry->migratetype)
);

/* change_ownership: the pageblock is the allocation's type now. */
TRACE_EVENT(mm_page_alloc_extfrag,
	    TP_PROTO(unsigned long pfn, int alloc_order, int fallback_order,
		     int alloc_migratetype, int fallback_migratetype,
		     int change_ownership),
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
	    TP_printk("page=%016lx pfn=0x%lx alloc_order=%d fallback_order=%d pageblock_order=%d alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d change_ownership=%d",
		      SMM_TRACE_PAGE_ID(__entry->pfn), __entry->pfn,
		      __entry->alloc_order, __entry->fallback_order,
		      SMM_PAGEBLOCK_ORDER, __entry->alloc_migratetype,
		      __entry->fallback_migratetype,
		      __entry->fallback_order < SMM_PAGEBLOCK_ORDER,
		      __entry->change_ownership)
);

#endif /* _TRACE_SHADOWMM_KMEM_H */

/* This part must be outside protection */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE shadowmm_kmem
#include <trace/define_trace.h>
