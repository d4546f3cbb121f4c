// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ctl command language (src/ctl.c) on a booted machine:
 * every command of README's ctl section does what it says, and every
 * malformed or out-of-range form fails with its errno and leaves memblock
 * exactly as it was. Addresses are worked out by hand in the comments.
 */
#include <stdarg.h>

#include "harness.h"
#include "shadowmm/ctl.h"
#include "shadowmm/vmstat.h"
#include "../tools/smm-ctl-grammar.h"


/*
 * The machine every test starts from: node 0 = [1G, 1G + 32M), node 1 =
 * [2G, 2G + 32M), firmware 64K, kernel 4M, initrd 2M. After boot:
 *   reserved [0] firmware [1G, 1G + 64K)
 *            [1] kernel   [1G + 2M, 1G + 6M)
 *            [2] memmap 0 [1G + 31.5M, 1G + 32M)
 *            [3] memmap 1 [2G + 29.5M, 2G + 30M) + initrd [2G + 30M, 2G + 32M)
 * so the highest free byte ends at 2G + 29.5M (TOP), node 0's at MAP0.
 */
#define N0		SZ_1G
#define N1		SZ_2G
#define FW		SZ_64K
#define KERN		SZ_4M
#define INITRD		SZ_2M
#define MAP0		(N0 + SZ_32M - SZ_512K)
#define MAP1		(N1 + SZ_32M - INITRD - SZ_512K)
#define INITRD_BASE	(N1 + SZ_32M - INITRD)
#define TOP		MAP1

static struct smm_machine *m;
static struct smm_memblock_type *mem;
static struct smm_memblock_type *rsv;

/* What was logged: the last line, and how many there were. */
static struct smm_capture clog;

static int ctl(const char *cmd)
{
	clog.last[0] = '\0';
	return smm_ctl_exec(m, cmd, smm_capture_emit, &clog);
}

/*
 * A new machine, not booted. The previous test's machine is freed here;
 * the last one stays reachable from @m, so LeakSanitizer is quiet.
 */
static void fresh(void)
{
	free(m);
	m = calloc(1, sizeof(*m));
	ASSERT_TRUE(m);
	m->region.backend = "test";
	m->cfg.firmware_size = FW;
	m->cfg.kernel_size = KERN;
	m->cfg.initrd_size = INITRD;
	/* memblock commands need memblock in charge: stop before the buddy */
	m->cfg.upto = SMM_UPTO_MEMMAP;
	mem = &m->memblock.memory;
	rsv = &m->memblock.reserved;
	memset(&clog, 0, sizeof(clog));
}

/* The reference machine, booted. */
#define SETUP()		ASSERT_EQ(0, setup())

static int setup(void)
{
	fresh();
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	return smm_boot(m, smm_capture_emit, &clog);
}

/* Every byte of [base, base + size) is @c. */
static bool all_bytes(phys_addr_t base, phys_addr_t size, unsigned char c)
{
	const unsigned char *p = smm_phys_to_virt(base);
	phys_addr_t i;

	for (i = 0; i < size; i++)
		if (p[i] != c)
			return false;
	return true;
}

/* ---- memblock snapshots ------------------------------------------------ */

#define SNAP_REGIONS	1024

struct snap {
	bool booted;
	int nr_nodes;
	bool bottom_up;
	phys_addr_t current_limit;
	struct {
		unsigned long cnt, max;
		phys_addr_t total_size;
		const struct smm_memblock_region *array;
		struct smm_memblock_region regions[SNAP_REGIONS];
	} type[2];
};

static struct snap snap_before, snap_after, snap_boot;

static void snap_take(struct snap *s)
{
	struct smm_memblock_type *types[2] = { mem, rsv };
	int t;

	memset(s, 0, sizeof(*s));
	s->booted = m->booted;
	s->nr_nodes = m->nr_nodes;
	s->bottom_up = m->memblock.bottom_up;
	s->current_limit = m->memblock.current_limit;
	for (t = 0; t < 2; t++) {
		ASSERT_TRUE(types[t]->cnt <= SNAP_REGIONS);
		s->type[t].cnt = types[t]->cnt;
		s->type[t].max = types[t]->max;
		s->type[t].total_size = types[t]->total_size;
		s->type[t].array = types[t]->regions;
		/* a machine never booted has no arrays at all */
		if (types[t]->cnt)
			memcpy(s->type[t].regions, types[t]->regions,
			       types[t]->cnt * sizeof(*types[t]->regions));
	}
}

/* One field of two snapshots, reported as "<what>: <field>". */
static void snap_field(const char *file, int line, const char *what,
		       const char *field, u64 a, u64 b)
{
	char got[160];

	snprintf(got, sizeof(got), "%s: %s", what, field);
	smm_assert_u64(file, line, "before", a, got, b, true);
}

static void snap_compare(const char *file, int line, const char *what,
			 const struct snap *a, const struct snap *b)
{
	static const char *const names[2] = { "memory", "reserved" };
	char field[64];
	unsigned long i;
	int t;

	snap_field(file, line, what, "booted", a->booted, b->booted);
	snap_field(file, line, what, "nr_nodes", a->nr_nodes, b->nr_nodes);
	snap_field(file, line, what, "bottom_up", a->bottom_up, b->bottom_up);
	snap_field(file, line, what, "current_limit", a->current_limit,
		   b->current_limit);
	for (t = 0; t < 2; t++) {
		snprintf(field, sizeof(field), "%s.cnt", names[t]);
		snap_field(file, line, what, field, a->type[t].cnt,
			   b->type[t].cnt);
		snprintf(field, sizeof(field), "%s.max", names[t]);
		snap_field(file, line, what, field, a->type[t].max,
			   b->type[t].max);
		snprintf(field, sizeof(field), "%s.total_size", names[t]);
		snap_field(file, line, what, field, a->type[t].total_size,
			   b->type[t].total_size);
		snprintf(field, sizeof(field), "%s.regions", names[t]);
		snap_field(file, line, what, field,
			   (uintptr_t)a->type[t].array,
			   (uintptr_t)b->type[t].array);
		for (i = 0; i < a->type[t].cnt; i++) {
			const struct smm_memblock_region *ra, *rb;

			ra = &a->type[t].regions[i];
			rb = &b->type[t].regions[i];
			snprintf(field, sizeof(field), "%s[%lu].base",
				 names[t], i);
			snap_field(file, line, what, field, ra->base, rb->base);
			snprintf(field, sizeof(field), "%s[%lu].size",
				 names[t], i);
			snap_field(file, line, what, field, ra->size, rb->size);
			snprintf(field, sizeof(field), "%s[%lu].nid",
				 names[t], i);
			snap_field(file, line, what, field, ra->nid, rb->nid);
			snprintf(field, sizeof(field), "%s[%lu].flags",
				 names[t], i);
			snap_field(file, line, what, field, ra->flags,
				   rb->flags);
		}
	}
}

#define ASSERT_SAME_SNAP(a, b)						\
	snap_compare(__FILE__, __LINE__, "state", a, b)

/* @cmd, made printable for a failure report */
static void describe(char *buf, size_t len, const char *cmd)
{
	size_t n = 0;

	/* room for one more escape and "..." */
	for (; *cmd && n + 8 < len; cmd++) {
		unsigned char c = *cmd;

		if (c >= ' ' && c <= '~')
			buf[n++] = c;
		else
			n += snprintf(buf + n, len - n, "\\x%02x", c);
	}
	snprintf(buf + n, len - n, "%s", *cmd ? "..." : "");
}

/*
 * @cmd fails with @err and leaves memblock, its settings and the machine
 * exactly as they were; failures name the command.
 */
#define ASSERT_REJECTED(err, cmd)					\
	assert_rejected(__FILE__, __LINE__, err, cmd)

static void assert_rejected(const char *file, int line, int err,
			    const char *cmd)
{
	char what[96];
	int ret;

	describe(what, sizeof(what), cmd);
	snap_take(&snap_before);
	ret = ctl(cmd);
	smm_assert_u64(file, line, "err", (u64)(s64)err, what, (u64)(s64)ret,
		       true);
	snap_take(&snap_after);
	snap_compare(file, line, what, &snap_before, &snap_after);
	/* every outcome is explained */
	smm_assert_bool(file, line, "the rejection is logged", true,
			!strncmp(clog.last, "ctl: ", 5) ||
			!strncmp(clog.last, "boot: ", 6));
}

