/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny KTAP-style runner for the host unit tests of the portable core.
 *
 * TEST(name) { ... } defines and registers a test; ASSERT_*() report the
 * first broken expectation of a test as "# file:line: expected ... got ..."
 * and end that test, so one bug shows up once rather than as a cascade.
 * Tests run in file and line order; the last line of output is
 * "N passed, M failed" and the exit status is 1 when anything failed.
 */
#ifndef _SMM_UNIT_HARNESS_H
#define _SMM_UNIT_HARNESS_H

#include "shadowmm/memblock.h"
#include "shadowmm/page_alloc.h"
#include "shadowmm/machine.h"

struct smm_test {
	const char *name;
	const char *file;
	int line;
	void (*fn)(void);
};

void smm_test_register(struct smm_test *t);

/*
 * Registration from a constructor keeps each test in one place: adding a
 * test, or a test_*.c file, needs no list to be kept in sync by hand.
 */
#define TEST(name)							\
	static void name(void);						\
	static struct smm_test smm_test_##name = {			\
		#name, __FILE__, __LINE__, name				\
	};								\
	__attribute__((constructor)) static void smm_reg_##name(void)	\
	{								\
		smm_test_register(&smm_test_##name);			\
	}								\
	static void name(void)

/*
 * On failure these report "# file:line: expected ... got ..." and end the
 * current test by jumping back to the runner (longjmp), so that the macros
 * need no hidden return and a test never runs on past a broken
 * expectation into, say, an out-of-range index.
 */
void smm_assert_u64(const char *file, int line, const char *exp_str,
		    u64 exp, const char *got_str, u64 got, bool equal);
void smm_assert_bool(const char *file, int line, const char *expr,
		     bool exp, bool got);
void smm_assert_str(const char *file, int line, const char *exp_str,
		    const char *exp, const char *got_str, const char *got);

/* Each argument is evaluated exactly once. */
#define ASSERT_EQ(exp, got)						\
	smm_assert_u64(__FILE__, __LINE__, #exp, (u64)(exp), #got,	\
		       (u64)(got), true)

#define ASSERT_NE(exp, got)						\
	smm_assert_u64(__FILE__, __LINE__, #exp, (u64)(exp), #got,	\
		       (u64)(got), false)

#define ASSERT_TRUE(cond)						\
	smm_assert_bool(__FILE__, __LINE__, #cond, true, (cond))

#define ASSERT_FALSE(cond)						\
	smm_assert_bool(__FILE__, __LINE__, #cond, false, (cond))

#define ASSERT_PTR_EQ(exp, got)						\
	ASSERT_EQ((uintptr_t)(const void *)(exp),			\
		  (uintptr_t)(const void *)(got))

#define ASSERT_STREQ(exp, got)						\
	smm_assert_str(__FILE__, __LINE__, #exp, (exp), #got, (got))

/*
 * What the core traced during the current test: a count per event and the
 * arguments of the last one. Cleared before every test.
 */
struct smm_trace_log {
	unsigned int nr_add, nr_reserve, nr_alloc, nr_free;
	struct {
		phys_addr_t base, size;
		int nid;
		unsigned int flags;
	} add;
	struct {
		phys_addr_t base, size;
	} reserve, free;
	struct smm_memblock_alloc_info alloc;

	/* stage 2: the buddy allocator's events */
	unsigned int nr_alloc_pages, nr_rmqueue, nr_rmqueue_bulk, nr_pcp_drain;
	unsigned int nr_fallback, nr_free_one_page, nr_watermark_fail;
	unsigned int nr_free_all, nr_zonelist_fallback;
	struct {
		unsigned int gfp, order;
		int nid;
		unsigned long pfn;
	} alloc_pages;
	struct smm_rmqueue_rec rmqueue;
	struct {
		int nid, zone;
		unsigned int order;
		int migratetype, count, allocated;
	} rmqueue_bulk;
	struct {
		int nid, zone, cpu, count;
	} pcp_drain;
	struct {
		unsigned long pfn;
		unsigned int alloc_order;
		int fallback_order, alloc_migratetype, fallback_migratetype;
		int change_ownership;
	} fallback;
	struct {
		unsigned long pfn;
		unsigned int order, merged_order;
		int migratetype;
	} free_one_page;
	struct {
		int nid, zone;
		unsigned int order;
		unsigned long mark, free;
		unsigned int alloc_flags;
	} watermark_fail;
	struct {
		int nid, zone;
		unsigned long pages;
	} free_all;
	struct {
		int preferred_nid, preferred_zone, nid, zone;
		unsigned int order;
		int reason;
	} zonelist_fallback;

	/* stage 3: the slab layer's events (names copied, bounded) */
	unsigned int nr_kmem_cache_alloc, nr_kmalloc, nr_kmem_cache_free;
	unsigned int nr_kfree, nr_allocate_slab, nr_slab_state;
	struct {
		char name[32];
		u64 phys;
		size_t bytes_req, bytes_alloc;
		unsigned int gfp_flags;
		int node;
	} kmem_cache_alloc, kmalloc;
	struct {
		char name[32];
		u64 phys;
	} kmem_cache_free, kfree;
	struct {
		char name[32];
		unsigned int order, got, objects;
		int nid;
	} allocate_slab;
	int slab_state;

	/* the kmem-named events (trace/events/shadowmm_kmem.h) */
	unsigned int nr_mm_page_alloc, nr_mm_page_free, nr_mm_page_free_batched;
	unsigned int nr_mm_page_alloc_zone_locked, nr_mm_page_pcpu_drain;
	unsigned int nr_mm_page_alloc_extfrag;
	struct {
		unsigned long pfn;
		unsigned int order, gfp_flags;
		int migratetype;
	} mm_page_alloc;
	struct {
		unsigned long pfn;
		unsigned int order;
	} mm_page_free, mm_page_free_batched;
	struct {
		unsigned long pfn;
		unsigned int order;
		int migratetype, percpu_refill;
	} mm_page_alloc_zone_locked, mm_page_pcpu_drain;
	struct {
		unsigned long pfn;
		int alloc_order, fallback_order;
		int alloc_migratetype, fallback_migratetype, change_ownership;
	} mm_page_alloc_extfrag;
};

extern struct smm_trace_log smm_trace;

/* Size of the mapping behind smm_phys_to_virt(): tests stay below it. */
#define SMM_UARENA_SIZE		(64ULL << 30)

/* replay.c: unit_tests --replay CHUNKS CPUS SEED OPS */
int smm_replay_main(int argc, char **argv);
/* unit_tests --bench SHAPE [N] (bench.c) */
int smm_bench_main(int argc, char **argv);

/* Sizes the tests lay machines out with. */
#define SZ_2K		0x800ULL
#define SZ_4K		0x1000ULL
#define SZ_8K		0x2000ULL
#define SZ_16K		0x4000ULL
#define SZ_64K		0x10000ULL
#define SZ_128K		0x20000ULL
#define SZ_256K		0x40000ULL
#define SZ_512K		0x80000ULL
#define SZ_1M		0x100000ULL
#define SZ_2M		0x200000ULL
#define SZ_4M		0x400000ULL
#define SZ_8M		0x800000ULL
#define SZ_16M		0x1000000ULL
#define SZ_32M		0x2000000ULL
#define SZ_64M		0x4000000ULL
#define SZ_128M		0x8000000ULL
#define SZ_256M		0x10000000ULL
#define SZ_1G		0x40000000ULL
#define SZ_2G		0x80000000ULL
#define SZ_4G		0x100000000ULL

/*
 * Everything a log or emit callback printed (ctx: the capture): the whole
 * text, bounded, the number of calls and the last line on its own.
 */
struct smm_capture {
	char buf[1 << 20];
	size_t len;
	unsigned int lines;
	char last[512];
};

void smm_capture_emit(void *ctx, const char *fmt, ...) __printf(2, 3);

/* One more chunk of region for a machine under construction. */
void smm_test_add_chunk(struct smm_machine *m, phys_addr_t base,
			phys_addr_t size, int nid);

#endif /* _SMM_UNIT_HARNESS_H */
