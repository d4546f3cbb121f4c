// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the shadow memblock (src/mm/memblock.c) against the semantics
 * of v6.1 mm/memblock.c. Each test pins down one behaviour that a plausible
 * bug would break; the expected values are worked out by hand in the
 * comments rather than computed by the code under test.
 */
#include <stdarg.h>

#include "harness.h"

#define SZ_12K		0x3000ULL
#define SZ_3M		0x300000ULL

#define MAXADDR		(~(phys_addr_t)0)
#define NONE		SMM_MEMBLOCK_NONE

static struct smm_memblock mb;
static struct smm_memblock_type *const mem = &mb.memory;
static struct smm_memblock_type *const rsv = &mb.reserved;

static void fresh(void)
{
	smm_memblock_init(&mb);
}

/* regions[i] of @type is [b, b + s); failures name the array and index */
#define ASSERT_RGN(type, i, b, s)					\
	assert_rgn(__FILE__, __LINE__, type, i, b, s)

static void assert_rgn(const char *file, int line,
		       const struct smm_memblock_type *type, unsigned long i,
		       phys_addr_t base, phys_addr_t size)
{
	char what[64];

	snprintf(what, sizeof(what), "%s.regions[%lu].base", type->name, i);
	smm_assert_u64(file, line, "base", base, what, type->regions[i].base,
		       true);
	snprintf(what, sizeof(what), "%s.regions[%lu].size", type->name, i);
	smm_assert_u64(file, line, "size", size, what, type->regions[i].size,
		       true);
}

/* @type is in its empty state: the one zero-sized dummy entry */
#define ASSERT_EMPTY(type)	assert_empty(__FILE__, __LINE__, type)

static void assert_empty(const char *file, int line,
			 const struct smm_memblock_type *type)
{
	smm_assert_u64(file, line, "1", 1, "cnt", type->cnt, true);
	assert_rgn(file, line, type, 0, 0, 0);
	smm_assert_u64(file, line, "0", 0, "total_size", type->total_size,
		       true);
}

/* Where the emit callback of dump_all/debug_show writes to. */
struct text {
	char buf[16384];
	size_t len;
	unsigned int calls;
	unsigned int one_line_calls;
};

static void text_emit(void *ctx, const char *fmt, ...) __printf(2, 3);
static void text_emit(void *ctx, const char *fmt, ...)
{
	struct text *t = ctx;
	size_t room = sizeof(t->buf) - t->len;
	char *start = t->buf + t->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(start, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	t->len += (size_t)n < room ? (size_t)n : room - 1;
	t->calls++;
	/* dmesg needs every call to be exactly one line */
	if (n > 0 && strchr(start, '\n') == start + n - 1)
		t->one_line_calls++;
}

/* memory regions i = [(i + 1) MiB, + 64 KiB), i < n: disjoint, no merging */
static int add_spread(unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = smm_memblock_add(&mb, (i + 1) * SZ_1M, SZ_64K);
		if (ret)
			return ret;
	}
	return 0;
}

/* reserved regions i = [1 MiB + i * 8 KiB, + 4 KiB), i < n */
static int reserve_spread(unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = smm_memblock_reserve(&mb, SZ_1M + i * SZ_8K, SZ_4K);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- initial state ---------------------------------------------------- */

TEST(init_state)
{
	fresh();
	ASSERT_EQ(1, mem->cnt);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, mem->max);
	ASSERT_EQ(0, mem->total_size);
	ASSERT_EQ(0, mem->regions[0].size);
	ASSERT_EQ(SMM_MAX_NUMNODES, mem->regions[0].nid);
	ASSERT_PTR_EQ(mb.memory_init_regions, mem->regions);
	ASSERT_STREQ("memory", mem->name);
	ASSERT_EQ(1, rsv->cnt);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, rsv->max);
	ASSERT_EQ(SMM_MAX_NUMNODES, rsv->regions[0].nid);
	ASSERT_PTR_EQ(mb.reserved_init_regions, rsv->regions);
	ASSERT_STREQ("reserved", rsv->name);
	ASSERT_EQ(SMM_MEMBLOCK_ALLOC_ANYWHERE, mb.current_limit);
	ASSERT_FALSE(mb.bottom_up);
	ASSERT_FALSE(mb.can_resize);
	ASSERT_FALSE(mb.movable_node);
}

TEST(settings_accessors)
{
	fresh();
	smm_memblock_set_bottom_up(&mb, true);
	ASSERT_TRUE(smm_memblock_bottom_up(&mb));
	smm_memblock_set_bottom_up(&mb, false);
	ASSERT_FALSE(smm_memblock_bottom_up(&mb));
	smm_memblock_set_current_limit(&mb, SZ_8M);
	ASSERT_EQ(SZ_8M, smm_memblock_get_current_limit(&mb));
	smm_memblock_set_movable_node(&mb, true);
	ASSERT_TRUE(smm_memblock_movable_node_is_enabled(&mb));
	smm_memblock_allow_resize(&mb);
	ASSERT_TRUE(mb.can_resize);
}

/* ---- add --------------------------------------------------------------- */

TEST(add_empty_array)
{
	fresh();
	ASSERT_EQ(0, smm_memblock_add(&mb, SZ_1M, SZ_16M));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_16M);
	ASSERT_EQ(SMM_MAX_NUMNODES, mem->regions[0].nid);
	ASSERT_EQ(0, mem->regions[0].flags);
	ASSERT_EQ(SZ_16M, mem->total_size);
	ASSERT_EQ(0, rsv->total_size);
}

TEST(add_disjoint_sorted)
{
	fresh();
	ASSERT_EQ(0, smm_memblock_add(&mb, SZ_8M, SZ_1M));
	ASSERT_EQ(0, smm_memblock_add(&mb, SZ_1M, SZ_1M));
	ASSERT_EQ(0, smm_memblock_add(&mb, SZ_4M, SZ_1M));
	ASSERT_EQ(3, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_1M);
	ASSERT_RGN(mem, 1, SZ_4M, SZ_1M);
	ASSERT_RGN(mem, 2, SZ_8M, SZ_1M);
	ASSERT_EQ(3 * SZ_1M, mem->total_size);
}

TEST(add_adjacent_above_merges)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_2M, SZ_1M);
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_2M);
	ASSERT_EQ(SZ_2M, mem->total_size);
}

TEST(add_adjacent_below_merges)
{
	fresh();
	smm_memblock_add(&mb, SZ_2M, SZ_1M);
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_2M);
}

TEST(add_overlap_above)
{
	/* [1M, 3M) + [2M, 4M) = [1M, 4M) */
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_2M);
	smm_memblock_add(&mb, SZ_2M, SZ_2M);
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_3M);
	ASSERT_EQ(SZ_3M, mem->total_size);
}

TEST(add_overlap_below)
{
	/* [2M, 4M) + [1M, 3M) = [1M, 4M) */
	fresh();
	smm_memblock_add(&mb, SZ_2M, SZ_2M);
	smm_memblock_add(&mb, SZ_1M, SZ_2M);
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_3M);
	ASSERT_EQ(SZ_3M, mem->total_size);
}

TEST(add_containing)
{
	fresh();
	smm_memblock_add(&mb, SZ_2M, SZ_1M);
	smm_memblock_add(&mb, SZ_1M, SZ_4M);
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_4M);
	ASSERT_EQ(SZ_4M, mem->total_size);
}

TEST(add_contained)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_4M);
	smm_memblock_add(&mb, SZ_2M, SZ_1M);
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_4M);
	ASSERT_EQ(SZ_4M, mem->total_size);
}

TEST(add_same_twice)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	ASSERT_EQ(0, smm_memblock_add(&mb, SZ_1M, SZ_1M));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_1M);
	ASSERT_EQ(SZ_1M, mem->total_size);
}

TEST(add_bridges_two_regions)
{
	/* filling the hole merges all three pieces */
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_3M, SZ_1M);
	smm_memblock_add(&mb, SZ_1M + SZ_512K, SZ_2M);
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_3M);
	ASSERT_EQ(SZ_3M, mem->total_size);
}

TEST(add_node_different_nid_not_merged)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add_node(&mb, SZ_2M, SZ_1M, 1, NONE);
	ASSERT_EQ(2, mem->cnt);
	ASSERT_EQ(0, mem->regions[0].nid);
	ASSERT_EQ(1, mem->regions[1].nid);
	ASSERT_EQ(SZ_2M, mem->total_size);
}

TEST(add_node_different_flags_not_merged)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add_node(&mb, SZ_2M, SZ_1M, 0, SMM_MEMBLOCK_HOTPLUG);
	ASSERT_EQ(2, mem->cnt);
	ASSERT_EQ(0, mem->regions[0].flags);
	ASSERT_EQ(SMM_MEMBLOCK_HOTPLUG, mem->regions[1].flags);
}

TEST(add_overlap_keeps_existing_nid)
{
	/*
	 * [2.5M, 4M) on node 0 over [2M, 3M) on node 1: only [3M, 4M) is
	 * new; the overlapped part stays on node 1.
	 */
	fresh();
	smm_memblock_add_node(&mb, SZ_2M, SZ_1M, 1, NONE);
	smm_memblock_add_node(&mb, SZ_2M + SZ_512K, SZ_1M + SZ_512K, 0, NONE);
	ASSERT_EQ(2, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_2M, SZ_1M);
	ASSERT_EQ(1, mem->regions[0].nid);
	ASSERT_RGN(mem, 1, SZ_3M, SZ_1M);
	ASSERT_EQ(0, mem->regions[1].nid);
	ASSERT_EQ(SZ_2M, mem->total_size);
}