#define ASSERT_LOG(s)	ASSERT_STREQ(s, clog.last)

/* ---- smm_parse_u64 ----------------------------------------------------- */

/* @s parses to @v */
#define ASSERT_PARSES(v, s)						\
	do {								\
		u64 __v = 0x5a5a5a5a5a5a5a5aULL;			\
		ASSERT_EQ(0, smm_parse_u64(s, &__v));			\
		ASSERT_EQ(v, __v);					\
	} while (0)

#define ASSERT_NO_PARSE(s)						\
	do {								\
		u64 __v;						\
		ASSERT_EQ(-EINVAL, smm_parse_u64(s, &__v));		\
	} while (0)

TEST(parse_decimal)
{
	ASSERT_PARSES(0, "0");
	ASSERT_PARSES(7, "7");
	ASSERT_PARSES(12345, "12345");
	ASSERT_PARSES(4096, "4096");
	/* a leading zero is not octal */
	ASSERT_PARSES(10, "010");
	ASSERT_PARSES(7, "0007");
}

TEST(parse_hex)
{
	ASSERT_PARSES(0x1f, "0x1f");
	ASSERT_PARSES(0x1f, "0X1F");
	ASSERT_PARSES(0xabcdef, "0xAbCdEf");
	ASSERT_PARSES(0, "0x0");
	ASSERT_PARSES(1, "0x0001");
	ASSERT_PARSES(0x40000000, "0x40000000");
	/* b and e are hex digits, not suffixes */
	ASSERT_PARSES(0x1b, "0x1b");
	ASSERT_PARSES(0x1e, "0x1E");
}

TEST(parse_suffixes)
{
	ASSERT_PARSES(4096, "4k");
	ASSERT_PARSES(4096, "4K");
	ASSERT_PARSES(3 << 20, "3m");
	ASSERT_PARSES(3 << 20, "3M");
	ASSERT_PARSES(2ULL << 30, "2g");
	ASSERT_PARSES(2ULL << 30, "2G");
	ASSERT_PARSES(0, "0K");
	/* on hex too */
	ASSERT_PARSES(0x10 << 10, "0x10K");
	ASSERT_PARSES(0x1ULL << 30, "0x1g");
	ASSERT_PARSES(0xfULL << 20, "0xfM");
}

TEST(parse_largest_values)
{
	ASSERT_PARSES(0xffffffffffffffffULL, "0xffffffffffffffff");
	ASSERT_PARSES(0xffffffffffffffffULL, "0XFFFFFFFFFFFFFFFF");
	ASSERT_PARSES(0xffffffffffffffffULL, "18446744073709551615");
	ASSERT_PARSES(0xffffffffffffffffULL, "0x0000ffffffffffffffff");
	/* the largest multiplier of each suffix that still fits */
	ASSERT_PARSES(0xfffffffffffffc00ULL, "18014398509481983K");
	ASSERT_PARSES(0xfffffffffff00000ULL, "17592186044415M");
	ASSERT_PARSES(0xffffffffc0000000ULL, "17179869183G");
	ASSERT_PARSES(0xffffffffc0000000ULL, "0x3ffffffffG");
}

TEST(parse_overflow_rejected)
{
	ASSERT_NO_PARSE("18446744073709551616");
	ASSERT_NO_PARSE("18446744073709551620");
	ASSERT_NO_PARSE("99999999999999999999");
	ASSERT_NO_PARSE("0x10000000000000000");
	ASSERT_NO_PARSE("0x1ffffffffffffffff");
	ASSERT_NO_PARSE("18014398509481984K");
	ASSERT_NO_PARSE("17592186044416M");
	ASSERT_NO_PARSE("17179869184G");
	ASSERT_NO_PARSE("0x400000000G");
	ASSERT_NO_PARSE("99999999999G");
}

TEST(parse_malformed_rejected)
{
	ASSERT_NO_PARSE("");
	ASSERT_NO_PARSE("0x");
	ASSERT_NO_PARSE("0X");
	ASSERT_NO_PARSE("0xK");
	ASSERT_NO_PARSE("x1");
	ASSERT_NO_PARSE("K");
	ASSERT_NO_PARSE("12Q");
	ASSERT_NO_PARSE("4M4");
	ASSERT_NO_PARSE("4KK");
	ASSERT_NO_PARSE("1KB");
	ASSERT_NO_PARSE("16E");
	ASSERT_NO_PARSE("1T");
	ASSERT_NO_PARSE("1a");
	ASSERT_NO_PARSE("0xg1");
	ASSERT_NO_PARSE("0x0x1");
	ASSERT_NO_PARSE("1.5");
	ASSERT_NO_PARSE("-1");
	ASSERT_NO_PARSE("+1");
	ASSERT_NO_PARSE(" 1");
	ASSERT_NO_PARSE("1 ");
	ASSERT_NO_PARSE("1\n");
	ASSERT_NO_PARSE("max");
}

/* ---- the starting point ------------------------------------------------- */

TEST(ctl_reference_machine)
{
	SETUP();
	ASSERT_EQ(2, mem->cnt);
	ASSERT_EQ(4, rsv->cnt);
	ASSERT_EQ(N0, rsv->regions[0].base);
	ASSERT_EQ(N0 + SZ_2M, rsv->regions[1].base);
	ASSERT_EQ(MAP0, rsv->regions[2].base);
	ASSERT_EQ(MAP1, rsv->regions[3].base);
	ASSERT_EQ(SZ_512K + INITRD, rsv->regions[3].size);
	ASSERT_EQ(MAP0, m->node_data[0].memmap_base);
	ASSERT_EQ(MAP1, m->node_data[1].memmap_base);
}

/* ---- memblock alloc ---------------------------------------------------- */

TEST(ctl_alloc_default_top_down)
{
	SETUP();
	snap_take(&snap_before);
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d7f000\n");
	ASSERT_EQ(TOP - SZ_4K, 0x81d7f000);
	/* merged into memmap 1's region */
	ASSERT_EQ(4, rsv->cnt);
	ASSERT_EQ(TOP - SZ_4K, rsv->regions[3].base);
	ASSERT_EQ(snap_before.type[1].total_size + SZ_4K, rsv->total_size);
	/* memory itself does not change */
	ASSERT_EQ(SZ_64M, mem->total_size);
	/* defaults: align 64, no min, max the current limit, any node */
	ASSERT_EQ(SMP_CACHE_BYTES, smm_trace.alloc.align);
	ASSERT_EQ(0, smm_trace.alloc.min_addr);
	ASSERT_EQ(SMM_MEMBLOCK_ALLOC_ACCESSIBLE, smm_trace.alloc.max_addr);
	ASSERT_EQ(NUMA_NO_NODE, smm_trace.alloc.nid);
	ASSERT_FALSE(smm_trace.alloc.exact_nid);
	ASSERT_FALSE(smm_trace.alloc.retried);
}

TEST(ctl_alloc_small_align)
{
	/* 100 bytes at the default 64-byte alignment: TOP - 128 */
	SETUP();
	ASSERT_EQ(0, ctl("memblock alloc size=100"));
	ASSERT_LOG("ctl: memblock alloc 100 bytes at 0x0000000081d7ff80\n");
	ASSERT_EQ(0, ctl("memblock alloc size=100 align=1"));
	ASSERT_LOG("ctl: memblock alloc 100 bytes at 0x0000000081d7ff1c\n");
}

TEST(ctl_alloc_zeroes)
{
	SETUP();
	memset(smm_phys_to_virt(TOP - SZ_8K), 0xa5, SZ_8K);
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
	ASSERT_TRUE(all_bytes(TOP - SZ_4K, SZ_4K, 0));
	/* only the allocation */
	ASSERT_TRUE(all_bytes(TOP - SZ_8K, SZ_4K, 0xa5));
}

