// SPDX-License-Identifier: GPL-2.0
/*
 * unit_tests --replay: rebuild a machine the guest described (its region
 * chunks, its CPUs and their nodes), run the same seeded workload on CPU 0
 * and print the hash of the final free lists, for
 * scripts/determinism-check.sh to compare with what the module computed.
 *
 *   unit_tests --replay CHUNKS CPUS SEED OPS
 *   CHUNKS: START_PFN+PAGES@NID[,...] (hex or decimal)
 *   CPUS:   N, or N:NID,NID,... (the real node of each CPU, which sizes
 *           pcp->high); all on node 0 without the list
 *
 * Firmware, kernel and initrd sizes are the module's defaults (64K, 4M,
 * 2M), as the guest test loads it with them.
 */
#include "harness.h"
#include "shadowmm/workload.h"

static void replay_log(void *ctx __always_unused,
		       const char *fmt __always_unused, ...)
{
}

static int parse_chunks(struct smm_machine *m, char *s)
{
	char *tok;

	for (tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		struct smm_region_chunk *c;
		unsigned long start, pages;
		int nid;

		if (sscanf(tok, "%li+%li@%i", &start, &pages, &nid) != 3 ||
		    m->region.nr_chunks == SMM_MAX_CHUNKS)
			return -1;
		c = &m->region.chunks[m->region.nr_chunks++];
		c->start_pfn = start;
		c->nr_pages = pages;
		c->nid = nid;
	}
	return m->region.nr_chunks ? 0 : -1;
}

static int parse_cpus(char *s)
{
	char *list = strchr(s, ':'), *tok;
	int cpu = 0;

	if (list)
		*list++ = '\0';
	smm_unr_cpus = strtoul(s, NULL, 0);
	if (!smm_unr_cpus || smm_unr_cpus > SMM_UMAX_CPUS)
		return -1;
	for (tok = list ? strtok(list, ",") : NULL; tok;
	     tok = strtok(NULL, ",")) {
		if (cpu == SMM_UMAX_CPUS)
			return -1;
		smm_ucpu_node[cpu++] = strtol(tok, NULL, 0);
	}
	return 0;
}

int smm_replay_main(int argc, char **argv)
{
	struct smm_workload_result res;
	struct smm_machine *m;
	unsigned long seed, ops;

	if (argc != 6) {
		fprintf(stderr, "usage: %s --replay CHUNKS CPUS SEED OPS\n",
			argv[0]);
		return 2;
	}
	m = calloc(1, sizeof(*m));
	if (!m || parse_chunks(m, argv[2]) || parse_cpus(argv[3]))
		return 2;
	seed = strtoul(argv[4], NULL, 0);
	ops = strtoul(argv[5], NULL, 0);
	m->region.backend = "replay";
	m->cfg.firmware_size = 64 << 10;
	m->cfg.kernel_size = 4 << 20;
	m->cfg.initrd_size = 2 << 20;
	smm_ucpu = 0;
	if (smm_boot(m, replay_log, NULL) ||
	    smm_workload_run(m, seed, ops, &res))
		return 1;
	printf("hash=0x%016llx allocs=%lu frees=%lu fails=%lu\n",
	       (unsigned long long)res.hash, res.allocs, res.frees, res.fails);
	smm_machine_teardown(m);
	free(m);
	return 0;
}