TEST(add_at_existing_base_other_nid)
{
	/* [2M, 4M) on node 0 over [2M, 3M) on node 1: no empty piece at 2M */
	fresh();
	smm_memblock_add_node(&mb, SZ_2M, SZ_1M, 1, NONE);
	smm_memblock_add_node(&mb, SZ_2M, SZ_2M, 0, NONE);
	ASSERT_EQ(2, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_2M, SZ_1M);
	ASSERT_EQ(1, mem->regions[0].nid);
	ASSERT_RGN(mem, 1, SZ_3M, SZ_1M);
	ASSERT_EQ(0, mem->regions[1].nid);
}

TEST(add_covered_range_on_full_array)
{
	/* nothing new to insert, so a full array need not grow */
	fresh();
	ASSERT_EQ(0, add_spread(SMM_INIT_MEMBLOCK_REGIONS));
	ASSERT_EQ(0, smm_memblock_add(&mb, 5 * SZ_1M, SZ_64K));
	ASSERT_EQ(0, smm_memblock_add(&mb, 5 * SZ_1M + SZ_4K, SZ_4K));
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, mem->cnt);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS * SZ_64K, mem->total_size);
}

TEST(add_zero_size_noop)
{
	fresh();
	ASSERT_EQ(0, smm_memblock_add(&mb, SZ_1M, 0));
	ASSERT_EMPTY(mem);
	smm_memblock_add(&mb, SZ_4M, SZ_1M);
	ASSERT_EQ(0, smm_memblock_add(&mb, SZ_1M, 0));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_4M, SZ_1M);
}

TEST(add_size_overflow_capped)
{
	/* base + size would wrap: the region ends at the top instead */
	phys_addr_t base = MAXADDR - 0xfff;

	fresh();
	ASSERT_EQ(0, smm_memblock_add(&mb, SZ_1M, SZ_1M));
	ASSERT_EQ(0, smm_memblock_add(&mb, base, MAXADDR));
	ASSERT_EQ(2, mem->cnt);
	ASSERT_RGN(mem, 1, base, 0xfff);
	ASSERT_EQ(MAXADDR, smm_memblock_end_of_DRAM(&mb));
	ASSERT_EQ(SZ_1M + 0xfff, mem->total_size);
}

TEST(add_whole_address_space)
{
	fresh();
	ASSERT_EQ(0, smm_memblock_add(&mb, 0, MAXADDR));
	ASSERT_RGN(mem, 0, 0, MAXADDR);
	/* a second overlapping add must not wrap around either */
	ASSERT_EQ(0, smm_memblock_add(&mb, SZ_1M, MAXADDR));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, 0, MAXADDR);
}

TEST(add_traces_every_call)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_2M, 3, SMM_MEMBLOCK_HOTPLUG);
	ASSERT_EQ(1, smm_trace.nr_add);
	ASSERT_EQ(SZ_1M, smm_trace.add.base);
	ASSERT_EQ(SZ_2M, smm_trace.add.size);
	ASSERT_EQ(3, smm_trace.add.nid);
	ASSERT_EQ(SMM_MEMBLOCK_HOTPLUG, smm_trace.add.flags);
	smm_memblock_add(&mb, SZ_8M, SZ_4K);
	ASSERT_EQ(2, smm_trace.nr_add);
	ASSERT_EQ(SZ_8M, smm_trace.add.base);
	ASSERT_EQ(SMM_MAX_NUMNODES, smm_trace.add.nid);
	ASSERT_EQ(0, smm_trace.add.flags);
	/* a no-op is a request too */
	smm_memblock_add(&mb, SZ_8M, 0);
	ASSERT_EQ(3, smm_trace.nr_add);
	ASSERT_EQ(0, smm_trace.nr_reserve);
}

/* ---- reserve ----------------------------------------------------------- */

TEST(reserve_empty_array)
{
	fresh();
	ASSERT_EQ(0, smm_memblock_reserve(&mb, SZ_1M, SZ_4K));
	ASSERT_EQ(1, rsv->cnt);
	ASSERT_RGN(rsv, 0, SZ_1M, SZ_4K);
	ASSERT_EQ(SMM_MAX_NUMNODES, rsv->regions[0].nid);
	ASSERT_EQ(0, rsv->regions[0].flags);
	ASSERT_EQ(SZ_4K, smm_memblock_reserved_size(&mb));
	/* memory is a different array */
	ASSERT_EMPTY(mem);
	ASSERT_EQ(1, smm_trace.nr_reserve);
	ASSERT_EQ(SZ_1M, smm_trace.reserve.base);
	ASSERT_EQ(SZ_4K, smm_trace.reserve.size);
}

TEST(reserve_adjacent_merges)
{
	fresh();
	smm_memblock_reserve(&mb, SZ_1M + SZ_4K, SZ_4K);
	smm_memblock_reserve(&mb, SZ_1M, SZ_4K);
	smm_memblock_reserve(&mb, SZ_1M + SZ_8K, SZ_4K);
	ASSERT_EQ(1, rsv->cnt);
	ASSERT_RGN(rsv, 0, SZ_1M, SZ_12K);
	ASSERT_EQ(SZ_12K, rsv->total_size);
}

TEST(reserve_overlap)
{
	fresh();
	smm_memblock_reserve(&mb, SZ_1M, SZ_8K);
	smm_memblock_reserve(&mb, SZ_1M + SZ_4K, SZ_8K);
	ASSERT_EQ(1, rsv->cnt);
	ASSERT_RGN(rsv, 0, SZ_1M, SZ_12K);
	ASSERT_EQ(SZ_12K, rsv->total_size);
}

TEST(reserve_disjoint_sorted)
{
	fresh();
	smm_memblock_reserve(&mb, SZ_4M, SZ_4K);
	smm_memblock_reserve(&mb, SZ_1M, SZ_4K);
	ASSERT_EQ(2, rsv->cnt);
	ASSERT_RGN(rsv, 0, SZ_1M, SZ_4K);
	ASSERT_RGN(rsv, 1, SZ_4M, SZ_4K);
	ASSERT_EQ(SMM_MAX_NUMNODES, rsv->regions[1].nid);
}

TEST(reserve_size_overflow_capped)
{
	phys_addr_t base = MAXADDR - 0xfff;

	fresh();
	ASSERT_EQ(0, smm_memblock_reserve(&mb, base, MAXADDR));
	ASSERT_RGN(rsv, 0, base, 0xfff);
	ASSERT_TRUE(smm_memblock_is_reserved(&mb, MAXADDR - 1));
}

/* ---- remove ------------------------------------------------------------ */

TEST(remove_whole_region)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_4M, SZ_1M);
	ASSERT_EQ(0, smm_memblock_remove(&mb, SZ_1M, SZ_1M));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_4M, SZ_1M);
	ASSERT_EQ(SZ_1M, mem->total_size);
}

TEST(remove_head)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_4M);
	smm_memblock_remove(&mb, SZ_1M, SZ_1M);
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_2M, SZ_3M);
	ASSERT_EQ(SZ_3M, mem->total_size);
}

TEST(remove_tail)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_4M);
	smm_memblock_remove(&mb, SZ_4M, SZ_1M);
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_3M);
	ASSERT_EQ(SZ_3M, mem->total_size);
}

TEST(remove_middle_splits)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_4M, 2, SMM_MEMBLOCK_HOTPLUG);
	smm_memblock_remove(&mb, SZ_2M, SZ_1M);
	ASSERT_EQ(2, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_1M);
	ASSERT_RGN(mem, 1, SZ_3M, SZ_2M);
	ASSERT_EQ(SZ_3M, mem->total_size);
	/* both halves keep what the region was */
	ASSERT_EQ(2, mem->regions[0].nid);
	ASSERT_EQ(2, mem->regions[1].nid);
	ASSERT_EQ(SMM_MEMBLOCK_HOTPLUG, mem->regions[0].flags);
	ASSERT_EQ(SMM_MEMBLOCK_HOTPLUG, mem->regions[1].flags);
}

TEST(remove_spanning_several)
{
	/* [1M,2M) [3M,4M) [5M,6M) minus [1.5M, 5.5M) */
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_3M, SZ_1M);
	smm_memblock_add(&mb, 5 * SZ_1M, SZ_1M);
	smm_memblock_remove(&mb, SZ_1M + SZ_512K, SZ_4M);
	ASSERT_EQ(2, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_512K);
	ASSERT_RGN(mem, 1, 5 * SZ_1M + SZ_512K, SZ_512K);
	ASSERT_EQ(SZ_1M, mem->total_size);
}

TEST(remove_nonexistent_noop)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	ASSERT_EQ(0, smm_memblock_remove(&mb, SZ_8M, SZ_1M));
	ASSERT_EQ(0, smm_memblock_remove(&mb, SZ_2M, SZ_1M));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_1M);
	ASSERT_EQ(SZ_1M, mem->total_size);
}

TEST(remove_last_region_leaves_dummy)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 5, SMM_MEMBLOCK_NOMAP);
	ASSERT_EQ(0, smm_memblock_remove(&mb, SZ_1M, SZ_1M));
	ASSERT_EMPTY(mem);
	ASSERT_EQ(0, mem->regions[0].flags);
	ASSERT_EQ(SMM_MAX_NUMNODES, mem->regions[0].nid);
	/* and the empty array takes a region again */
	ASSERT_EQ(0, smm_memblock_add(&mb, SZ_4M, SZ_1M));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_4M, SZ_1M);
}

TEST(remove_size_overflow_capped)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_4M, SZ_1M);
	ASSERT_EQ(0, smm_memblock_remove(&mb, SZ_1M + SZ_512K, MAXADDR));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_512K);
	ASSERT_EQ(SZ_512K, mem->total_size);
}

/* ---- free -------------------------------------------------------------- */

