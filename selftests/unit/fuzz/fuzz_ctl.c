// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the ctl language (src/ctl.c): make fuzz.
 *
 * An input is up to FUZZ_MAX_CMDS commands separated by NUL bytes (the
 * debugfs write path rejects a NUL itself, so none reaches the parser),
 * run on a small machine (node 0 = [1G, 1G + 8M), node 1
 * = [2G, 2G + 8M), firmware 64K, kernel 4M, initrd 2M), booted to the
 * buddy allocator afresh for every input; `reset upto=memmap` in the
 * input reaches the memblock stage. Each command goes through
 * smm_ctl_parse_stress() first, as the module's write does, then
 * smm_ctl_exec(). After each one the target aborts (a crash for libFuzzer)
 * when:
 *   - the result is not 0, -EINVAL, -ENOMEM or -EBUSY;
 *   - a rejection logged no "ctl: ..." line (a silent rejection);
 *   - a rejection changed the machine: every view (memblock memory,
 *     reserved and dump, buddyinfo, pagetypeinfo, zoneinfo, free_area,
 *     the histograms, events, the rmqueue ring, allocations, zonelists)
 *     and the policy, memblock direction/limit and config are compared
 *     before and after. Exempt, as README documents: an `alloc` that fails
 *     with ENOMEM keeps what it allocated, and a `reset` that fails leaves
 *     the machine torn down;
 *   - smm_check() finds a violation (booted to the buddy allocator).
 *
 * `workload` with ops= above FUZZ_MAX_OPS is not run (time per input).
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

#define FUZZ_MAX_CMDS	16
#define FUZZ_MAX_OPS	20000

#define N0		SZ_1G
#define N1		SZ_2G

static struct smm_machine *m;

/* What ctl logged for the command at hand. */
static unsigned int log_lines;
static char log_last[512];

static void fuzz_log(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	va_start(ap, fmt);
	vsnprintf(log_last, sizeof(log_last), fmt, ap);
	va_end(ap);
	log_lines++;
}

/* A text snapshot of the machine, grown as needed. */
struct text {
	char *buf;
	size_t len, cap;
};

/* before: the machine as the last command left it; after: as it is now */
static struct text before, after;

static void text_emit(void *ctx, const char *fmt, ...)
{
	struct text *t = ctx;
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if ((size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap * 2 + n + 4096;
		t->buf = realloc(t->buf, t->cap);
		if (!t->buf)
			abort();
	}
	t->len += n;
}

static void snapshot(struct text *t)
{
	t->len = 0;
	if (!t->cap) {
		t->cap = 1 << 16;
		t->buf = malloc(t->cap);
		if (!t->buf)
			abort();
	}
	t->buf[0] = '\0';
	text_emit(t, "booted %d upto %d verify %d bottom_up %d limit %llx nr_held %lu\n",
		  m->booted, m->cfg.upto, m->cfg.verify, m->memblock.bottom_up,
		  (unsigned long long)m->memblock.current_limit, m->nr_held);
	text_emit(t, "policy mode %d nid %d nodes %lx il_prev %d\n",
		  (int)m->policy.mode, (int)m->policy.preferred_nid,
		  (unsigned long)m->policy.nodes.bits, (int)m->policy.il_prev);
	if (!m->booted)
		return;
	smm_memblock_debug_show(&m->memblock.memory, text_emit, t);
	smm_memblock_debug_show(&m->memblock.reserved, text_emit, t);
	smm_memblock_dump_all(&m->memblock, text_emit, t);
	if (m->cfg.upto != SMM_UPTO_BUDDY)
		return;
	smm_show_buddyinfo(m, text_emit, t);
	smm_show_pagetypeinfo(m, text_emit, t);
	smm_show_zoneinfo(m, text_emit, t);
	smm_show_free_area(m, text_emit, t);
	smm_show_rmqueue_hist(m, text_emit, t);
	smm_show_fallback_hist(m, text_emit, t);
	smm_show_alloc_hist(m, text_emit, t);
	smm_show_events(m, text_emit, t);
	smm_show_rmqueue_trace(m, text_emit, t);
	smm_show_allocations(m, text_emit, t);
	smm_show_zonelists(m, text_emit, t);
}

static void die(const char *cmd, const char *why)
{
	fprintf(stderr, "fuzz_ctl: command '%s': %s (last log: %s)\n", cmd,
		why, log_last);
	abort();
}

static void swap_texts(void)
{
	struct text t = before;

	before = after;
	after = t;
}

/* The first line where the snapshots differ, for the report. */
static void die_changed(const char *cmd, int ret)
{
	size_t i = 0, line = 0;
	char why[1024];

	while (i < before.len && i < after.len && before.buf[i] == after.buf[i]) {
		if (before.buf[i] == '\n')
			line = i + 1;
		i++;
	}
	snprintf(why, sizeof(why), "rejected (%d) but changed the machine: before '%.200s' after '%.200s'",
		 ret, before.buf + line, after.buf + line);
	die(cmd, why);
}

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
	m->cfg.rmqueue_trace_size = 16;
	smm_ucpu = 0;
	smm_unr_cpus = 2;
	smm_unode = 0;
	smm_test_add_chunk(m, N1, SZ_8M, 1);
	smm_test_add_chunk(m, N0, SZ_8M, 0);
	if (smm_boot(m, smm_log_discard, NULL))
		abort();
	memset(&smm_trace, 0, sizeof(smm_trace));
	snapshot(&before);
}

