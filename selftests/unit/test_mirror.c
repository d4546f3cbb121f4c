// SPDX-License-Identifier: GPL-2.0
/*
 * The mirror's core (src/mirror.c) and the offline replay
 * (src/user/trace_replay.c): the pfn table, the accounting of every
 * event, the log written by the core replayed into a fresh machine
 * (same free lists, same counters), traces recorded in a guest, and
 * input that is not a trace at all.
 */
#include <stdarg.h>

#include "harness.h"
#include "shadowmm/ctl.h"
#include "shadowmm/mirror.h"
#include "shadowmm/replay.h"
#include "shadowmm/vmstat.h"

static struct smm_machine *mm_m;
static struct smm_mirror mir;
static struct smm_capture cap_a, cap_b, cap_err;

static u32 rnd_state;
static unsigned long nev;	/* events applied through ev_*() */

static u32 rnd(void)
{
	u32 x = rnd_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rnd_state = x;
}

/* the memory model boot_machine() gives the next machine (then flatmem) */
static enum smm_memory_model boot_model;
static u64 boot_section_size;

/* Two nodes of 32M at 128M and 256M, 2 CPUs, no initrd, a distance. */
static void boot_machine(unsigned long entries, unsigned int log_size)
{
	if (mm_m) {
		smm_machine_teardown(mm_m);
		smm_mirror_destroy(&mir);
	}
	free(mm_m);
	mm_m = calloc(1, sizeof(*mm_m));
	ASSERT_TRUE(mm_m);
	mm_m->region.backend = "test";
	mm_m->cfg.firmware_size = SZ_64K;
	mm_m->cfg.kernel_size = SZ_4M;
	mm_m->cfg.initrd_size = 0;
	mm_m->cfg.memory_model = boot_model;
	mm_m->cfg.section_size = boot_section_size;
	boot_model = SMM_MEMORY_MODEL_FLATMEM;
	boot_section_size = 0;
	mm_m->distance[0][1] = 30;
	mm_m->distance[1][0] = 30;
	smm_ucpu = 0;
	smm_unr_cpus = 2;
	smm_test_add_chunk(mm_m, SZ_128M, SZ_32M, 0);
	smm_test_add_chunk(mm_m, SZ_256M, SZ_32M, 1);
	ASSERT_EQ(0, smm_boot(mm_m, smm_log_discard, NULL));
	ASSERT_EQ(0, smm_mirror_init(&mir, entries, log_size, 2));
}

static u64 stat(struct smm_mirror *mm, enum smm_mirror_stat s)
{
	u64 sum[SMM_MIRROR_NR_STATS];

	smm_mirror_stats_sum(mm, sum);
	return sum[s];
}

static void ev_alloc(unsigned long pfn, unsigned int order, unsigned int gfp,
		     int nid, int cpu)
{
	struct smm_mirror_event ev = {
		.type = SMM_MIRROR_ALLOC, .pfn = pfn, .order = order,
		.gfp = gfp, .nid = nid, .cpu = cpu, .pid = 42,
	};

	smm_ucpu = cpu;
	nev++;
	smm_mirror_apply(&mir, mm_m, &ev);
}

static void ev_free(unsigned long pfn, unsigned int order, bool batched,
		    int cpu)
{
	struct smm_mirror_event ev = {
		.type = batched ? SMM_MIRROR_FREE_BATCHED : SMM_MIRROR_FREE,
		.pfn = pfn, .order = order, .cpu = cpu, .pid = 43,
	};

	smm_ucpu = cpu;
	nev++;
	smm_mirror_apply(&mir, mm_m, &ev);
}

static void buddyinfo(struct smm_machine *m, struct smm_capture *c)
{
	memset(c, 0, sizeof(*c));
	smm_show_buddyinfo(m, smm_capture_emit, c);
}

TEST(mirror_init_rejects_bad_sizes)
{
	struct smm_mirror x;

	ASSERT_EQ(-EINVAL, smm_mirror_init(&x, SMM_MIRROR_ENTRIES_MIN - 1, 0, 1));
	ASSERT_EQ(-EINVAL, smm_mirror_init(&x, SMM_MIRROR_ENTRIES_MAX + 1, 0, 1));
	ASSERT_EQ(-EINVAL, smm_mirror_init(&x, 64, SMM_MIRROR_LOG_MAX + 1, 1));
	ASSERT_EQ(-EINVAL, smm_mirror_init(&x, 64, 0, 0));
	ASSERT_EQ(0, smm_mirror_init(&x, 64, 16, 1));
	smm_mirror_destroy(&x);
}

