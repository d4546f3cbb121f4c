// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the simulated boot (src/boot.c): region chunks to
 * memblock.memory, the firmware/kernel/initrd reservations, the per-node
 * memory map carved out of memblock, failure and teardown. Machines are
 * built by hand below 64 GiB, where the harness backs "physical" memory,
 * so the memory map is really written; every expected address is worked
 * out by hand in the comments.
 */
#include <stdarg.h>

#include "harness.h"
#include "shadowmm/machine.h"


/* The reservations scripts/ and the module use by default. */
#define FW		SZ_64K
#define KERN		SZ_4M
#define INITRD		SZ_2M

#define FW_RES		SMM_RES_FIRMWARE
#define KERN_RES	SMM_RES_KERNEL
#define INITRD_RES	SMM_RES_INITRD

static struct smm_machine *m;
static struct smm_memblock_type *mem;
static struct smm_memblock_type *rsv;

/* Every line smm_boot() logged during the current test. */
static struct smm_capture blog;

static bool logged(const char *s)
{
	return strstr(blog.buf, s);
}

/*
 * A zeroed machine with the given reservation sizes and no chunks. The
 * previous test's machine is freed here; the last one stays reachable
 * from @m, so LeakSanitizer has nothing to report.
 */
static void fresh(phys_addr_t fw, phys_addr_t kern, phys_addr_t initrd)
{
	free(m);
	m = calloc(1, sizeof(*m));
	ASSERT_TRUE(m);
	m->region.backend = "test";
	m->cfg.firmware_size = fw;
	m->cfg.kernel_size = kern;
	m->cfg.initrd_size = initrd;
	/*
	 * Stage 1 only: these tests look at memblock and the poisoned memory
	 * map before free_area_init() initialises it (test_page_alloc.c
	 * boots the whole pipeline).
	 */
	m->cfg.upto = SMM_UPTO_MEMMAP;
	mem = &m->memblock.memory;
	rsv = &m->memblock.reserved;
	memset(&blog, 0, sizeof(blog));
}

static int boot(void)
{
	return smm_boot(m, smm_capture_emit, &blog);
}

/*
 * The reference machine: node 0 = [1G, 1G + 32M), node 1 = [2G, 2G + 32M),
 * default reservations. By hand:
 *   firmware [1G, 1G + 64K)
 *   kernel   [1G + 2M, 1G + 6M)       first 2M boundary above 1G + 64K
 *   initrd   [2G + 30M, 2G + 32M)     top of the highest chunk
 *   memmap 0 8192 pages x 64 = 512K, top of node 0: [1G + 31.5M, 1G + 32M)
 *   memmap 1 512K, highest free of node 1: [2G + 29.5M, 2G + 30M)
 */
#define N0		SZ_1G
#define N1		SZ_2G
#define MAP0		(N0 + SZ_32M - SZ_512K)
#define MAP1		(N1 + SZ_32M - SZ_2M - SZ_512K)

static void std_machine(void)
{
	fresh(FW, KERN, INITRD);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
}

/* regions[i] of @type is [b, b + s) */
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

/* m->res[which] is [b, b + s) */
#define ASSERT_RES(which, b, s)						\
	assert_res(__FILE__, __LINE__, which, b, s)

static void assert_res(const char *file, int line, enum smm_boot_res which,
		       phys_addr_t base, phys_addr_t size)
{
	char what[64];

	snprintf(what, sizeof(what), "res[%s].base", m->res[which].name);
	smm_assert_u64(file, line, "base", base, what, m->res[which].base,
		       true);
	snprintf(what, sizeof(what), "res[%s].size", m->res[which].name);
	smm_assert_u64(file, line, "size", size, what, m->res[which].size,
		       true);
}

/* Some line of the log is @s. */
#define ASSERT_LOGGED(s)	ASSERT_TRUE(logged(s))

/* The machine is as smm_machine_teardown() leaves it. */
#define ASSERT_TORN_DOWN()	assert_torn_down(__FILE__, __LINE__)

