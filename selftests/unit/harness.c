// SPDX-License-Identifier: GPL-2.0
/*
 * Runner, assertion reporting, the "physical memory" arena and the
 * recording tracepoints for the host unit tests; see harness.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <sys/mman.h>

#include "harness.h"
#include "shadowmm/trace.h"

/*
 * Physical address pa is smm_uarena + pa (compat.h). 64 GiB of address
 * space, reserved lazily (MAP_NORESERVE), so a test can put memory
 * anywhere below 64 GiB and only the pages it touches cost anything.
 */
unsigned char *smm_uarena;
__thread int smm_ucpu;
unsigned int smm_unr_cpus = 2;
int smm_unode;
int smm_ucpu_node[SMM_UMAX_CPUS] = { [0 ... SMM_UMAX_CPUS - 1] = -1 };

struct smm_trace_log smm_trace;
bool smm_trace_on = true;
void (*smm_ulock_hook)(struct smm_spinlock *l);
void (*smm_urmb_hook)(void);
/* long commands' scheduling points and fatal signals (compat_user.h) */
unsigned long smm_uresched_count;
bool (*smm_ufatal_hook)(void);

#define SMM_MAX_TESTS	1024

static struct smm_test *tests[SMM_MAX_TESTS];
static unsigned int nr_tests;
static bool registry_overflow;
static bool cur_failed;

void smm_test_register(struct smm_test *t)
{
	if (nr_tests == SMM_MAX_TESTS) {
		registry_overflow = true;
		return;
	}
	tests[nr_tests++] = t;
}

/* where a failed assertion takes the runner back to */
static jmp_buf test_exit;

static void report(const char *file, int line)
{
	cur_failed = true;
	printf("# %s:%d: ", file, line);
}

static void end_test(void)
{
	longjmp(test_exit, 1);
}

void smm_assert_u64(const char *file, int line, const char *exp_str,
		    u64 exp, const char *got_str, u64 got, bool equal)
{
	bool same = exp == got;

	if (same == equal)
		return;
	report(file, line);
	printf("expected %s0x%llx (%s), got 0x%llx (%s)\n",
	       equal ? "" : "anything but ", (unsigned long long)exp, exp_str,
	       (unsigned long long)got, got_str);
	end_test();
}

void smm_assert_bool(const char *file, int line, const char *expr,
		     bool exp, bool got)
{
	if (exp == got)
		return;
	report(file, line);
	printf("expected %s to be %s, got %s\n", expr,
	       exp ? "true" : "false", got ? "true" : "false");
	end_test();
}

/* Multi-line strings are shown as C literals so that the diff is legible. */
static void print_escaped(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\t')
			fputs("\\t", stdout);
		else
			putchar(*s);
	}
	putchar('"');
}

void smm_assert_str(const char *file, int line, const char *exp_str,
		    const char *exp, const char *got_str, const char *got)
{
	if (!strcmp(exp, got))
		return;
	report(file, line);
	printf("expected %s == ", exp_str);
	print_escaped(exp);
	printf(", got %s == ", got_str);
	print_escaped(got);
	putchar('\n');
	end_test();
}

void trace_memblock_add(phys_addr_t base, phys_addr_t size, int nid,
			unsigned int flags)
{
	smm_trace.nr_add++;
	smm_trace.add.base = base;
	smm_trace.add.size = size;
	smm_trace.add.nid = nid;
	smm_trace.add.flags = flags;
}

void trace_memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	smm_trace.nr_reserve++;
	smm_trace.reserve.base = base;
	smm_trace.reserve.size = size;
}

void trace_memblock_alloc(const struct smm_memblock_alloc_info *info)
{
	smm_trace.nr_alloc++;
	smm_trace.alloc = *info;
}

void trace_memblock_free(phys_addr_t base, phys_addr_t size)
{
	smm_trace.nr_free++;
	smm_trace.free.base = base;
	smm_trace.free.size = size;
}

/*
 * The stage 2 events may come from several test threads at once; one lock
 * keeps each record whole.
 */
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;

void trace_alloc_pages(unsigned int gfp, unsigned int order, int nid,
		       unsigned long pfn)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_alloc_pages++;
	smm_trace.alloc_pages.gfp = gfp;
	smm_trace.alloc_pages.order = order;
	smm_trace.alloc_pages.nid = nid;
	smm_trace.alloc_pages.pfn = pfn;
	pthread_mutex_unlock(&trace_lock);
}

void trace_rmqueue(const struct smm_rmqueue_rec *rec)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_rmqueue++;
	smm_trace.rmqueue = *rec;
	pthread_mutex_unlock(&trace_lock);
}