/* alloc then free of every block puts the shadow back where it was */
TEST(mirror_alloc_free_restores_the_shadow)
{
	unsigned long pfn;

	boot_machine(4096, 0);
	smm_drain_all_pages(mm_m);
	buddyinfo(mm_m, &cap_a);
	for (pfn = 0; pfn < 1000; pfn++)
		ev_alloc(0x100000 + pfn * 8, pfn % 4, pfn % 3 ?
			 SMM_GFP_HIGHUSER_MOVABLE : 0, pfn % 2, pfn % 2);
	ASSERT_EQ(1000, stat(&mir, SMM_MST_MIRRORED));
	ASSERT_EQ(1000, mir.used);
	/* free in another order, from the other CPU */
	for (pfn = 1000; pfn-- > 0;)
		ev_free(0x100000 + pfn * 8, pfn % 4, false, (pfn + 1) % 2);
	ASSERT_EQ(1000, stat(&mir, SMM_MST_FREES));
	ASSERT_EQ(0, stat(&mir, SMM_MST_ORDER_MISMATCH));
	ASSERT_EQ(0, mir.used);
	smm_drain_all_pages(mm_m);
	buddyinfo(mm_m, &cap_b);
	ASSERT_STREQ(cap_a.buf, cap_b.buf);
}

/* what bench mirror=on leaves: nothing held, the free lists as before */
TEST(mirror_release_frees_every_block)
{
	unsigned long pfn;

	boot_machine(4096, 0);
	smm_drain_all_pages(mm_m);
	buddyinfo(mm_m, &cap_a);
	for (pfn = 0; pfn < 300; pfn++)
		ev_alloc(0x200000 + pfn * 16, pfn % 5, 0, pfn % 2, pfn % 2);
	/* some freed the usual way: the table's probe chains move */
	for (pfn = 0; pfn < 300; pfn += 3)
		ev_free(0x200000 + pfn * 16, pfn % 5, false, 0);
	ASSERT_EQ(200, mir.used);
	ASSERT_EQ(200, smm_mirror_release(&mir, mm_m));
	ASSERT_EQ(0, mir.used);
	for (pfn = 0; pfn < (1UL << mir.slot_bits); pfn++)
		ASSERT_EQ(0, mir.slots[pfn].key);
	ASSERT_EQ(0, smm_mirror_release(&mir, mm_m));
	smm_drain_all_pages(mm_m);
	buddyinfo(mm_m, &cap_b);
	ASSERT_STREQ(cap_a.buf, cap_b.buf);
}

TEST(mirror_counts_what_it_cannot_do)
{
	unsigned int i;

	boot_machine(16, 0);
	for (i = 0; i < 20; i++)
		ev_alloc(0x200000 + i, 0, 0, 0, 0);
	ASSERT_EQ(16, stat(&mir, SMM_MST_MIRRORED));
	ASSERT_EQ(4, stat(&mir, SMM_MST_TABLE_FULL));
	ASSERT_EQ(20, stat(&mir, SMM_MST_ALLOCS));
	/* never mirrored: its free is unmatched, its echo an echo */
	ev_free(0x200000 + 19, 0, false, 0);
	ev_free(0x200000 + 19, 0, true, 0);
	ASSERT_EQ(1, stat(&mir, SMM_MST_UNMATCHED));
	ASSERT_EQ(1, stat(&mir, SMM_MST_BATCHED_ECHO));
	/* a batched free whose mm_page_free we missed frees */
	ev_free(0x200000, 0, true, 1);
	ASSERT_EQ(1, stat(&mir, SMM_MST_FREES));
	/* freed with another order: the whole shadow block goes */
	ev_alloc(0x300000, 2, 0, 0, 0);
	ev_free(0x300000, 0, false, 0);
	ASSERT_EQ(1, stat(&mir, SMM_MST_ORDER_MISMATCH));
	ASSERT_EQ(15, mir.used);
	/* a pfn allocated again without its free: the stale block goes */
	ev_alloc(0x200001, 0, 0, 0, 0);
	ASSERT_EQ(1, stat(&mir, SMM_MST_STALE));
	ASSERT_EQ(15, mir.used);
	/* the shadow cannot: an order it does not have, a bad zone */
	ev_alloc(0x400000, SMM_MAX_ORDER, 0, 0, 0);
	ev_alloc(0x400010, 0, SMM___GFP_DMA | SMM___GFP_DMA32, 0, 0);
	ASSERT_EQ(2, stat(&mir, SMM_MST_SHADOW_FAIL));
	/* re-entry on a CPU is dropped, counted */
	mir.pcpu[1].active = true;
	ev_alloc(0x500000, 0, 0, 0, 1);
	mir.pcpu[1].active = false;
	ASSERT_EQ(1, stat(&mir, SMM_MST_DROPPED));
}