static void assert_torn_down(const char *file, int line)
{
	static const struct smm_pglist_data zero_pgdat;
	int i;

	smm_assert_bool(file, line, "m->booted", false, m->booted);
	smm_assert_u64(file, line, "0", 0, "m->nr_nodes", m->nr_nodes, true);
	smm_assert_u64(file, line, "1", 1, "memory.cnt", mem->cnt, true);
	smm_assert_u64(file, line, "0", 0, "memory.total_size",
		       mem->total_size, true);
	smm_assert_u64(file, line, "0", 0, "memory.regions[0].size",
		       mem->regions[0].size, true);
	smm_assert_u64(file, line, "1", 1, "reserved.cnt", rsv->cnt, true);
	smm_assert_u64(file, line, "0", 0, "reserved.total_size",
		       rsv->total_size, true);
	smm_assert_bool(file, line, "memory.regions is the init array", true,
			mem->regions == m->memblock.memory_init_regions);
	smm_assert_bool(file, line, "reserved.regions is the init array", true,
			rsv->regions == m->memblock.reserved_init_regions);
	for (i = 0; i < SMM_NR_RES; i++)
		smm_assert_u64(file, line, "0", 0, "m->res[i].size",
			       m->res[i].size, true);
	for (i = 0; i < SMM_MAX_NUMNODES; i++)
		smm_assert_bool(file, line, "node_data[i] is zero", true,
				!memcmp(&m->node_data[i], &zero_pgdat,
					sizeof(zero_pgdat)));
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

/* ---- the reference machine ------------------------------------------- */

TEST(boot_reference_machine)
{
	std_machine();
	ASSERT_EQ(0, boot());
	ASSERT_TRUE(m->booted);
	ASSERT_EQ(2, m->nr_nodes);
	ASSERT_EQ(0, m->node_ids[0]);
	ASSERT_EQ(1, m->node_ids[1]);

	ASSERT_EQ(2, mem->cnt);
	ASSERT_RGN(mem, 0, N0, SZ_32M);
	ASSERT_EQ(0, mem->regions[0].nid);
	ASSERT_RGN(mem, 1, N1, SZ_32M);
	ASSERT_EQ(1, mem->regions[1].nid);
	ASSERT_EQ(SZ_64M, mem->total_size);

	ASSERT_RES(FW_RES, N0, FW);
	ASSERT_RES(KERN_RES, N0 + SZ_2M, KERN);
	ASSERT_RES(INITRD_RES, N1 + SZ_32M - SZ_2M, INITRD);
	ASSERT_STREQ("firmware", m->res[FW_RES].name);
	ASSERT_STREQ("kernel", m->res[KERN_RES].name);
	ASSERT_STREQ("initrd", m->res[INITRD_RES].name);

	/* memmap 1 and the initrd touch and merge */
	ASSERT_EQ(4, rsv->cnt);
	ASSERT_RGN(rsv, 0, N0, FW);
	ASSERT_RGN(rsv, 1, N0 + SZ_2M, KERN);
	ASSERT_RGN(rsv, 2, MAP0, SZ_512K);
	ASSERT_RGN(rsv, 3, MAP1, SZ_512K + INITRD);
	ASSERT_EQ(FW + KERN + 2 * SZ_512K + INITRD, rsv->total_size);

	ASSERT_EQ(MAP0, m->node_data[0].memmap_base);
	ASSERT_EQ(MAP1, m->node_data[1].memmap_base);
	/* the allocation settings boot leaves behind are memblock's defaults */
	ASSERT_FALSE(m->memblock.bottom_up);
	ASSERT_EQ(SMM_MEMBLOCK_ALLOC_ANYWHERE, m->memblock.current_limit);
}

TEST(boot_log_lines)
{
	std_machine();
	ASSERT_EQ(0, boot());
	ASSERT_STREQ("boot: reserved firmware [0x0000000040000000-0x000000004000ffff]\n"
		     "boot: reserved kernel [0x0000000040200000-0x00000000405fffff]\n"
		     "boot: reserved initrd [0x0000000081e00000-0x0000000081ffffff]\n"
		     "memmap: node 0 pfn [0x40000-0x42000) 8192 pages x 64 bytes at 0x0000000041f80000\n"
		     "memmap: node 1 pfn [0x80000-0x82000) 8192 pages x 64 bytes at 0x0000000081d80000\n",
		     blog.buf);
	ASSERT_EQ(5, blog.lines);
}

TEST(boot_trace_counts)
{
	/* 3 nodes, 4 chunks: one add per chunk, 3 + 3 reserves, 3 allocs */
	fresh(FW, KERN, INITRD);
	smm_test_add_chunk(m, N0, SZ_16M, 0);
	smm_test_add_chunk(m, N0 + SZ_16M, SZ_16M, 0);
	smm_test_add_chunk(m, N1, SZ_16M, 1);
	smm_test_add_chunk(m, N1 + SZ_1G, SZ_16M, 2);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(3, m->nr_nodes);
	ASSERT_EQ(4, smm_trace.nr_add);
	ASSERT_EQ(3 + 3, smm_trace.nr_reserve);
	ASSERT_EQ(3, smm_trace.nr_alloc);
	ASSERT_EQ(0, smm_trace.nr_free);
	/* the last add is the highest chunk, after sorting */
	ASSERT_EQ(N1 + SZ_1G, smm_trace.add.base);
	ASSERT_EQ(2, smm_trace.add.nid);
	/* the last allocation is node 2's map: 4096 pages x 64, raw */
	ASSERT_EQ(SZ_256K, smm_trace.alloc.size);
	ASSERT_EQ(SMP_CACHE_BYTES, smm_trace.alloc.align);
	ASSERT_EQ(2, smm_trace.alloc.nid);
	ASSERT_FALSE(smm_trace.alloc.exact_nid);
	ASSERT_EQ(N1 + SZ_1G + SZ_16M - SZ_2M - SZ_256K, smm_trace.alloc.base);
}

TEST(boot_trace_counts_without_reservations)
{
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_16M, 0);
	smm_test_add_chunk(m, N1, SZ_16M, 1);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(2, smm_trace.nr_add);
	ASSERT_EQ(2, smm_trace.nr_reserve);
	ASSERT_EQ(2, smm_trace.nr_alloc);
}

/* ---- chunks to memblock.memory ---------------------------------------- */

TEST(boot_sorts_chunks)
{
	/* handed over high to low and shuffled; each chunk keeps its node */
	fresh(FW, KERN, INITRD);
	smm_test_add_chunk(m, N1 + SZ_16M, SZ_16M, 1);
	smm_test_add_chunk(m, N0 + SZ_16M, SZ_16M, 0);
	smm_test_add_chunk(m, N1, SZ_16M, 1);
	smm_test_add_chunk(m, N0, SZ_16M, 0);
	m->region.chunks[0].order = 7;
	ASSERT_EQ(0, boot());
	ASSERT_EQ(PHYS_PFN(N0), m->region.chunks[0].start_pfn);
	ASSERT_EQ(0, m->region.chunks[0].nid);
	ASSERT_EQ(PHYS_PFN(N0 + SZ_16M), m->region.chunks[1].start_pfn);
	ASSERT_EQ(0, m->region.chunks[1].nid);
	ASSERT_EQ(PHYS_PFN(N1), m->region.chunks[2].start_pfn);
	ASSERT_EQ(1, m->region.chunks[2].nid);
	ASSERT_EQ(PHYS_PFN(N1 + SZ_16M), m->region.chunks[3].start_pfn);
	ASSERT_EQ(1, m->region.chunks[3].nid);
	/* whole chunks move, backend data included */
	ASSERT_EQ(7, m->region.chunks[3].order);
	ASSERT_EQ(4, m->region.nr_chunks);
	/* the same machine as the reference one */
	ASSERT_RES(FW_RES, N0, FW);
	ASSERT_RES(KERN_RES, N0 + SZ_2M, KERN);
	ASSERT_RES(INITRD_RES, N1 + SZ_32M - SZ_2M, INITRD);
	ASSERT_EQ(2, mem->cnt);
	ASSERT_EQ(MAP0, m->node_data[0].memmap_base);
	ASSERT_EQ(MAP1, m->node_data[1].memmap_base);
}

