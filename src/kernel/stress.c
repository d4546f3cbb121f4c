// SPDX-License-Identifier: GPL-2.0
/*
 * ctl `stress ms=N [seed=S]`: one kernel thread per online CPU, each
 * bound to its CPU, allocating and freeing random orders and migratetypes
 * from the shadow for N milliseconds, all at once. With verify=1 every
 * page carries a tag, so two CPUs handed the same page shows up as a
 * mismatch on free, not just in the bookkeeping.
 *
 * With the slab layer up, every other step is a kmalloc or kfree through
 * one pool of objects all threads share: an object allocated on one CPU
 * is often freed on another (__slab_free into a slab frozen elsewhere).
 * Each object carries its size and a seed and is filled from them; a
 * kfree checks the whole object first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "shadowmm/kernel/module.h"

#define SMM_STRESS_SLOTS	64
#define SMM_STRESS_OBJS		512

/* What every thread shares: the slab objects in flight. */
struct smm_stress_pool {
	void *obj[SMM_STRESS_OBJS];
};

/* An object's head: its size and the seed of the bytes after the head. */
struct smm_stress_obj {
	u32 size;
	u32 seed;
};

struct smm_stress_worker {
	struct smm_machine *m;
	struct smm_stress_pool *pool;
	unsigned long deadline;
	bool *stop;		/* the writer got a fatal signal: end now */
	u32 rnd;
	unsigned long allocs, frees, fails;
	unsigned long kmallocs, kfrees, kfails, kbad;
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

static bool stress_obj_intact(const struct smm_stress_obj *o)
{
	const u8 *p = (const u8 *)(o + 1);
	u32 i;

	for (i = 0; i < o->size - sizeof(*o); i++)
		if (p[i] != (u8)(o->seed + i))
			return false;
	return true;
}

static void stress_kfree(struct smm_stress_worker *w, struct smm_stress_obj *o)
{
	if (!stress_obj_intact(o))
		w->kbad++;
	smm_kfree(w->m, o);
	w->kfrees++;
}

/* One slab step: take a pool slot's object and free it, or fill the slot. */
static void stress_slab_step(struct smm_stress_worker *w)
{
	void **slot = &w->pool->obj[stress_rand(w) % SMM_STRESS_OBJS];
	struct smm_stress_obj *o = xchg(slot, NULL);
	u32 size;

	if (o) {
		stress_kfree(w, o);
		return;
	}
	/* mostly small, some across the kmalloc sizes, a few kmalloc_large */
	size = sizeof(*o) + stress_rand(w) %
	       (stress_rand(w) % 16 ? 512 : SMM_KMALLOC_MAX_CACHE_SIZE + 4096);
	o = smm_kmalloc(w->m, size, SMM_GFP_KERNEL);
	if (!o) {
		w->kfails++;
		return;
	}
	w->kmallocs++;
	o->size = size;
	o->seed = stress_rand(w);
	for (size = 0; size < o->size - sizeof(*o); size++)
		((u8 *)(o + 1))[size] = (u8)(o->seed + size);
	if (cmpxchg(slot, NULL, o))
		stress_kfree(w, o);
}

static int stress_thread(void *data)
{
	struct smm_stress_worker *w = data;
	unsigned int i, order;
	struct smm_page *page;

	while (time_before(jiffies, w->deadline) && !READ_ONCE(*w->stop)) {
		if (w->pool && stress_rand(w) % 2) {
			stress_slab_step(w);
			cond_resched();
			continue;
		}
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

bool smm_wait_worker(struct completion *done, bool *stop,
		     struct wait_queue_head *wq)
{
	bool killed = false;
	long left;

	for (;;) {
		left = killed ? wait_for_completion_timeout(done, 10 * HZ) :
			wait_for_completion_killable_timeout(done, 10 * HZ);
		if (left > 0)
			return killed;
		if (left < 0) {
			killed = true;
			WRITE_ONCE(*stop, true);
			if (wq)
				wake_up_all(wq);
		}
	}
}

/*
 * Runs without smm_lock (so debugfs stays readable meanwhile); the caller
 * has set m->busy, which keeps reset away, and the open ctl file keeps the
 * module loaded.
 */
int smm_stress_run(struct smm_machine *m, unsigned int ms, u32 seed)
{
	struct smm_stress_pool *pool = NULL;
	struct smm_stress_worker *w;
	struct task_struct *t;
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);
	unsigned int cpu, n = 0, i;
	bool stop = false;
	int ret = 0;

	w = kcalloc(nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	if (smm_slab_is_available(m)) {
		pool = kzalloc(sizeof(*pool), GFP_KERNEL);
		if (!pool) {
			kfree(w);
			return -ENOMEM;
		}
	}
	for_each_online_cpu(cpu) {
		w[cpu].m = m;
		w[cpu].pool = pool;
		w[cpu].deadline = deadline;
		w[cpu].stop = &stop;
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
		if (smm_wait_worker(&w[i].done, &stop, NULL))
			ret = -EINTR;
		pr_info("stress: cpu %u: %lu allocations, %lu frees, %lu failed\n",
			i, w[i].allocs, w[i].frees, w[i].fails);
	}
	if (pool) {
		struct smm_stress_worker *drainer = NULL;
		unsigned long kmallocs = 0, kfrees = 0, kfails = 0, kbad = 0;

		for (i = 0; i < nr_cpu_ids && !drainer; i++)
			if (w[i].m)
				drainer = &w[i];
		/* the objects still in the pool, from this one thread */
		for (i = 0; i < SMM_STRESS_OBJS && drainer; i++)
			if (pool->obj[i])
				stress_kfree(drainer, pool->obj[i]);
		for (i = 0; i < nr_cpu_ids; i++) {
			if (!w[i].m)
				continue;
			kmallocs += w[i].kmallocs;
			kfrees += w[i].kfrees;
			kfails += w[i].kfails;
			kbad += w[i].kbad;
			pr_info("stress: cpu %u: slab %lu kmalloc, %lu kfree, %lu failed\n",
				i, w[i].kmallocs, w[i].kfrees, w[i].kfails);
		}
		pr_info("stress: slab %lu kmalloc, %lu kfree, %lu failed, %lu overwritten\n",
			kmallocs, kfrees, kfails, kbad);
		kfree(pool);
	}
	pr_info("stress: %u thread(s), %u ms%s\n", n, ms,
		ret == -EINTR ? ", stopped by a fatal signal" : "");
	kfree(w);
	return ret;
}
