/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smm_alloc_pages() fires two events at its end, shadowmm:alloc_pages and
 * the kmem-named mm_page_alloc. Testing their two static keys costs two
 * nops and the registers kept alive across them on every allocation; one
 * module static key, on while either event has a probe, tests both at
 * once. The events are TRACE_EVENT_FN()s whose reg/unreg functions,
 * called by the tracepoint core on an event's first probe and after its
 * last (under tracepoints_mutex, as it enables the event's own key), keep
 * the count. The kernel's mm_page_alloc has no such key: its one event
 * needs none.
 */
#ifndef _SHADOWMM_KERNEL_TRACE_ALLOC_KEY_H
#define _SHADOWMM_KERNEL_TRACE_ALLOC_KEY_H

#include <linux/jump_label.h>

#if defined(CONFIG_TRACEPOINTS) && !defined(NOTRACE)
DECLARE_STATIC_KEY_FALSE(smm_trace_alloc_key);
int smm_trace_alloc_reg(void);
void smm_trace_alloc_unreg(void);
#define smm_trace_alloc_enabled()	static_branch_unlikely(&smm_trace_alloc_key)
#else
#define smm_trace_alloc_enabled()	false
#endif

#endif /* _SHADOWMM_KERNEL_TRACE_ALLOC_KEY_H */
