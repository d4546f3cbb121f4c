/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names for the shadow's gfp flags, zones and migratetypes in trace
 * output, after include/trace/events/mmflags.h of v6.1: __print_flags()
 * and __print_symbolic() over tables of the shadow's own values (gfp.h,
 * mmzone.h), so a trace says GFP_KERNEL where the kernel's would. The
 * unit tests (selftests/unit/test_mmflags.c) expand these with a host
 * __print_flags() of the kernel's semantics.
 *
 * __print_flags() walks its table in order and takes each entry whose
 * bits are all set, so composites come first (the most bits first), then
 * the single flags. Only compositions that are distinct in the shadow's
 * bits are listed: GFP_USER, GFP_NOFS, GFP_NOIO and GFP_KERNEL_ACCOUNT
 * differ from GFP_KERNEL only in bits the shadow does not have, and
 * would name a GFP_KERNEL request wrongly; GFP_TRANSHUGE needs
 * __GFP_COMP. Every bit of SMM___GFP_BITS has a single-flag entry.
 */
#ifndef _SHADOWMM_MMFLAGS_H
#define _SHADOWMM_MMFLAGS_H

#include "gfp.h"
#include "mmzone.h"

/*
 * In TP_printk(), as the kernel's show_gfp_flags() (which also prints
 * "none" for 0: the callers write flags ? smm_show_gfp_flags(flags) :
 * "none").
 */
#define smm_show_gfp_flags(flags)					\
	__print_flags(flags, "|",					\
		      { SMM_GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE" }, \
		      { SMM_GFP_KERNEL, "GFP_KERNEL" },			\
		      { SMM_GFP_ATOMIC, "GFP_ATOMIC" },			\
		      { SMM_GFP_NOWAIT, "GFP_NOWAIT" },			\
		      { SMM_GFP_DMA, "GFP_DMA" },			\
		      { SMM___GFP_HIGHMEM, "__GFP_HIGHMEM" },		\
		      { SMM_GFP_DMA32, "GFP_DMA32" },			\
		      { SMM___GFP_HIGH, "__GFP_HIGH" },			\
		      { SMM___GFP_ATOMIC, "__GFP_ATOMIC" },		\
		      { SMM___GFP_NOWARN, "__GFP_NOWARN" },		\
		      { SMM___GFP_NORETRY, "__GFP_NORETRY" },		\
		      { SMM___GFP_ZERO, "__GFP_ZERO" },			\
		      { SMM___GFP_THISNODE, "__GFP_THISNODE" },		\
		      { SMM___GFP_RECLAIMABLE, "__GFP_RECLAIMABLE" },	\
		      { SMM___GFP_MOVABLE, "__GFP_MOVABLE" },		\
		      { SMM___GFP_RECLAIM, "__GFP_RECLAIM" },		\
		      { SMM___GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" }, \
		      { SMM___GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM" })

/*
 * As /proc/zoneinfo and /proc/pagetypeinfo name them (smm_zone_names[],
 * smm_migratetype_names[]). The trace header that uses them has a
 * TRACE_DEFINE_ENUM() for each value, so that perf and trace-cmd read
 * numbers in the format file.
 */
#define smm_show_zone(zone)						\
	__print_symbolic(zone,						\
			 { SMM_ZONE_DMA, "DMA" },			\
			 { SMM_ZONE_DMA32, "DMA32" },			\
			 { SMM_ZONE_NORMAL, "Normal" },			\
			 { SMM_ZONE_MOVABLE, "Movable" })

#define smm_show_migratetype(mt)					\
	__print_symbolic(mt,						\
			 { SMM_MIGRATE_UNMOVABLE, "Unmovable" },	\
			 { SMM_MIGRATE_MOVABLE, "Movable" },		\
			 { SMM_MIGRATE_RECLAIMABLE, "Reclaimable" },	\
			 { SMM_MIGRATE_HIGHATOMIC, "HighAtomic" },	\
			 { SMM_MIGRATE_CMA, "CMA" },			\
			 { SMM_MIGRATE_ISOLATE, "Isolate" })

/*
 * page= of the kmem-named events: never a pointer, but a stable id from
 * the shadow pfn, the offset of the pfn's struct page in a memory map
 * that starts at 0 (64 bytes a page, as the shadow's and the kernel's
 * struct page), printed as 16 hex digits, as a hashed %p prints. So ids
 * compare and subtract like the kernel's vmemmap pointers, and a tool's
 * page= regex ([0-9a-f]*) matches. A failed allocation prints 0.
 */
#define SMM_TRACE_PAGE_ID(pfn)	((unsigned long)(pfn) * 64UL)

#endif /* _SHADOWMM_MMFLAGS_H */
