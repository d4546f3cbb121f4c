// SPDX-License-Identifier: GPL-2.0
/* The one place the shadowmm tracepoints of trace/events/shadowmm.h are instantiated. */
#include "shadowmm/memblock.h"

#define CREATE_TRACE_POINTS
#include <trace/events/shadowmm.h>

#if defined(CONFIG_TRACEPOINTS) && !defined(NOTRACE)
/* on while alloc_pages or mm_page_alloc has a probe (trace_alloc_key.h) */
DEFINE_STATIC_KEY_FALSE(smm_trace_alloc_key);

int smm_trace_alloc_reg(void)
{
	static_branch_inc(&smm_trace_alloc_key);
	return 0;
}

void smm_trace_alloc_unreg(void)
{
	static_branch_dec(&smm_trace_alloc_key);
}
#endif