TEST(phys_free_splits_reserved)
{
	fresh();
	smm_memblock_reserve(&mb, SZ_1M, SZ_16K);
	ASSERT_EQ(0, smm_memblock_phys_free(&mb, SZ_1M + SZ_4K, SZ_4K));
	ASSERT_EQ(2, rsv->cnt);
	ASSERT_RGN(rsv, 0, SZ_1M, SZ_4K);
	ASSERT_RGN(rsv, 1, SZ_1M + SZ_8K, SZ_8K);
	ASSERT_EQ(SZ_12K, smm_memblock_reserved_size(&mb));
	ASSERT_EQ(1, smm_trace.nr_free);
	ASSERT_EQ(SZ_1M + SZ_4K, smm_trace.free.base);
	ASSERT_EQ(SZ_4K, smm_trace.free.size);
}

TEST(phys_free_leaves_memory_alone)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_reserve(&mb, SZ_1M, SZ_4K);
	smm_memblock_phys_free(&mb, SZ_1M, SZ_1M);
	ASSERT_EMPTY(rsv);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_1M);
}

TEST(free_ptr)
{
	void *p;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	p = smm_memblock_alloc(&mb, SZ_4K, SZ_4K);
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_2M - SZ_4K), p);
	smm_memblock_free(&mb, p, SZ_4K);
	ASSERT_EMPTY(rsv);
	ASSERT_EQ(1, smm_trace.nr_free);
	ASSERT_EQ(SZ_2M - SZ_4K, smm_trace.free.base);
}

TEST(free_null_noop)
{
	fresh();
	smm_memblock_reserve(&mb, SZ_1M, SZ_4K);
	smm_memblock_free(&mb, NULL, SZ_4K);
	ASSERT_EQ(0, smm_trace.nr_free);
	ASSERT_RGN(rsv, 0, SZ_1M, SZ_4K);
}

/* ---- isolate: set_node and flags -------------------------------------- */

TEST(set_node_splits_at_boundaries)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_4M);
	ASSERT_EQ(0, smm_memblock_set_node(&mb, SZ_2M, SZ_1M, mem, 1));
	ASSERT_EQ(3, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_1M);
	ASSERT_RGN(mem, 1, SZ_2M, SZ_1M);
	ASSERT_RGN(mem, 2, SZ_3M, SZ_2M);
	ASSERT_EQ(SMM_MAX_NUMNODES, mem->regions[0].nid);
	ASSERT_EQ(1, mem->regions[1].nid);
	ASSERT_EQ(SMM_MAX_NUMNODES, mem->regions[2].nid);
	/* splitting moves no memory */
	ASSERT_EQ(SZ_4M, mem->total_size);
}

TEST(set_node_merges_neighbours)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add_node(&mb, SZ_2M, SZ_1M, 1, NONE);
	ASSERT_EQ(0, smm_memblock_set_node(&mb, SZ_2M, SZ_1M, mem, 0));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_2M);
	ASSERT_EQ(0, mem->regions[0].nid);
}

TEST(set_node_on_reserved)
{
	fresh();
	smm_memblock_reserve(&mb, SZ_1M, SZ_16K);
	smm_memblock_set_node(&mb, SZ_1M + SZ_4K, SZ_4K, rsv, 3);
	ASSERT_EQ(3, rsv->cnt);
	ASSERT_EQ(3, rsv->regions[1].nid);
	ASSERT_RGN(rsv, 1, SZ_1M + SZ_4K, SZ_4K);
	ASSERT_EQ(SZ_16K, rsv->total_size);
	/* memory untouched */
	ASSERT_EMPTY(mem);
}

TEST(mark_hotplug_splits_and_clear_remerges)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_4M);
	ASSERT_EQ(0, smm_memblock_mark_hotplug(&mb, SZ_2M, SZ_1M));
	ASSERT_EQ(3, mem->cnt);
	ASSERT_EQ(0, mem->regions[0].flags);
	ASSERT_EQ(SMM_MEMBLOCK_HOTPLUG, mem->regions[1].flags);
	ASSERT_RGN(mem, 1, SZ_2M, SZ_1M);
	ASSERT_EQ(0, mem->regions[2].flags);
	ASSERT_EQ(0, smm_memblock_clear_hotplug(&mb, SZ_2M, SZ_1M));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_4M);
}

TEST(mark_nomap_exact_region_edge)
{
	/* a range starting exactly at a region's base splits only once */
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_2M);
	smm_memblock_mark_nomap(&mb, SZ_1M, SZ_1M);
	ASSERT_EQ(2, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_1M);
	ASSERT_EQ(SMM_MEMBLOCK_NOMAP, mem->regions[0].flags);
	ASSERT_RGN(mem, 1, SZ_2M, SZ_1M);
	ASSERT_EQ(0, mem->regions[1].flags);
	smm_memblock_clear_nomap(&mb, 0, SZ_16M);
	ASSERT_EQ(1, mem->cnt);
}

TEST(mark_nomap_across_gap)
{
	/* [1M,2M) [3M,4M), mark [1.5M, 3.5M): four pieces, gap untouched */
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_3M, SZ_1M);
	smm_memblock_mark_nomap(&mb, SZ_1M + SZ_512K, SZ_2M);
	ASSERT_EQ(4, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_512K);
	ASSERT_RGN(mem, 1, SZ_1M + SZ_512K, SZ_512K);
	ASSERT_RGN(mem, 2, SZ_3M, SZ_512K);
	ASSERT_RGN(mem, 3, SZ_3M + SZ_512K, SZ_512K);
	ASSERT_EQ(0, mem->regions[0].flags);
	ASSERT_EQ(SMM_MEMBLOCK_NOMAP, mem->regions[1].flags);
	ASSERT_EQ(SMM_MEMBLOCK_NOMAP, mem->regions[2].flags);
	ASSERT_EQ(0, mem->regions[3].flags);
	ASSERT_EQ(SZ_2M, mem->total_size);
	ASSERT_FALSE(smm_memblock_is_memory(&mb, SZ_2M + SZ_512K));
}

TEST(setclr_zero_size_noop)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_4M);
	ASSERT_EQ(0, smm_memblock_mark_nomap(&mb, SZ_2M, 0));
	ASSERT_EQ(0, smm_memblock_set_node(&mb, SZ_2M, 0, mem, 1));
	ASSERT_EQ(1, mem->cnt);
	ASSERT_EQ(0, mem->regions[0].flags);
}

TEST(isolate_full_array_needs_resize)
{
	/* splitting a region of a full array needs two more slots */
	fresh();
	ASSERT_EQ(0, add_spread(SMM_INIT_MEMBLOCK_REGIONS));
	ASSERT_EQ(-ENOMEM, smm_memblock_mark_hotplug(&mb, 5 * SZ_1M + SZ_4K,
						     SZ_4K));
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, mem->cnt);
	ASSERT_EQ(0, mem->regions[4].flags);
	smm_memblock_allow_resize(&mb);
	ASSERT_EQ(0, smm_memblock_mark_hotplug(&mb, 5 * SZ_1M + SZ_4K, SZ_4K));
	ASSERT_EQ(2 * SMM_INIT_MEMBLOCK_REGIONS, mem->max);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS + 2, mem->cnt);
	ASSERT_EQ(SMM_MEMBLOCK_HOTPLUG, mem->regions[5].flags);
	ASSERT_RGN(mem, 5, 5 * SZ_1M + SZ_4K, SZ_4K);
}

TEST(phys_free_full_reserved_needs_resize)
{
	fresh();
	ASSERT_EQ(0, reserve_spread(SMM_INIT_MEMBLOCK_REGIONS));
	/* punch a hole into one 4K region: two more slots needed at first */
	ASSERT_EQ(-ENOMEM, smm_memblock_phys_free(&mb, SZ_1M + 0x400,
						  SZ_2K));
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, rsv->cnt);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS * SZ_4K, rsv->total_size);
}

/* ---- should_skip_region ------------------------------------------------ */

TEST(alloc_skips_nomap)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_2M);
	smm_memblock_mark_nomap(&mb, SZ_2M, SZ_1M);
	ASSERT_EQ(SZ_2M - SZ_4K,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0, 0));
}

TEST(alloc_uses_hotplug_without_movable_node)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_4M, SZ_1M);
	smm_memblock_mark_hotplug(&mb, SZ_4M, SZ_1M);
	ASSERT_EQ(5 * SZ_1M - SZ_4K,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0, 0));
}

TEST(alloc_skips_hotplug_with_movable_node)
{
	phys_addr_t start, end;
	unsigned int n = 0;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_4M, SZ_1M);
	smm_memblock_mark_hotplug(&mb, SZ_4M, SZ_1M);
	smm_memblock_set_movable_node(&mb, true);
	ASSERT_EQ(SZ_2M - SZ_4K,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0, 0));
	/* asking for HOTPLUG explicitly brings it back */
	smm_for_each_free_mem_range(&mb, NUMA_NO_NODE, SMM_MEMBLOCK_HOTPLUG,
				    &start, &end, NULL)
		n++;
	ASSERT_EQ(2, n);
	ASSERT_EQ(SZ_4M, start);
}

TEST(alloc_skips_driver_managed)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add_node(&mb, SZ_4M, SZ_1M, SMM_MAX_NUMNODES,
			      SMM_MEMBLOCK_DRIVER_MANAGED);
	ASSERT_EQ(SZ_2M - SZ_4K,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0, 0));
}