/* many inserts and deletes in a small table: nothing lost by deletion */
TEST(mirror_table_survives_churn)
{
	static unsigned long held[512];
	unsigned int i, n = 0;

	boot_machine(512, 0);
	rnd_state = 7;
	for (i = 0; i < 20000; i++) {
		if (n == 512 || (n && rnd() % 2)) {
			unsigned int k = rnd() % n;

			ev_free(held[k], 0, false, rnd() % 2);
			held[k] = held[--n];
		} else {
			/* clustered pfns: long probe runs */
			held[n++] = 0x100000 + i;
			ev_alloc(held[n - 1], 0, 0, rnd() % 2, rnd() % 2);
		}
	}
	ASSERT_EQ(0, stat(&mir, SMM_MST_UNMATCHED));
	ASSERT_EQ(0, stat(&mir, SMM_MST_TABLE_FULL));
	ASSERT_EQ(n, mir.used);
	for (i = 0; i < n; i++)
		ev_free(held[i], 0, false, 0);
	ASSERT_EQ(0, mir.used);
	ASSERT_EQ(0, stat(&mir, SMM_MST_UNMATCHED));
}

TEST(mirror_gfp_names_round_trip)
{
	unsigned int g, back;
	char buf[256];

	for (g = 0; g <= SMM___GFP_BITS; g++) {
		if (g & SMM___GFP_ZERO || g & 0x80)
			continue;
		smm_mirror_gfp_name(g, buf, sizeof(buf));
		ASSERT_EQ(0, smm_mirror_parse_gfp(buf, strlen(buf), &back));
		ASSERT_EQ(g, back);
	}
	ASSERT_EQ(0, smm_mirror_parse_gfp("GFP_HIGHUSER_MOVABLE|__GFP_ZERO", 31,
					  &back));
	ASSERT_EQ(SMM_GFP_HIGHUSER_MOVABLE, back);
	ASSERT_EQ(0, smm_mirror_parse_gfp("GFP_KERNEL|__GFP_COMP|0x400000", 30,
					  &back));
	ASSERT_EQ(SMM_GFP_KERNEL, back);
	ASSERT_EQ(0, smm_mirror_parse_gfp("GFP_NOWAIT", 10, &back));
	ASSERT_EQ(SMM___GFP_KSWAPD_RECLAIM, back);
	ASSERT_EQ(-EINVAL, smm_mirror_parse_gfp("GFP_KERNEL|bad word", 19,
						&back));
	ASSERT_EQ(-EINVAL, smm_mirror_parse_gfp("GFP_KERNEL|", 11, &back));
	/* migratetype decides mobility, as gfp_migratetype() did */
	ASSERT_EQ(SMM___GFP_MOVABLE | SMM___GFP_HIGHMEM,
		  smm_mirror_gfp(SMM___GFP_HIGHMEM, 1));
	ASSERT_EQ(SMM___GFP_RECLAIMABLE,
		  smm_mirror_gfp(SMM___GFP_MOVABLE | SMM___GFP_ZERO, 2));
	ASSERT_EQ(SMM___GFP_DMA32, smm_mirror_gfp(SMM___GFP_DMA32, 0));
	ASSERT_EQ(SMM___GFP_RECLAIMABLE, smm_mirror_gfp(SMM___GFP_RECLAIMABLE, 5));
}

