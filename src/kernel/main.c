// SPDX-License-Identifier: GPL-2.0
/*
 * shadowmm: take a region of real memory from the running kernel and run a
 * faithful copy of the kernel's physical-memory pipeline over it, visibly.
 *
 * insmod: validate parameters, take the region (src/kernel/region.c),
 * boot the shadow machine over it (src/boot.c), publish debugfs. rmmod:
 * the reverse, giving every page back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/slab.h>

#include "shadowmm/ctl.h"
#include "shadowmm/kernel/module.h"

struct smm_machine *smm_machine;
/* Serialises ctl commands, debugfs readers and unload over smm_machine. */
DEFINE_MUTEX(smm_lock);

static char *region = "auto";
module_param(region, charp, 0444);
MODULE_PARM_DESC(region, "Where the memory comes from: auto|cma|contig|pages (default auto: the first that works, in that order)");

static char *size = "32M";
module_param(size, charp, 0444);
MODULE_PARM_DESC(size, "Bytes taken from each node with memory, a multiple of 4M (K/M/G suffixes; default 32M)");

static char *firmware_size = "64K";
module_param(firmware_size, charp, 0444);
MODULE_PARM_DESC(firmware_size, "Simulated firmware reservation at the bottom of the region (default 64K, 0: none)");

static char *kernel_size = "4M";
module_param(kernel_size, charp, 0444);
MODULE_PARM_DESC(kernel_size, "Simulated kernel image reservation, 2M aligned, low (default 4M, 0: none)");

static char *initrd_size = "2M";
module_param(initrd_size, charp, 0444);
MODULE_PARM_DESC(initrd_size, "Simulated initrd reservation at the top of the region (default 2M, 0: none)");

static bool memblock_debug;
module_param(memblock_debug, bool, 0444);
MODULE_PARM_DESC(memblock_debug, "Print memblock_dump_all() at load, like memblock=debug");

static char *upto = "buddy";
module_param(upto, charp, 0444);
MODULE_PARM_DESC(upto, "How far insmod runs the pipeline: memmap (memblock stays in charge) or buddy (default)");

static bool slab = true;
module_param(slab, bool, 0444);
MODULE_PARM_DESC(slab, "Bootstrap the slab layer (kmem_cache_init) after the buddy allocator (default 1)");

static char *zone_layout = "scaled";
module_param(zone_layout, charp, 0444);
MODULE_PARM_DESC(zone_layout, "scaled (default: every zone on every node) or real (the real DMA/DMA32/Normal boundaries)");

static char *memory_model = "flatmem";
module_param(memory_model, charp, 0444);
MODULE_PARM_DESC(memory_model, "flatmem (default: one memory map a node) or sparsemem (classic SPARSEMEM: a map a present section)");

static char *section_size = "0";
module_param(section_size, charp, 0444);
MODULE_PARM_DESC(section_size, "SPARSEMEM section size, a power of two 4M..128M (K/M/G suffixes; default 0: 128M, scaled down to the region's node boundaries)");

/* the host's own min_free_kbytes is in linux/mm.h: a different name here */
static unsigned long smm_min_free_kbytes;
module_param_named(min_free_kbytes, smm_min_free_kbytes, ulong, 0444);
MODULE_PARM_DESC(min_free_kbytes, "Watermark base as vm.min_free_kbytes, 128..262144 (default 0: the kernel's formula over the shadow's memory)");

static bool verify;
module_param(verify, bool, 0444);
MODULE_PARM_DESC(verify, "Tag every allocated page and check the tag on free (ctl: verify 0|1)");

static unsigned int rmqueue_trace_size = 256;
module_param(rmqueue_trace_size, uint, 0444);
MODULE_PARM_DESC(rmqueue_trace_size, "Entries in the debugfs rmqueue_trace ring, 0..65536 (default 256; 0: off)");

static unsigned int held_max = SMM_HELD_MAX_DEFAULT;
module_param(held_max, uint, 0444);
MODULE_PARM_DESC(held_max, "Records ctl may make the shadow hold, pages and slab objects together, 1..16777216 (default 262144); an allocation past it fails with ENOMEM");

