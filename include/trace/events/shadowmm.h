/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the shadow pipeline, system "shadowmm". Field names are
 * chosen for bpftrace: args->base, args->size, args->nid ...
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shadowmm

#if !defined(_TRACE_SHADOWMM_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_SHADOWMM_H

#include <linux/tracepoint.h>
#include "../../shadowmm/memblock.h"

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
			     __field(u64, base)),
	    TP_fast_assign(__entry->size = info->size;
			   __entry->align = info->align;
			   __entry->min = info->min_addr;
			   __entry->max = info->max_addr;
			   __entry->nid = info->nid;
			   __entry->exact = info->exact_nid;
			   __entry->retried = info->retried;
			   __entry->base = info->base;),
	    TP_printk("size=0x%llx align=0x%llx min=0x%llx max=0x%llx nid=%d exact=%d base=0x%llx retried=%d",
		      __entry->size, __entry->align, __entry->min,
		      __entry->max, __entry->nid, __entry->exact,
		      __entry->base, __entry->retried)
);

#endif /* _TRACE_SHADOWMM_H */

/* This part must be outside protection */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE shadowmm
#include <trace/define_trace.h>