TEST(mirror_filter)
{
	struct smm_mirror_filter f;

	smm_mirror_filter_any(&f);
	ASSERT_TRUE(smm_mirror_filter_match(&f, 1, "a", 10, 3));
	strcpy(f.comm, "dd");
	ASSERT_FALSE(smm_mirror_filter_match(&f, 1, "ddd", 0, 0));
	ASSERT_TRUE(smm_mirror_filter_match(&f, 1, "dd", 0, 0));
	f.order_lo = 1;
	f.order_hi = 2;
	ASSERT_FALSE(smm_mirror_filter_match(&f, 1, "dd", 0, 0));
	ASSERT_TRUE(smm_mirror_filter_match(&f, 1, "dd", 2, 0));
	f.pid = 5;
	f.host_nid = 1;
	ASSERT_FALSE(smm_mirror_filter_match(&f, 1, "dd", 2, 1));
	ASSERT_FALSE(smm_mirror_filter_match(&f, 5, "dd", 2, 0));
	ASSERT_TRUE(smm_mirror_filter_match(&f, 5, "dd", 2, 1));
}

static unsigned int detached;

static void fake_detach(struct smm_machine *m)
{
	detached++;
	m->mirroring = false;
}

/* ctl: the mirror's words, and what the shadow refuses while it is on */
TEST(mirror_ctl)
{
	static const char *const bad[] = {
		"mirror", "mirror on pid=x", "mirror on order=3-1",
		"mirror on order=11", "mirror on comm=abcdefghijklmnopq",
		"mirror on nid=16", "mirror on bogus=1", "mirror off now",
		"mirror on pid=1 pid=2", "mirror onn",
	};
	static const char *const busy[] = {
		"alloc order=0", "free all", "drain", "verify 1",
		"workload seed=1 ops=1", "memblock set bottom_up=1",
	};
	struct smm_mirror_filter f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_EQ(-EINVAL, smm_ctl_parse_mirror(bad[i], &f,
							 smm_log_discard, NULL));
	ASSERT_EQ(0, smm_ctl_parse_mirror("alloc order=0", &f,
					  smm_log_discard, NULL));
	ASSERT_EQ(2, smm_ctl_parse_mirror("mirror off\n", &f, smm_log_discard,
					  NULL));
	ASSERT_EQ(1, smm_ctl_parse_mirror("mirror on comm=dd order=1-3 nid=1 pid=7",
					  &f, smm_log_discard, NULL));
	ASSERT_STREQ("dd", f.comm);
	ASSERT_EQ(1, f.order_lo);
	ASSERT_EQ(3, f.order_hi);
	ASSERT_EQ(1, f.host_nid);
	ASSERT_EQ(7, f.pid);
	ASSERT_EQ(1, smm_ctl_parse_mirror("mirror on", &f, smm_log_discard,
					  NULL));
	ASSERT_EQ(-1, f.pid);
	ASSERT_EQ(SMM_MAX_ORDER - 1, f.order_hi);

	boot_machine(64, 0);
	mm_m->mirroring = true;
	mm_m->mirror_detach = fake_detach;
	detached = 0;
	for (i = 0; i < ARRAY_SIZE(busy); i++)
		ASSERT_EQ(-EBUSY, smm_ctl_exec(mm_m, busy[i], smm_log_discard,
					       NULL));
	ASSERT_EQ(-EINVAL, smm_ctl_exec(mm_m, "mirror on", smm_log_discard,
					NULL));
	/* a bad reset changes nothing; a good one detaches, then rebuilds */
	ASSERT_EQ(-EINVAL, smm_ctl_exec(mm_m, "reset upto=bogus",
					smm_log_discard, NULL));
	ASSERT_EQ(0, detached);
	ASSERT_TRUE(mm_m->mirroring);
	ASSERT_EQ(0, smm_ctl_exec(mm_m, "policy default", smm_log_discard, NULL));
	ASSERT_EQ(0, smm_ctl_exec(mm_m, "reset", smm_log_discard, NULL));
	ASSERT_EQ(1, detached);
	ASSERT_FALSE(mm_m->mirroring);
	ASSERT_EQ(0, smm_ctl_exec(mm_m, "alloc order=0", smm_log_discard, NULL));
	ASSERT_EQ(0, smm_ctl_exec(mm_m, "free all", smm_log_discard, NULL));
}

/* ---- the replay ------------------------------------------------------ */

static struct smm_replay rp;

static void replay_text(const struct smm_replay_opts *o, const char *text)
{
	static char line[8192];
	const char *p = text;

	/* what a failed test left behind */
	if (rp.m)
		smm_replay_destroy(&rp);
	memset(&cap_b, 0, sizeof(cap_b));
	memset(&cap_err, 0, sizeof(cap_err));
	ASSERT_EQ(0, smm_replay_init(&rp, o, smm_capture_emit, smm_capture_emit,
				     NULL));
	/* both sinks: the errors are told apart by what they say */
	rp.ctx = &cap_err;
	while (*p) {
		size_t n = strcspn(p, "\n");

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		smm_replay_line(&rp, line);
		p += n;
		if (*p == '\n')
			p++;
	}
}