void trace_rmqueue_bulk(int nid, int zone, unsigned int order,
			int migratetype, int count, int allocated)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_rmqueue_bulk++;
	smm_trace.rmqueue_bulk.nid = nid;
	smm_trace.rmqueue_bulk.zone = zone;
	smm_trace.rmqueue_bulk.order = order;
	smm_trace.rmqueue_bulk.migratetype = migratetype;
	smm_trace.rmqueue_bulk.count = count;
	smm_trace.rmqueue_bulk.allocated = allocated;
	pthread_mutex_unlock(&trace_lock);
}

void trace_pcp_drain(int nid, int zone, int cpu, int count)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_pcp_drain++;
	smm_trace.pcp_drain.nid = nid;
	smm_trace.pcp_drain.zone = zone;
	smm_trace.pcp_drain.cpu = cpu;
	smm_trace.pcp_drain.count = count;
	pthread_mutex_unlock(&trace_lock);
}

void trace_fallback(unsigned long pfn, unsigned int alloc_order,
		    int fallback_order, int alloc_migratetype,
		    int fallback_migratetype, int change_ownership)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_fallback++;
	smm_trace.fallback.pfn = pfn;
	smm_trace.fallback.alloc_order = alloc_order;
	smm_trace.fallback.fallback_order = fallback_order;
	smm_trace.fallback.alloc_migratetype = alloc_migratetype;
	smm_trace.fallback.fallback_migratetype = fallback_migratetype;
	smm_trace.fallback.change_ownership = change_ownership;
	pthread_mutex_unlock(&trace_lock);
}

void trace_free_one_page(unsigned long pfn, unsigned int order,
			 unsigned int merged_order, int migratetype)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_free_one_page++;
	smm_trace.free_one_page.pfn = pfn;
	smm_trace.free_one_page.order = order;
	smm_trace.free_one_page.merged_order = merged_order;
	smm_trace.free_one_page.migratetype = migratetype;
	pthread_mutex_unlock(&trace_lock);
}

void trace_watermark_fail(int nid, int zone, unsigned int order,
			  unsigned long mark, unsigned long free,
			  unsigned int alloc_flags)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_watermark_fail++;
	smm_trace.watermark_fail.nid = nid;
	smm_trace.watermark_fail.zone = zone;
	smm_trace.watermark_fail.order = order;
	smm_trace.watermark_fail.mark = mark;
	smm_trace.watermark_fail.free = free;
	smm_trace.watermark_fail.alloc_flags = alloc_flags;
	pthread_mutex_unlock(&trace_lock);
}

void trace_free_all(int nid, int zone, unsigned long pages)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_free_all++;
	smm_trace.free_all.nid = nid;
	smm_trace.free_all.zone = zone;
	smm_trace.free_all.pages = pages;
	pthread_mutex_unlock(&trace_lock);
}

void trace_zonelist_fallback(int preferred_nid, int preferred_zone, int nid,
			     int zone, unsigned int order, int reason)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_zonelist_fallback++;
	smm_trace.zonelist_fallback.preferred_nid = preferred_nid;
	smm_trace.zonelist_fallback.preferred_zone = preferred_zone;
	smm_trace.zonelist_fallback.nid = nid;
	smm_trace.zonelist_fallback.zone = zone;
	smm_trace.zonelist_fallback.order = order;
	smm_trace.zonelist_fallback.reason = reason;
	pthread_mutex_unlock(&trace_lock);
}

/*
 * setjmp() in a function of its own, so that no local of main() lives
 * across the longjmp() of a failed assertion. True when the test passed.
 */
static bool run_one(struct smm_test *t)
{
	int cpu;

	memset(&smm_trace, 0, sizeof(smm_trace));
	smm_ulock_hook = NULL;
	smm_urmb_hook = NULL;
	smm_uresched_count = 0;
	smm_ufatal_hook = NULL;
	/* a test (or a replayed log) may place CPUs on nodes: not the next */
	for (cpu = 0; cpu < SMM_UMAX_CPUS; cpu++)
		smm_ucpu_node[cpu] = -1;
	cur_failed = false;
	if (!setjmp(test_exit))
		t->fn();
	return !cur_failed;
}

/* By file, then by line: the order in which the tests are written. */
static int cmp_test(const void *a, const void *b)
{
	const struct smm_test *ta = *(struct smm_test *const *)a;
	const struct smm_test *tb = *(struct smm_test *const *)b;
	int c = strcmp(ta->file, tb->file);

	if (c)
		return c;
	return (ta->line > tb->line) - (ta->line < tb->line);
}

/*
 * --only NAME,...: run just these tests (scripts/mutate.sh names the ones
 * that should kill each mutant). A name that matches no test is an error,
 * so that a renamed test cannot quietly drop out of a list.
 */
static const char *only;