TEST(iter_nomap_and_mirror_filters)
{
	phys_addr_t start = 0, end = 0;
	unsigned int n;

	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, SMM_MEMBLOCK_MIRROR);
	smm_memblock_add_node(&mb, SZ_4M, SZ_1M, 0, SMM_MEMBLOCK_NOMAP);

	n = 0;
	smm_for_each_free_mem_range(&mb, NUMA_NO_NODE, NONE, &start,
				    &end, NULL)
		n++;
	/* mirror memory is not skipped by default, nomap is */
	ASSERT_EQ(1, n);
	ASSERT_EQ(SZ_1M, start);

	n = 0;
	smm_for_each_free_mem_range(&mb, NUMA_NO_NODE, SMM_MEMBLOCK_NOMAP,
				    &start, &end, NULL)
		n++;
	ASSERT_EQ(2, n);
	ASSERT_EQ(SZ_4M, start);

	n = 0;
	smm_for_each_free_mem_range(&mb, NUMA_NO_NODE, SMM_MEMBLOCK_MIRROR,
				    &start, &end, NULL)
		n++;
	/* asking for mirror skips everything else */
	ASSERT_EQ(1, n);
	ASSERT_EQ(SZ_1M, start);
}

TEST(iter_reserved_never_skipped)
{
	phys_addr_t start, end;
	unsigned int n = 0;
	u64 i = 0;

	/* node and flag filters apply to memory only */
	fresh();
	smm_memblock_reserve(&mb, SZ_1M, SZ_4K);
	smm_memblock_reserve(&mb, SZ_2M, SZ_4K);
	for (smm__next_mem_range(&mb, &i, 5, NONE, rsv, NULL, &start, &end,
				 NULL);
	     i != ULLONG_MAX;
	     smm__next_mem_range(&mb, &i, 5, NONE, rsv, NULL, &start, &end,
				 NULL))
		n++;
	ASSERT_EQ(2, n);
	ASSERT_EQ(SZ_2M, start);
	ASSERT_EQ(SZ_2M + SZ_4K, end);
}

/* ---- free range iteration ---------------------------------------------- */

/*
 * memory    A [0x100000, 0x200000)          B [0x400000, 0x800000)
 * reserved  [0x10000,0x20000) [0x140000,0x180000) [0x500000,0x600000)
 *           [0x7f0000,0x900000)
 * free:     [0x100000,0x140000) [0x180000,0x200000) [0x400000,0x500000)
 *           [0x600000,0x7f0000)
 */
static const phys_addr_t free_ranges[4][2] = {
	{ 0x100000, 0x140000 }, { 0x180000, 0x200000 },
	{ 0x400000, 0x500000 }, { 0x600000, 0x7f0000 },
};

static void iter_layout(int nid_a, int nid_b)
{
	fresh();
	smm_memblock_add_node(&mb, 0x100000, 0x100000, nid_a, NONE);
	smm_memblock_add_node(&mb, 0x400000, 0x400000, nid_b, NONE);
	smm_memblock_reserve(&mb, 0x10000, 0x10000);
	smm_memblock_reserve(&mb, 0x140000, 0x40000);
	smm_memblock_reserve(&mb, 0x500000, 0x100000);
	smm_memblock_reserve(&mb, 0x7f0000, 0x110000);
}

TEST(free_range_forward)
{
	phys_addr_t start, end;
	unsigned int n = 0;
	int nid;

	iter_layout(0, 1);
	smm_for_each_free_mem_range(&mb, NUMA_NO_NODE, NONE, &start, &end,
				    &nid) {
		ASSERT_TRUE(n < 4);
		ASSERT_EQ(free_ranges[n][0], start);
		ASSERT_EQ(free_ranges[n][1], end);
		ASSERT_EQ(n < 2 ? 0 : 1, nid);
		n++;
	}
	ASSERT_EQ(4, n);
}

TEST(free_range_reverse)
{
	phys_addr_t start, end;
	unsigned int n = 0;
	int nid;

	iter_layout(0, 1);
	smm_for_each_free_mem_range_reverse(&mb, NUMA_NO_NODE, NONE,
					    &start, &end, &nid) {
		ASSERT_TRUE(n < 4);
		ASSERT_EQ(free_ranges[3 - n][0], start);
		ASSERT_EQ(free_ranges[3 - n][1], end);
		ASSERT_EQ(n < 2 ? 1 : 0, nid);
		n++;
	}
	ASSERT_EQ(4, n);
}

TEST(free_range_nid_filter)
{
	phys_addr_t start, end;
	unsigned int n = 0;

	iter_layout(0, 1);
	smm_for_each_free_mem_range(&mb, 1, NONE, &start, &end, NULL) {
		ASSERT_TRUE(n < 2);
		ASSERT_EQ(free_ranges[n + 2][0], start);
		ASSERT_EQ(free_ranges[n + 2][1], end);
		n++;
	}
	ASSERT_EQ(2, n);
	n = 0;
	smm_for_each_free_mem_range_reverse(&mb, 0, NONE, &start, &end,
					    NULL) {
		ASSERT_TRUE(n < 2);
		ASSERT_EQ(free_ranges[1 - n][0], start);
		n++;
	}
	ASSERT_EQ(2, n);
}

TEST(free_range_max_numnodes_means_any)
{
	unsigned int n = 0;

	iter_layout(0, 1);
	smm_for_each_free_mem_range(&mb, SMM_MAX_NUMNODES, NONE, NULL, NULL,
				    NULL)
		n++;
	ASSERT_EQ(4, n);
}

TEST(free_range_all_reserved_or_empty)
{
	unsigned int n = 0;

	fresh();
	smm_for_each_free_mem_range(&mb, NUMA_NO_NODE, NONE, NULL, NULL,
				    NULL)
		n++;
	smm_for_each_free_mem_range_reverse(&mb, NUMA_NO_NODE, NONE, NULL,
					    NULL, NULL)
		n++;
	ASSERT_EQ(0, n);
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_reserve(&mb, 0, SZ_4M);
	smm_for_each_free_mem_range(&mb, NUMA_NO_NODE, NONE, NULL, NULL,
				    NULL)
		n++;
	smm_for_each_free_mem_range_reverse(&mb, NUMA_NO_NODE, NONE, NULL,
					    NULL, NULL)
		n++;
	ASSERT_EQ(0, n);
}

TEST(mem_range_without_type_b)
{
	phys_addr_t start, end;
	u64 i = 0;

	/* with no type_b, whole regions come back, reserved or not */
	iter_layout(0, 1);
	smm__next_mem_range(&mb, &i, NUMA_NO_NODE, NONE, mem, NULL, &start,
			    &end, NULL);
	ASSERT_EQ(0x100000, start);
	ASSERT_EQ(0x200000, end);
	smm__next_mem_range(&mb, &i, NUMA_NO_NODE, NONE, mem, NULL, &start,
			    &end, NULL);
	ASSERT_EQ(0x400000, start);
	ASSERT_EQ(0x800000, end);
	smm__next_mem_range(&mb, &i, NUMA_NO_NODE, NONE, mem, NULL, &start,
			    &end, NULL);
	ASSERT_EQ(ULLONG_MAX, i);

	i = ULLONG_MAX;
	smm__next_mem_range_rev(&mb, &i, NUMA_NO_NODE, NONE, mem, NULL,
				&start, &end, NULL);
	ASSERT_EQ(0x400000, start);
	smm__next_mem_range_rev(&mb, &i, NUMA_NO_NODE, NONE, mem, NULL,
				&start, &end, NULL);
	ASSERT_EQ(0x100000, start);
	smm__next_mem_range_rev(&mb, &i, NUMA_NO_NODE, NONE, mem, NULL,
				&start, &end, NULL);
	ASSERT_EQ(ULLONG_MAX, i);
}

/* ---- growing the arrays ------------------------------------------------ */

TEST(region_129_fails_before_allow_resize)
{
	fresh();
	ASSERT_EQ(0, add_spread(SMM_INIT_MEMBLOCK_REGIONS));
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, mem->cnt);
	ASSERT_EQ(-ENOMEM, smm_memblock_add(&mb, 200 * SZ_1M, SZ_64K));
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, mem->cnt);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, mem->max);
	ASSERT_PTR_EQ(mb.memory_init_regions, mem->regions);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS * SZ_64K, mem->total_size);
	ASSERT_EMPTY(rsv);
	/* the failed request was still traced */
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS + 1, smm_trace.nr_add);
}

TEST(region_129_doubles_memory_array)
{
	/*
	 * The new 256-entry array (6 KiB, 8 KiB in pages) is found top-down
	 * in the memory present before the 129th region goes in: the top of
	 * [128M, 128M + 64K), i.e. 128M + 56K.
	 */
	const phys_addr_t array = 128 * SZ_1M + SZ_64K - SZ_8K;
	unsigned int i;

	fresh();
	ASSERT_EQ(0, add_spread(SMM_INIT_MEMBLOCK_REGIONS));
	/* whatever the memory held must not show through the new slots */
	memset(smm_phys_to_virt(array), 0xaa, SZ_8K);
	smm_memblock_allow_resize(&mb);
	ASSERT_EQ(0, smm_memblock_add(&mb, 200 * SZ_1M, SZ_64K));
	ASSERT_EQ(2 * SMM_INIT_MEMBLOCK_REGIONS, mem->max);
	for (i = SMM_INIT_MEMBLOCK_REGIONS + 1; i < mem->max; i++) {
		ASSERT_EQ(0, mem->regions[i].base);
		ASSERT_EQ(0, mem->regions[i].size);
		ASSERT_EQ(0, mem->regions[i].nid);
	}
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS + 1, mem->cnt);
	ASSERT_PTR_EQ(smm_phys_to_virt(array), mem->regions);
	/* the array is itself reserved */
	ASSERT_EQ(1, rsv->cnt);
	ASSERT_RGN(rsv, 0, array, SZ_8K);
	ASSERT_EQ(1, smm_trace.nr_reserve);
	/* contents preserved */
	for (i = 0; i < SMM_INIT_MEMBLOCK_REGIONS; i++)
		ASSERT_RGN(mem, i, (i + 1) * SZ_1M, SZ_64K);
	ASSERT_RGN(mem, SMM_INIT_MEMBLOCK_REGIONS, 200 * SZ_1M, SZ_64K);
	ASSERT_EQ((SMM_INIT_MEMBLOCK_REGIONS + 1) * SZ_64K, mem->total_size);
	/* the static array is no longer looked at */
	mb.memory_init_regions[0].base = 0xdead000;
	ASSERT_EQ(SZ_1M, mem->regions[0].base);
	ASSERT_TRUE(smm_memblock_is_memory(&mb, SZ_1M));
	ASSERT_FALSE(smm_memblock_is_memory(&mb, 0xdead000));
}