static void replay_opts(struct smm_replay_opts *o)
{
	smm_replay_default_opts(o);
	o->phys_limit = SMM_UARENA_SIZE;
	o->show = SMM_SHOW_BUDDYINFO;
}

/*
 * The log the core writes, replayed into a fresh machine built from its
 * header, ends in the same free lists, per-cpu lists included (the
 * buddyinfo after a drain too) and the same counters; in either memory
 * model (the header says which: SPARSEMEM's section maps sit elsewhere
 * in memblock than FLATMEM's one map per node).
 */
static void log_replays_exactly(enum smm_memory_model model, u64 section_size)
{
	static unsigned long held[4096];
	static unsigned int held_order[4096];
	static const unsigned int gfps[] = {
		0, SMM_GFP_HIGHUSER_MOVABLE, SMM___GFP_RECLAIMABLE,
		SMM___GFP_DMA32, SMM_GFP_ATOMIC, SMM___GFP_MOVABLE,
	};
	static struct smm_capture logtext;
	struct smm_replay_opts o;
	unsigned long next = 0x100000;
	unsigned int i, n = 0, k;
	u64 a[SMM_MIRROR_NR_STATS], b[SMM_MIRROR_NR_STATS];

	boot_model = model;
	boot_section_size = section_size;
	boot_machine(256, 65536);
	rnd_state = 12345;
	nev = 0;
	for (i = 0; i < 6000; i++) {
		unsigned int r = rnd() % 100;
		int cpu = rnd() % 2;

		if (n && (r < 45 || n == 4096)) {
			k = rnd() % n;
			ev_free(held[k], held_order[k], false, cpu);
			if (rnd() % 4 == 0)
				ev_free(held[k], 0, true, cpu);
			held[k] = held[n - 1];
			held_order[k] = held_order[--n];
		} else if (r < 48) {
			ev_free(0x7000000 + rnd() % 1000, 0, false, cpu);
		} else {
			unsigned int order = rnd() % 8 ? rnd() % 3 : rnd() % 11;

			held[n] = next;
			held_order[n++] = order;
			next += 1UL << order;
			ev_alloc(held[n - 1], order, gfps[rnd() % ARRAY_SIZE(gfps)],
				 rnd() % 2, cpu);
		}
	}
	/* the run must have exercised the paths a replay must reproduce */
	ASSERT_NE(0, stat(&mir, SMM_MST_TABLE_FULL));
	ASSERT_NE(0, stat(&mir, SMM_MST_UNMATCHED));
	ASSERT_NE(0, stat(&mir, SMM_MST_BATCHED_ECHO));
	memset(&logtext, 0, sizeof(logtext));
	smm_show_mirror_log(&mir, mm_m, smm_capture_emit, &logtext);
	ASSERT_TRUE(logtext.len < sizeof(logtext.buf) - 1);

	/*
	 * The replay's machine lives at the same "physical" addresses (its
	 * memory map inside them): take everything from this one first.
	 */
	static struct smm_capture drained;

	buddyinfo(mm_m, &cap_a);
	smm_mirror_stats_sum(&mir, a);
	smm_drain_all_pages(mm_m);
	buddyinfo(mm_m, &drained);
	smm_machine_teardown(mm_m);

	replay_opts(&o);
	replay_text(&o, logtext.buf);
	ASSERT_EQ(0, rp.malformed);
	ASSERT_EQ(nev, rp.events);
	ASSERT_EQ(2, rp.m->nr_cpus);
	ASSERT_EQ(model, rp.m->cfg.memory_model);
	ASSERT_EQ(section_size, rp.m->cfg.section_size);
	buddyinfo(rp.m, &cap_b);
	ASSERT_STREQ(cap_a.buf, cap_b.buf);
	smm_mirror_stats_sum(&rp.mm, b);
	for (i = 0; i < SMM_MIRROR_NR_STATS; i++)
		if (i != SMM_MST_LOG_LOST)
			ASSERT_EQ(a[i], b[i]);
	smm_drain_all_pages(rp.m);
	buddyinfo(rp.m, &cap_b);
	ASSERT_STREQ(drained.buf, cap_b.buf);
	smm_replay_destroy(&rp);
}

