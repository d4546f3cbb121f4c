// SPDX-License-Identifier: GPL-2.0
/* The one place the shadowmm tracepoints are instantiated. */
#include "shadowmm/memblock.h"

#define CREATE_TRACE_POINTS
#include "shadowmm/trace.h"