TEST(second_doubling_frees_first_array)
{
	/*
	 * 128 -> 256 entries puts an 8K array at 128M + 56K; 256 -> 512
	 * entries (12K) goes to the top of [256M, 256M + 64K), 256M + 52K,
	 * and the first array is given back.
	 */
	const phys_addr_t array2 = 256 * SZ_1M + SZ_64K - SZ_12K;

	fresh();
	smm_memblock_allow_resize(&mb);
	ASSERT_EQ(0, add_spread(2 * SMM_INIT_MEMBLOCK_REGIONS + 1));
	ASSERT_EQ(4 * SMM_INIT_MEMBLOCK_REGIONS, mem->max);
	ASSERT_PTR_EQ(smm_phys_to_virt(array2), mem->regions);
	ASSERT_EQ(1, rsv->cnt);
	ASSERT_RGN(rsv, 0, array2, SZ_12K);
	ASSERT_EQ(1, smm_trace.nr_free);
	ASSERT_EQ(128 * SZ_1M + SZ_64K - SZ_8K, smm_trace.free.base);
	ASSERT_EQ(SZ_8K, smm_trace.free.size);
	ASSERT_RGN(mem, 2 * SMM_INIT_MEMBLOCK_REGIONS,
		   (2 * SMM_INIT_MEMBLOCK_REGIONS + 1) * SZ_1M, SZ_64K);
}

TEST(double_reserved_avoids_new_area)
{
	/*
	 * memory [1M, 4M); 128 reservations below 0x1ff000. Reserving
	 * [4M - 8K, 4M) doubles reserved.regions; top-down the array would
	 * land exactly there, so it must go just below: [4M - 16K, 4M - 8K).
	 * The two then merge.
	 */
	const phys_addr_t area = SZ_4M - SZ_8K;
	const phys_addr_t array = SZ_4M - SZ_16K;
	unsigned int i;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_3M);
	ASSERT_EQ(0, reserve_spread(SMM_INIT_MEMBLOCK_REGIONS));
	smm_memblock_allow_resize(&mb);
	ASSERT_EQ(0, smm_memblock_reserve(&mb, area, SZ_8K));
	ASSERT_EQ(2 * SMM_INIT_MEMBLOCK_REGIONS, rsv->max);
	ASSERT_PTR_EQ(smm_phys_to_virt(array), rsv->regions);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS + 1, rsv->cnt);
	for (i = 0; i < SMM_INIT_MEMBLOCK_REGIONS; i++)
		ASSERT_RGN(rsv, i, SZ_1M + i * SZ_8K, SZ_4K);
	ASSERT_RGN(rsv, SMM_INIT_MEMBLOCK_REGIONS, array, SZ_16K);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS * SZ_4K + SZ_16K,
		  rsv->total_size);
	ASSERT_PTR_EQ(mb.memory_init_regions, mem->regions);
}

TEST(double_fails_without_room)
{
	unsigned int i;

	/* 128 single pages: no two contiguous pages for the new array */
	fresh();
	for (i = 0; i < SMM_INIT_MEMBLOCK_REGIONS; i++)
		ASSERT_EQ(0, smm_memblock_add(&mb, (i + 1) * SZ_64K, SZ_4K));
	smm_memblock_allow_resize(&mb);
	ASSERT_EQ(-ENOMEM, smm_memblock_add(&mb, 200 * SZ_1M, SZ_4K));
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, mem->cnt);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, mem->max);
	ASSERT_PTR_EQ(mb.memory_init_regions, mem->regions);
	ASSERT_EMPTY(rsv);
}

TEST(double_memory_with_full_reserved_fails_cleanly)
{
	/*
	 * The kernel BUG()s here: memory.regions must grow, its new array
	 * must be reserved, reserved.regions is full and the only free 8K
	 * is the new array itself. The shadow fails with nothing changed.
	 */
	const phys_addr_t hole = SZ_1M + 127 * SZ_64K + SZ_8K;
	unsigned int i;

	fresh();
	for (i = 0; i < SMM_INIT_MEMBLOCK_REGIONS; i++) {
		phys_addr_t base = SZ_1M + i * SZ_64K;

		ASSERT_EQ(0, smm_memblock_add(&mb, base, SZ_16K));
		ASSERT_EQ(0, smm_memblock_reserve(&mb, base,
						  i == 127 ? SZ_8K : SZ_16K));
	}
	smm_memblock_allow_resize(&mb);
	ASSERT_EQ(-ENOMEM, smm_memblock_add(&mb, 200 * SZ_1M, SZ_16K));
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, mem->cnt);
	ASSERT_PTR_EQ(mb.memory_init_regions, mem->regions);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, rsv->cnt);
	ASSERT_PTR_EQ(mb.reserved_init_regions, rsv->regions);
	ASSERT_FALSE(smm_memblock_is_reserved(&mb, hole));
	ASSERT_EQ(127 * SZ_16K + SZ_8K, rsv->total_size);
}

TEST(alloc_triggers_reserved_doubling)
{
	/*
	 * The allocation lands at 16M - 4K; recording it doubles
	 * reserved.regions, whose array must avoid it: 16M - 12K. Both
	 * merge into one reserved region.
	 */
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_16M - SZ_1M);
	ASSERT_EQ(0, reserve_spread(SMM_INIT_MEMBLOCK_REGIONS));
	smm_memblock_allow_resize(&mb);
	ASSERT_EQ(SZ_16M - SZ_4K,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0, 0));
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_16M - SZ_12K), rsv->regions);
	ASSERT_RGN(rsv, SMM_INIT_MEMBLOCK_REGIONS, SZ_16M - SZ_12K, SZ_12K);
}

TEST(alloc_fails_when_reserved_full)
{
	void *p;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_16M - SZ_1M);
	ASSERT_EQ(0, reserve_spread(SMM_INIT_MEMBLOCK_REGIONS));
	p = smm_memblock_alloc(&mb, SZ_4K, SZ_4K);
	ASSERT_PTR_EQ(NULL, p);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, rsv->cnt);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS * SZ_4K, rsv->total_size);
	ASSERT_EQ(0, smm_trace.alloc.base);
}

TEST(destroy_forgets_doubled_arrays)
{
	fresh();
	smm_memblock_allow_resize(&mb);
	ASSERT_EQ(0, add_spread(SMM_INIT_MEMBLOCK_REGIONS + 1));
	ASSERT_NE((uintptr_t)mb.memory_init_regions, (uintptr_t)mem->regions);
	smm_memblock_destroy(&mb);
	ASSERT_PTR_EQ(mb.memory_init_regions, mem->regions);
	ASSERT_PTR_EQ(mb.reserved_init_regions, rsv->regions);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, mem->max);
	ASSERT_EMPTY(mem);
	ASSERT_EMPTY(rsv);
	ASSERT_FALSE(mb.can_resize);
}

/* ---- allocation placement ---------------------------------------------- */

TEST(top_down_takes_highest)
{
	phys_addr_t p;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_4M, SZ_1M);
	p = smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0, 0);
	ASSERT_EQ(5 * SZ_1M - SZ_4K, p);
	ASSERT_TRUE(smm_memblock_is_reserved(&mb, p));
	ASSERT_EQ(SZ_4K, smm_memblock_reserved_size(&mb));
}

TEST(top_down_align_rounds_down)
{
	/* end 0x10a000: 0x109000 rounded down to 16K is 0x108000 */
	fresh();
	smm_memblock_add(&mb, 0x100000, 0xa000);
	ASSERT_EQ(0x108000,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_16K, 0, 0));
}

TEST(bottom_up_takes_lowest)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_4M, SZ_1M);
	smm_memblock_set_bottom_up(&mb, true);
	ASSERT_EQ(SZ_1M,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0, 0));
	ASSERT_EQ(SZ_1M + SZ_4K,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0, 0));
}

TEST(bottom_up_align_rounds_up)
{
	fresh();
	smm_memblock_add(&mb, 0x101000, SZ_64K);
	smm_memblock_set_bottom_up(&mb, true);
	ASSERT_EQ(0x104000,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_16K, 0, 0));
}

TEST(top_down_skips_too_small_gap)
{
	/* the 4K at the top is free but 8K does not fit there */
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_reserve(&mb, SZ_2M - SZ_12K, SZ_8K);
	ASSERT_EQ(SZ_2M - SZ_12K - SZ_8K,
		  smm_memblock_phys_alloc_range(&mb, SZ_8K, SZ_4K, 0, 0));
}