TEST(mirror_log_replays_exactly)
{
	log_replays_exactly(SMM_MEMORY_MODEL_FLATMEM, 0);
}

TEST(mirror_log_replays_exactly_sparsemem)
{
	log_replays_exactly(SMM_MEMORY_MODEL_SPARSEMEM, SZ_8M);
}

static char *slurp(const char *path)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* A trace recorded in the guest with tracefs (selftests/unit/data/). */
TEST(replay_guest_tracefs_trace)
{
	struct smm_replay_opts o;
	char *text = slurp("data/guest-trace.txt");

	ASSERT_TRUE(text);
	replay_opts(&o);
	replay_text(&o, text);
	ASSERT_EQ(384, rp.lines);
	ASSERT_EQ(372, rp.events);
	ASSERT_EQ(0, rp.malformed);
	ASSERT_EQ(0, rp.other);
	/* every event is accounted for exactly once */
	ASSERT_EQ(124, stat(&rp.mm, SMM_MST_ALLOCS));
	ASSERT_EQ(124, stat(&rp.mm, SMM_MST_MIRRORED));
	ASSERT_EQ(372 - 124, stat(&rp.mm, SMM_MST_FREES) +
		  stat(&rp.mm, SMM_MST_UNMATCHED) +
		  stat(&rp.mm, SMM_MST_BATCHED_ECHO));
	/* the dd and sh pages freed twice (free + batched) read as echoes */
	ASSERT_EQ(120, stat(&rp.mm, SMM_MST_BATCHED_ECHO));
	ASSERT_EQ(3, rp.mm.used);
	smm_replay_destroy(&rp);

	/* the same, dd's allocations only */
	replay_opts(&o);
	strcpy(o.filter.comm, "dd");
	replay_text(&o, text);
	ASSERT_EQ(124, stat(&rp.mm, SMM_MST_ALLOCS));
	ASSERT_EQ(96, stat(&rp.mm, SMM_MST_MIRRORED));
	ASSERT_EQ(28, stat(&rp.mm, SMM_MST_FILTERED));
	smm_replay_destroy(&rp);
}

/* "name value" of mirror/stats text; ~0 when missing */
static u64 guest_stat(const char *text, const char *name)
{
	char key[64];
	const char *p;
	unsigned long long v;

	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(text, key);
	if (!p || sscanf(p + strlen(key), "%llu", &v) != 1)
		return ~0ULL;
	return v;
}

/*
 * The module's mirror/log and the shadow's buddyinfo right after `mirror
 * off`, both read in the guest: the host rebuilds the same free lists.
 */
TEST(replay_guest_mirror_log_reproduces_buddyinfo)
{
	static char expect[1 << 16];
	struct smm_replay_opts o;
	char *text = slurp("data/guest-mirror.buddyinfo");

	ASSERT_TRUE(text);
	strscpy(expect, text, sizeof(expect));
	text = slurp("data/guest-mirror.log");
	ASSERT_TRUE(text);
	replay_opts(&o);
	replay_text(&o, text);
	ASSERT_EQ(0, rp.malformed);
	ASSERT_EQ(0, rp.trace_lost);
	ASSERT_TRUE(rp.header);
	ASSERT_TRUE(rp.booted);
	ASSERT_NE(0, rp.mm.used);
	buddyinfo(rp.m, &cap_b);
	ASSERT_STREQ(expect, cap_b.buf);
	/* and the guest's counters, but for the filtered (never logged) */
	text = slurp("data/guest-mirror.stats");
	ASSERT_TRUE(text);
	ASSERT_EQ(guest_stat(text, "mirrored"), stat(&rp.mm, SMM_MST_MIRRORED));
	ASSERT_EQ(guest_stat(text, "frees"), stat(&rp.mm, SMM_MST_FREES));
	ASSERT_EQ(guest_stat(text, "unmatched_frees"),
		  stat(&rp.mm, SMM_MST_UNMATCHED));
	ASSERT_EQ(guest_stat(text, "batched_echoes"),
		  stat(&rp.mm, SMM_MST_BATCHED_ECHO));
	ASSERT_EQ(guest_stat(text, "table_used"), rp.mm.used);
	smm_replay_destroy(&rp);
}