TEST(ctl_alloc_raw_not_zeroed)
{
	SETUP();
	memset(smm_phys_to_virt(TOP - SZ_4K), 0xa5, SZ_4K);
	ASSERT_EQ(0, ctl("memblock alloc size=4K raw"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d7f000\n");
	ASSERT_TRUE(all_bytes(TOP - SZ_4K, SZ_4K, 0xa5));
	ASSERT_TRUE(smm_memblock_is_region_reserved(&m->memblock,
						    TOP - SZ_4K, SZ_4K));
}

TEST(ctl_alloc_align)
{
	SETUP();
	/* round_down(TOP - 4K, 1M) = 2G + 29M */
	ASSERT_EQ(0, ctl("memblock alloc size=4K align=1M"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d00000\n");
	ASSERT_EQ(SZ_1M, smm_trace.alloc.align);
	/* the largest alignment accepted: 1G, which 2G satisfies */
	ASSERT_EQ(0, ctl("memblock alloc size=4K align=1G"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000080000000\n");
	/* the page at 2G + 29M is taken: the next 4K-aligned fit is the top */
	ASSERT_EQ(0, ctl("memblock alloc size=4K align=0x1000"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d7f000\n");
}

TEST(ctl_alloc_min_max)
{
	SETUP();
	/* top down inside [1G + 8M, 1G + 16M) */
	ASSERT_EQ(0, ctl("memblock alloc size=4K min=0x40800000 max=0x41000000"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000040fff000\n");
	ASSERT_EQ(0x40800000, smm_trace.alloc.min_addr);
	ASSERT_EQ(0x41000000, smm_trace.alloc.max_addr);
	/* max alone: below 1G + 1M, above the firmware */
	ASSERT_EQ(0, ctl("memblock alloc size=4K max=0x40100000"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x00000000400ff000\n");
	/* min alone, top down: min changes nothing here */
	ASSERT_EQ(0, ctl("memblock alloc size=4K min=0x40800000"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d7f000\n");
}

TEST(ctl_alloc_min_bottom_up)
{
	SETUP();
	ASSERT_EQ(0, ctl("memblock set bottom_up=1"));
	ASSERT_EQ(0, ctl("memblock alloc size=4K min=0x40800000 max=0x41000000"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000040800000\n");
	ASSERT_EQ(0, ctl("memblock alloc size=4K min=0x80000000"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000080000000\n");
}

TEST(ctl_alloc_retry_without_min)
{
	/* nothing is free above 2G + 31M: the retry ignores min */
	SETUP();
	ASSERT_EQ(0, ctl("memblock alloc size=4K min=0x81f00000"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d7f000 (retried without min)\n");
	ASSERT_TRUE(smm_trace.alloc.retried);
	ASSERT_EQ(0x81f00000, smm_trace.alloc.min_addr);
	ASSERT_EQ(TOP - SZ_4K, smm_trace.alloc.base);
}

TEST(ctl_alloc_nid)
{
	SETUP();
	ASSERT_EQ(0, ctl("memblock alloc size=4K nid=0"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000041f7f000\n");
	ASSERT_EQ(0, smm_trace.alloc.nid);
	ASSERT_EQ(0, ctl("memblock alloc size=4K nid=1"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d7f000\n");
}

TEST(ctl_alloc_nid_falls_back)
{
	/*
	 * Node 0's largest free range is [1G + 6M, 1G + 31.5M), 25.5M: 26M
	 * comes from node 1, top down: 2G + 29.5M - 26M = 2G + 3.5M.
	 */
	SETUP();
	ASSERT_EQ(0, ctl("memblock alloc size=26M nid=0 raw"));
	ASSERT_LOG("ctl: memblock alloc 27262976 bytes at 0x0000000080380000\n");
	ASSERT_FALSE(smm_trace.alloc.retried);
}

TEST(ctl_alloc_exact)
{
	SETUP();
	memset(smm_phys_to_virt(MAP0 - SZ_4K), 0xa5, SZ_4K);
	ASSERT_EQ(0, ctl("memblock alloc size=4K nid=0 exact"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000041f7f000\n");
	ASSERT_TRUE(smm_trace.alloc.exact_nid);
	/* exact is raw */
	ASSERT_TRUE(all_bytes(MAP0 - SZ_4K, SZ_4K, 0xa5));
	/* and so is exact raw, in either order */
	ASSERT_EQ(0, ctl("memblock alloc raw size=4K exact nid=0"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000041f7e000\n");
}

TEST(ctl_alloc_exact_does_not_fall_back)
{
	SETUP();
	ASSERT_REJECTED(-ENOMEM, "memblock alloc size=26M nid=0 exact");
	ASSERT_LOG("ctl: memblock alloc of 27262976 bytes failed\n");
	ASSERT_TRUE(smm_trace.alloc.exact_nid);
	ASSERT_EQ(0, smm_trace.alloc.base);
}

TEST(ctl_alloc_enomem)
{
	/* 30M fits in memory (64M) but in no free range */
	SETUP();
	ASSERT_REJECTED(-ENOMEM, "memblock alloc size=30M");
	ASSERT_LOG("ctl: memblock alloc of 31457280 bytes failed\n");
	/* all of memory is a valid request, too */
	ASSERT_REJECTED(-ENOMEM, "memblock alloc size=64M");
	ASSERT_REJECTED(-ENOMEM, "memblock alloc size=4K min=0x1000 max=0x2000");
	ASSERT_REJECTED(-ENOMEM, "memblock alloc size=30M nid=1");
}

/* ---- memblock set ------------------------------------------------------ */

TEST(ctl_set_bottom_up)
{
	SETUP();
	ASSERT_EQ(0, ctl("memblock set bottom_up=1"));
	ASSERT_TRUE(m->memblock.bottom_up);
	/* the lowest free byte: right above the firmware */
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000040010000\n");
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000040011000\n");
	ASSERT_EQ(0, ctl("memblock set bottom_up=0"));
	ASSERT_FALSE(m->memblock.bottom_up);
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d7f000\n");
	/* numbers are numbers */
	ASSERT_EQ(0, ctl("memblock set bottom_up=0x1"));
	ASSERT_TRUE(m->memblock.bottom_up);
}

TEST(ctl_set_limit)
{
	SETUP();
	ASSERT_EQ(0, ctl("memblock set limit=0x41000000"));
	ASSERT_EQ(0x41000000, m->memblock.current_limit);
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000040fff000\n");
	/* an explicit max above the limit is clipped to it */
	ASSERT_EQ(0, ctl("memblock alloc size=4K max=0x90000000"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000040ffe000\n");
	/* one page is the smallest limit */
	ASSERT_EQ(0, ctl("memblock set limit=4K"));
	ASSERT_EQ(SZ_4K, m->memblock.current_limit);
	ASSERT_REJECTED(-ENOMEM, "memblock alloc size=4K");
}

TEST(ctl_set_limit_max)
{
	SETUP();
	ASSERT_EQ(0, ctl("memblock set limit=0x41000000"));
	ASSERT_EQ(0, ctl("memblock set limit=max"));
	ASSERT_EQ(SMM_MEMBLOCK_ALLOC_ANYWHERE, m->memblock.current_limit);
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d7f000\n");
	ASSERT_EQ(0, ctl("memblock set limit=0xffffffffffffffff"));
	ASSERT_EQ(SMM_MEMBLOCK_ALLOC_ANYWHERE, m->memblock.current_limit);
}

TEST(ctl_set_both)
{
	SETUP();
	ASSERT_EQ(0, ctl("memblock set limit=0x41000000 bottom_up=1"));
	ASSERT_TRUE(m->memblock.bottom_up);
	ASSERT_EQ(0x41000000, m->memblock.current_limit);
	/* memblock is unchanged by set */
	snap_take(&snap_after);
	ASSERT_EQ(4, snap_after.type[1].cnt);
}

/* ---- memblock reserve / free -------------------------------------------- */

TEST(ctl_reserve_free_round_trip)
{
	SETUP();
	snap_take(&snap_boot);
	ASSERT_EQ(0, ctl("memblock reserve base=0x40800000 size=64K"));
	ASSERT_LOG("ctl: memblock reserve [0x0000000040800000-0x000000004080ffff]\n");
	ASSERT_EQ(5, rsv->cnt);
	ASSERT_EQ(0x40800000, rsv->regions[2].base);
	ASSERT_EQ(SZ_64K, rsv->regions[2].size);
	ASSERT_EQ(snap_boot.type[1].total_size + SZ_64K, rsv->total_size);
	ASSERT_EQ(0, ctl("memblock free base=0x40800000 size=64K"));
	ASSERT_LOG("ctl: memblock free [0x0000000040800000-0x000000004080ffff]\n");
	snap_take(&snap_after);
	ASSERT_SAME_SNAP(&snap_boot, &snap_after);
}

TEST(ctl_reserve_partial_free)
{
	/* free the middle of a reservation: two pieces remain */
	SETUP();
	ASSERT_EQ(0, ctl("memblock reserve base=0x40800000 size=0x3000"));
	ASSERT_EQ(0, ctl("memblock free base=0x40801000 size=0x1000"));
	ASSERT_EQ(6, rsv->cnt);
	ASSERT_EQ(0x40800000, rsv->regions[2].base);
	ASSERT_EQ(SZ_4K, rsv->regions[2].size);
	ASSERT_EQ(0x40802000, rsv->regions[3].base);
	ASSERT_EQ(SZ_4K, rsv->regions[3].size);
}

TEST(ctl_reserve_across_nodes_and_overlap)
{
	/* already reserved bytes may be reserved again */
	SETUP();
	snap_take(&snap_boot);
	ASSERT_EQ(0, ctl("memblock reserve base=0x40000000 size=0x20000"));
	ASSERT_EQ(4, rsv->cnt);
	ASSERT_EQ(N0, rsv->regions[0].base);
	ASSERT_EQ(0x20000, rsv->regions[0].size);
	/* the whole of node 1 */
	ASSERT_EQ(0, ctl("memblock reserve base=2G size=32M"));
	ASSERT_EQ(N1, rsv->regions[3].base);
	ASSERT_EQ(SZ_32M, rsv->regions[3].size);
}

TEST(ctl_free_boot_reservations)
{
	/* firmware and initrd are simulated: freeing them is allowed */
	SETUP();
	ASSERT_EQ(0, ctl("memblock free base=0x40000000 size=64K"));
	ASSERT_EQ(0, ctl("memblock free base=0x81e00000 size=2M"));
	ASSERT_EQ(3, rsv->cnt);
	/* memmap 1 stays reserved */
	ASSERT_EQ(MAP1, rsv->regions[2].base);
	ASSERT_EQ(SZ_512K, rsv->regions[2].size);
	/* and the bytes are free again */
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081fff000\n");
	ASSERT_EQ(0, ctl("memblock set bottom_up=1"));
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000040000000\n");
}

/* ---- reset -------------------------------------------------------------- */

TEST(ctl_reset_restores_boot_state)
{
	SETUP();
	snap_take(&snap_boot);
	ASSERT_EQ(0, ctl("memblock alloc size=64K"));
	ASSERT_EQ(0, ctl("memblock reserve base=0x40800000 size=64K"));
	ASSERT_EQ(0, ctl("memblock free base=0x40000000 size=64K"));
	ASSERT_EQ(0, ctl("memblock set bottom_up=1 limit=0x41000000"));
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
	ASSERT_EQ(0, ctl("reset"));
	ASSERT_TRUE(m->booted);
	snap_take(&snap_after);
	ASSERT_SAME_SNAP(&snap_boot, &snap_after);
	ASSERT_EQ(MAP0, m->node_data[0].memmap_base);
	ASSERT_EQ(INITRD_BASE, m->res[SMM_RES_INITRD].base);
	/* and with a trailing newline, as echo writes it */
	ASSERT_EQ(0, ctl("memblock set bottom_up=1"));
	ASSERT_EQ(0, ctl("reset\n"));
	snap_take(&snap_after);
	ASSERT_SAME_SNAP(&snap_boot, &snap_after);
}

TEST(ctl_reset_repoisons_memmap)
{
	/* a reset is a new boot: the map is poisoned afresh */
	SETUP();
	memset(smm_phys_to_virt(MAP0), 0, SZ_512K);
	ASSERT_EQ(0, ctl("reset"));
	ASSERT_TRUE(all_bytes(MAP0, SZ_512K, 0xff));
}

TEST(ctl_reset_failure_leaves_no_machine)
{
	SETUP();
	snap_take(&snap_boot);
	m->cfg.kernel_size = SZ_64M;
	ASSERT_EQ(-ENOMEM, ctl("reset"));
	ASSERT_LOG("boot: kernel_size=67108864 does not fit in the region\n");
	ASSERT_FALSE(m->booted);
	ASSERT_EQ(0, m->nr_nodes);
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1");
	ASSERT_LOG("ctl: no machine (reset failed?)\n");
	m->cfg.kernel_size = KERN;
	ASSERT_EQ(0, ctl("reset"));
	snap_take(&snap_after);
	ASSERT_SAME_SNAP(&snap_boot, &snap_after);
}

/* ---- what the tokenizer accepts ---------------------------------------- */

TEST(ctl_blanks_and_newline)
{
	SETUP();
	ASSERT_EQ(0, ctl("memblock set bottom_up=1\n"));
	ASSERT_TRUE(m->memblock.bottom_up);
	ASSERT_EQ(0, ctl("  memblock\tset \t bottom_up=0 \t\n"));
	ASSERT_FALSE(m->memblock.bottom_up);
	ASSERT_EQ(0, ctl("\tmemblock alloc\tsize=4K\traw\n"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d7f000\n");
}

TEST(ctl_longest_command)
{
	/* SMM_CTL_MAX bytes, newline included, is still one command */
	char cmd[SMM_CTL_MAX + 1];
	size_t len = strlen("memblock set bottom_up=1");

	SETUP();
	memset(cmd, ' ', SMM_CTL_MAX);
	memcpy(cmd, "memblock set bottom_up=1", len);
	cmd[SMM_CTL_MAX - 1] = '\n';
	cmd[SMM_CTL_MAX] = '\0';
	ASSERT_EQ(SMM_CTL_MAX, strlen(cmd));
	ASSERT_EQ(0, ctl(cmd));
	ASSERT_TRUE(m->memblock.bottom_up);
}

/* ---- the grammar: cat ctl, help ---------------------------------------- */

/*
 * Every first word smm_ctl_exec() acts on, written out here rather than
 * taken from src/ctl.c, so that the grammar is checked against a list
 * it did not produce; ctl_help_words_are_the_parsers() checks the list
 * against the parser in turn.
 */
static const char *const ctl_words[] = {
	"reset", "memblock", "alloc", "policy", "free", "drain", "verify",
	"workload", "stress", "bench", "cache", "kmalloc", "kfree", "mirror",
	"help",
};

/* ... and the forms a command's second word (or bare word) selects */
static const char *const ctl_forms[] = {
	"reset [", "memblock alloc size=", "memblock reserve base=",
	"memblock free base=", "memblock set [", "alloc order=",
	"policy default\n", "policy preferred nid=", "policy bind nodes=",
	"policy interleave nodes=", "free tag=", "free pfn=", "free all\n",
	"drain\n", "verify 0|1\n", "workload seed=", "stress ms=",
	"bench order=", "bench slab=",
	"cache create name=", "cache destroy name=", "cache alloc name=",
	"cache free tag=", "cache shrink name=", "kmalloc size=", "kfree tag=",
	"mirror on",
	"mirror off\n", "help\n",
};

static struct smm_capture grammar;

static void grammar_take(void)
{
	memset(&grammar, 0, sizeof(grammar));
	smm_ctl_help(smm_capture_emit, &grammar);
}

/* A line of @text starts with @start ("word " or "word\n" for a word). */
static bool has_line_starting(const char *text, const char *start)
{
	const char *p = text;
	size_t n = strlen(start);

	for (; *p; p = strchr(p, '\n') + 1) {
		if (!strncmp(p, start, n))
			return true;
		if (!strchr(p, '\n'))
			break;
	}
	return false;
}

/* What smm_ctl_exec() logs for a first word it does not know */
static bool ctl_unknown(const char *word)
{
	char want[64];

	memset(&clog, 0, sizeof(clog));
	ctl(word);
	snprintf(want, sizeof(want), "ctl: unknown command '%s'\n", word);
	return strstr(clog.buf, want);
}

TEST(ctl_help_names_every_command)
{
	char start[32];
	size_t i;

	grammar_take();
	ASSERT_TRUE(grammar.lines >= ARRAY_SIZE(ctl_forms));
	/* one line an emit call, each ending in its newline */
	ASSERT_EQ('\n', grammar.buf[grammar.len - 1]);
	for (i = 0; i < ARRAY_SIZE(ctl_words); i++) {
		snprintf(start, sizeof(start), "%s ", ctl_words[i]);
		if (!has_line_starting(grammar.buf, start)) {
			snprintf(start, sizeof(start), "%s\n", ctl_words[i]);
			ASSERT_STREQ(start, has_line_starting(grammar.buf, start) ?
				     start : "(no grammar line)");
		}
	}
	for (i = 0; i < ARRAY_SIZE(ctl_forms); i++)
		ASSERT_STREQ(ctl_forms[i],
			     has_line_starting(grammar.buf, ctl_forms[i]) ?
			     ctl_forms[i] : "(no grammar line)");
	/* FLAG lists every gfp= word */
	ASSERT_TRUE(strstr(grammar.buf,
			   "  FLAG: at most one of kernel|atomic|nowait|movable (default kernel), any of reclaimable|dma|dma32|high|zero|thisnode\n"));
	/* the check can fail */
	ASSERT_FALSE(has_line_starting(grammar.buf, "bogus "));
	ASSERT_FALSE(has_line_starting(grammar.buf, "memblock frobnicate"));
}

TEST(ctl_help_words_are_the_parsers)
{
	size_t i;

	SETUP();
	/* the parser knows each word of the list... */
	for (i = 0; i < ARRAY_SIZE(ctl_words); i++)
		ASSERT_STREQ(ctl_words[i],
			     ctl_unknown(ctl_words[i]) ? "unknown" : ctl_words[i]);
	/* ... and says so of a word it does not know */
	ASSERT_TRUE(ctl_unknown("bogus"));
	ASSERT_TRUE(ctl_unknown("helpx"));
	ASSERT_TRUE(ctl_unknown("Help"));
}

TEST(ctl_help_every_line_is_a_command)
{
	static char text[sizeof(grammar.buf)];
	char word[32];
	unsigned int nlines = 0;
	size_t i, n;
	char *line, *save;

	grammar_take();
	memcpy(text, grammar.buf, grammar.len + 1);
	SETUP();
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* indented: what a placeholder takes */
		if (line[0] == ' ')
			continue;
		nlines++;
		n = strcspn(line, " ");
		ASSERT_TRUE(n > 0 && n < sizeof(word));
		memcpy(word, line, n);
		word[n] = '\0';
		/* the word alone is a command the parser knows */
		ASSERT_STREQ(word, ctl_unknown(word) ? "unknown" : word);
		/* and one of the list's, so that the list keeps up */
		for (i = 0; i < ARRAY_SIZE(ctl_words); i++)
			if (!strcmp(word, ctl_words[i]))
				break;
		ASSERT_STREQ(word, i < ARRAY_SIZE(ctl_words) ? word :
			     "(not in ctl_words)");
	}
	ASSERT_EQ(ARRAY_SIZE(ctl_forms), nlines);
	ASSERT_FALSE(ctl_unknown("help"));
}

/*
 * smm-fuzz-ctl's fallback grammar (selftests/tools/smm-ctl-grammar.h) is
 * what the module prints, line for line: every form of every command of
 * src/ctl.c's table, and nothing the table does not have.
 */
TEST(ctl_fuzz_fallback_grammar_is_the_tables)
{
	static char text[sizeof(grammar.buf)];
	char *line, *save;
	bool seen[SMM_CTL_FALLBACK_LINES] = { false };
	unsigned int nlines = 0;
	size_t i;

	grammar_take();
	memcpy(text, grammar.buf, grammar.len + 1);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		nlines++;
		for (i = 0; i < SMM_CTL_FALLBACK_LINES; i++)
			if (!strcmp(line, smm_ctl_fallback_grammar[i]))
				break;
		/* a line of the module's grammar the fallback lacks */
		ASSERT_STREQ(line, i < SMM_CTL_FALLBACK_LINES ?
			     smm_ctl_fallback_grammar[i] : "(not in smm-ctl-grammar.h)");
		seen[i] = true;
	}
	/* ... and a fallback line the module does not print */
	for (i = 0; i < SMM_CTL_FALLBACK_LINES; i++)
		ASSERT_STREQ(smm_ctl_fallback_grammar[i],
			     seen[i] ? smm_ctl_fallback_grammar[i] :
			     "(not in the module's grammar)");
	ASSERT_EQ(SMM_CTL_FALLBACK_LINES, nlines);
	/* every command word of the table has its forms there */
	for (i = 0; i < ARRAY_SIZE(ctl_words); i++) {
		size_t j, n = strlen(ctl_words[i]);

		for (j = 0; j < SMM_CTL_FALLBACK_LINES; j++)
			if (!strncmp(smm_ctl_fallback_grammar[j], ctl_words[i], n) &&
			    (smm_ctl_fallback_grammar[j][n] == ' ' ||
			     !smm_ctl_fallback_grammar[j][n]))
				break;
		ASSERT_STREQ(ctl_words[i], j < SMM_CTL_FALLBACK_LINES ?
			     ctl_words[i] : "(no fallback line)");
	}
}

/* A machine with the buddy allocator and something held, to look at. */
static struct smm_capture views_before, views_after;

static void views_take(struct smm_capture *c)
{
	memset(c, 0, sizeof(*c));
	smm_show_buddyinfo(m, smm_capture_emit, c);
	smm_show_zoneinfo(m, smm_capture_emit, c);
	smm_show_allocations(m, smm_capture_emit, c);
}

TEST(ctl_help_logs_the_grammar_and_changes_nothing)
{
	const char *g, *l;

	fresh();
	m->cfg.upto = SMM_UPTO_BUDDY;
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	ASSERT_EQ(0, smm_boot(m, smm_capture_emit, &clog));
	/* held blocks, and freed ones on the per-cpu lists */
	ASSERT_EQ(0, ctl("alloc order=2 count=3 tag=h"));
	ASSERT_EQ(0, ctl("alloc order=0 count=8 tag=pcp"));
	ASSERT_EQ(0, ctl("free tag=pcp"));
	ASSERT_EQ(0, ctl("policy interleave nodes=0,1"));
	grammar_take();

	views_take(&views_before);
	snap_take(&snap_before);
	memset(&clog, 0, sizeof(clog));
	ASSERT_EQ(0, ctl("help\n"));
	views_take(&views_after);
	snap_take(&snap_after);
	ASSERT_SAME_SNAP(&snap_before, &snap_after);
	ASSERT_TRUE(views_before.len > 0);
	ASSERT_STREQ(views_before.buf, views_after.buf);
	ASSERT_EQ(SMM_MPOL_INTERLEAVE, m->policy.mode);

	/* the grammar, a line a log call, each "ctl: " and the line */
	ASSERT_EQ(grammar.lines, clog.lines);
	for (g = grammar.buf, l = clog.buf; *g; g++, l++) {
		if (g == grammar.buf || g[-1] == '\n') {
			ASSERT_EQ(0, strncmp(l, "ctl: ", 5));
			l += 5;
		}
		if (*l != *g)
			break;
	}
	ASSERT_STREQ(g, l);

	/* help takes no argument: EINVAL, said, nothing changed */
	ASSERT_REJECTED(-EINVAL, "help extra");
	ASSERT_LOG("ctl: help takes no arguments ('extra')\n");
	ASSERT_REJECTED(-EINVAL, "help reset");
	views_take(&views_after);
	ASSERT_STREQ(views_before.buf, views_after.buf);
	/* the next fresh() frees only the struct */
	smm_machine_teardown(m);
}

/* ---- rejections: EINVAL, nothing changes -------------------------------- */

TEST(ctl_reject_unknown_command)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "bogus");
	ASSERT_LOG("ctl: unknown command 'bogus'\n");
	ASSERT_REJECTED(-EINVAL, "Reset");
	ASSERT_REJECTED(-EINVAL, "resetx");
	ASSERT_REJECTED(-EINVAL, "memblocks alloc size=4K");
	ASSERT_REJECTED(-EINVAL, "alloc size=4K");
}

TEST(ctl_reject_reset_with_arguments)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "reset now");
	ASSERT_LOG("ctl: unknown argument 'now'\n");
	ASSERT_REJECTED(-EINVAL, "reset reset");
	ASSERT_REJECTED(-EINVAL, "reset upto=");
	ASSERT_LOG("ctl: upto is memmap or buddy\n");
	ASSERT_REJECTED(-EINVAL, "reset upto=zones");
	ASSERT_REJECTED(-EINVAL, "reset upto=memmap upto=memmap");
}

TEST(ctl_reject_memblock_without_subcommand)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock");
	ASSERT_LOG("ctl: memblock needs alloc|reserve|free|set\n");
	ASSERT_REJECTED(-EINVAL, "memblock\n");
	ASSERT_REJECTED(-EINVAL, "  memblock  ");
}

TEST(ctl_reject_unknown_subcommand)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock frobnicate");
	ASSERT_LOG("ctl: unknown memblock command 'frobnicate'\n");
	ASSERT_REJECTED(-EINVAL, "memblock ALLOC size=4K");
	ASSERT_REJECTED(-EINVAL, "memblock size=4K alloc");
	ASSERT_REJECTED(-EINVAL, "memblock reset");
}

TEST(ctl_reject_unknown_key)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K colour=blue");
	ASSERT_LOG("ctl: unknown argument 'colour=blue'\n");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K Size=4K");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K =4K");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K sizes=4K");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K siz=4K");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x40800000 size=4K nid=0");
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x40000000 size=4K raw");
	ASSERT_REJECTED(-EINVAL, "memblock set top_down=1");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1 size=4K");
}

TEST(ctl_reject_missing_value)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock alloc size");
	ASSERT_LOG("ctl: 'size' needs a value\n");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K align");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base size=4K");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up");
	ASSERT_REJECTED(-EINVAL, "memblock set limit");
}

TEST(ctl_reject_value_on_flag)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K raw=1");
	ASSERT_LOG("ctl: 'raw' takes no value\n");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K raw=");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=0 exact=1");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=0 exact=yes");
}

TEST(ctl_reject_duplicate_key)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K size=8K");
	ASSERT_LOG("ctl: 'size' given twice\n");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K size=4K");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K raw raw");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=0 exact exact");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x40800000 base=0x40800000 size=4K");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1 bottom_up=1");
	ASSERT_REJECTED(-EINVAL, "memblock set limit=max limit=max");
}

TEST(ctl_reject_bad_numbers)
{
	static const char *const bad[] = {
		"", "0x", "12Q", "4M4", "99999999999999999999",
		"0x10000000000000000", "99999999999G", "-1", "4KB", "max",
		"1.5M", "0x1p",
	};
	char cmd[128];
	unsigned int i;

	SETUP();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(cmd, sizeof(cmd), "memblock alloc size=%s", bad[i]);
		ASSERT_REJECTED(-EINVAL, cmd);
		snprintf(cmd, sizeof(cmd),
			 "memblock reserve base=%s size=4K", bad[i]);
		ASSERT_REJECTED(-EINVAL, cmd);
		snprintf(cmd, sizeof(cmd), "memblock set bottom_up=%s",
			 bad[i]);
		ASSERT_REJECTED(-EINVAL, cmd);
	}
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=12Q");
	ASSERT_LOG("ctl: bad number in 'size=12Q'\n");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K align=4M4");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K min=0x");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K max=99999999999G");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K max=max");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=");
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x40000000 size=0x10000000000000000");
	ASSERT_REJECTED(-EINVAL, "memblock set limit=12Q");
}

TEST(ctl_reject_alloc_size)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=0");
	ASSERT_LOG("ctl: memblock alloc needs size=1..memory size\n");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=0x0");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=0K");
	/* no size at all */
	ASSERT_REJECTED(-EINVAL, "memblock alloc");
	ASSERT_REJECTED(-EINVAL, "memblock alloc align=4K");
	/* more than all of memory (64M) */
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=0x4000001");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=100G");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=0xffffffffffffffff");
}

TEST(ctl_reject_align)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K align=0");
	ASSERT_LOG("ctl: align must be a power of two up to 1G\n");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K align=3");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K align=48");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K align=0x80000001");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K align=2G");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K align=0x8000000000000000");
}

TEST(ctl_reject_max_not_above_min)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K min=0x2000 max=0x1000");
	ASSERT_LOG("ctl: max must lie above min and be at least one page\n");
	/* 1 is MEMBLOCK_ALLOC_NOLEAKTRACE: it must not mean "anywhere" */
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K max=1");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K max=0xfff");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K min=0x40800000 max=0x40800000");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K max=0");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K max=0x40000000 min=2G");
}

TEST(ctl_reject_nid_not_a_node)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=2");
	ASSERT_LOG("ctl: nid=2 is not a shadow node\n");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=7");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=64");
	/* 2^32 would be node 0 as an int */
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=4294967296");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=4294967297");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=0xffffffffffffffff");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=0xffffffff exact");
}