static unsigned int nodes;
module_param(nodes, uint, 0444);
MODULE_PARM_DESC(nodes, "Fake shadow nodes, 1..16, cut from the region in address order like numa=fake=N (default 0: the real nodes)");

static char *distance = "";
module_param(distance, charp, 0444);
MODULE_PARM_DESC(distance, "node_distance() between shadow nodes, one row a node: 10,20;20,10 (default: the real SLIT distances)");

void smm_log_printk(void *ctx, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("%pV", &vaf);
	va_end(args);
}

/* A size parameter: a number with an optional K/M/G suffix. */
static int parse_size_param(const char *name, const char *val, u64 limit,
			    u64 align, u64 *out)
{
	if (smm_parse_u64(val, out)) {
		pr_err("invalid %s=%s: not a size (digits with an optional K/M/G)\n",
		       name, val);
		return -EINVAL;
	}
	if (*out > limit) {
		pr_err("invalid %s=%s: larger than %llu MiB\n", name, val,
		       limit >> 20);
		return -EINVAL;
	}
	if (*out % align) {
		pr_err("invalid %s=%s: not a multiple of %lluK\n", name, val,
		       align >> 10);
		return -EINVAL;
	}
	return 0;
}

static int check_region_size(int backend, u64 bytes)
{
	int nid;

	if (!bytes) {
		pr_err("invalid size=%s: must not be 0\n", size);
		return -EINVAL;
	}
	for_each_node_state(nid, N_MEMORY) {
		u64 limit = (u64)smm_region_node_limit(backend, nid) << PAGE_SHIFT;

		if (bytes > limit) {
			pr_err("invalid size=%s: node %d has only %llu MiB %s\n",
			       size, nid, limit >> 20,
			       backend == smm_backend_lookup("contig") ?
			       "in ZONE_MOVABLE" : "free");
			return -EINVAL;
		}
	}
	return 0;
}

static int smm_parse_stage2_params(struct smm_boot_config *cfg)
{
	const char *why;
	int v;

	v = smm_upto_lookup(upto);
	if (v < 0) {
		pr_err("invalid upto=%s: expected memmap or buddy\n", upto);
		return -EINVAL;
	}
	cfg->upto = v;
	cfg->slab = slab;
	if (!strcmp(zone_layout, "scaled")) {
		cfg->zone_layout = SMM_ZONE_LAYOUT_SCALED;
	} else if (!strcmp(zone_layout, "real")) {
		cfg->zone_layout = SMM_ZONE_LAYOUT_REAL;
	} else {
		pr_err("invalid zone_layout=%s: expected scaled or real\n",
		       zone_layout);
		return -EINVAL;
	}
	if (!strcmp(memory_model, "flatmem")) {
		cfg->memory_model = SMM_MEMORY_MODEL_FLATMEM;
	} else if (!strcmp(memory_model, "sparsemem")) {
		cfg->memory_model = SMM_MEMORY_MODEL_SPARSEMEM;
	} else {
		pr_err("invalid memory_model=%s: expected flatmem or sparsemem\n",
		       memory_model);
		return -EINVAL;
	}
	if (smm_parse_u64(section_size, &cfg->section_size)) {
		pr_err("invalid section_size=%s: not a size (digits with an optional K/M/G)\n",
		       section_size);
		return -EINVAL;
	}
	if (smm_sparse_check_section_size(cfg->section_size, &why)) {
		pr_err("invalid section_size=%s: %s\n", section_size, why);
		return -EINVAL;
	}
	/* The bounds of the kernel's own vm.min_free_kbytes sysctl. */
	if (smm_min_free_kbytes && (smm_min_free_kbytes < 128 ||
				    smm_min_free_kbytes > 262144)) {
		pr_err("invalid min_free_kbytes=%lu: expected 0 or 128..262144\n",
		       smm_min_free_kbytes);
		return -EINVAL;
	}
	cfg->min_free_kbytes = smm_min_free_kbytes;
	if (rmqueue_trace_size > 65536) {
		pr_err("invalid rmqueue_trace_size=%u: expected 0..65536\n",
		       rmqueue_trace_size);
		return -EINVAL;
	}
	cfg->rmqueue_trace_size = rmqueue_trace_size;
	if (!held_max || held_max > SMM_HELD_MAX_LIMIT) {
		pr_err("invalid held_max=%u: expected 1..%lu\n", held_max,
		       SMM_HELD_MAX_LIMIT);
		return -EINVAL;
	}
	cfg->held_max = held_max;
	cfg->verify = verify;
	return 0;
}

