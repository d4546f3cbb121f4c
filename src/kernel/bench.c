// SPDX-License-Identifier: GPL-2.0
/*
 * ctl `bench order=N [reps=R] [loops=L] [batch=B] [gfp=zero] [cpu=C]`:
 * the host's page allocator against the shadow's, in one kernel thread
 * bound to one CPU. Repetitions alternate, host then shadow, R pairs of
 * them; each times L loops of B alloc_pages() then B __free_pages() on
 * the host, smm_alloc_pages() then smm_free_pages() on the shadow (the
 * shadow's GFP_KERNEL, the CPU's shadow node preferred). gfp=zero adds
 * __GFP_ZERO on both sides.
 *
 * The clock is ktime_get_ns(), nothing else: on an -icount shift=0 guest
 * the guest's clock counts instructions, so the same figure is then an
 * instruction count. Each repetition pair gives a ratio shadow/host (of
 * the two repetitions' totals, in thousandths); the host's and the
 * shadow's figures are per alloc+free pair, rounded to the nanosecond.
 *
 * One line a run goes to dmesg; the last SMM_BENCH_KEEP runs stay
 * readable in the debugfs view `bench` (debugfs/bench.c), a line each,
 * with every repetition's figures. Every page allocated is freed before
 * the command returns; a failed allocation on either side ends the run
 * with -ENOMEM (nothing kept).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "shadowmm/ctl.h"
#include "shadowmm/kernel/module.h"

#define SMM_BENCH_KEEP		16
#define SMM_BENCH_LINE		1024

struct smm_bench_result {
	struct smm_bench_args a;
	int nid;			/* the shadow node preferred */
	bool verify;			/* the shadow's verify= at the time */
	bool host_init_on_alloc;	/* the host zeroes every page anyway */
	u64 host_ns[SMM_BENCH_MAX_REPS];	/* per pair, one a repetition */
	u64 shadow_ns[SMM_BENCH_MAX_REPS];
	u64 ratio[SMM_BENCH_MAX_REPS];		/* shadow/host, thousandths */
};

/* The last runs, oldest first from index smm_bench_nr % KEEP; smm_lock. */
static struct smm_bench_result smm_bench_results[SMM_BENCH_KEEP];
static unsigned int smm_bench_nr;
static char smm_bench_line[SMM_BENCH_LINE];	/* smm_lock */

struct smm_bench_work {
	struct smm_machine *m;
	struct smm_bench_result *r;
	struct page **host;
	struct smm_page **shadow;
	u64 host_total[SMM_BENCH_MAX_REPS];
	u64 shadow_total[SMM_BENCH_MAX_REPS];
	int ret;
	unsigned int reps_done;
	bool stop;		/* the writer got a fatal signal */
	struct completion done;
};

/* @loops loops of batch allocations, then batch frees: the ns they took. */
static int bench_host(struct smm_bench_work *w, unsigned int loops, u64 *ns)
{
	const struct smm_bench_args *a = &w->r->a;
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | (a->zero ? __GFP_ZERO : 0);
	unsigned int l, i;
	u64 t0;

	t0 = ktime_get_ns();
	for (l = 0; l < loops; l++) {
		for (i = 0; i < a->batch; i++) {
			w->host[i] = alloc_pages(gfp, a->order);
			if (unlikely(!w->host[i]))
				goto fail;
		}
		for (i = 0; i < a->batch; i++)
			__free_pages(w->host[i], a->order);
	}
	*ns = ktime_get_ns() - t0;
	return 0;
fail:
	while (i--)
		__free_pages(w->host[i], a->order);
	pr_info("ctl: bench: the host had no order-%u block for allocation %u of the batch\n",
		a->order, i + 1);
	return -ENOMEM;
}

static int bench_shadow(struct smm_bench_work *w, unsigned int loops, u64 *ns)
{
	const struct smm_bench_args *a = &w->r->a;
	unsigned int gfp = SMM_GFP_KERNEL | (a->zero ? SMM___GFP_ZERO : 0);
	struct smm_machine *m = w->m;
	int nid = w->r->nid;
	unsigned int l, i;
	u64 t0;

	t0 = ktime_get_ns();
	for (l = 0; l < loops; l++) {
		for (i = 0; i < a->batch; i++) {
			w->shadow[i] = smm_alloc_pages(m, gfp, a->order, nid, NULL);
			if (unlikely(!w->shadow[i]))
				goto fail;
		}
		for (i = 0; i < a->batch; i++)
			smm_free_pages(m, w->shadow[i], a->order);
	}
	*ns = ktime_get_ns() - t0;
	return 0;
fail:
	while (i--)
		smm_free_pages(m, w->shadow[i], a->order);
	pr_info("ctl: bench: the shadow had no order-%u block for allocation %u of the batch\n",
		a->order, i + 1);
	return -ENOMEM;
}