TEST(ctl_reject_nid_gap_node)
{
	/* nodes 0 and 2: 1 is not a node */
	fresh();
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 2);
	ASSERT_EQ(0, smm_boot(m, smm_capture_emit, &clog));
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K nid=1");
	ASSERT_EQ(0, ctl("memblock alloc size=4K nid=2 exact"));
	ASSERT_LOG("ctl: memblock alloc 4096 bytes at 0x0000000081d7f000\n");
}

TEST(ctl_reject_exact_without_nid)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K exact");
	ASSERT_LOG("ctl: exact needs nid=\n");
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K exact raw");
}

TEST(ctl_reject_reserve_outside_memory)
{
	SETUP();
	/* below, between and above the two nodes */
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x1000 size=0x1000");
	ASSERT_LOG("ctl: reserve outside the shadow's memory\n");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x3ffff000 size=0x1000");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x50000000 size=0x1000");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x82000000 size=0x1000");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x1000000000 size=4K");
	/* a range spanning the hole between the nodes */
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x40000000 size=0x42000000");
}

TEST(ctl_reject_reserve_straddling)
{
	SETUP();
	/* over the end of node 0, of node 1, over the start of node 0 */
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x41fff000 size=0x2000");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x81fff000 size=0x2000");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x81fff000 size=0x1001");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x3ffff000 size=0x2000");
	/* one byte less is fine */
	ASSERT_EQ(0, ctl("memblock reserve base=0x81fff000 size=0x1000"));
}

