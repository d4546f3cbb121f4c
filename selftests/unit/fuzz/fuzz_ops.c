// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over sequences of core operations: make fuzz.
 *
 * Every input runs on a fresh 2-node machine (node 0 = [1G, 1G + 8M),
 * node 1 = [2G, 2G + 8M), 2 CPUs) booted to the buddy allocator. The
 * bytes decode to operations, each byte B:
 *   B & 3 == 0, 1  smm_alloc_pages(): order and gfp/node from the next two
 *                  bytes, on CPU (B >> 2) & 1
 *   B & 3 == 2     smm_free_pages() of the live block the next byte picks
 *   B & 3 == 3     by (B >> 2) & 3: drain, free everything live, switch
 *                  CPU, nothing
 * After every operation smm_check() must find no violation; at the end,
 * with everything freed and drained, buddyinfo must be the boot's.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "shadowmm/ctl.h"
#include "shadowmm/views.h"
#include "shadowmm/vmstat.h"

#define MAX_LIVE	4096

static struct smm_machine *m;
static struct {
	struct smm_page *page;
	unsigned int order;
} live[MAX_LIVE];
static unsigned int nr_live;

static char boot_buddy[8192], end_buddy[8192];
static size_t blen, elen;

struct text {
	char *buf;
	size_t *len;
	size_t cap;
};

static void text_emit(void *ctx, const char *fmt, ...)
{
	struct text *t = ctx;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + *t->len, t->cap - *t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - *t->len)
		abort();
	*t->len += n;
}

static void buddyinfo(char *buf, size_t *len)
{
	struct text t = { buf, len, 8192 };

	*len = 0;
	smm_show_buddyinfo(m, text_emit, &t);
}

static const unsigned int gfps[] = {
	SMM_GFP_KERNEL, SMM_GFP_ATOMIC, SMM_GFP_NOWAIT,
	SMM_GFP_HIGHUSER_MOVABLE, SMM_GFP_KERNEL | SMM___GFP_DMA,
	SMM_GFP_KERNEL | SMM___GFP_DMA32,
	SMM_GFP_HIGHUSER_MOVABLE | SMM___GFP_THISNODE,
	SMM_GFP_ATOMIC | SMM___GFP_RECLAIMABLE,
	SMM_GFP_KERNEL | SMM___GFP_ZERO, SMM_GFP_NOWAIT | SMM___GFP_HIGH,
};

static void new_machine(void)
{
	if (m)
		smm_machine_teardown(m);
	else
		m = malloc(sizeof(*m));
	if (!m)
		abort();
	memset(m, 0, sizeof(*m));
	m->region.backend = "test";
	m->cfg.firmware_size = SZ_64K;
	m->cfg.kernel_size = SZ_4M;
	m->cfg.initrd_size = SZ_2M;
	smm_ucpu = 0;
	smm_unr_cpus = 2;
	smm_unode = 0;
	smm_test_add_chunk(m, SZ_2G, SZ_8M, 1);
	smm_test_add_chunk(m, SZ_1G, SZ_8M, 0);
	if (smm_boot(m, smm_log_discard, NULL))
		abort();
	memset(&smm_trace, 0, sizeof(smm_trace));
	nr_live = 0;
	buddyinfo(boot_buddy, &blen);
}

static void free_all(void)
{
	while (nr_live) {
		nr_live--;
		smm_free_pages(m, live[nr_live].page, live[nr_live].order);
	}
}

static void check(const char *what)
{
	if (smm_check(m, smm_log_discard, NULL)) {
		fprintf(stderr, "fuzz_ops: smm_check() failed after %s\n", what);
		smm_check(m, smm_capture_emit, calloc(1, sizeof(struct smm_capture)));
		abort();
	}
}

/* harness.c's main (renamed, never called) names these. */
int smm_replay_main(int argc, char **argv)
{
	return 1;
}

int smm_bench_main(int argc, char **argv)
{
	return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	void *arena;

	arena = mmap(NULL, SMM_UARENA_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED)
		abort();
	smm_uarena = arena;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	new_machine();
	while (i < size) {
		uint8_t b = data[i++];
		uint8_t o = i < size ? data[i] : 0;
		uint8_t g = i + 1 < size ? data[i + 1] : 0;
		struct smm_page *page;
		unsigned int order, gfp, k;

		switch (b & 3) {
		case 0:
		case 1:
			i += 2;
			smm_ucpu = (b >> 2) & 1;
			order = o & 0x80 ? o % 4 : o % SMM_MAX_ORDER;
			gfp = gfps[g % (sizeof(gfps) / sizeof(gfps[0]))];
			if (nr_live == MAX_LIVE || smm_gfp_zone(gfp) < 0)
				break;
			page = smm_alloc_pages(m, gfp, order, (g >> 7) & 1, NULL);
			if (page) {
				live[nr_live].page = page;
				live[nr_live].order = order;
				nr_live++;
			}
			check("alloc");
			break;
		case 2:
			i++;
			if (!nr_live)
				break;
			k = o % nr_live;
			smm_free_pages(m, live[k].page, live[k].order);
			live[k] = live[--nr_live];
			check("free");
			break;
		default:
			switch ((b >> 2) & 3) {
			case 0:
				smm_drain_all_pages(m);
				check("drain");
				break;
			case 1:
				free_all();
				check("free all");
				break;
			case 2:
				smm_ucpu = !smm_ucpu;
				break;
			default:
				break;
			}
		}
	}
	free_all();
	smm_drain_all_pages(m);
	check("the last drain");
	buddyinfo(end_buddy, &elen);
	if (elen != blen || memcmp(boot_buddy, end_buddy, blen)) {
		fprintf(stderr, "fuzz_ops: buddyinfo after freeing everything:\n%.*s\nboot:\n%.*s\n",
			(int)elen, end_buddy, (int)blen, boot_buddy);
		abort();
	}
	return 0;
}