TEST(successive_allocations_stack_down)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	ASSERT_EQ(SZ_2M - SZ_4K, smm_memblock_phys_alloc_try_nid(&mb, SZ_4K,
								 SZ_4K, 0));
	ASSERT_EQ(SZ_2M - SZ_8K, smm_memblock_phys_alloc_try_nid(&mb, SZ_4K,
								 SZ_4K, 0));
	ASSERT_EQ(SZ_2M - SZ_12K, smm_memblock_phys_alloc_try_nid(&mb, SZ_4K,
								  SZ_4K, 0));
	ASSERT_EQ(1, rsv->cnt);
	ASSERT_RGN(rsv, 0, SZ_2M - SZ_12K, SZ_12K);
}

TEST(first_page_never_returned)
{
	fresh();
	smm_memblock_add(&mb, 0, SZ_64K);
	smm_memblock_set_bottom_up(&mb, true);
	ASSERT_EQ(SZ_4K,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0, 0));

	/* only the first page exists: nothing to allocate */
	fresh();
	smm_memblock_add(&mb, 0, SZ_4K);
	ASSERT_EQ(0, smm_memblock_phys_alloc_range(&mb, 64, 64, 0, 0));
	smm_memblock_set_bottom_up(&mb, true);
	ASSERT_EQ(0, smm_memblock_phys_alloc_range(&mb, 64, 64, 0, 0));
	ASSERT_EMPTY(rsv);
}

TEST(current_limit_respected)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_16M - SZ_1M);
	smm_memblock_set_current_limit(&mb, SZ_8M);
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_8M - SZ_4K),
		      smm_memblock_alloc(&mb, SZ_4K, SZ_4K));
	/* NOLEAKTRACE is "accessible" too */
	ASSERT_EQ(SZ_8M - SZ_8K,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0,
						SMM_MEMBLOCK_ALLOC_NOLEAKTRACE));
	/* an explicit ANYWHERE end is not limited */
	ASSERT_EQ(SZ_16M - SZ_4K,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, 0,
						SMM_MEMBLOCK_ALLOC_ANYWHERE));
}

TEST(max_addr_clamped_to_current_limit)
{
	struct smm_memblock_alloc_info info;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_16M - SZ_1M);
	smm_memblock_set_current_limit(&mb, SZ_8M);
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_8M - SZ_4K),
		      smm_memblock_alloc_try_nid(&mb, SZ_4K, SZ_4K, 0,
						 12 * SZ_1M, NUMA_NO_NODE,
						 &info));
	/* the request is recorded as made */
	ASSERT_EQ(12 * SZ_1M, info.max_addr);
	ASSERT_EQ(SZ_8M - SZ_4K, info.base);
}

TEST(max_addr_honoured)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_16M - SZ_1M);
	ASSERT_PTR_EQ(smm_phys_to_virt(6 * SZ_1M - SZ_4K),
		      smm_memblock_alloc_try_nid(&mb, SZ_4K, SZ_4K, 0,
						 6 * SZ_1M, NUMA_NO_NODE,
						 NULL));
}

TEST(min_addr_honoured)
{
	struct smm_memblock_alloc_info info;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_16M - SZ_1M);
	smm_memblock_set_bottom_up(&mb, true);
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_2M),
		      smm_memblock_alloc_try_nid(&mb, SZ_4K, SZ_4K, SZ_2M, 0,
						 NUMA_NO_NODE, &info));
	ASSERT_FALSE(info.retried);
}

TEST(min_addr_retry_below)
{
	struct smm_memblock_alloc_info info;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_2M - SZ_4K),
		      smm_memblock_alloc_try_nid(&mb, SZ_4K, SZ_4K, SZ_4M, 0,
						 NUMA_NO_NODE, &info));
	ASSERT_TRUE(info.retried);
	ASSERT_EQ(SZ_2M - SZ_4K, info.base);
	ASSERT_EQ(SZ_4M, info.min_addr);
	/* one alloc event for the call, after the retry decision */
	ASSERT_EQ(1, smm_trace.nr_alloc);
	ASSERT_TRUE(smm_trace.alloc.retried);
	ASSERT_EQ(SZ_2M - SZ_4K, smm_trace.alloc.base);
	ASSERT_EQ(1, smm_trace.nr_reserve);
}

TEST(alloc_failure_changes_nothing)
{
	struct smm_memblock_alloc_info info;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_64K);
	smm_memblock_reserve(&mb, SZ_1M, SZ_4K);
	ASSERT_PTR_EQ(NULL, smm_memblock_alloc_try_nid(&mb, SZ_1M, SZ_4K,
						       SZ_1M, 0, NUMA_NO_NODE,
						       &info));
	ASSERT_EQ(0, info.base);
	ASSERT_TRUE(info.retried);
	ASSERT_EQ(1, smm_trace.nr_alloc);
	ASSERT_EQ(0, smm_trace.alloc.base);
	ASSERT_EQ(0, smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K,
						   SZ_8M, SZ_16M));
	ASSERT_EQ(2, smm_trace.nr_alloc);
	ASSERT_FALSE(smm_trace.alloc.retried);
	ASSERT_EQ(1, rsv->cnt);
	ASSERT_RGN(rsv, 0, SZ_1M, SZ_4K);
	ASSERT_EQ(1, smm_trace.nr_reserve);
}

TEST(exact_nid_fails_when_node_lacks_space)
{
	struct smm_memblock_alloc_info info;

	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add_node(&mb, SZ_4M, SZ_64K, 1, NONE);
	ASSERT_PTR_EQ(NULL,
		      smm_memblock_alloc_exact_nid_raw(&mb, SZ_128K, SZ_4K, 0,
						       0, 1, &info));
	ASSERT_TRUE(info.exact_nid);
	ASSERT_EQ(1, info.nid);
	ASSERT_EMPTY(rsv);
	/* try_nid falls back to another node */
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_2M - SZ_128K),
		      smm_memblock_alloc_try_nid_raw(&mb, SZ_128K, SZ_4K, 0,
						     0, 1, &info));
	ASSERT_FALSE(info.exact_nid);
}

TEST(nid_specific_placement)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add_node(&mb, SZ_4M, SZ_1M, 1, NONE);
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_2M - SZ_4K),
		      smm_memblock_alloc_node(&mb, SZ_4K, SZ_4K, 0));
	ASSERT_PTR_EQ(smm_phys_to_virt(5 * SZ_1M - SZ_4K),
		      smm_memblock_alloc_node(&mb, SZ_4K, SZ_4K, 1));
	ASSERT_EQ(SZ_2M - SZ_8K,
		  smm_memblock_phys_alloc_try_nid(&mb, SZ_4K, SZ_4K, 0));
	ASSERT_PTR_EQ(smm_phys_to_virt(5 * SZ_1M - SZ_8K),
		      smm_memblock_alloc_exact_nid_raw(&mb, SZ_4K, SZ_4K, 0,
						       0, 1, NULL));
}

TEST(nid_max_numnodes_means_any)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add_node(&mb, SZ_4M, SZ_1M, 1, NONE);
	ASSERT_PTR_EQ(smm_phys_to_virt(5 * SZ_1M - SZ_4K),
		      smm_memblock_alloc_try_nid(&mb, SZ_4K, SZ_4K, 0, 0,
						 SMM_MAX_NUMNODES, NULL));
	ASSERT_PTR_EQ(smm_phys_to_virt(5 * SZ_1M - SZ_8K),
		      smm_memblock_alloc_exact_nid_raw(&mb, SZ_4K, SZ_4K, 0,
						       0, SMM_MAX_NUMNODES,
						       NULL));
}

TEST(align_zero_means_cache_line)
{
	struct smm_memblock_alloc_info info;

	/* end 0x101038: 0x101028 rounded down to 64 bytes is 0x101000 */
	fresh();
	smm_memblock_add(&mb, 0x100000, 0x1038);
	ASSERT_PTR_EQ(smm_phys_to_virt(0x101000),
		      smm_memblock_alloc_try_nid(&mb, 0x10, 0, 0, 0,
						 NUMA_NO_NODE, &info));
	ASSERT_EQ(0, info.align);
}

TEST(alloc_try_nid_zeroes)
{
	unsigned char *base = smm_phys_to_virt(SZ_1M);
	unsigned char *p;
	unsigned int i;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	memset(base, 0xaa, SZ_1M);
	p = smm_memblock_alloc(&mb, 256, 64);
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_2M - 256), p);
	for (i = 0; i < 256; i++)
		ASSERT_EQ(0, p[i]);
	/* and not a byte more */
	ASSERT_EQ(0xaa, p[-1]);
}

TEST(alloc_raw_does_not_zero)
{
	unsigned char *base = smm_phys_to_virt(SZ_1M);
	unsigned char *p;
	unsigned int i;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	memset(base, 0xaa, SZ_1M);
	p = smm_memblock_alloc_raw(&mb, 256, 64);
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_2M - 256), p);
	for (i = 0; i < 256; i++)
		ASSERT_EQ(0xaa, p[i]);
	p = smm_memblock_alloc_try_nid_raw(&mb, 256, 64, 0, 0, NUMA_NO_NODE,
					   NULL);
	ASSERT_EQ(0xaa, p[0]);
}

TEST(alloc_from_wrapper)
{
	unsigned char *p;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	memset(smm_phys_to_virt(SZ_1M), 0x55, SZ_1M);
	smm_memblock_set_bottom_up(&mb, true);
	p = smm_memblock_alloc_from(&mb, SZ_4K, SZ_4K, SZ_1M + SZ_512K);
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_1M + SZ_512K), p);
	ASSERT_EQ(0, p[0]);
	ASSERT_EQ(0, p[SZ_4K - 1]);
	ASSERT_EQ(SZ_1M + SZ_512K, smm_trace.alloc.min_addr);
	ASSERT_EQ(SMM_MEMBLOCK_ALLOC_ACCESSIBLE, smm_trace.alloc.max_addr);
	ASSERT_EQ((u64)NUMA_NO_NODE, (u64)smm_trace.alloc.nid);
}