TEST(boot_one_memory_region_per_run)
{
	/*
	 * A [1G, +4M) n0 + B [1G+4M, +4M) n0: adjacent, same node, merge;
	 * C [1G+8M, +4M) n1: adjacent but another node; D [1G+16M, +4M) n1
	 * after a hole; E [1G+20M, +4M) n1 adjacent to D: merges with it.
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0 + SZ_16M, SZ_4M, 1);
	smm_test_add_chunk(m, N0 + SZ_4M, SZ_4M, 0);
	smm_test_add_chunk(m, N0 + SZ_16M + SZ_4M, SZ_4M, 1);
	smm_test_add_chunk(m, N0, SZ_4M, 0);
	smm_test_add_chunk(m, N0 + SZ_8M, SZ_4M, 1);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(5, smm_trace.nr_add);
	ASSERT_EQ(3, mem->cnt);
	ASSERT_RGN(mem, 0, N0, SZ_8M);
	ASSERT_EQ(0, mem->regions[0].nid);
	ASSERT_RGN(mem, 1, N0 + SZ_8M, SZ_4M);
	ASSERT_EQ(1, mem->regions[1].nid);
	ASSERT_RGN(mem, 2, N0 + SZ_16M, SZ_8M);
	ASSERT_EQ(1, mem->regions[2].nid);
	ASSERT_EQ(SMM_MEMBLOCK_NONE, mem->regions[2].flags);
	ASSERT_EQ(5 * SZ_4M, mem->total_size);
	ASSERT_EQ(2, m->nr_nodes);
}

/* ---- the boot reservations -------------------------------------------- */

TEST(boot_firmware_at_lowest_byte)
{
	/* the lowest chunk comes last and is not 2M aligned */
	fresh(SZ_128K, 0, 0);
	smm_test_add_chunk(m, N0 + SZ_64M, SZ_16M, 0);
	smm_test_add_chunk(m, N0 + SZ_1M + SZ_4K, SZ_16M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(FW_RES, N0 + SZ_1M + SZ_4K, SZ_128K);
	ASSERT_RGN(rsv, 0, N0 + SZ_1M + SZ_4K, SZ_128K);
}

TEST(boot_kernel_first_2m_boundary_above_firmware)
{
	/* lowest byte 1G + 1M: firmware [1G+1M, +64K), kernel at 1G + 2M */
	fresh(FW, KERN, 0);
	smm_test_add_chunk(m, N0 + SZ_1M, SZ_16M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(FW_RES, N0 + SZ_1M, FW);
	ASSERT_RES(KERN_RES, N0 + SZ_2M, KERN);
	ASSERT_EQ(0, m->res[KERN_RES].base % SZ_2M);
	ASSERT_RGN(rsv, 1, N0 + SZ_2M, KERN);
}

TEST(boot_kernel_right_above_firmware_on_boundary)
{
	/* firmware ends exactly on a 2M boundary: the kernel starts there */
	fresh(SZ_2M, KERN, 0);
	smm_test_add_chunk(m, N0, SZ_16M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(KERN_RES, N0 + SZ_2M, KERN);
	/* they touch, so memblock merges them */
	ASSERT_RGN(rsv, 0, N0, SZ_2M + KERN);

	/* one page more of firmware pushes the kernel a whole 2M up */
	fresh(SZ_2M + SZ_4K, KERN, 0);
	smm_test_add_chunk(m, N0, SZ_16M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(KERN_RES, N0 + SZ_4M, KERN);
}

TEST(boot_reservations_fit_exactly)
{
	/*
	 * Chunk 0 = [1G, 1G + 6M): firmware 64K, and the kernel at
	 * [1G + 2M, 1G + 6M) ends on its last byte; it must not move up to
	 * chunk 1 = [1G + 16M, 1G + 24M).
	 */
	fresh(FW, KERN, 0);
	smm_test_add_chunk(m, N0 + SZ_16M, SZ_8M, 0);
	smm_test_add_chunk(m, N0, 6 * SZ_1M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(KERN_RES, N0 + SZ_2M, KERN);

	/*
	 * A firmware area as large as the lowest chunk, and an initrd as
	 * large as the highest one: both fit, the initrd stays on top.
	 */
	fresh(SZ_64K, 0, SZ_2M);
	smm_test_add_chunk(m, N0, SZ_64K, 0);
	smm_test_add_chunk(m, N0 + SZ_16M, SZ_8M, 0);
	smm_test_add_chunk(m, N0 + SZ_32M, SZ_2M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(FW_RES, N0, SZ_64K);
	ASSERT_RES(INITRD_RES, N0 + SZ_32M, SZ_2M);
}

TEST(boot_kernel_without_firmware)
{
	/* no firmware: the kernel at the first 2M boundary of memory */
	fresh(0, KERN, 0);
	smm_test_add_chunk(m, N0 + SZ_512K, SZ_16M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(FW_RES, 0, 0);
	ASSERT_RES(KERN_RES, N0 + SZ_2M, KERN);
	ASSERT_RGN(rsv, 0, N0 + SZ_2M, KERN);

	fresh(0, KERN, 0);
	smm_test_add_chunk(m, N0, SZ_16M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(KERN_RES, N0, KERN);
}

TEST(boot_kernel_next_chunk_when_first_too_small)
{
	/*
	 * Chunk 0 [1G, +4M) holds the firmware, but 1G + 2M + 4M is past its
	 * end; chunk 1 starts at 1G + 65M, so the kernel goes to 1G + 66M.
	 */
	fresh(FW, KERN, INITRD);
	smm_test_add_chunk(m, N0 + SZ_64M + SZ_1M, SZ_16M, 0);
	smm_test_add_chunk(m, N0, SZ_4M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(FW_RES, N0, FW);
	ASSERT_RES(KERN_RES, N0 + SZ_64M + SZ_2M, KERN);
	ASSERT_RES(INITRD_RES, N0 + SZ_64M + SZ_1M + SZ_16M - INITRD, INITRD);
}

TEST(boot_kernel_needs_alignment_to_fit)
{
	/*
	 * [1G + 1M, 1G + 5.5M) could hold 4M at 1G + 1M, but the first 2M
	 * boundary, 1G + 2M, leaves only 3.5M: the kernel fits nowhere.
	 */
	fresh(0, KERN, 0);
	smm_test_add_chunk(m, N0 + SZ_1M, SZ_4M + SZ_512K, 0);
	ASSERT_EQ(-ENOMEM, boot());
	ASSERT_LOGGED("boot: kernel_size=4194304 does not fit in the region\n");
	ASSERT_TORN_DOWN();
}

TEST(boot_initrd_top_of_highest_chunk)
{
	/* node 1's chunk is too small for the initrd: top of node 0's */
	fresh(FW, KERN, INITRD);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_1M, 1);
	ASSERT_EQ(0, boot());
	ASSERT_RES(INITRD_RES, N0 + SZ_32M - INITRD, INITRD);
	/* node 1: 256 pages, map rounded out to 1024 pages = 64K */
	ASSERT_EQ(N1 + SZ_1M - SZ_64K, m->node_data[1].memmap_base);
	ASSERT_EQ(SZ_64K, m->node_data[1].memmap_size);
}

TEST(boot_initrd_avoids_kernel)
{
	/*
	 * Chunk 0 [1G, +4M) is too small for firmware + kernel, so the
	 * kernel takes [1G+16M, 1G+20M) of chunk 1 [1G+16M, +6M). A 3M initrd
	 * at the top of chunk 1 would be [1G+19M, 1G+22M), on the kernel:
	 * it goes to the top of chunk 0 instead, [1G+1M, 1G+4M).
	 */
	fresh(FW, KERN, 3 * SZ_1M);
	smm_test_add_chunk(m, N0, SZ_4M, 0);
	smm_test_add_chunk(m, N0 + SZ_16M, 6 * SZ_1M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(KERN_RES, N0 + SZ_16M, KERN);
	ASSERT_RES(INITRD_RES, N0 + SZ_1M, 3 * SZ_1M);
	ASSERT_RGN(rsv, 0, N0, FW);
	ASSERT_RGN(rsv, 1, N0 + SZ_1M, 3 * SZ_1M);
	ASSERT_RGN(rsv, 2, N0 + SZ_16M, KERN);
}

TEST(boot_initrd_below_kernel_in_same_chunk)
{
	/*
	 * One chunk [1G, 1G + 8M): firmware 64K, a 5M kernel at
	 * [1G + 2M, 1G + 7M). A 1.5M initrd does not fit above the kernel
	 * (1M left) but does below it, as high as it fits there:
	 * [1G + 512K, 1G + 2M).
	 */
	fresh(FW, 5 * SZ_1M, SZ_1M + SZ_512K);
	smm_test_add_chunk(m, N0, SZ_8M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(INITRD_RES, N0 + SZ_512K, SZ_1M + SZ_512K);
	/* initrd and kernel touch: one region; then the map */
	ASSERT_EQ(3, rsv->cnt);
	ASSERT_RGN(rsv, 1, N0 + SZ_512K, SZ_1M + SZ_512K + 5 * SZ_1M);
	ASSERT_RGN(rsv, 2, N0 + SZ_8M - SZ_128K, SZ_128K);

	/* exactly enough room: from the chunk's first byte to the kernel */
	fresh(0, 5 * SZ_1M, SZ_1M + SZ_512K);
	smm_test_add_chunk(m, N0 + SZ_512K, SZ_8M - SZ_512K, 0);
	ASSERT_EQ(0, boot());
	ASSERT_RES(KERN_RES, N0 + SZ_2M, 5 * SZ_1M);
	ASSERT_RES(INITRD_RES, N0 + SZ_512K, SZ_1M + SZ_512K);

	/* with 1M of firmware only 1M is left below the kernel: no room */
	fresh(SZ_1M, 5 * SZ_1M, SZ_1M + SZ_512K);
	smm_test_add_chunk(m, N0, SZ_8M, 0);
	ASSERT_EQ(-ENOMEM, boot());
	ASSERT_LOGGED("boot: initrd_size=1572864 does not fit in the region\n");
	ASSERT_TORN_DOWN();
}

TEST(boot_zero_sizes_reserve_nothing)
{
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	ASSERT_EQ(0, boot());
	ASSERT_RES(FW_RES, 0, 0);
	ASSERT_RES(KERN_RES, 0, 0);
	ASSERT_RES(INITRD_RES, 0, 0);
	ASSERT_STREQ("kernel", m->res[KERN_RES].name);
	/* only the two memory maps, each at the top of its node */
	ASSERT_EQ(2, rsv->cnt);
	ASSERT_RGN(rsv, 0, N0 + SZ_32M - SZ_512K, SZ_512K);
	ASSERT_RGN(rsv, 1, N1 + SZ_32M - SZ_512K, SZ_512K);
	ASSERT_FALSE(logged("boot: reserved"));
}

TEST(boot_firmware_fits_nowhere)
{
	/* the firmware must fit in the lowest chunk, whatever lies above */
	fresh(SZ_8M, 0, 0);
	smm_test_add_chunk(m, N0, SZ_4M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 0);
	ASSERT_EQ(-ENOMEM, boot());
	ASSERT_LOGGED("boot: firmware_size=8388608 does not fit in the region\n");
	ASSERT_TORN_DOWN();
	ASSERT_EQ(2, m->region.nr_chunks);
}

TEST(boot_kernel_fits_nowhere)
{
	fresh(FW, SZ_8M, INITRD);
	smm_test_add_chunk(m, N0, SZ_4M, 0);
	smm_test_add_chunk(m, N0 + SZ_8M, SZ_4M, 0);
	smm_test_add_chunk(m, N1, SZ_4M, 1);
	ASSERT_EQ(-ENOMEM, boot());
	ASSERT_LOGGED("boot: kernel_size=8388608 does not fit in the region\n");
	/* the firmware was reserved before; all of it is gone again */
	ASSERT_LOGGED("boot: reserved firmware");
	ASSERT_FALSE(logged("initrd"));
	ASSERT_TORN_DOWN();
}

TEST(boot_initrd_fits_nowhere)
{
	fresh(FW, KERN, SZ_16M);
	smm_test_add_chunk(m, N0, SZ_8M, 0);
	smm_test_add_chunk(m, N1, SZ_8M, 1);
	ASSERT_EQ(-ENOMEM, boot());
	ASSERT_LOGGED("boot: initrd_size=16777216 does not fit in the region\n");
	ASSERT_TORN_DOWN();
}

TEST(boot_failure_tears_down_a_booted_machine)
{
	/* a booted machine booted again with an impossible kernel */
	std_machine();
	ASSERT_EQ(0, boot());
	ASSERT_TRUE(m->booted);
	m->cfg.kernel_size = SZ_64M;
	smm_machine_teardown(m);
	ASSERT_EQ(-ENOMEM, boot());
	ASSERT_TORN_DOWN();
	/* and it boots again once the configuration is sane */
	m->cfg.kernel_size = KERN;
	ASSERT_EQ(0, boot());
	ASSERT_TRUE(m->booted);
	ASSERT_EQ(MAP1, m->node_data[1].memmap_base);
}

TEST(boot_empty_region)
{
	fresh(FW, KERN, INITRD);
	ASSERT_EQ(-EINVAL, boot());
	ASSERT_FALSE(m->booted);
	ASSERT_EQ(0, m->nr_nodes);
}

/* ---- nodes ------------------------------------------------------------- */

TEST(boot_nodes_with_gap)
{
	fresh(FW, KERN, INITRD);
	smm_test_add_chunk(m, N0, SZ_16M, 0);
	smm_test_add_chunk(m, N1, SZ_16M, 2);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(2, m->nr_nodes);
	ASSERT_EQ(0, m->node_ids[0]);
	ASSERT_EQ(2, m->node_ids[1]);
	ASSERT_EQ(2, m->node_data[2].node_id);
	ASSERT_EQ(PHYS_PFN(N1), m->node_data[2].node_start_pfn);
	ASSERT_EQ(0, m->node_data[1].node_spanned_pages);
	ASSERT_EQ(0, m->node_data[1].memmap_size);
	ASSERT_PTR_EQ(NULL, m->node_data[1].node_mem_map);
	ASSERT_EQ(2, smm_trace.nr_alloc);
}

TEST(boot_node_ids_ascending)
{
	/* node 5 lowest in memory, then 3 twice, then 1 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_8M, 5);
	smm_test_add_chunk(m, N0 + SZ_64M, SZ_8M, 3);
	smm_test_add_chunk(m, N1, SZ_8M, 1);
	smm_test_add_chunk(m, N0 + 2 * SZ_64M, SZ_8M, 3);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(3, m->nr_nodes);
	ASSERT_EQ(1, m->node_ids[0]);
	ASSERT_EQ(3, m->node_ids[1]);
	ASSERT_EQ(5, m->node_ids[2]);
	ASSERT_EQ(4, mem->cnt);
	/* node 3 spans [1G + 64M, 1G + 136M) with a hole in between */
	ASSERT_EQ(PHYS_PFN(N0 + SZ_64M), m->node_data[3].node_start_pfn);
	ASSERT_EQ(PHYS_PFN(SZ_64M + SZ_8M), m->node_data[3].node_spanned_pages);
	ASSERT_EQ(PHYS_PFN(2 * SZ_8M), m->node_data[3].node_present_pages);
}

TEST(boot_adjacent_chunks_of_two_nodes)
{
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_8M, 0);
	smm_test_add_chunk(m, N0 + SZ_8M, SZ_8M, 1);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(2, mem->cnt);
	ASSERT_EQ(2, m->nr_nodes);
	/* each map inside its own node: 2048 pages x 64 = 128K */
	ASSERT_EQ(N0 + SZ_8M - SZ_128K, m->node_data[0].memmap_base);
	ASSERT_EQ(N0 + SZ_16M - SZ_128K, m->node_data[1].memmap_base);
}

/* ---- the memory map ---------------------------------------------------- */

TEST(boot_memmap_geometry)
{
	/*
	 * [1G + 1M, 1G + 17M): pfn [0x40100, 0x41100), rounded out to
	 * [0x40000, 0x41400): 0x1400 pages x 64 = 320K, at the top of node 0.
	 */
	phys_addr_t base = N0 + SZ_16M + SZ_1M - 5 * SZ_64K;
	struct smm_pglist_data *pgdat;

	ASSERT_EQ(64, sizeof(struct smm_page));
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0 + SZ_1M, SZ_16M, 0);
	ASSERT_EQ(0, boot());
	pgdat = &m->node_data[0];
	ASSERT_EQ(0, pgdat->node_id);
	ASSERT_EQ(0x40100, pgdat->node_start_pfn);
	ASSERT_EQ(0x1000, pgdat->node_spanned_pages);
	ASSERT_EQ(0x1000, pgdat->node_present_pages);
	ASSERT_EQ(0x40000, pgdat->memmap_start_pfn);
	ASSERT_EQ(0x41400, pgdat->memmap_end_pfn);
	ASSERT_EQ(0x1400 * 64, pgdat->memmap_size);
	ASSERT_EQ(base, pgdat->memmap_base);
	ASSERT_EQ(0, pgdat->memmap_start_pfn % SMM_MAX_ORDER_NR_PAGES);
	ASSERT_EQ(0, pgdat->memmap_end_pfn % SMM_MAX_ORDER_NR_PAGES);
	/* node_mem_map is the entry of node_start_pfn, 0x100 into the map */
	ASSERT_PTR_EQ((struct smm_page *)smm_phys_to_virt(base) + 0x100,
		      pgdat->node_mem_map);
	ASSERT_TRUE(smm_memblock_covers(rsv, base, pgdat->memmap_size));
	/* the address is memmap_base, checked above */
	ASSERT_LOGGED("memmap: node 0 pfn [0x40000-0x41400) 5120 pages x 64 bytes at 0x");
}

TEST(boot_memmap_end_rounded_up)
{
	/* aligned start, end one page past a boundary: a whole 1024 more */
	struct smm_pglist_data *pgdat;

	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_4M + SZ_4K, 0);
	ASSERT_EQ(0, boot());
	pgdat = &m->node_data[0];
	ASSERT_EQ(0x40000, pgdat->memmap_start_pfn);
	ASSERT_EQ(0x40800, pgdat->memmap_end_pfn);
	ASSERT_EQ(2048 * 64, pgdat->memmap_size);
	ASSERT_PTR_EQ(smm_phys_to_virt(pgdat->memmap_base), pgdat->node_mem_map);
}

TEST(boot_memmap_holes_spanned_not_present)
{
	/*
	 * Node 0 = [1G + 512K, 1G + 4M) + [1G + 8M, 1G + 10M):
	 * pfn [0x40080, 0x40400) + [0x40800, 0x40a00): present 896 + 512,
	 * spanned 0x40a00 - 0x40080; map [0x40000, 0x40c00) = 192K at the top
	 * of the second chunk.
	 */
	struct smm_pglist_data *pgdat;

	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0 + SZ_8M, SZ_2M, 0);
	smm_test_add_chunk(m, N0 + SZ_512K, SZ_4M - SZ_512K, 0);
	ASSERT_EQ(0, boot());
	pgdat = &m->node_data[0];
	ASSERT_EQ(0x40080, pgdat->node_start_pfn);
	ASSERT_EQ(896 + 512, pgdat->node_present_pages);
	ASSERT_EQ(0x40a00 - 0x40080, pgdat->node_spanned_pages);
	ASSERT_EQ(0x40000, pgdat->memmap_start_pfn);
	ASSERT_EQ(0x40c00, pgdat->memmap_end_pfn);
	ASSERT_EQ(0xc00 * 64, pgdat->memmap_size);
	ASSERT_EQ(N0 + SZ_8M + SZ_2M - 0xc00 * 64, pgdat->memmap_base);
	ASSERT_PTR_EQ((struct smm_page *)smm_phys_to_virt(pgdat->memmap_base) +
		      0x80, pgdat->node_mem_map);
}

TEST(boot_memmap_inside_node_top_down)
{
	/*
	 * The highest free place of each node: below node 1's initrd, and
	 * for node 0, which has a hole, in its upper chunk.
	 */
	fresh(FW, KERN, INITRD);
	smm_test_add_chunk(m, N0, SZ_16M, 0);
	smm_test_add_chunk(m, N0 + SZ_64M, SZ_4M, 0);
	smm_test_add_chunk(m, N1, SZ_16M, 1);
	ASSERT_EQ(0, boot());
	/* node 0: pfn [0x40000, 0x44400) -> 0x4400 pages x 64 = 1088K */
	ASSERT_EQ(0x4400 * 64, m->node_data[0].memmap_size);
	ASSERT_EQ(N0 + SZ_64M + SZ_4M - 0x4400 * 64,
		  m->node_data[0].memmap_base);
	ASSERT_EQ(N1 + SZ_16M - INITRD - SZ_256K, m->node_data[1].memmap_base);
	ASSERT_TRUE(smm_memblock_covers(rsv, m->node_data[0].memmap_base,
					m->node_data[0].memmap_size));
	ASSERT_TRUE(smm_memblock_covers(rsv, m->node_data[1].memmap_base,
					m->node_data[1].memmap_size));
}

TEST(boot_memmap_poisoned)
{
	/* garbage under the whole region; the maps must be all 0xff */
	struct smm_pglist_data *p0, *p1;

	std_machine();
	memset(smm_phys_to_virt(N0), 0x5a, SZ_32M);
	memset(smm_phys_to_virt(N1), 0x5a, SZ_32M);
	ASSERT_EQ(0, boot());
	p0 = &m->node_data[0];
	p1 = &m->node_data[1];
	ASSERT_TRUE(all_bytes(p0->memmap_base, p0->memmap_size, 0xff));
	ASSERT_TRUE(all_bytes(p1->memmap_base, p1->memmap_size, 0xff));
	/* not a byte more: the memory right below each map is untouched */
	ASSERT_TRUE(all_bytes(p0->memmap_base - SZ_4K, SZ_4K, 0x5a));
	ASSERT_TRUE(all_bytes(p1->memmap_base - SZ_4K, SZ_4K, 0x5a));
	/* nor is anything else written, the reservations included */
	ASSERT_TRUE(all_bytes(N0, SZ_32M - SZ_512K, 0x5a));
	ASSERT_TRUE(all_bytes(N1 + SZ_32M - INITRD, INITRD, 0x5a));
	ASSERT_EQ(ULONG_MAX, p0->node_mem_map->flags);
	ASSERT_EQ(-1, p1->node_mem_map[8191]._refcount);
}

TEST(boot_memmap_falls_back_to_another_node)
{
	/*
	 * Node 1 has 16K; its map is 1024 x 64 = 64K. try_nid semantics: any
	 * node, top down, so right below node 0's own map.
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_16K, 1);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(N0 + SZ_32M - SZ_512K, m->node_data[0].memmap_base);
	ASSERT_EQ(N0 + SZ_32M - SZ_512K - SZ_64K, m->node_data[1].memmap_base);
	ASSERT_EQ(SZ_64K, m->node_data[1].memmap_size);
	ASSERT_EQ(4, m->node_data[1].node_present_pages);
	ASSERT_PTR_EQ(smm_phys_to_virt(N0 + SZ_32M - SZ_512K - SZ_64K),
		      m->node_data[1].node_mem_map);
	ASSERT_TRUE(all_bytes(m->node_data[1].memmap_base, SZ_64K, 0xff));
	ASSERT_EQ(1, smm_trace.alloc.nid);
	/* the two maps touch: one reserved region */
	ASSERT_EQ(1, rsv->cnt);
	ASSERT_RGN(rsv, 0, N0 + SZ_32M - SZ_512K - SZ_64K, SZ_512K + SZ_64K);
	ASSERT_LOGGED("memmap: node 1 pfn [0x80000-0x80400) 1024 pages x 64 bytes at 0x");
}

TEST(boot_memmap_no_room_anywhere)
{
	/* 4 pages of memory, a 64K map */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_16K, 0);
	ASSERT_EQ(-ENOMEM, boot());
	ASSERT_LOGGED("memmap: node 0: no room for 65536 bytes of memory map\n");
	ASSERT_TORN_DOWN();
}

TEST(boot_memmap_second_node_no_room)
{
	/*
	 * Node 0 = 1M, its 64K map fits. Node 1 = 2 x 16K 64M apart: pfn
	 * [0x80000, 0x84004) -> [0x80000, 0x84400) = 1088K, more than is
	 * left anywhere.
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_1M, 0);
	smm_test_add_chunk(m, N1, SZ_16K, 1);
	smm_test_add_chunk(m, N1 + SZ_64M, SZ_16K, 1);
	ASSERT_EQ(-ENOMEM, boot());
	ASSERT_LOGGED("memmap: node 0 pfn");
	ASSERT_LOGGED("memmap: node 1: no room for 1114112 bytes of memory map\n");
	ASSERT_TORN_DOWN();
}

/* ---- many chunks ------------------------------------------------------- */

/*
 * 1 + 199 chunks, high to low: [1G, 1G + 64M) and 4K chunks at
 * 1G + 64M + 4K + 8K * i, i < 199. The 129th add doubles memory.regions to
 * 256 entries (6144 bytes, two pages): the highest free 8K is in the big
 * chunk, right below the initrd. Node 0 spans pfn [0x40000, 0x4418e),
 * rounded out to [0x40000, 0x44400): 1088K of map, right below that.
 */
#define MANY		200
#define MANY_ARRAY	(N0 + SZ_64M - INITRD - SZ_8K)
#define MANY_MAP	(MANY_ARRAY - 0x4400 * 64)

static void many_machine(void)
{
	int i;

	fresh(FW, KERN, INITRD);
	for (i = MANY - 2; i >= 0; i--)
		smm_test_add_chunk(m, N0 + SZ_64M + SZ_4K + i * SZ_8K, SZ_4K, 0);
	smm_test_add_chunk(m, N0, SZ_64M, 0);
}

TEST(boot_many_chunks_double_memory_array)
{
	many_machine();
	ASSERT_EQ(0, boot());
	ASSERT_EQ(MANY, mem->cnt);
	ASSERT_EQ(2 * SMM_INIT_MEMBLOCK_REGIONS, mem->max);
	ASSERT_EQ(SZ_64M + (MANY - 1) * SZ_4K, mem->total_size);
	ASSERT_PTR_EQ(smm_phys_to_virt(MANY_ARRAY), mem->regions);
	ASSERT_RGN(mem, 0, N0, SZ_64M);
	ASSERT_RGN(mem, MANY - 1, N0 + SZ_64M + SZ_4K + (MANY - 2) * SZ_8K,
		   SZ_4K);
	/* the new array is reserved, merged with the map and the initrd */
	ASSERT_TRUE(smm_memblock_covers(rsv, MANY_ARRAY, SZ_8K));
	ASSERT_EQ(3, rsv->cnt);
	ASSERT_RGN(rsv, 2, MANY_MAP, N0 + SZ_64M - MANY_MAP);
	ASSERT_EQ(MANY_MAP, m->node_data[0].memmap_base);
	ASSERT_EQ(0x4400 * 64, m->node_data[0].memmap_size);
	ASSERT_EQ(16384 + MANY - 1, m->node_data[0].node_present_pages);
	ASSERT_EQ(0x4418e - 0x40000, m->node_data[0].node_spanned_pages);
	/* the reserved array did not grow */
	ASSERT_PTR_EQ(m->memblock.reserved_init_regions, rsv->regions);
	/* firmware, kernel, initrd, the array, the map */
	ASSERT_EQ(5, smm_trace.nr_reserve);
	ASSERT_EQ(MANY, smm_trace.nr_add);
}

TEST(boot_max_chunks)
{
	/* SMM_MAX_CHUNKS chunks of 4K, 8K apart, after one big chunk */
	int i;

	fresh(FW, KERN, INITRD);
	smm_test_add_chunk(m, N0, SZ_64M, 0);
	for (i = 0; i < SMM_MAX_CHUNKS - 1; i++)
		smm_test_add_chunk(m, N1 + i * SZ_8K, SZ_4K, 1);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(SMM_MAX_CHUNKS, mem->cnt);
	ASSERT_EQ(SMM_MAX_CHUNKS, mem->max);
	ASSERT_EQ(2, m->nr_nodes);
	ASSERT_TRUE(smm_memblock_covers(rsv, smm_virt_to_phys(mem->regions),
					PAGE_ALIGN(mem->max * sizeof(*mem->regions))));
	/* node 1's map (1024 pages, 64K) fell back to node 0 */
	ASSERT_TRUE(m->node_data[1].memmap_base >= N0);
	ASSERT_TRUE(m->node_data[1].memmap_base < N0 + SZ_64M);
}

/* ---- teardown and determinism ----------------------------------------- */

/* All of memblock as smm_boot() left it, the live arrays included. */
struct mb_copy {
	struct smm_memblock mb;
	struct smm_memblock_region memory[2 * SMM_MAX_CHUNKS];
	struct smm_memblock_region reserved[2 * SMM_MAX_CHUNKS];
	struct smm_boot_reservation res[SMM_NR_RES];
	struct smm_pglist_data node_data[SMM_MAX_NUMNODES];
	char log[sizeof(blog.buf)];
};

static struct mb_copy copy_a, copy_b;

static void take_copy(struct mb_copy *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(&c->mb, &m->memblock, sizeof(c->mb));
	ASSERT_TRUE(mem->cnt <= ARRAY_SIZE(c->memory));
	ASSERT_TRUE(rsv->cnt <= ARRAY_SIZE(c->reserved));
	memcpy(c->memory, mem->regions, mem->cnt * sizeof(*mem->regions));
	memcpy(c->reserved, rsv->regions, rsv->cnt * sizeof(*rsv->regions));
	memcpy(c->res, m->res, sizeof(c->res));
	memcpy(c->node_data, m->node_data, sizeof(c->node_data));
	memcpy(c->log, blog.buf, sizeof(c->log));
}

#define ASSERT_SAME_COPY(a, b)	assert_same_copy(__FILE__, __LINE__, a, b)

static void assert_same_copy(const char *file, int line,
			     const struct mb_copy *a, const struct mb_copy *b)
{
	smm_assert_u64(file, line, "memory.cnt", a->mb.memory.cnt,
		       "memory.cnt again", b->mb.memory.cnt, true);
	smm_assert_u64(file, line, "reserved.cnt", a->mb.reserved.cnt,
		       "reserved.cnt again", b->mb.reserved.cnt, true);
	smm_assert_bool(file, line, "memory regions identical", true,
			!memcmp(a->memory, b->memory, sizeof(a->memory)));
	smm_assert_bool(file, line, "reserved regions identical", true,
			!memcmp(a->reserved, b->reserved, sizeof(a->reserved)));
	smm_assert_bool(file, line, "struct smm_memblock identical", true,
			!memcmp(&a->mb, &b->mb, sizeof(a->mb)));
	smm_assert_bool(file, line, "reservations identical", true,
			!memcmp(a->res, b->res, sizeof(a->res)));
	smm_assert_bool(file, line, "node data identical", true,
			!memcmp(a->node_data, b->node_data,
				sizeof(a->node_data)));
	smm_assert_str(file, line, "log", a->log, "log again", b->log);
}

TEST(boot_teardown_forgets_everything)
{
	std_machine();
	ASSERT_EQ(0, boot());
	smm_machine_teardown(m);
	ASSERT_TORN_DOWN();
	ASSERT_FALSE(m->memblock.can_resize);
	/* the region and the configuration stay */
	ASSERT_EQ(2, m->region.nr_chunks);
	ASSERT_EQ(PHYS_PFN(N1), m->region.chunks[1].start_pfn);
	ASSERT_EQ(KERN, m->cfg.kernel_size);
	/* and tearing down twice is harmless */
	smm_machine_teardown(m);
	ASSERT_TORN_DOWN();
}

TEST(boot_again_is_identical)
{
	std_machine();
	ASSERT_EQ(0, boot());
	take_copy(&copy_a);
	/* a different allocation setting must not survive either */
	smm_memblock_set_bottom_up(&m->memblock, true);
	smm_memblock_set_current_limit(&m->memblock, N0 + SZ_4M);
	smm_machine_teardown(m);
	memset(&blog, 0, sizeof(blog));
	ASSERT_EQ(0, boot());
	take_copy(&copy_b);
	ASSERT_SAME_COPY(&copy_a, &copy_b);
}

TEST(boot_again_is_identical_with_doubled_arrays)
{
	many_machine();
	ASSERT_EQ(0, boot());
	take_copy(&copy_a);
	ASSERT_PTR_EQ(smm_phys_to_virt(MANY_ARRAY), mem->regions);
	smm_machine_teardown(m);
	ASSERT_TORN_DOWN();
	memset(&blog, 0, sizeof(blog));
	ASSERT_EQ(0, boot());
	take_copy(&copy_b);
	ASSERT_SAME_COPY(&copy_a, &copy_b);
	ASSERT_PTR_EQ(smm_phys_to_virt(MANY_ARRAY), mem->regions);
}

TEST(boot_rejects_node_beyond_shadow)
{
	/* A real node id the shadow cannot represent must not vanish silently. */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_8M, 0);
	smm_test_add_chunk(m, N0 + SZ_16M, SZ_8M, SMM_MAX_NUMNODES);
	ASSERT_EQ(-ERANGE, boot());
	ASSERT_LOGGED("boot: chunk 1 is on node 16; the shadow has nodes 0-15\n");
	ASSERT_TORN_DOWN();
}

TEST(boot_empty_region_fails_with_a_reason)
{
	fresh(FW, KERN, INITRD);
	ASSERT_EQ(-EINVAL, boot());
	ASSERT_LOGGED("boot: the region has no memory\n");
	ASSERT_TORN_DOWN();
}
