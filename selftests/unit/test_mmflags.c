// SPDX-License-Identifier: GPL-2.0
/*
 * The name tables of include/shadowmm/mmflags.h, read as the kernel's
 * __print_flags() and __print_symbolic() read them (kernel/trace/
 * trace_output.c: trace_print_flags_seq() takes each entry whose bits
 * are all set, in table order, and prints what is left over in hex).
 */
#include "harness.h"

struct name_entry {
	unsigned long mask;
	const char *name;
};

static char out[256];

static const char *print_flags(unsigned long flags, const char *delim,
			       const struct name_entry *t)
{
	size_t i, at = 0;

	out[0] = '\0';
	for (i = 0; t[i].name && flags; i++) {
		if ((flags & t[i].mask) != t[i].mask)
			continue;
		flags &= ~t[i].mask;
		at += snprintf(out + at, sizeof(out) - at, "%s%s",
			       at ? delim : "", t[i].name);
	}
	if (flags)
		snprintf(out + at, sizeof(out) - at, "%s0x%lx", at ? delim : "",
			 flags);
	return out;
}

static const char *print_symbolic(unsigned long val,
				  const struct name_entry *t)
{
	size_t i;

	for (i = 0; t[i].name; i++)
		if (t[i].mask == val)
			return t[i].name;
	snprintf(out, sizeof(out), "0x%lx", val);
	return out;
}

/* the kernel's macros, as trace_events.h's output stage has them */
#define __print_flags(flag, delim, ...)					\
	print_flags(flag, delim,					\
		    (const struct name_entry[]){ __VA_ARGS__, { 0, NULL } })
#define __print_symbolic(value, ...)					\
	print_symbolic(value,						\
		       (const struct name_entry[]){ __VA_ARGS__, { 0, NULL } })

#include "shadowmm/mmflags.h"

/* as the TP_printk()s write it */
static const char *show_gfp(unsigned long flags)
{
	return flags ? smm_show_gfp_flags(flags) : "none";
}

TEST(mmflags_gfp_composites_as_the_kernel_names_them)
{
	ASSERT_STREQ("GFP_KERNEL", show_gfp(SMM_GFP_KERNEL));
	ASSERT_STREQ("GFP_ATOMIC", show_gfp(SMM_GFP_ATOMIC));
	ASSERT_STREQ("GFP_NOWAIT", show_gfp(SMM_GFP_NOWAIT));
	ASSERT_STREQ("GFP_HIGHUSER_MOVABLE",
		     show_gfp(SMM_GFP_HIGHUSER_MOVABLE));
	ASSERT_STREQ("GFP_DMA", show_gfp(SMM_GFP_DMA));
	ASSERT_STREQ("GFP_DMA32", show_gfp(SMM_GFP_DMA32));
	ASSERT_STREQ("none", show_gfp(0));
}

TEST(mmflags_gfp_composite_first_then_single_flags)
{
	ASSERT_STREQ("GFP_KERNEL|__GFP_THISNODE|__GFP_MOVABLE",
		     show_gfp(SMM_GFP_KERNEL | SMM___GFP_THISNODE |
			      SMM___GFP_MOVABLE));
	ASSERT_STREQ("GFP_KERNEL|GFP_DMA|__GFP_THISNODE",
		     show_gfp(SMM_GFP_KERNEL | SMM___GFP_DMA |
			      SMM___GFP_THISNODE));
	ASSERT_STREQ("GFP_HIGHUSER_MOVABLE|__GFP_ZERO",
		     show_gfp(SMM_GFP_HIGHUSER_MOVABLE | SMM___GFP_ZERO));
	/* slab's s->oo attempt: GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY */
	ASSERT_STREQ("GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY",
		     show_gfp(SMM_GFP_KERNEL | SMM___GFP_NOWARN |
			      SMM___GFP_NORETRY));
	ASSERT_STREQ("__GFP_DIRECT_RECLAIM",
		     show_gfp(SMM___GFP_DIRECT_RECLAIM));
	ASSERT_STREQ("__GFP_HIGH|__GFP_ATOMIC",
		     show_gfp(SMM___GFP_HIGH | SMM___GFP_ATOMIC));
	/* a bit outside the shadow's gfp is left over, in hex */
	ASSERT_STREQ("GFP_KERNEL|0x4000",
		     show_gfp(SMM_GFP_KERNEL | (SMM___GFP_BITS + 1)));
}

TEST(mmflags_gfp_every_bit_has_a_name)
{
	unsigned long bit;

	for (bit = 1; bit & SMM___GFP_BITS; bit <<= 1) {
		/* 0x80 is a hole in the shadow's layout */
		if (bit == 0x80)
			continue;
		ASSERT_TRUE(!strstr(show_gfp(bit), "0x"));
	}
}

TEST(mmflags_zone_and_migratetype_names_match_the_views)
{
	int i;

	for (i = 0; i < SMM_MAX_NR_ZONES; i++)
		ASSERT_STREQ(smm_zone_names[i], smm_show_zone(i));
	ASSERT_STREQ("Normal", smm_show_zone(SMM_ZONE_NORMAL));
	ASSERT_STREQ("0x4", smm_show_zone(SMM_MAX_NR_ZONES));
	for (i = 0; i < SMM_MIGRATE_TYPES; i++)
		ASSERT_STREQ(smm_migratetype_names[i], smm_show_migratetype(i));
	ASSERT_STREQ("HighAtomic", smm_show_migratetype(SMM_MIGRATE_HIGHATOMIC));
	ASSERT_STREQ("Isolate", smm_show_migratetype(SMM_MIGRATE_ISOLATE));
}

TEST(mmflags_page_id_is_the_pfn_scaled)
{
	ASSERT_EQ(0x40000UL * 64, SMM_TRACE_PAGE_ID(0x40000));
	ASSERT_EQ(64UL, SMM_TRACE_PAGE_ID(1) - SMM_TRACE_PAGE_ID(0));
}