TEST(alloc_trace_once_per_call)
{
	void *p;

	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	p = smm_memblock_alloc_node(&mb, SZ_8K, SZ_4K, 0);
	ASSERT_PTR_EQ(smm_phys_to_virt(SZ_2M - SZ_8K), p);
	ASSERT_EQ(1, smm_trace.nr_alloc);
	ASSERT_EQ(SZ_8K, smm_trace.alloc.size);
	ASSERT_EQ(SZ_4K, smm_trace.alloc.align);
	ASSERT_EQ(0, smm_trace.alloc.min_addr);
	ASSERT_EQ(0, smm_trace.alloc.nid);
	ASSERT_FALSE(smm_trace.alloc.exact_nid);
	ASSERT_FALSE(smm_trace.alloc.retried);
	ASSERT_EQ(SZ_2M - SZ_8K, smm_trace.alloc.base);
	/* the reservation the allocator makes is traced as such */
	ASSERT_EQ(1, smm_trace.nr_reserve);
	ASSERT_EQ(SZ_2M - SZ_8K, smm_trace.reserve.base);
	ASSERT_EQ(SZ_8K, smm_trace.reserve.size);
}

TEST(phys_alloc_range_within_bounds)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_16M - SZ_1M);
	ASSERT_EQ(SZ_3M - SZ_4K,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, SZ_2M,
						SZ_3M));
	ASSERT_EQ(SZ_2M, smm_trace.alloc.min_addr);
	ASSERT_EQ(SZ_3M, smm_trace.alloc.max_addr);
	ASSERT_EQ(SZ_3M - SZ_4K, smm_trace.alloc.base);
	smm_memblock_set_bottom_up(&mb, true);
	ASSERT_EQ(SZ_2M,
		  smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K, SZ_2M,
						SZ_3M));
	/* [start, end) is a hard limit: no retry below start */
	ASSERT_EQ(0, smm_memblock_phys_alloc_range(&mb, SZ_4K, SZ_4K,
						   SZ_16M, SZ_16M + SZ_1M));
}

TEST(phys_alloc_try_nid_falls_back)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add_node(&mb, SZ_4M, SZ_64K, 1, NONE);
	ASSERT_EQ(SZ_2M - SZ_128K,
		  smm_memblock_phys_alloc_try_nid(&mb, SZ_128K, SZ_4K, 1));
	ASSERT_EQ(1, smm_trace.nr_alloc);
	ASSERT_EQ(1, smm_trace.alloc.nid);
	ASSERT_EQ(SMM_MEMBLOCK_ALLOC_ACCESSIBLE, smm_trace.alloc.max_addr);
	ASSERT_FALSE(smm_trace.alloc.retried);
	ASSERT_EQ(SZ_2M - SZ_128K, smm_memblock_alloc_range_nid(&mb, SZ_128K,
								SZ_4K, 0, 0,
								1, false) +
		  SZ_128K);
	ASSERT_EQ(0, smm_memblock_alloc_range_nid(&mb, SZ_128K, SZ_4K, 0, 0,
						  1, true));
	ASSERT_EQ(3, smm_trace.nr_alloc);
}

/* ---- trim -------------------------------------------------------------- */

TEST(trim_rounds_inwards)
{
	fresh();
	smm_memblock_add(&mb, 0x100800, 0xf000);
	smm_memblock_trim_memory(&mb, SZ_4K);
	ASSERT_EQ(1, mem->cnt);
	ASSERT_RGN(mem, 0, 0x101000, 0xe000);
	ASSERT_EQ(0xe000, smm_memblock_phys_mem_size(&mb));
}

TEST(trim_drops_too_small)
{
	/* the small region in the middle goes; the one after still trims */
	fresh();
	smm_memblock_add(&mb, 0x100000, 0x4000);
	smm_memblock_add(&mb, 0x200100, 0x800);
	smm_memblock_add(&mb, 0x300800, 0x3000);
	smm_memblock_trim_memory(&mb, SZ_4K);
	ASSERT_EQ(2, mem->cnt);
	ASSERT_RGN(mem, 0, 0x100000, 0x4000);
	ASSERT_RGN(mem, 1, 0x301000, 0x2000);
	ASSERT_EQ(0x6000, smm_memblock_phys_mem_size(&mb));
}

TEST(trim_aligned_untouched)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_4M, SZ_64K);
	smm_memblock_trim_memory(&mb, SZ_64K);
	ASSERT_EQ(2, mem->cnt);
	ASSERT_RGN(mem, 0, SZ_1M, SZ_1M);
	ASSERT_RGN(mem, 1, SZ_4M, SZ_64K);
	ASSERT_EQ(SZ_1M + SZ_64K, mem->total_size);
}

TEST(trim_everything_leaves_dummy)
{
	fresh();
	smm_memblock_add(&mb, 0x100100, 0x800);
	smm_memblock_add(&mb, 0x200100, 0x800);
	smm_memblock_trim_memory(&mb, SZ_4K);
	ASSERT_EMPTY(mem);
	ASSERT_EQ(SMM_MAX_NUMNODES, mem->regions[0].nid);
}

/* ---- sizes and bounds -------------------------------------------------- */

TEST(start_end_of_dram)
{
	fresh();
	ASSERT_EQ(0, smm_memblock_start_of_DRAM(&mb));
	ASSERT_EQ(0, smm_memblock_end_of_DRAM(&mb));
	smm_memblock_add(&mb, SZ_4M, SZ_1M);
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	ASSERT_EQ(SZ_1M, smm_memblock_start_of_DRAM(&mb));
	ASSERT_EQ(5 * SZ_1M, smm_memblock_end_of_DRAM(&mb));
	/* reserved memory does not count */
	smm_memblock_reserve(&mb, SZ_16M, SZ_1M);
	ASSERT_EQ(5 * SZ_1M, smm_memblock_end_of_DRAM(&mb));
}

TEST(sizes_after_merges_and_splits)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_1M + SZ_512K, SZ_1M);
	ASSERT_EQ(SZ_1M + SZ_512K, smm_memblock_phys_mem_size(&mb));
	smm_memblock_remove(&mb, SZ_1M + SZ_256K, SZ_256K);
	ASSERT_EQ(SZ_1M + SZ_256K, smm_memblock_phys_mem_size(&mb));
	smm_memblock_set_node(&mb, SZ_2M, SZ_4K, mem, 1);
	ASSERT_EQ(SZ_1M + SZ_256K, smm_memblock_phys_mem_size(&mb));
	smm_memblock_reserve(&mb, SZ_1M, SZ_4K);
	smm_memblock_reserve(&mb, SZ_1M + SZ_4K, SZ_4K);
	smm_memblock_reserve(&mb, SZ_1M, SZ_2K);
	ASSERT_EQ(SZ_8K, smm_memblock_reserved_size(&mb));
	smm_memblock_phys_free(&mb, SZ_1M + SZ_2K, SZ_4K);
	ASSERT_EQ(SZ_4K, smm_memblock_reserved_size(&mb));
	ASSERT_EQ(2, rsv->cnt);
}

/* ---- queries ----------------------------------------------------------- */

TEST(overlaps_region_edges)
{
	fresh();
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	/* touching is not overlapping */
	ASSERT_FALSE(smm_memblock_overlaps_region(mem, SZ_1M - SZ_4K, SZ_4K));
	ASSERT_FALSE(smm_memblock_overlaps_region(mem, SZ_2M, SZ_4K));
	ASSERT_TRUE(smm_memblock_overlaps_region(mem, SZ_2M - 1, 1));
	ASSERT_TRUE(smm_memblock_overlaps_region(mem, SZ_1M - 1, 2));
	ASSERT_TRUE(smm_memblock_overlaps_region(mem, SZ_512K, SZ_2M));
	ASSERT_FALSE(smm_memblock_overlaps_region(mem, SZ_1M, 0));
	ASSERT_TRUE(smm_memblock_overlaps_region(mem, 0, MAXADDR));
}

TEST(overlaps_region_size_capped)
{
	/* uncapped, 4M + (MAX - 1M) wraps to 3M - 1 and misses [8M, 9M) */
	fresh();
	smm_memblock_add(&mb, SZ_8M, SZ_1M);
	ASSERT_TRUE(smm_memblock_overlaps_region(mem, SZ_4M, MAXADDR - SZ_1M));
	ASSERT_FALSE(smm_memblock_is_region_reserved(&mb, SZ_4M, MAXADDR));
}

TEST(is_region_reserved_edges)
{
	fresh();
	smm_memblock_reserve(&mb, SZ_1M, SZ_4K);
	ASSERT_TRUE(smm_memblock_is_region_reserved(&mb, SZ_1M, 1));
	ASSERT_TRUE(smm_memblock_is_region_reserved(&mb, 0, SZ_1M + 1));
	ASSERT_FALSE(smm_memblock_is_region_reserved(&mb, 0, SZ_1M));
	ASSERT_FALSE(smm_memblock_is_region_reserved(&mb, SZ_1M + SZ_4K,
						     SZ_4K));
}

TEST(is_memory_boundaries)
{
	unsigned int i;

	/* eleven regions [(2i + 1)M, (2i + 2)M): exercises the search */
	fresh();
	for (i = 0; i < 11; i++)
		smm_memblock_add(&mb, (2 * i + 1) * SZ_1M, SZ_1M);
	ASSERT_EQ(11, mem->cnt);
	for (i = 0; i < 11; i++) {
		phys_addr_t base = (2 * i + 1) * SZ_1M;

		ASSERT_TRUE(smm_memblock_is_memory(&mb, base));
		ASSERT_TRUE(smm_memblock_is_memory(&mb, base + SZ_1M - 1));
		ASSERT_FALSE(smm_memblock_is_memory(&mb, base - 1));
		ASSERT_FALSE(smm_memblock_is_memory(&mb, base + SZ_1M));
	}
	ASSERT_FALSE(smm_memblock_is_memory(&mb, 0));
	ASSERT_FALSE(smm_memblock_is_memory(&mb, MAXADDR));
}