static bool only_has(const char *name)
{
	size_t len = strlen(name);
	const char *p = only;

	while (p) {
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* Keep the tests --only names; false (and a Bail out!) for an unknown one. */
static bool only_select(void)
{
	unsigned int i, n = 0;
	const char *p = only;

	while (p && *p) {
		const char *end = strchr(p, ',');
		bool found = false;

		if (!end)
			end = p + strlen(p);
		for (i = 0; i < nr_tests; i++)
			if (strlen(tests[i]->name) == (size_t)(end - p) &&
			    !strncmp(tests[i]->name, p, end - p))
				found = true;
		if (!found) {
			printf("Bail out! --only: no test named %.*s\n",
			       (int)(end - p), p);
			return false;
		}
		p = *end ? end + 1 : end;
	}
	for (i = 0; i < nr_tests; i++)
		if (only_has(tests[i]->name))
			tests[n++] = tests[i];
	nr_tests = n;
	return true;
}

int main(int argc, char **argv)
{
	unsigned int i, passed = 0, failed = 0;
	void *arena;

	/* a test that dies must not take already printed results with it */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/*
	 * --replay: the host half of the determinism check (replay.c);
	 * --bench: the allocator loops of make unit-bench (bench.c)
	 */
	if (argc > 1 && (!strcmp(argv[1], "--replay") ||
			 !strcmp(argv[1], "--bench"))) {
		/* valgrind (unit-bench) cannot map 64 GiB: 4 GiB do there */
		arena = mmap(NULL, strcmp(argv[1], "--bench") ? SMM_UARENA_SIZE :
			     4ULL << 30, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (arena == MAP_FAILED)
			return 1;
		smm_uarena = arena;
		if (!strcmp(argv[1], "--bench"))
			return smm_bench_main(argc, argv);
		return smm_replay_main(argc, argv);
	}

	if (argc > 2 && !strcmp(argv[1], "--only")) {
		only = argv[2];
	} else if (argc > 1) {
		printf("usage: %s [--only NAME,...] | --replay ...\n", argv[0]);
		return 2;
	}

	printf("KTAP version 1\n");
	if (registry_overflow) {
		printf("Bail out! more than %d tests, raise SMM_MAX_TESTS\n",
		       SMM_MAX_TESTS);
		return 1;
	}

	arena = mmap(NULL, SMM_UARENA_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED) {
		printf("Bail out! cannot map the 64 GiB test arena\n");
		return 1;
	}
	smm_uarena = arena;

	qsort(tests, nr_tests, sizeof(tests[0]), cmp_test);
	if (only && !only_select()) {
		munmap(arena, SMM_UARENA_SIZE);
		return 1;
	}
	printf("1..%u\n", nr_tests);

	for (i = 0; i < nr_tests; i++) {
		if (!run_one(tests[i])) {
			failed++;
			printf("not ok %u %s\n", i + 1, tests[i]->name);
		} else {
			passed++;
			printf("ok %u %s\n", i + 1, tests[i]->name);
		}
	}

	munmap(arena, SMM_UARENA_SIZE);
	printf("%u passed, %u failed\n", passed, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}

void smm_capture_emit(void *ctx, const char *fmt, ...)
{
	struct smm_capture *c = ctx;
	size_t room = sizeof(c->buf) - c->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->buf + c->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	c->len += (size_t)n < room ? (size_t)n : room - 1;
	va_start(ap, fmt);
	vsnprintf(c->last, sizeof(c->last), fmt, ap);
	va_end(ap);
	c->lines++;
}

void smm_test_add_chunk(struct smm_machine *m, phys_addr_t base,
			phys_addr_t size, int nid)
{
	struct smm_region_chunk *c = &m->region.chunks[m->region.nr_chunks++];

	c->start_pfn = PHYS_PFN(base);
	c->nr_pages = PHYS_PFN(size);
	c->nid = nid;
}

static void smm_record_kmem_alloc(unsigned int *nr, char *dst,
				  const char *name, u64 phys)
{
	(*nr)++;
	snprintf(dst, 32, "%s", name);
	(void)phys;
}

void trace_kmem_cache_alloc(const char *name, u64 phys, size_t bytes_req,
			    size_t bytes_alloc, unsigned int gfp_flags,
			    int node)
{
	pthread_mutex_lock(&trace_lock);
	smm_record_kmem_alloc(&smm_trace.nr_kmem_cache_alloc,
			      smm_trace.kmem_cache_alloc.name, name, phys);
	smm_trace.kmem_cache_alloc.phys = phys;
	smm_trace.kmem_cache_alloc.bytes_req = bytes_req;
	smm_trace.kmem_cache_alloc.bytes_alloc = bytes_alloc;
	smm_trace.kmem_cache_alloc.gfp_flags = gfp_flags;
	smm_trace.kmem_cache_alloc.node = node;
	pthread_mutex_unlock(&trace_lock);
}

void trace_kmalloc(const char *name, u64 phys, size_t bytes_req,
		   size_t bytes_alloc, unsigned int gfp_flags, int node)
{
	pthread_mutex_lock(&trace_lock);
	smm_record_kmem_alloc(&smm_trace.nr_kmalloc, smm_trace.kmalloc.name,
			      name, phys);
	smm_trace.kmalloc.phys = phys;
	smm_trace.kmalloc.bytes_req = bytes_req;
	smm_trace.kmalloc.bytes_alloc = bytes_alloc;
	smm_trace.kmalloc.gfp_flags = gfp_flags;
	smm_trace.kmalloc.node = node;
	pthread_mutex_unlock(&trace_lock);
}

void trace_kmem_cache_free(const char *name, u64 phys)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_kmem_cache_free++;
	snprintf(smm_trace.kmem_cache_free.name, 32, "%s", name);
	smm_trace.kmem_cache_free.phys = phys;
	pthread_mutex_unlock(&trace_lock);
}

void trace_kfree(const char *name, u64 phys)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_kfree++;
	snprintf(smm_trace.kfree.name, 32, "%s", name);
	smm_trace.kfree.phys = phys;
	pthread_mutex_unlock(&trace_lock);
}

void trace_allocate_slab(const char *name, unsigned int order,
			 unsigned int got, unsigned int objects, int nid)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_allocate_slab++;
	snprintf(smm_trace.allocate_slab.name, 32, "%s", name);
	smm_trace.allocate_slab.order = order;
	smm_trace.allocate_slab.got = got;
	smm_trace.allocate_slab.objects = objects;
	smm_trace.allocate_slab.nid = nid;
	pthread_mutex_unlock(&trace_lock);
}

void trace_slab_state(int state, unsigned int caches)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_slab_state++;
	smm_trace.slab_state = state;
	(void)caches;
	pthread_mutex_unlock(&trace_lock);
}

