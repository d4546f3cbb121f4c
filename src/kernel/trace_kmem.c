// SPDX-License-Identifier: GPL-2.0
/*
 * The kmem-named tracepoints (trace/events/shadowmm_kmem.h) are
 * instantiated here, apart from trace.c: each trace header defines
 * statics named after its system, so one file a header.
 */
#define CREATE_TRACE_POINTS
#include <trace/events/shadowmm_kmem.h>