TEST(ctl_reject_range_wrap)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0xffffffffffff0000 size=0x20000");
	ASSERT_LOG("ctl: bad range base=0xffffffffffff0000 size=0x20000\n");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0xffffffffffffffff size=1");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x40000000 size=0xffffffffffffffff");
	ASSERT_REJECTED(-EINVAL, "memblock free base=0xffffffffffff0000 size=0x20000");
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x40000000 size=0xfffffffffffff000");
	/* ending at the very last byte does not wrap: just not memory */
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0xffffffffffff0000 size=0xffff");
	ASSERT_LOG("ctl: reserve outside the shadow's memory\n");
}

TEST(ctl_reject_range_incomplete)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x40800000 size=0");
	ASSERT_LOG("ctl: bad range base=0x40800000 size=0x0\n");
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x40000000 size=0");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x40800000");
	ASSERT_LOG("ctl: needs base= and size=\n");
	ASSERT_REJECTED(-EINVAL, "memblock reserve size=4K");
	ASSERT_LOG("ctl: needs base= and size=\n");
	ASSERT_REJECTED(-EINVAL, "memblock reserve");
	ASSERT_REJECTED(-EINVAL, "memblock free size=64K");
	ASSERT_LOG("ctl: needs base= and size=\n");
	ASSERT_REJECTED(-EINVAL, "memblock free");
}

