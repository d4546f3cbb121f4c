// SPDX-License-Identifier: GPL-2.0
/* The one place the shadowmm tracepoints of trace/events/shadowmm.h are instantiated. */
#include "shadowmm/memblock.h"

#define CREATE_TRACE_POINTS
#include <trace/events/shadowmm.h>