/*
 * The shadow nodes are the nodes with memory, in id order (the region
 * takes memory from each), or nodes= fake ones 0..N-1. Real nodes have
 * their real distances, fake ones 10 and 20, unless distance= gives a
 * matrix, row i for the i-th of them.
 */
static int smm_parse_numa_params(struct smm_machine *m)
{
	u8 rows[SMM_MAX_NUMNODES][SMM_MAX_NUMNODES];
	int ids[SMM_MAX_NUMNODES];
	int a, b, nid, nr = 0;
	const char *why;

	if (nodes > SMM_MAX_NUMNODES) {
		pr_err("invalid nodes=%u: expected 0..%d\n", nodes,
		       SMM_MAX_NUMNODES);
		return -EINVAL;
	}
	m->cfg.fake_nodes = nodes;
	for (nid = 0; nid < (int)nodes; nid++)
		ids[nr++] = nid;
	for_each_node_state(nid, N_MEMORY) {
		/* smm_boot() refuses such a node with its own message */
		if (nodes || nid >= SMM_MAX_NUMNODES)
			break;
		ids[nr++] = nid;
	}
	if (!*distance && nodes)
		return 0;
	if (!*distance) {
		for (a = 0; a < nr; a++)
			for (b = 0; b < nr; b++)
				m->distance[ids[a]][ids[b]] =
					node_distance(ids[a], ids[b]);
		return 0;
	}
	if (smm_parse_distance(distance, nr, rows, &why)) {
		pr_err("invalid distance=%s: %s (%d shadow nodes)\n", distance,
		       why, nr);
		return -EINVAL;
	}
	for (a = 0; a < nr; a++)
		for (b = 0; b < nr; b++)
			m->distance[ids[a]][ids[b]] = rows[a][b];
	return 0;
}

static int smm_parse_params(struct smm_machine *m, int *backend, u64 *bytes)
{
	const u64 chunk = PFN_PHYS(SMM_MAX_ORDER_NR_PAGES);
	int ret;

	*backend = smm_backend_lookup(region);
	if (*backend < 0) {
		pr_err("invalid region=%s: expected auto, cma, contig or pages\n",
		       region);
		return -EINVAL;
	}
	ret = parse_size_param("size", size, 64ULL << 30, chunk, bytes);
	if (!ret)
		ret = check_region_size(*backend, *bytes);
	if (!ret)
		ret = parse_size_param("firmware_size", firmware_size, 1ULL << 30,
				       PAGE_SIZE, &m->cfg.firmware_size);
	if (!ret)
		ret = parse_size_param("kernel_size", kernel_size, 1ULL << 30,
				       PAGE_SIZE, &m->cfg.kernel_size);
	if (!ret)
		ret = parse_size_param("initrd_size", initrd_size, 1ULL << 30,
				       PAGE_SIZE, &m->cfg.initrd_size);
	if (!ret)
		ret = smm_parse_stage2_params(&m->cfg);
	if (!ret)
		ret = smm_parse_numa_params(m);
	return ret;
}