/* trace-cmd report, a tgid column, old kernels' decimal pfn, odd comms */
TEST(replay_reads_other_layouts)
{
	static char text[] =
		"cpus=2\n"
		"version = 6\n"
		"   Web Content-4242  [001]  6034.185539: mm_page_alloc:        page=0xffffea0004ba4a80 pfn=1239721 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO\n"
		"  kworker/u4:1-77    (     77) [000] d..1.  6034.185540: mm_page_alloc: page=00000000deadbeef pfn=0x200000 order=2 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_COMP\n"
		"          bash-1-2-3 [001] ....   6034.185541: mm_page_alloc: page=(null) pfn=0x0 order=0 migratetype=0 gfp_flags=GFP_NOWAIT\n"
		"          bash-9     [001] ....   6034.185542: mm_page_alloc: [FAILED TO PARSE] pfn=2097168 order=0 gfp_flags=3264 migratetype=2\n"
		"          bash-9     [001] ....   6034.185543: sched_switch: prev_comm=bash prev_pid=9\n"
		"CPU:1 [LOST 17 EVENTS]\n"
		"          bash-9     [000] ....   6034.185544: mm_page_free: page=x pfn=1239721 order=0\n"
		"          bash-9     [000] ....   6034.185545: mm_page_free_batched: page=x pfn=1239721 order=0\n"
		"          bash-9     [000] ....   6034.185546: mm_page_free_batched: pfn=0x200010\n";
	struct smm_replay_opts o;

	replay_opts(&o);
	replay_text(&o, text);
	ASSERT_EQ(0, rp.malformed);
	ASSERT_EQ(1, rp.other);
	ASSERT_EQ(17, rp.trace_lost);
	ASSERT_EQ(7, rp.events);
	ASSERT_EQ(4, stat(&rp.mm, SMM_MST_ALLOCS));
	ASSERT_EQ(3, stat(&rp.mm, SMM_MST_MIRRORED));
	ASSERT_EQ(1, stat(&rp.mm, SMM_MST_HOST_FAIL));
	ASSERT_EQ(2, stat(&rp.mm, SMM_MST_FREES));
	ASSERT_EQ(1, stat(&rp.mm, SMM_MST_BATCHED_ECHO));
	ASSERT_EQ(1, rp.mm.used);
	smm_replay_destroy(&rp);

	/* comm with a space and a dash; the tgid column; pid filters */
	replay_opts(&o);
	strcpy(o.filter.comm, "kworker/u4:1");
	replay_text(&o, text);
	ASSERT_EQ(1, stat(&rp.mm, SMM_MST_MIRRORED));
	smm_replay_destroy(&rp);
	replay_opts(&o);
	o.filter.pid = 4242;
	replay_text(&o, text);
	ASSERT_EQ(1, stat(&rp.mm, SMM_MST_MIRRORED));
	smm_replay_destroy(&rp);
}

TEST(replay_counts_and_reports_malformed_lines)
{
	static char text[] =
		"# tracer: nop\n"
		"            bash-1 [000] .... 1.0: mm_page_alloc: pfn=0x10 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n"
		"just some words\n"
		"            bash-1 [000] .... 1.0: mm_page_alloc: pfn=0xzz order=0 migratetype=0 gfp_flags=GFP_KERNEL\n"
		"            bash-1 [000] .... 1.0: mm_page_alloc: pfn=0x11 order=64 migratetype=0 gfp_flags=GFP_KERNEL\n"
		"            bash-1 [000] .... 1.0: mm_page_alloc: pfn=0x12 order=0\n"
		"            bash-1 [000] .... 1.0: mm_page_alloc: pfn=0x13 order=0 gfp_flags=GFP_KERNEL|what?\n"
		"            bash-1 [000] .... 1.0: mm_page_free: order=0\n"
		"            bash [000] .... 1.0: mm_page_free: pfn=0x10 order=0\n"
		"            bash-1 [000] .... 1.0: mm_page_free: pfn=0x10 order=0 junk\n"
		"            bash-1 [000] .... 1.0: mm_page_alloc: pfn=0x14 order=0 migratetype=0 gfp_flags=GFP_KERNEL nid=99\n"
		"bash-1 [000] 1.0: mm_page_free: pfn=0x10 order=0\n";
	struct smm_replay_opts o;

	replay_opts(&o);
	replay_text(&o, text);
	ASSERT_EQ(12, rp.lines);
	ASSERT_EQ(9, rp.malformed);
	ASSERT_EQ(3, rp.first_malformed);
	ASSERT_EQ(2, rp.events);
	ASSERT_EQ(1, stat(&rp.mm, SMM_MST_FREES));
	ASSERT_TRUE(strstr(cap_err.buf, "line 3: malformed: not a trace line"));
	ASSERT_TRUE(strstr(cap_err.buf, "line 4: malformed: bad pfn"));
	ASSERT_TRUE(strstr(cap_err.buf, "line 5: malformed: bad order"));
	ASSERT_TRUE(strstr(cap_err.buf, "line 6: malformed: neither"));
	ASSERT_TRUE(strstr(cap_err.buf, "line 7: malformed: bad gfp_flags"));
	ASSERT_TRUE(strstr(cap_err.buf, "line 8: malformed: pfn= or order= missing"));
	ASSERT_TRUE(strstr(cap_err.buf, "line 9: malformed: no COMM-PID [CPU] prefix"));
	ASSERT_TRUE(strstr(cap_err.buf, "line 10: malformed: a field without '='"));
	ASSERT_TRUE(strstr(cap_err.buf, "line 11: malformed: bad nid"));
	smm_replay_destroy(&rp);
}