/* the kmem-named events (trace/events/shadowmm_kmem.h) */
void trace_mm_page_alloc(unsigned long pfn, unsigned int order,
			 unsigned int gfp_flags, int migratetype)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_mm_page_alloc++;
	smm_trace.mm_page_alloc.pfn = pfn;
	smm_trace.mm_page_alloc.order = order;
	smm_trace.mm_page_alloc.gfp_flags = gfp_flags;
	smm_trace.mm_page_alloc.migratetype = migratetype;
	pthread_mutex_unlock(&trace_lock);
}

void trace_mm_page_free(unsigned long pfn, unsigned int order)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_mm_page_free++;
	smm_trace.mm_page_free.pfn = pfn;
	smm_trace.mm_page_free.order = order;
	pthread_mutex_unlock(&trace_lock);
}

void trace_mm_page_free_batched(unsigned long pfn)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_mm_page_free_batched++;
	smm_trace.mm_page_free_batched.pfn = pfn;
	pthread_mutex_unlock(&trace_lock);
}

void trace_mm_page_alloc_zone_locked(unsigned long pfn, unsigned int order,
				     int migratetype, int percpu_refill)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_mm_page_alloc_zone_locked++;
	smm_trace.mm_page_alloc_zone_locked.pfn = pfn;
	smm_trace.mm_page_alloc_zone_locked.order = order;
	smm_trace.mm_page_alloc_zone_locked.migratetype = migratetype;
	smm_trace.mm_page_alloc_zone_locked.percpu_refill = percpu_refill;
	pthread_mutex_unlock(&trace_lock);
}

void trace_mm_page_pcpu_drain(unsigned long pfn, unsigned int order,
			      int migratetype)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_mm_page_pcpu_drain++;
	smm_trace.mm_page_pcpu_drain.pfn = pfn;
	smm_trace.mm_page_pcpu_drain.order = order;
	smm_trace.mm_page_pcpu_drain.migratetype = migratetype;
	pthread_mutex_unlock(&trace_lock);
}

void trace_mm_page_alloc_extfrag(unsigned long pfn, int alloc_order,
				 int fallback_order, int alloc_migratetype,
				 int fallback_migratetype, int change_ownership)
{
	pthread_mutex_lock(&trace_lock);
	smm_trace.nr_mm_page_alloc_extfrag++;
	smm_trace.mm_page_alloc_extfrag.pfn = pfn;
	smm_trace.mm_page_alloc_extfrag.alloc_order = alloc_order;
	smm_trace.mm_page_alloc_extfrag.fallback_order = fallback_order;
	smm_trace.mm_page_alloc_extfrag.alloc_migratetype = alloc_migratetype;
	smm_trace.mm_page_alloc_extfrag.fallback_migratetype =
		fallback_migratetype;
	smm_trace.mm_page_alloc_extfrag.change_ownership = change_ownership;
	pthread_mutex_unlock(&trace_lock);
}