/* make bench's metadata figure: the per-page tables over the region's pages */
static void smm_log_metadata(struct smm_machine *m, u64 pages)
{
	struct smm_metadata md;
	u64 total, whole;
	u32 frac;

	smm_metadata_bytes(m, &md);
	total = (u64)md.memmap + md.usemap + md.sections;
	/* 4 decimals: the pageblock bits are 1/1024 byte a page */
	whole = div_u64_rem(div64_u64(total * 10000, pages), 10000, &frac);
	pr_info("metadata: %llu.%04u bytes a page: memory map %lu, pageblock bits %lu, section table %lu bytes for %llu pages\n",
		whole, frac, md.memmap, md.usemap, md.sections, pages);
}

static int __init shadowmm_init(void)
{
	struct smm_machine *m;
	u64 boot_ns, wall_ns, pages;
	struct smm_oncpu oncpu;
	int backend, ret;
	u64 bytes;

	m = kvzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;

	ret = smm_parse_params(m, &backend, &bytes);
	if (ret)
		goto free;
	ret = smm_mirror_module_init();
	if (ret)
		goto free;

	ret = smm_region_acquire(&m->region, backend, bytes >> PAGE_SHIFT);
	if (ret) {
		pr_err("could not take %s per node with region=%s: %d\n",
		       size, region, ret);
		goto mirror;
	}

	smm_oncpu_start(&oncpu);
	ret = smm_boot(m, smm_log_printk, NULL);
	boot_ns = smm_oncpu_stop(&oncpu, &wall_ns);
	if (ret) {
		/* the line before says which step; these decide whether it fits */
		pr_err("shadow boot failed (%d) with size=%s nodes=%u memory_model=%s section_size=%s kernel_size=%s initrd_size=%s firmware_size=%s slab=%d\n",
		       ret, size, nodes, memory_model, section_size,
		       kernel_size, initrd_size, firmware_size, slab);
		goto release;
	}
	if (memblock_debug)
		smm_memblock_dump_all(&m->memblock, smm_log_printk, NULL);

	smm_machine = m;
	smm_debugfs_init();
	pr_info("ready: region=%s, %llu MiB on %d node(s), memblock.memory %lu regions, memblock.reserved %lu regions\n",
		m->region.backend,
		(unsigned long long)smm_region_bytes(&m->region) >> 20,
		m->nr_nodes, m->memblock.memory.cnt, m->memblock.reserved.cnt);
	/*
	 * make bench's init figure (under -icount shift=0, instructions):
	 * the time on the CPU; the wall clock also counts whatever ran
	 * while an allocation rescheduled (src/kernel/oncpu.c)
	 */
	pages = smm_region_bytes(&m->region) >> PAGE_SHIFT;
	if (oncpu.counted)
		pr_info("boot: %llu pages (memory map %lu) in %llu ns on the CPU, %llu ns a page (wall clock %llu ns, %lu times off the CPU)\n",
			(unsigned long long)pages, smm_memmap_pages(m),
			boot_ns, div64_u64(boot_ns, pages), wall_ns,
			oncpu.switches);
	else
		pr_info("boot: %llu pages (memory map %lu) in %llu ns, %llu ns a page (wall clock: no preempt notifiers in this kernel)\n",
			(unsigned long long)pages, smm_memmap_pages(m),
			boot_ns, div64_u64(boot_ns, pages));
	smm_log_metadata(m, pages);
	return 0;

release:
	smm_region_release(&m->region);
mirror:
	smm_mirror_module_exit();
free:
	kvfree(m);
	return ret;
}

static void __exit shadowmm_exit(void)
{
	struct smm_machine *m = smm_machine;

	smm_debugfs_exit();
	mutex_lock(&smm_lock);
	/* no probe may touch the machine once it goes */
	smm_mirror_detach(m);
	smm_machine = NULL;
	mutex_unlock(&smm_lock);

	smm_machine_teardown(m);
	smm_mirror_module_exit();
	smm_region_release(&m->region);
	kvfree(m);
	pr_info("unloaded, region returned\n");
}

module_init(shadowmm_init);
module_exit(shadowmm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("shadowmm developers");
MODULE_DESCRIPTION("A shadow of the kernel's physical memory pipeline over real memory");
/* PACKAGE_VERSION of dkms.conf (Kbuild) */
MODULE_VERSION(SMM_VERSION);