/* Commands the target does not run: too slow for one input. */
static bool too_slow(const char *cmd)
{
	const char *ops = strstr(cmd, "ops=");

	return strstr(cmd, "workload") && ops &&
	       strtoull(ops + 4, NULL, 0) > FUZZ_MAX_OPS;
}

static void run_one(const char *cmd)
{
	struct smm_bench_args bench;
	unsigned int ms;
	u32 seed;
	bool exempt;
	int ret;

	log_lines = 0;
	log_last[0] = '\0';
	ret = smm_ctl_parse_stress(cmd, &ms, &seed, fuzz_log, NULL);
	if (ret > 0) {
		if (!ms || ms > SMM_STRESS_MAX_MS)
			die(cmd, "stress accepted with ms out of range");
		return;	/* the module's threads would run it */
	}
	if (ret < 0) {
		if (ret != -EINVAL)
			die(cmd, "stress rejected with an errno other than EINVAL");
		if (!log_lines)
			die(cmd, "stress rejected silently");
		return;
	}
	ret = smm_ctl_parse_bench(cmd, &bench, fuzz_log, NULL);
	if (ret > 0) {
		if (bench.order >= SMM_MAX_ORDER ||
		    ((u64)bench.batch << bench.order) > SMM_BENCH_MAX_HELD)
			die(cmd, "bench accepted out of range");
		return;	/* the module's thread would run it */
	}
	if (ret < 0) {
		if (ret != -EINVAL || !log_lines)
			die(cmd, "bench rejected silently or not with EINVAL");
		return;
	}
	if (too_slow(cmd))
		return;

	log_lines = 0;
	ret = smm_ctl_exec(m, cmd, fuzz_log, NULL);
	if (ret && ret != -EINVAL && ret != -ENOMEM && ret != -EBUSY)
		die(cmd, "errno not one of EINVAL, ENOMEM, EBUSY");
	if (ret && !log_lines)
		die(cmd, "rejected without a ctl: log line");
	exempt = (ret == -ENOMEM && !strncmp(cmd + strspn(cmd, " \t"), "alloc", 5)) ||
		 !m->booted;
	snapshot(&after);
	if (ret && !exempt &&
	    (before.len != after.len || memcmp(before.buf, after.buf, before.len)))
		die_changed(cmd, ret);
	swap_texts();
	if (m->booted && m->cfg.upto == SMM_UPTO_BUDDY &&
	    smm_check(m, smm_log_discard, NULL))
		die(cmd, "smm_check() found violations");
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

	(void)argc;
	(void)argv;
	arena = mmap(NULL, SMM_UARENA_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED)
		abort();
	smm_uarena = arena;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[4096];
	size_t pos = 0, n;
	int cmds = 0;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	new_machine();
	while (pos <= size && cmds++ < FUZZ_MAX_CMDS) {
		n = strlen(buf + pos);
		run_one(buf + pos);
		pos += n + 1;
	}
	return 0;
}