TEST(ctl_reject_free_unreserved)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x40800000 size=4K");
	ASSERT_LOG("ctl: free of a range that is not reserved\n");
	/* partly reserved: over the end of the firmware, of the kernel */
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x40000000 size=0x11000");
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x401ff000 size=0x2000");
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x40000000 size=0x600000");
	/* outside memory altogether */
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x1000 size=4K");
	/* a second free of the same bytes */
	ASSERT_EQ(0, ctl("memblock free base=0x40000000 size=64K"));
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x40000000 size=64K");
}

TEST(ctl_reject_set_without_keys)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock set");
	ASSERT_LOG("ctl: memblock set needs bottom_up= or limit=\n");
	ASSERT_REJECTED(-EINVAL, "memblock set\n");
}

TEST(ctl_reject_bottom_up_value)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=2");
	ASSERT_LOG("ctl: bottom_up is 0 or 1\n");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=0x100000000");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=max");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=true");
	/* a valid limit does not go through with an invalid bottom_up */
	ASSERT_REJECTED(-EINVAL, "memblock set limit=0x41000000 bottom_up=2");
}

TEST(ctl_reject_limit_value)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock set limit=0");
	ASSERT_LOG("ctl: limit must be at least one page\n");
	ASSERT_REJECTED(-EINVAL, "memblock set limit=4095");
	ASSERT_REJECTED(-EINVAL, "memblock set limit=MAX");
	ASSERT_REJECTED(-EINVAL, "memblock set limit=maximum");
	/* a valid bottom_up does not go through with an invalid limit */
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1 limit=0");
}