static int bench_thread(void *data)
{
	struct smm_bench_work *w = data;
	unsigned int reps = w->r->a.reps, loops = w->r->a.loops, i;
	u64 warm;
	int ret;

	/* one untimed loop each: the per-cpu lists and caches warm */
	ret = bench_host(w, 1, &warm);
	if (!ret)
		ret = bench_shadow(w, 1, &warm);
	for (i = 0; i < reps && !ret; i++) {
		w->reps_done = i;
		if (READ_ONCE(w->stop)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
		ret = bench_host(w, loops, &w->host_total[i]);
		cond_resched();
		if (!ret)
			ret = bench_shadow(w, loops, &w->shadow_total[i]);
	}
	w->ret = ret;
	/* The module may go once done is complete: leave without returning here. */
	kthread_complete_and_exit(&w->done, 0);
}

static void sort_u64(u64 *v, unsigned int n)
{
	unsigned int i, j;
	u64 x;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* min, median (the mean of the middle two for an even count), max */
static void stats(const u64 *v, unsigned int n, u64 *min, u64 *med, u64 *max)
{
	u64 s[SMM_BENCH_MAX_REPS];

	memcpy(s, v, n * sizeof(*s));
	sort_u64(s, n);
	*min = s[0];
	*max = s[n - 1];
	*med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2] + 1) / 2;
}

static int put_stats(char *buf, int len, int size, const char *name,
		     const u64 *v, unsigned int n)
{
	u64 min, med, max;

	stats(v, n, &min, &med, &max);
	return len + scnprintf(buf + len, size - len,
			       " %s_min=%llu %s_med=%llu %s_max=%llu",
			       name, min, name, med, name, max);
}

static int put_list(char *buf, int len, int size, const char *name,
		    const u64 *v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		len += scnprintf(buf + len, size - len, "%s%llu",
				 i ? "," : name, v[i]);
	return len;
}

/* One result in smm_bench_line: the figures, then each repetition's. */
static const char *bench_format(const struct smm_bench_result *r, bool reps)
{
	const struct smm_bench_args *a = &r->a;
	char *buf = smm_bench_line;
	int size = sizeof(smm_bench_line), len;

	len = scnprintf(buf, size,
			"order=%u batch=%u zero=%d reps=%u loops=%u cpu=%u nid=%d verify=%d host_init_on_alloc=%d",
			a->order, a->batch, a->zero, a->reps, a->loops, a->cpu,
			r->nid, r->verify, r->host_init_on_alloc);
	len = put_stats(buf, len, size, "host_ns", r->host_ns, a->reps);
	len = put_stats(buf, len, size, "shadow_ns", r->shadow_ns, a->reps);
	len = put_stats(buf, len, size, "ratio", r->ratio, a->reps);
	if (reps) {
		len = put_list(buf, len, size, " host_ns=", r->host_ns, a->reps);
		len = put_list(buf, len, size, " shadow_ns=", r->shadow_ns, a->reps);
		put_list(buf, len, size, " ratio=", r->ratio, a->reps);
	}
	return buf;
}

/* The view `bench`: the last runs, oldest first; smm_lock held. */
void smm_bench_show(smm_emit_fn emit, void *ctx)
{
	unsigned int i, n = min_t(unsigned int, smm_bench_nr, SMM_BENCH_KEEP);

	for (i = smm_bench_nr - n; i != smm_bench_nr; i++)
		emit(ctx, "%s\n",
		     bench_format(&smm_bench_results[i % SMM_BENCH_KEEP], true));
}

/* Runs without smm_lock, m->busy set (as smm_stress_run()). */
int smm_bench_run(struct smm_machine *m, const struct smm_bench_args *a)
{
	struct smm_bench_result *r;
	struct smm_bench_work *w;
	struct task_struct *t;
	unsigned int i;
	u64 pairs;
	int ret;

	if (a->cpu >= nr_cpu_ids || !cpu_online(a->cpu)) {
		pr_info("ctl: bench cpu=%u is not an online CPU\n", a->cpu);
		return -EINVAL;
	}
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!w || !r) {
		ret = -ENOMEM;
		goto out;
	}
	w->host = kcalloc(a->batch, sizeof(*w->host), GFP_KERNEL);
	w->shadow = kcalloc(a->batch, sizeof(*w->shadow), GFP_KERNEL);
	if (!w->host || !w->shadow) {
		ret = -ENOMEM;
		goto out;
	}
	r->a = *a;
	r->nid = smm_numa_node_id(m, a->cpu);
	r->verify = READ_ONCE(m->cfg.verify);
	r->host_init_on_alloc = want_init_on_alloc(GFP_KERNEL);
	w->m = m;
	w->r = r;
	init_completion(&w->done);
	t = kthread_create_on_node(bench_thread, w, cpu_to_node(a->cpu),
				   "smm_bench/%u", a->cpu);
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		goto out;
	}
	kthread_bind(t, a->cpu);
	wake_up_process(t);
	smm_wait_worker(&w->done, &w->stop);
	ret = w->ret;
	if (ret == -EINTR)
		pr_info("ctl: bench: stopped by a fatal signal after %u of %u repetitions, nothing recorded\n",
			w->reps_done, a->reps);
	if (ret)
		goto out;

	pairs = (u64)a->loops * a->batch;
	for (i = 0; i < a->reps; i++) {
		r->host_ns[i] = div64_u64(w->host_total[i] + pairs / 2, pairs);
		r->shadow_ns[i] = div64_u64(w->shadow_total[i] + pairs / 2, pairs);
		r->ratio[i] = div64_u64(w->shadow_total[i] * 1000 +
					w->host_total[i] / 2,
					w->host_total[i] ?: 1);
	}
	mutex_lock(&smm_lock);
	smm_bench_results[smm_bench_nr++ % SMM_BENCH_KEEP] = *r;
	pr_info("bench: %s\n", bench_format(r, false));
	mutex_unlock(&smm_lock);
out:
	if (w) {
		kfree(w->host);
		kfree(w->shadow);
	}
	kfree(w);
	kfree(r);
	return ret;
}