/*
 * A header chunk whose end wraps past the top of the pfn space (fuzz_replay
 * found one) is refused before the boot: no memory map for it.
 */
TEST(replay_refuses_a_chunk_that_wraps)
{
	static char text[] =
		"# shadowmm mirror log 1\n"
		"# chunk 0xfffffffffffffc00 2048 0\n"
		"            bash-1 [000] .... 1.0: mm_page_alloc: pfn=0x10 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n";
	struct smm_replay_opts o;

	replay_opts(&o);
	replay_text(&o, text);
	ASSERT_FALSE(rp.booted);
	ASSERT_EQ(0, rp.events);
	ASSERT_TRUE(strstr(cap_err.buf, "chunk 0 ends above the"));
	smm_replay_destroy(&rp);
}

/* Garbage and mangled trace lines: counted, never a crash (ASan/UBSan). */
TEST(replay_survives_garbage)
{
	static const char *const seeds[] = {
		"  a-1 [001] d..1. 1.000001: mm_page_alloc: page=0 pfn=0x9000 order=3 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"  a-1 [000] ..... 1.000002: mm_page_free: page=0 pfn=0x9000 order=3",
		"  a-1 [000] ..... 1.000003: mm_page_free_batched: page=0 pfn=0x9000 order=0",
		"# shadowmm mirror log 1",
		"# chunk 0x8000 8192 0",
		"# config firmware_size=0 kernel_size=0 initrd_size=0 zone_layout=real min_free_kbytes=0 nodes=2",
		"# distance 0 1 200",
		"CPU:0 [LOST 1 EVENTS]",
	};
	static char line[512];
	struct smm_replay_opts o;
	unsigned int i, j, len;

	replay_opts(&o);
	o.nodes = 2;
	o.node_size = SZ_8M;
	o.entries = 64;
	if (rp.m)
		smm_replay_destroy(&rp);
	ASSERT_EQ(0, smm_replay_init(&rp, &o, smm_capture_emit,
				     smm_capture_emit, &cap_err));
	memset(&cap_err, 0, sizeof(cap_err));
	rnd_state = 99;
	for (i = 0; i < 30000; i++) {
		const char *s = seeds[rnd() % ARRAY_SIZE(seeds)];

		len = strlen(s);
		memcpy(line, s, len + 1);
		/* mutate: overwrite, truncate, or random bytes throughout */
		switch (rnd() % 4) {
		case 0:
			for (j = 0; j < 1 + rnd() % 4; j++)
				line[rnd() % len] = 1 + rnd() % 255;
			break;
		case 1:
			line[rnd() % (len + 1)] = '\0';
			break;
		case 2:
			len = rnd() % (sizeof(line) - 1);
			for (j = 0; j < len; j++)
				line[j] = 1 + rnd() % 255;
			line[len] = '\0';
			break;
		default:
			/* digits grown past any width */
			line[rnd() % len] = '9';
			break;
		}
		smm_replay_line(&rp, line);
		/* keep the error capture from filling up */
		cap_err.len = 0;
	}
	ASSERT_EQ(30000, rp.lines);
	ASSERT_NE(0, rp.malformed);
	ASSERT_NE(0, rp.events);
	smm_replay_finish(&rp);
	smm_replay_destroy(&rp);
}
