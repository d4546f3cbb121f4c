// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what ctl makes the shadow hold (src/held.c,
 * src/held_slab.c) and of its long commands (src/workload.c): a
 * scheduling point every SMM_LONG_STEP steps, and a fatal signal (the
 * harness's smm_ufatal_hook) stopping them with -EINTR and the machine
 * consistent: what was allocated is held and listed, `check` finds
 * nothing, and `free all` + `drain` give back the boot's free lists.
 */
#include <stdarg.h>

#include "harness.h"
#include "shadowmm/ctl.h"
#include "shadowmm/views.h"
#include "shadowmm/vmstat.h"

#define N0		SZ_1G
#define N1		SZ_2G

static struct smm_machine *m;
static struct smm_capture hlog;

/* Two nodes of @size, the slab layer up or not. */
static void machine(phys_addr_t size, bool slab)
{
	if (m)
		smm_machine_teardown(m);
	free(m);
	m = calloc(1, sizeof(*m));
	ASSERT_TRUE(m);
	m->region.backend = "test";
	m->cfg.firmware_size = SZ_64K;
	m->cfg.kernel_size = SZ_4M;
	m->cfg.initrd_size = SZ_2M;
	m->cfg.slab = slab;
	smm_ucpu = 0;
	smm_unr_cpus = 2;
	smm_unode = 0;
	smm_test_add_chunk(m, N0, size, 0);
	smm_test_add_chunk(m, N1, size, 1);
	memset(&hlog, 0, sizeof(hlog));
	ASSERT_EQ(0, smm_boot(m, smm_capture_emit, &hlog));
	memset(&smm_trace, 0, sizeof(smm_trace));
}

static int ctl(const char *cmd)
{
	hlog.last[0] = '\0';
	return smm_ctl_exec(m, cmd, smm_capture_emit, &hlog);
}

static struct smm_capture chk;

static bool check_ok(void)
{
	int v;

	memset(&chk, 0, sizeof(chk));
	v = smm_check(m, smm_capture_emit, &chk);
	if (v)
		printf("# check:\n%s", chk.buf);
	return v == 0;
}

#define ASSERT_CHECK()	ASSERT_TRUE(check_ok())

/* buddyinfo with the per-cpu lists drained, into @c */
static void buddyinfo(struct smm_capture *c)
{
	smm_drain_all_pages(m);
	memset(c, 0, sizeof(*c));
	smm_show_buddyinfo(m, smm_capture_emit, c);
}

static struct smm_capture boot_bi, now_bi;

#define ASSERT_BUDDYINFO_AS_BOOTED()				\
	do {							\
		buddyinfo(&now_bi);				\
		ASSERT_STREQ(boot_bi.buf, now_bi.buf);		\
	} while (0)

/* The writer "gets a fatal signal" at the @fatal_at'th poll (1: the first). */
static unsigned long polls, fatal_at;

static bool fatal_hook(void)
{
	return ++polls >= fatal_at;
}

static void kill_at(unsigned long poll)
{
	polls = 0;
	fatal_at = poll;
	smm_ufatal_hook = fatal_hook;
}

/* ---- long commands ------------------------------------------------------- */

TEST(held_workload_resched_every_1024_ops)
{
	machine(SZ_32M, false);
	buddyinfo(&boot_bi);
	ASSERT_EQ(0, ctl("workload seed=3 ops=10000"));
	/* before ops 1024, 2048, ... 9216: nine, none after the last op */
	ASSERT_EQ(9, smm_uresched_count);
	smm_uresched_count = 0;
	ASSERT_EQ(0, ctl("workload seed=3 ops=1024"));
	ASSERT_EQ(0, smm_uresched_count);
	ASSERT_EQ(0, ctl("workload seed=3 ops=1025"));
	ASSERT_EQ(1, smm_uresched_count);
	/* polled there, never pending: nothing stops it */
	kill_at(~0UL);
	ASSERT_EQ(0, ctl("workload seed=3 ops=5000"));
	ASSERT_EQ(4, polls);
	ASSERT_CHECK();
	ASSERT_BUDDYINFO_AS_BOOTED();
}

TEST(held_workload_stops_on_fatal_signal)
{
	machine(SZ_32M, false);
	buddyinfo(&boot_bi);
	kill_at(3);
	ASSERT_EQ(-EINTR, ctl("workload seed=5 ops=1000000"));
	ASSERT_EQ(3, polls);
	ASSERT_STREQ("ctl: workload: stopped by a fatal signal after 3072 of 1000000 ops\n",
		     hlog.last);
	/* its pages went back: nothing held, free lists as booted */
	ASSERT_EQ(0, m->nr_held);
	ASSERT_CHECK();
	ASSERT_BUDDYINFO_AS_BOOTED();
	/* and the same run, not killed, still gives the same hash */
	smm_ufatal_hook = NULL;
	ASSERT_EQ(0, ctl("workload seed=5 ops=2000"));
	ASSERT_TRUE(strstr(hlog.last, "workload: seed 5 ops 2000: "));
}

TEST(held_alloc_count_stops_on_fatal_signal_keeping_its_pages)
{
	machine(SZ_32M, false);
	buddyinfo(&boot_bi);
	ASSERT_EQ(0, ctl("alloc order=0 count=3000 tag=a"));
	ASSERT_EQ(2, smm_uresched_count);
	ASSERT_EQ(0, ctl("free all"));
	kill_at(2);
	ASSERT_EQ(-EINTR, ctl("alloc order=0 count=5000 tag=k"));
	ASSERT_STREQ("ctl: alloc order=0: 2048 of 5000 allocated (tag k), stopped by a fatal signal\n",
		     hlog.last);
	/* what it got is held and listed */
	ASSERT_EQ(2048, m->nr_held);
	ASSERT_CHECK();
	smm_ufatal_hook = NULL;
	ASSERT_EQ(0, ctl("free tag=k"));
	ASSERT_STREQ("ctl: freed 2048 allocation(s)\n", hlog.last);
	ASSERT_BUDDYINFO_AS_BOOTED();
	/* the signal right after the last one stops nothing */
	kill_at(1);
	ASSERT_EQ(0, ctl("alloc order=0 count=1024 tag=e"));
	ASSERT_EQ(1024, m->nr_held);
}

TEST(held_free_all_stops_on_fatal_signal)
{
	machine(SZ_32M, false);
	buddyinfo(&boot_bi);
	ASSERT_EQ(0, ctl("alloc order=0 count=3000 tag=a"));
	kill_at(1);
	ASSERT_EQ(-EINTR, ctl("free all"));
	ASSERT_STREQ("ctl: free: stopped by a fatal signal: 1024 freed, 1976 held\n",
		     hlog.last);
	ASSERT_EQ(1976, m->nr_held);
	ASSERT_CHECK();
	/* free tag= walks the records the same way */
	kill_at(1);
	ASSERT_EQ(-EINTR, ctl("free tag=a"));
	ASSERT_EQ(952, m->nr_held);
	smm_ufatal_hook = NULL;
	ASSERT_EQ(0, ctl("free all"));
	ASSERT_EQ(0, m->nr_held);
	ASSERT_CHECK();
	ASSERT_BUDDYINFO_AS_BOOTED();
}

/* ---- free by pfn and by tag: one hash chain, in allocation order ------- */

/* The pfn of the @i'th record (0: the oldest) held under @tag. */
static unsigned long held_pfn(const char *tag, unsigned int i)
{
	struct smm_held *h;

	list_for_each_entry(h, &m->held, list)
		if (!strcmp(h->tag, tag) && !i--)
			return h->pfn;
	ASSERT_TRUE(false);
	return 0;
}

TEST(held_free_pfn_walks_one_chain)
{
	char cmd[64];
	unsigned long pfn;

	machine(SZ_32M, false);
	buddyinfo(&boot_bi);
	ASSERT_EQ(0, ctl("alloc order=0 count=3000 tag=a"));
	ASSERT_EQ(0, ctl("alloc order=3 tag=b"));
	/*
	 * A walk of every record would poll for a signal at the 1024th:
	 * the newest record freed by pfn with a kill pending from the first
	 * poll on shows that no such walk took place.
	 */
	pfn = held_pfn("b", 0);
	snprintf(cmd, sizeof(cmd), "free pfn=0x%lx", pfn + 1);
	ASSERT_EQ(-EINVAL, ctl(cmd));	/* not where a record starts */
	kill_at(1);
	snprintf(cmd, sizeof(cmd), "free pfn=0x%lx", pfn);
	ASSERT_EQ(0, ctl(cmd));
	ASSERT_EQ(0, polls);
	ASSERT_EQ(3000, m->nr_held);
	ASSERT_EQ(-EINVAL, ctl(cmd));	/* freed once */
	snprintf(cmd, sizeof(cmd), "free pfn=0x%lx", held_pfn("a", 2999));
	ASSERT_EQ(0, ctl(cmd));
	ASSERT_EQ(2999, m->nr_held);
	smm_ufatal_hook = NULL;
	ASSERT_EQ(0, ctl("free all"));
	ASSERT_CHECK();
	ASSERT_BUDDYINFO_AS_BOOTED();
}

TEST(held_free_tag_walks_its_chain)
{
	machine(SZ_32M, false);
	buddyinfo(&boot_bi);
	ASSERT_EQ(0, ctl("alloc order=0 count=3000 tag=a"));
	ASSERT_EQ(0, ctl("alloc order=0 count=2 tag=b"));
	kill_at(1);
	ASSERT_EQ(0, ctl("free tag=b"));
	ASSERT_EQ(3000, m->nr_held);
	ASSERT_EQ(-EINVAL, ctl("free tag=b"));
	smm_ufatal_hook = NULL;
	ASSERT_EQ(0, ctl("free tag=a"));
	ASSERT_EQ(0, m->nr_held);
	ASSERT_CHECK();
	ASSERT_BUDDYINFO_AS_BOOTED();
}

static struct smm_capture order_a, order_b;

/* a and b interleaved, a freed (by @by_pfn or by tag), then 40 allocated */
static void free_a_then_alloc(bool by_pfn, struct smm_capture *after)
{
	unsigned int i;
	char cmd[64];

	machine(SZ_32M, false);
	for (i = 0; i < 40; i++) {
		ASSERT_EQ(0, ctl(i % 3 ? "alloc order=0 tag=a" :
					 "alloc order=0 tag=b"));
	}
	if (by_pfn) {
		/* the oldest a first, as free all walks them */
		for (i = 0; i < 26; i++) {
			snprintf(cmd, sizeof(cmd), "free pfn=0x%lx",
				 held_pfn("a", 0));
			ASSERT_EQ(0, ctl(cmd));
		}
	} else {
		ASSERT_EQ(0, ctl("free tag=a"));
	}
	ASSERT_EQ(14, m->nr_held);
	ASSERT_EQ(0, ctl("alloc order=0 count=40 tag=c"));
	memset(after, 0, sizeof(*after));
	smm_show_allocations(m, smm_capture_emit, after);
}

/*
 * The pcp lists are LIFO: the pages a later allocation gets, in order,
 * say the order the frees went in. free tag= must free in allocation
 * order, as a walk of the whole list did.
 */
TEST(held_free_tag_frees_in_allocation_order)
{
	free_a_then_alloc(true, &order_a);
	free_a_then_alloc(false, &order_b);
	ASSERT_STREQ(order_a.buf, order_b.buf);
	ASSERT_EQ(54, order_b.lines);
}

TEST(held_kmalloc_and_kfree_stop_on_fatal_signal)
{
	machine(SZ_32M, true);
	kill_at(1);
	ASSERT_EQ(-EINTR, ctl("kmalloc size=64 count=3000 tag=o"));
	ASSERT_STREQ("ctl: kmalloc size=64: 1024 of 3000 allocated (tag o), stopped by a fatal signal\n",
		     hlog.last);
	ASSERT_EQ(1024, m->nr_held_objs);
	ASSERT_CHECK();
	smm_ufatal_hook = NULL;
	ASSERT_EQ(0, ctl("kmalloc size=64 count=1000 tag=o"));
	ASSERT_EQ(2024, m->nr_held_objs);
	kill_at(1);
	ASSERT_EQ(-EINTR, ctl("kfree tag=o"));
	ASSERT_EQ(1000, m->nr_held_objs);
	ASSERT_CHECK();
	ASSERT_EQ(0, ctl("cache create name=c1 size=100"));
	kill_at(1);
	ASSERT_EQ(-EINTR, ctl("cache alloc name=c1 count=2000 tag=c"));
	ASSERT_EQ(2024, m->nr_held_objs);
	smm_ufatal_hook = NULL;
	ASSERT_EQ(0, ctl("kfree tag=o"));
	ASSERT_EQ(0, ctl("cache free tag=c"));
	ASSERT_EQ(0, m->nr_held_objs);
	ASSERT_EQ(0, ctl("cache destroy name=c1"));
	ASSERT_CHECK();
	/*
	 * The caches live in the arena, which LeakSanitizer does not scan:
	 * their per-cpu parts would look leaked unless torn down here.
	 */
	smm_machine_teardown(m);
	free(m);
	m = NULL;
}

/* ---- held_max ------------------------------------------------------------- */

static struct smm_capture held_view;

static const char *held(void)
{
	memset(&held_view, 0, sizeof(held_view));
	smm_show_held(m, smm_capture_emit, &held_view);
	return held_view.buf;
}

TEST(held_max_default_and_view)
{
	machine(SZ_32M, false);
	/* cfg.held_max 0: the module parameter's default */
	ASSERT_EQ(SMM_HELD_MAX_DEFAULT, smm_held_max(m));
	ASSERT_EQ(262144, SMM_HELD_MAX_DEFAULT);
	ASSERT_EQ(0, ctl("alloc order=1 count=3"));
	ASSERT_STREQ("count 3\npages 3\nobjects 0\nmax 262144\nrefused 0\n",
		     held());
}

TEST(held_max_refuses_the_allocation_past_it)
{
	struct smm_capture before, after;

	machine(SZ_32M, false);
	m->cfg.held_max = 64;
	buddyinfo(&boot_bi);
	ASSERT_EQ(0, ctl("alloc order=0 count=64 tag=a"));
	ASSERT_EQ(64, m->nr_held);
	ASSERT_STREQ("count 64\npages 64\nobjects 0\nmax 64\nrefused 0\n",
		     held());
	/* the 65th: ENOMEM, said, counted, nothing else changed */
	memset(&before, 0, sizeof(before));
	smm_show_buddyinfo(m, smm_capture_emit, &before);
	ASSERT_EQ(-ENOMEM, ctl("alloc order=0 tag=b"));
	ASSERT_STREQ("ctl: 64 records held, held_max=64: allocation refused\n",
		     hlog.last);
	ASSERT_EQ(64, m->nr_held);
	memset(&after, 0, sizeof(after));
	smm_show_buddyinfo(m, smm_capture_emit, &after);
	ASSERT_STREQ(before.buf, after.buf);
	ASSERT_STREQ("count 64\npages 64\nobjects 0\nmax 64\nrefused 1\n",
		     held());
	ASSERT_CHECK();
	/* room again after a free; a count= stops at the limit, keeping 64 */
	ASSERT_EQ(0, ctl("free all"));
	ASSERT_EQ(-ENOMEM, ctl("alloc order=2 count=100 tag=c"));
	ASSERT_EQ(64, m->nr_held);
	ASSERT_EQ(2, m->held_refused);
	/* a reset forgets the records, keeps the limit and the count */
	ASSERT_EQ(0, ctl("reset"));
	ASSERT_STREQ("count 0\npages 0\nobjects 0\nmax 64\nrefused 2\n",
		     held());
	ASSERT_EQ(0, ctl("alloc order=0 count=64"));
	ASSERT_EQ(0, ctl("free all"));
	ASSERT_CHECK();
	ASSERT_BUDDYINFO_AS_BOOTED();
}

TEST(held_max_counts_objects_and_pages_together)
{
	machine(SZ_32M, true);
	m->cfg.held_max = 8;
	ASSERT_EQ(0, ctl("alloc order=0 count=3 tag=p"));
	ASSERT_EQ(0, ctl("kmalloc size=32 count=2 tag=o"));
	ASSERT_EQ(0, ctl("cache create name=c1 size=100"));
	ASSERT_EQ(-ENOMEM, ctl("cache alloc name=c1 count=5 tag=c"));
	ASSERT_STREQ("ctl: 8 records held, held_max=8: allocation refused\n",
		     hlog.last);
	ASSERT_STREQ("count 8\npages 3\nobjects 5\nmax 8\nrefused 1\n", held());
	ASSERT_EQ(-ENOMEM, ctl("kmalloc size=16"));
	ASSERT_EQ(-ENOMEM, ctl("alloc order=0"));
	/* with the slab layer up, memblock alloc is a held kzalloc_node() */
	ASSERT_EQ(-ENOMEM, ctl("memblock alloc size=200"));
	ASSERT_STREQ("ctl: 8 records held, held_max=8: allocation refused\n",
		     hlog.last);
	ASSERT_EQ(4, m->held_refused);
	ASSERT_EQ(8, smm_held_count(m));
	ASSERT_CHECK();
	ASSERT_EQ(0, ctl("free all"));
	ASSERT_EQ(0, ctl("kmalloc size=16 count=3 tag=o"));
	ASSERT_EQ(8, smm_held_count(m));
	ASSERT_EQ(0, ctl("kfree tag=o"));
	ASSERT_EQ(0, ctl("cache free tag=c"));
	ASSERT_EQ(0, ctl("cache destroy name=c1"));
	ASSERT_EQ(0, smm_held_count(m));
	ASSERT_CHECK();
	smm_machine_teardown(m);
	free(m);
	m = NULL;
}