TEST(is_memory_empty_array)
{
	fresh();
	ASSERT_FALSE(smm_memblock_is_memory(&mb, 0));
	ASSERT_FALSE(smm_memblock_is_reserved(&mb, 0));
}

TEST(is_reserved_boundaries)
{
	unsigned int i;

	fresh();
	for (i = 0; i < 6; i++)
		smm_memblock_reserve(&mb, SZ_1M + i * SZ_8K, SZ_4K);
	for (i = 0; i < 6; i++) {
		phys_addr_t base = SZ_1M + i * SZ_8K;

		ASSERT_TRUE(smm_memblock_is_reserved(&mb, base));
		ASSERT_TRUE(smm_memblock_is_reserved(&mb, base + SZ_4K - 1));
		ASSERT_FALSE(smm_memblock_is_reserved(&mb, base - 1));
		ASSERT_FALSE(smm_memblock_is_reserved(&mb, base + SZ_4K));
	}
	ASSERT_FALSE(smm_memblock_is_memory(&mb, SZ_1M));
}

TEST(is_region_memory_single_region)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add_node(&mb, SZ_2M, SZ_1M, 1, NONE);
	ASSERT_TRUE(smm_memblock_is_region_memory(&mb, SZ_1M, SZ_1M));
	ASSERT_TRUE(smm_memblock_is_region_memory(&mb, SZ_1M + SZ_512K,
						  SZ_512K));
	/* as in the kernel, a range across two regions is not "memory" */
	ASSERT_FALSE(smm_memblock_is_region_memory(&mb, SZ_1M + SZ_4K, SZ_1M));
	ASSERT_FALSE(smm_memblock_is_region_memory(&mb, SZ_512K, SZ_1M));
	ASSERT_FALSE(smm_memblock_is_region_memory(&mb, SZ_3M, SZ_4K));
	ASSERT_FALSE(smm_memblock_is_region_memory(&mb, SZ_2M, MAXADDR));
}

TEST(covers_runs_of_regions)
{
	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add_node(&mb, SZ_2M, SZ_1M, 1, NONE);
	smm_memblock_add(&mb, SZ_4M, SZ_1M);
	ASSERT_TRUE(smm_memblock_covers(mem, SZ_1M, SZ_2M));
	ASSERT_TRUE(smm_memblock_covers(mem, SZ_1M + SZ_4K, SZ_1M));
	ASSERT_TRUE(smm_memblock_covers(mem, SZ_4M, SZ_1M));
	ASSERT_FALSE(smm_memblock_covers(mem, SZ_1M, SZ_3M));
	ASSERT_FALSE(smm_memblock_covers(mem, SZ_512K, SZ_1M));
	ASSERT_FALSE(smm_memblock_covers(mem, SZ_2M + SZ_512K, SZ_1M));
	ASSERT_FALSE(smm_memblock_covers(mem, SZ_4M, SZ_1M + 1));
	ASSERT_FALSE(smm_memblock_covers(mem, SZ_4M, MAXADDR));
	ASSERT_FALSE(smm_memblock_covers(mem, 6 * SZ_1M, SZ_4K));
	ASSERT_TRUE(smm_memblock_covers(mem, 6 * SZ_1M, 0));
	ASSERT_FALSE(smm_memblock_covers(rsv, SZ_1M, SZ_4K));
}

/* ---- pfn ranges -------------------------------------------------------- */

TEST(pfn_range_trims_partial_pages)
{
	unsigned long spfn, epfn;
	int nid, n = 0;

	fresh();
	smm_memblock_add(&mb, 0x100800, 0x5000);
	smm_memblock_add(&mb, 0x200100, 0x800);
	smm_memblock_add_node(&mb, 0x300000, 0x2000, 1, NONE);
	smm_for_each_mem_pfn_range(&mb, SMM_MAX_NUMNODES, &spfn, &epfn,
				   &nid) {
		if (n == 0) {
			ASSERT_EQ(0x101, spfn);
			ASSERT_EQ(0x105, epfn);
			ASSERT_EQ(SMM_MAX_NUMNODES, nid);
		} else {
			/* [0x200100, 0x200900) holds no whole page */
			ASSERT_EQ(0x300, spfn);
			ASSERT_EQ(0x302, epfn);
			ASSERT_EQ(1, nid);
		}
		n++;
	}
	ASSERT_EQ(2, n);
}

TEST(pfn_range_nid_filter)
{
	unsigned long spfn;
	int n = 0;

	fresh();
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add_node(&mb, SZ_4M, SZ_1M, 1, NONE);
	smm_memblock_add_node(&mb, SZ_8M, SZ_1M, 1, NONE);
	smm_for_each_mem_pfn_range(&mb, 1, &spfn, NULL, NULL) {
		ASSERT_EQ(n ? SZ_8M >> 12 : SZ_4M >> 12, spfn);
		n++;
	}
	ASSERT_EQ(2, n);
	/* v6.1: NUMA_NO_NODE is a node id here, not a wildcard */
	n = 0;
	smm_for_each_mem_pfn_range(&mb, NUMA_NO_NODE, NULL, NULL, NULL)
		n++;
	ASSERT_EQ(0, n);
}

/* ---- text output ------------------------------------------------------- */

/* %pa renderings of the addresses the layouts below use */
#define PA_0		"0x0000000000000000"
#define PA_MAX		"0xffffffffffffffff"
#define PA_1M		"0x0000000000100000"
#define PA_2M_1		"0x00000000001fffff"
#define PA_2M		"0x0000000000200000"
#define PA_4M		"0x0000000000400000"
#define PA_5M_1		"0x00000000004fffff"
#define PA_1_5M		"0x0000000000180000"
#define PA_1_5M_4K_1	"0x0000000000180fff"
#define PA_4K		"0x0000000000001000"

TEST(dump_all_text)
{
	static struct text t;
	static const char expected[] =
		"MEMBLOCK configuration:\n"
		" memory size = " PA_2M " reserved size = " PA_4K "\n"
		" memory.cnt  = 0x2\n"
		" memory[0x0]\t[" PA_1M "-" PA_2M_1 "], " PA_1M
		" bytes on node 0 flags: 0x0\n"
		" memory[0x1]\t[" PA_4M "-" PA_5M_1 "], " PA_1M
		" bytes flags: 0x4\n"
		" reserved.cnt  = 0x1\n"
		" reserved[0x0]\t[" PA_1_5M "-" PA_1_5M_4K_1 "], " PA_4K
		" bytes flags: 0x0\n";

	fresh();
	memset(&t, 0, sizeof(t));
	smm_memblock_add_node(&mb, SZ_1M, SZ_1M, 0, NONE);
	smm_memblock_add(&mb, SZ_4M, SZ_1M);
	smm_memblock_mark_nomap(&mb, SZ_4M, SZ_1M);
	smm_memblock_reserve(&mb, 0x180000, SZ_4K);
	smm_memblock_dump_all(&mb, text_emit, &t);
	ASSERT_STREQ(expected, t.buf);
	ASSERT_EQ(t.calls, t.one_line_calls);
}

TEST(dump_all_empty)
{
	static struct text t;
	static const char expected[] =
		"MEMBLOCK configuration:\n"
		" memory size = " PA_0 " reserved size = " PA_0 "\n"
		" memory.cnt  = 0x1\n"
		" memory[0x0]\t[" PA_0 "-" PA_MAX "], " PA_0
		" bytes flags: 0x0\n"
		" reserved.cnt  = 0x1\n"
		" reserved[0x0]\t[" PA_0 "-" PA_MAX "], " PA_0
		" bytes flags: 0x0\n";

	fresh();
	memset(&t, 0, sizeof(t));
	smm_memblock_dump_all(&mb, text_emit, &t);
	ASSERT_STREQ(expected, t.buf);
}

TEST(dump_all_hex_index)
{
	static struct text t;

	fresh();
	memset(&t, 0, sizeof(t));
	ASSERT_EQ(0, add_spread(11));
	smm_memblock_dump_all(&mb, text_emit, &t);
	ASSERT_TRUE(strstr(t.buf, " memory.cnt  = 0xb\n"));
	ASSERT_TRUE(strstr(t.buf, " memory[0xa]\t[0x0000000000b00000-"));
	ASSERT_EQ(t.calls, t.one_line_calls);
}

TEST(debug_show_text)
{
	static struct text t;
	static const char expected[] =
		"   0: " PA_1M ".." PA_2M_1 "\n"
		"   1: " PA_4M "..0x0000000000400fff\n";

	fresh();
	memset(&t, 0, sizeof(t));
	smm_memblock_add(&mb, SZ_1M, SZ_1M);
	smm_memblock_add(&mb, SZ_4M, SZ_4K);
	smm_memblock_debug_show(mem, text_emit, &t);
	ASSERT_STREQ(expected, t.buf);
	ASSERT_EQ(2, t.calls);

	memset(&t, 0, sizeof(t));
	smm_memblock_debug_show(rsv, text_emit, &t);
	ASSERT_STREQ("   0: " PA_0 ".." PA_MAX "\n", t.buf);

	fresh();
	memset(&t, 0, sizeof(t));
	ASSERT_EQ(0, add_spread(11));
	smm_memblock_debug_show(mem, text_emit, &t);
	ASSERT_TRUE(strstr(t.buf, "\n  10: 0x0000000000b00000.."));
}
