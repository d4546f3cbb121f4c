// SPDX-License-Identifier: GPL-2.0
/*
 * ctl `stress ms=N [seed=S]`: one kernel thread per online CPU, each
 * bound to its CPU, allocating and freeing random orders and migratetypes
 * from the shadow for N milliseconds, all at once. With verify=1 every
 * page carries a tag, so two CPUs handed the same page shows up as a
 * mismatch on free, not just in the bookkeeping.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "shadowmm/kernel/module.h"

#define SMM_STRESS_SLOTS	64

struct smm_stress_worker {
	struct smm_machine *m;
	unsigned long deadline;
	u32 rnd;
	unsigned long allocs, frees, fails;
	struct completion done;
	struct {
		struct smm_page *page;
		unsigned int order;
	} slot[SMM_STRESS_SLOTS];
};

/* xorshift32: cheap, and the same sequence for the same seed */
static u32 stress_rand(struct smm_stress_worker *w)
{
	u32 x = w->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return w->rnd = x;
}

/* Mostly small orders, as real workloads ask; now and then a large one. */
static unsigned int stress_order(struct smm_stress_worker *w)
{
	u32 r = stress_rand(w) % 100;

	if (r < 70)
		return 0;
	if (r < 85)
		return 1 + stress_rand(w) % SMM_PAGE_ALLOC_COSTLY_ORDER;
	if (r < 95)
		return 4 + stress_rand(w) % 3;
	return SMM_PAGEBLOCK_ORDER;
}

static const unsigned int stress_gfp[] = {
	SMM_GFP_KERNEL, SMM_GFP_HIGHUSER_MOVABLE, SMM___GFP_RECLAIMABLE,
};

static int stress_thread(void *data)
{
	struct smm_stress_worker *w = data;
	unsigned int i, order;
	struct smm_page *page;

	while (time_before(jiffies, w->deadline)) {
		i = stress_rand(w) % SMM_STRESS_SLOTS;
		if (w->slot[i].page) {
			smm_free_pages(w->m, w->slot[i].page, w->slot[i].order);
			w->slot[i].page = NULL;
			w->frees++;
		} else {
			order = stress_order(w);
			page = smm_alloc_pages(w->m,
					       stress_gfp[stress_rand(w) % ARRAY_SIZE(stress_gfp)],
					       order, NUMA_NO_NODE, NULL);
			if (page) {
				w->slot[i].page = page;
				w->slot[i].order = order;
				w->allocs++;
			} else {
				w->fails++;
			}
		}
		cond_resched();
	}
	for (i = 0; i < SMM_STRESS_SLOTS; i++) {
		if (w->slot[i].page) {
			smm_free_pages(w->m, w->slot[i].page, w->slot[i].order);
			w->frees++;
		}
	}
	/* The module may go once done is complete: leave without returning here. */
	kthread_complete_and_exit(&w->done, 0);
}

/*
 * Runs without smm_lock (so debugfs stays readable meanwhile); the caller
 * has set m->busy, which keeps reset away, and the open ctl file keeps the
 * module loaded.
 */
int smm_stress_run(struct smm_machine *m, unsigned int ms, u32 seed)
{
	struct smm_stress_worker *w;
	struct task_struct *t;
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);
	unsigned int cpu, n = 0, i;
	int ret = 0;

	w = kcalloc(nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		w[cpu].m = m;
		w[cpu].deadline = deadline;
		w[cpu].rnd = (seed ?: 1) + cpu * 0x9e3779b9;
		init_completion(&w[cpu].done);
		t = kthread_create_on_node(stress_thread, &w[cpu],
					   cpu_to_node(cpu), "smm_stress/%u", cpu);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			w[cpu].m = NULL;
			continue;
		}
		kthread_bind(t, cpu);
		wake_up_process(t);
		n++;
	}
	for (i = 0; i < nr_cpu_ids; i++) {
		if (!w[i].m)
			continue;
		wait_for_completion(&w[i].done);
		pr_info("stress: cpu %u: %lu allocations, %lu frees, %lu failed\n",
			i, w[i].allocs, w[i].frees, w[i].fails);
	}
	pr_info("stress: %u thread(s), %u ms\n", n, ms);
	kfree(w);
	return ret;
}
