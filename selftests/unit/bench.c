// SPDX-License-Identifier: GPL-2.0
/*
 * unit_tests --bench SHAPE [N]: the core's allocator loops in userspace,
 * for `make unit-bench`, which runs each shape under callgrind with
 * collection toggled on smm_bench_run() only: the instruction count of
 * the loop itself, repeatable whatever the machine is doing.
 *
 *   pair-O      N alloc+free pairs of order O (GFP_KERNEL, node 0)
 *   batch256    N / 256 rounds of 256 order-0 allocations, then their frees
 *   batch256-real  the same on one 256M node with zone_layout=real
 *               (a Normal-less DMA32 the size of a 1 GiB guest's share)
 *   zero-O      pairs of order O with __GFP_ZERO
 *   verify-O    pairs of order O with verify=1
 *   init-S      one boot of a machine of S MiB per node, two nodes
 *   init4m-S    the same, each node's memory in 4 MiB chunks, end to end,
 *               as region=pages hands it over
 *
 * Machines: two 32M nodes (the module's default size) unless the shape
 * says otherwise; 2 CPUs, both on node 0; the loop runs on CPU 0. The
 * harness records no event (smm_trace_on off): make bench's tracepoints
 * are unattached too.
 */
#include "harness.h"
#include "shadowmm/trace.h"

#define BENCH_MAX_BATCH		256

static void bench_log(void *ctx __always_unused,
		      const char *fmt __always_unused, ...)
{
}

static struct smm_machine *bench_machine(phys_addr_t size, phys_addr_t chunk,
					 int nodes, enum smm_zone_layout layout)
{
	struct smm_machine *m = calloc(1, sizeof(*m));
	phys_addr_t off;
	int nid;

	if (!m)
		return NULL;
	m->region.backend = "bench";
	m->cfg.firmware_size = SZ_64K;
	m->cfg.kernel_size = SZ_4M;
	m->cfg.initrd_size = SZ_2M;
	m->cfg.zone_layout = layout;
	for (nid = 0; nid < nodes; nid++)
		for (off = 0; off < size; off += chunk)
			smm_test_add_chunk(m, (1ULL << 30) * (nid + 1) + off,
					   min(chunk, size - off), nid);
	return m;
}

/* What callgrind counts: everything this function runs. */
noinline
static int smm_bench_run(struct smm_machine *m, const char *shape,
			 unsigned long n)
{
	static struct smm_page *held[BENCH_MAX_BATCH];
	unsigned int gfp = SMM_GFP_KERNEL, order;
	unsigned long i, j;

	if (!strncmp(shape, "init", 4))
		return smm_boot(m, bench_log, NULL);
	if (!strncmp(shape, "batch256", 8)) {
		for (i = 0; i < n / BENCH_MAX_BATCH; i++) {
			for (j = 0; j < BENCH_MAX_BATCH; j++) {
				held[j] = smm_alloc_pages(m, gfp, 0, 0, NULL);
				if (!held[j])
					return -ENOMEM;
			}
			for (j = 0; j < BENCH_MAX_BATCH; j++)
				smm_free_pages(m, held[j], 0);
		}
		return 0;
	}
	if (sscanf(shape, "%*[a-z]-%u", &order) != 1 ||
	    order >= SMM_MAX_ORDER)
		return -EINVAL;
	if (!strncmp(shape, "zero-", 5))
		gfp |= SMM___GFP_ZERO;
	for (i = 0; i < n; i++) {
		struct smm_page *page = smm_alloc_pages(m, gfp, order, 0, NULL);

		if (!page)
			return -ENOMEM;
		smm_free_pages(m, page, order);
	}
	return 0;
}

int smm_bench_main(int argc, char **argv)
{
	enum smm_zone_layout layout = SMM_ZONE_LAYOUT_SCALED;
	phys_addr_t size = SZ_32M, chunk = 0;
	unsigned long n;
	struct smm_machine *m;
	const char *shape;
	int ret;

	if (argc < 3) {
		fprintf(stderr, "usage: %s --bench SHAPE [N]\n", argv[0]);
		return 2;
	}
	shape = argv[2];
	n = argc > 3 ? strtoul(argv[3], NULL, 0) : 10000;
	smm_unr_cpus = 2;
	smm_ucpu = 0;
	smm_trace_on = false;
	if (!strcmp(shape, "batch256-real")) {
		size = SZ_256M;
		layout = SMM_ZONE_LAYOUT_REAL;
	}
	if (!strncmp(shape, "init-", 5))
		size = strtoull(shape + 5, NULL, 0) << 20;
	if (!strncmp(shape, "init4m-", 7)) {
		size = strtoull(shape + 7, NULL, 0) << 20;
		chunk = SZ_4M;
	}
	m = bench_machine(size, chunk ? chunk : size,
			  strcmp(shape, "batch256-real") ? 2 : 1, layout);
	if (!m)
		return 1;
	if (!strncmp(shape, "verify-", 7))
		m->cfg.verify = true;
	if (strncmp(shape, "init", 4) && smm_boot(m, bench_log, NULL))
		return 1;
	ret = smm_bench_run(m, shape, n);
	if (ret) {
		fprintf(stderr, "bench %s: %d\n", shape, ret);
		return 1;
	}
	printf("bench %s n=%lu pages=%lu\n", shape, n, m->totalram_pages);
	smm_machine_teardown(m);
	free(m);
	return 0;
}