TEST(ctl_reject_too_many_words)
{
	/* 16 words are parsed (and fail on a duplicate); 17 are not */
	char cmd[128] = "memblock alloc size=4K";
	int i;

	SETUP();
	for (i = 3; i < 16; i++)
		strcat(cmd, " raw");
	ASSERT_REJECTED(-EINVAL, cmd);
	ASSERT_LOG("ctl: 'raw' given twice\n");
	strcat(cmd, " raw");
	ASSERT_REJECTED(-EINVAL, cmd);
	ASSERT_LOG("ctl: too many words\n");
	ASSERT_REJECTED(-EINVAL, "a b c d e f g h i j k l m n o p q r s t");
	ASSERT_LOG("ctl: too many words\n");
}

TEST(ctl_reject_too_long)
{
	char cmd[SMM_CTL_MAX + 2];

	SETUP();
	/* one byte more than the longest command accepted */
	memset(cmd, ' ', SMM_CTL_MAX + 1);
	memcpy(cmd, "memblock set bottom_up=1", strlen("memblock set bottom_up=1"));
	cmd[SMM_CTL_MAX] = '\n';
	cmd[SMM_CTL_MAX + 1] = '\0';
	ASSERT_REJECTED(-EINVAL, cmd);
	ASSERT_LOG("ctl: command longer than 256 bytes\n");
}

TEST(ctl_reject_embedded_newline)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1\nreset");
	ASSERT_LOG("ctl: one printable command per write\n");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1\nreset\n");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1\n\n");
	ASSERT_REJECTED(-EINVAL, "\nmemblock set bottom_up=1");
	ASSERT_REJECTED(-EINVAL, "memblock set\nbottom_up=1");
}

TEST(ctl_reject_control_characters)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1\r\n");
	ASSERT_LOG("ctl: one printable command per write\n");
	ASSERT_REJECTED(-EINVAL, "\x01memblock set bottom_up=1");
	ASSERT_REJECTED(-EINVAL, "memblock set\x0b bottom_up=1");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1\x7f");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1\x1b");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=\xc2\xb9");
	ASSERT_REJECTED(-EINVAL, "memblock\xa0set bottom_up=1");
}

TEST(ctl_reject_empty)
{
	SETUP();
	ASSERT_REJECTED(-EINVAL, "");
	ASSERT_LOG("ctl: empty command\n");
	ASSERT_REJECTED(-EINVAL, " ");
	ASSERT_REJECTED(-EINVAL, "\t\t");
	ASSERT_REJECTED(-EINVAL, "\n");
	ASSERT_REJECTED(-EINVAL, "   \t \t\n");
}

/* ---- EBUSY: the shadow's own metadata ----------------------------------- */

TEST(ctl_busy_memmap)
{
	SETUP();
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x41f80000 size=512K");
	ASSERT_LOG("ctl: range holds the memory map\n");
	/* a page of it, the first and the last byte */
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x41fc0000 size=4K");
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x41f80000 size=1");
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x41ffffff size=1");
	/* memmap 1 together with the initrd it merged with */
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x81d80000 size=0x280000");
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x81dff000 size=0x2000");
	/* the initrd alone is not the map */
	ASSERT_EQ(0, ctl("memblock free base=0x81e00000 size=2M"));
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x81d80000 size=512K");
}

/*
 * 130 separate pages reserved through ctl, 1G + 8M + 8K * i: with the 4
 * boot regions more than 128, so memblock.reserved doubles to 256 entries
 * (6144 bytes, 8K) at the highest free 8K, TOP - 8K.
 */
static void reserve_many(void)
{
	char cmd[96];
	int i;

	for (i = 0; i < 130; i++) {
		snprintf(cmd, sizeof(cmd),
			 "memblock reserve base=0x%llx size=4K",
			 (unsigned long long)(N0 + SZ_8M + i * SZ_8K));
		ASSERT_EQ(0, ctl(cmd));
	}
}

TEST(ctl_busy_doubled_reserved_array)
{
	SETUP();
	reserve_many();
	ASSERT_EQ(134, rsv->cnt);
	ASSERT_EQ(2 * SMM_INIT_MEMBLOCK_REGIONS, rsv->max);
	ASSERT_PTR_EQ(smm_phys_to_virt(TOP - SZ_8K), rsv->regions);
	ASSERT_TRUE(smm_memblock_covers(rsv, TOP - SZ_8K, SZ_8K));
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x81d7e000 size=8K");
	ASSERT_LOG("ctl: range holds a memblock region array\n");
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x81d7f000 size=4K");
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x81d7e000 size=1");
	/* with the memory map next to it */
	ASSERT_REJECTED(-EBUSY, "memblock free base=0x81d7e000 size=0x82000");
	/* the pages reserved through ctl can still be freed */
	ASSERT_EQ(0, ctl("memblock free base=0x40800000 size=4K"));
	ASSERT_EQ(133, rsv->cnt);
}

TEST(ctl_reset_after_doubling)
{
	SETUP();
	snap_take(&snap_boot);
	reserve_many();
	ASSERT_NE((uintptr_t)m->memblock.reserved_init_regions,
		  (uintptr_t)rsv->regions);
	ASSERT_EQ(0, ctl("reset"));
	snap_take(&snap_after);
	ASSERT_SAME_SNAP(&snap_boot, &snap_after);
	ASSERT_PTR_EQ(m->memblock.reserved_init_regions, rsv->regions);
}

TEST(ctl_busy_doubled_memory_array)
{
	/*
	 * 1 + 199 chunks: [1G, 1G + 64M), then 4K chunks 8K apart from
	 * 1G + 64M + 4K. Boot doubles memory.regions to 256 entries at the
	 * highest free 8K: right below the initrd, 1G + 62M - 8K.
	 */
	phys_addr_t array = N0 + SZ_64M - INITRD - SZ_8K;
	char cmd[96];
	int i;

	fresh();
	smm_test_add_chunk(m, N0, SZ_64M, 0);
	for (i = 0; i < 199; i++)
		smm_test_add_chunk(m, N0 + SZ_64M + SZ_4K + i * SZ_8K, SZ_4K, 0);
	ASSERT_EQ(0, smm_boot(m, smm_capture_emit, &clog));
	ASSERT_PTR_EQ(smm_phys_to_virt(array), mem->regions);
	snprintf(cmd, sizeof(cmd), "memblock free base=0x%llx size=8K",
		 (unsigned long long)array);
	ASSERT_REJECTED(-EBUSY, cmd);
	ASSERT_LOG("ctl: range holds a memblock region array\n");
	snprintf(cmd, sizeof(cmd), "memblock free base=0x%llx size=4K",
		 (unsigned long long)array + SZ_4K);
	ASSERT_REJECTED(-EBUSY, cmd);
	/* the initrd right above it is not metadata */
	snprintf(cmd, sizeof(cmd), "memblock free base=0x%llx size=2M",
		 (unsigned long long)array + SZ_8K);
	ASSERT_EQ(0, ctl(cmd));
}

/* ---- no machine --------------------------------------------------------- */

TEST(ctl_not_booted)
{
	SETUP();
	smm_machine_teardown(m);
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K");
	ASSERT_LOG("ctl: no machine (reset failed?)\n");
	ASSERT_REJECTED(-EINVAL, "memblock reserve base=0x40800000 size=4K");
	ASSERT_REJECTED(-EINVAL, "memblock free base=0x40000000 size=64K");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1");
	ASSERT_REJECTED(-EINVAL, "memblock set limit=max");
	ASSERT_REJECTED(-EINVAL, "memblock");
	/* reset boots it */
	ASSERT_EQ(0, ctl("reset"));
	ASSERT_TRUE(m->booted);
	ASSERT_EQ(0, ctl("memblock alloc size=4K"));
}

TEST(ctl_never_booted)
{
	/* a machine smm_boot() never saw */
	fresh();
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	ASSERT_REJECTED(-EINVAL, "memblock alloc size=4K");
	ASSERT_REJECTED(-EINVAL, "memblock set bottom_up=1");
	ASSERT_EQ(0, ctl("reset"));
	ASSERT_TRUE(m->booted);
	ASSERT_EQ(1, m->nr_nodes);
}

/* ---- rejections found by the fuzzers (make fuzz, make fuzz-ctl) --------- */

/*
 * A reserve that needs memblock.reserved to double when no free 8K lies
 * below the limit (memblock set limit=1G + 4K, inside the firmware's
 * reservation) fails with ENOMEM, changes nothing, and says so: it used to
 * fail without a log line. 4 boot regions + 124 separate pages fill the
 * 128 entries; the 125th page needs the doubling.
 */
TEST(ctl_reserve_enomem_is_logged)
{
	char cmd[96];
	int i, ret = 0;

	SETUP();
	ASSERT_EQ(0, ctl("memblock set limit=0x40001000"));
	for (i = 0; i < 200; i++) {
		snprintf(cmd, sizeof(cmd),
			 "memblock reserve base=0x%llx size=4K",
			 (unsigned long long)(N0 + SZ_8M + i * SZ_8K));
		ret = ctl(cmd);
		if (ret)
			break;
	}
	ASSERT_EQ(-ENOMEM, ret);
	ASSERT_EQ(124, i);
	ASSERT_EQ(SMM_INIT_MEMBLOCK_REGIONS, rsv->cnt);
	ASSERT_REJECTED(-ENOMEM, cmd);
	ASSERT_LOG("ctl: memblock reserve of [0x00000000408f8000-0x00000000408f8fff] failed (-12)\n");
	/* with the limit lifted the array doubles */
	ASSERT_EQ(0, ctl("memblock set limit=max"));
	ASSERT_EQ(0, ctl(cmd));
	ASSERT_EQ(2 * SMM_INIT_MEMBLOCK_REGIONS, rsv->max);
}

/* ---- bench: parsed here, run by the module ------------------------------ */

TEST(ctl_parse_bench)
{
	static const char *const bad[] = {
		"bench", "bench order=11", "bench order=x", "bench reps=7",
		"bench order=0 reps=6", "bench order=0 reps=32",
		"bench order=0 loops=0", "bench order=0 loops=1000001",
		"bench order=0 batch=0", "bench order=0 batch=1025",
		"bench order=0 gfp=atomic", "bench order=0 cpu=4096",
		"bench order=0 order=1", "bench order=0 colour=blue",
		/* 16 MiB held at once on a side, at most */
		"bench order=10 batch=5", "bench order=0 batch=1024 loops=4097",
		"bench order=10 loops=257 gfp=zero",
		"bench order=0 cpus=0", "bench order=0 cpus=65",
		/* every thread holds its batch: 2 x 4 x 4 MiB is 32 MiB */
		"bench order=10 batch=4 cpus=2",
		/* 2^22 pages a repetition, and the first CPU's run alone */
		"bench order=0 loops=1024 batch=1024 cpus=4",
		/* objects: slab=SIZE instead of order=N, 8..8192 bytes */
		"bench slab=64 order=0", "bench slab=7", "bench slab=8193",
		"bench slab=x",
		/* 3 x 1024 x 8 KiB objects held at once: 24 MiB */
		"bench slab=8192 batch=1024 cpus=3 loops=1",
		"bench order=0 mirror=off", "bench order=0 mirror=on cpus=2",
		"bench slab=64 mirror=on",
	};
	struct smm_bench_args a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&clog, 0, sizeof(clog));
		ASSERT_EQ(-EINVAL, smm_ctl_parse_bench(bad[i], &a,
						       smm_capture_emit, &clog));
		ASSERT_TRUE(strstr(clog.buf, "ctl: ") != NULL);
	}
	ASSERT_EQ(0, smm_ctl_parse_bench("stress ms=1", &a, smm_log_discard,
					 NULL));
	ASSERT_EQ(1, smm_ctl_parse_bench("bench order=3\n", &a,
					 smm_log_discard, NULL));
	ASSERT_EQ(3, a.order);
	ASSERT_EQ(SMM_BENCH_MIN_REPS, a.reps);
	ASSERT_EQ(SMM_BENCH_DEF_LOOPS, a.loops);
	ASSERT_EQ(1, a.batch);
	ASSERT_EQ(0, a.cpu);
	ASSERT_EQ(1, a.cpus);
	ASSERT_FALSE(a.zero);
	/* 16 MiB held, 2^22 pages a repetition: the most allowed */
	ASSERT_EQ(1, smm_ctl_parse_bench("bench order=10 batch=4 reps=31 loops=1024 cpu=1",
					 &a, smm_log_discard, NULL));
	ASSERT_EQ(10, a.order);
	ASSERT_EQ(4, a.batch);
	ASSERT_EQ(31, a.reps);
	ASSERT_EQ(1024, a.loops);
	ASSERT_EQ(1, a.cpu);
	ASSERT_FALSE(a.zero);
	ASSERT_EQ(1, smm_ctl_parse_bench("bench order=10 batch=2 cpus=2 loops=680",
					 &a, smm_log_discard, NULL));
	ASSERT_EQ(2, a.cpus);
	ASSERT_EQ(1, smm_ctl_parse_bench("bench order=0 loops=1024 batch=1024 cpus=3",
					 &a, smm_log_discard, NULL));
	ASSERT_EQ(1, smm_ctl_parse_bench("bench order=10 loops=256 gfp=zero",
					 &a, smm_log_discard, NULL));
	ASSERT_TRUE(a.zero);
	ASSERT_EQ(0, a.slab);
	ASSERT_FALSE(a.mirror);
	/* 1024 x 8 KiB x 2 CPUs: 16 MiB held, the most */
	ASSERT_EQ(1, smm_ctl_parse_bench("bench slab=8192 batch=1024 cpus=2 loops=1",
					 &a, smm_log_discard, NULL));
	ASSERT_EQ(8192, a.slab);
	ASSERT_EQ(0, a.order);
	ASSERT_EQ(1, smm_ctl_parse_bench("bench slab=8 gfp=zero", &a,
					 smm_log_discard, NULL));
	ASSERT_EQ(8, a.slab);
	ASSERT_TRUE(a.zero);
	ASSERT_EQ(1, smm_ctl_parse_bench("bench order=2 mirror=on", &a,
					 smm_log_discard, NULL));
	ASSERT_TRUE(a.mirror);
	ASSERT_EQ(2, a.order);
	ASSERT_EQ(0, a.slab);
}

/* The executor knows the word, and leaves it to the module. */
TEST(ctl_bench_is_the_modules)
{
	SETUP();
	memset(&clog, 0, sizeof(clog));
	ASSERT_EQ(-EINVAL, ctl("bench order=0"));
	ASSERT_TRUE(strstr(clog.buf, "runs only in the module") != NULL);
}
