// SPDX-License-Identifier: GPL-2.0
/*
 * ctl `bench order=N|slab=SIZE [reps=R] [loops=L] [batch=B] [gfp=zero]
 * [cpu=C] [cpus=N] [mirror=on]`: the host's page allocator against the
 * shadow's, in one
 * kernel thread bound to CPU C, or with cpus=N in N of them, bound to
 * CPUs C .. C + N - 1. Repetitions alternate, host then shadow, R pairs
 * of them; with cpus=N each is run by the first thread alone and then by
 * all N at once, started together, so that the throughput scaling (N x
 * alone / at once) is paired repetition by repetition. A repetition times
 * L loops of B alloc_pages() then B __free_pages() on the host,
 * smm_alloc_pages() then smm_free_pages() on the shadow (the shadow's
 * GFP_KERNEL, the CPU's shadow node preferred). gfp=zero adds __GFP_ZERO
 * on both sides.
 *
 * slab=SIZE times objects instead: kmem_cache_alloc() then
 * kmem_cache_free() on a host cache of SIZE-byte objects against
 * smm_kmem_cache_alloc() and smm_kmem_cache_free() on a shadow cache of
 * the same size and flags (both created for the run, destroyed after;
 * the host may merge its own with a kmalloc cache, the shadow never
 * merges). mirror=on times the host's page loop twice a repetition: the
 * "shadow" figures are the host's loop with the live mirror's probes on
 * for the run's thread (src/kernel/mirror.c, smm_mirror_bench_on()), so
 * the ratio is what the mirror adds to a host allocation and free; the
 * result counts the allocations mirrored.
 *
 * The clock is ktime_get_ns(), nothing else: on an -icount shift=0 guest
 * the guest's clock counts instructions, so the same figure is then an
 * instruction count. Each repetition pair gives a ratio shadow/host (of
 * the two repetitions' totals, the slowest thread's with cpus=N, in
 * thousandths); the host's and the shadow's figures are per alloc+free
 * pair on one CPU, rounded to the nanosecond.
 *
 * One line a run goes to dmesg; the last SMM_BENCH_KEEP runs stay
 * readable in the debugfs view `bench` (debugfs/bench.c), a line each,
 * with every repetition's figures. Every page allocated is freed before
 * the command returns; a failed allocation on either side ends the run
 * with -ENOMEM (nothing kept).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>

#include "shadowmm/ctl.h"
#include "shadowmm/kernel/module.h"
#include "shadowmm/slab.h"

#define SMM_BENCH_KEEP		16
#define SMM_BENCH_LINE		2048

struct smm_bench_result {
	struct smm_bench_args a;
	int nid;			/* the shadow node preferred */
	bool verify;			/* the shadow's verify= at the time */
	bool host_init_on_alloc;	/* the host zeroes every page anyway */
	u64 host_ns[SMM_BENCH_MAX_REPS];	/* per pair, one a repetition */
	u64 shadow_ns[SMM_BENCH_MAX_REPS];
	u64 ratio[SMM_BENCH_MAX_REPS];		/* shadow/host, thousandths */
	/*
	 * cpus > 1: the same repetition on the first CPU alone, and the
	 * throughput scaling it gives (cpus x alone / all at once, in
	 * thousandths), the host's, the shadow's and the shadow's over the
	 * host's, repetition by repetition.
	 */
	u64 host1_ns[SMM_BENCH_MAX_REPS];
	u64 shadow1_ns[SMM_BENCH_MAX_REPS];
	u64 host_scale[SMM_BENCH_MAX_REPS];
	u64 shadow_scale[SMM_BENCH_MAX_REPS];
	u64 scale[SMM_BENCH_MAX_REPS];
	/* mirror=on: allocations mirrored, and those it could not follow */
	u64 mirrored;
	u64 mirror_missed;
};

/* The last runs, oldest first from index smm_bench_nr % KEEP; smm_lock. */
static struct smm_bench_result smm_bench_results[SMM_BENCH_KEEP];
static unsigned int smm_bench_nr;
static char smm_bench_line[SMM_BENCH_LINE];	/* smm_lock */

struct smm_bench_work;
struct smm_bench_thread;

/* One side's timed loops: @loops loops of a batch; the ns they took. */
typedef int (*smm_bench_fn)(struct smm_bench_thread *t, unsigned int loops,
			    u64 *ns);

/* One timing thread: bound to its CPU, with its own batch arrays. */
struct smm_bench_thread {
	struct smm_bench_work *w;
	struct task_struct *task;
	unsigned int cpu;
	int nid;			/* the shadow node this CPU prefers */
	union {				/* a batch: pages, or slab=SIZE objects */
		struct page **host;
		void **host_obj;
	};
	union {
		struct smm_page **shadow;
		void **shadow_obj;
	};
	u64 mirrored;			/* mirror=on, over the thread's runs */
	u64 mirror_missed;
	u64 host_total[SMM_BENCH_MAX_REPS];
	u64 shadow_total[SMM_BENCH_MAX_REPS];
	/* cpus > 1, the first thread's: the repetitions it ran alone */
	u64 host1_total[SMM_BENCH_MAX_REPS];
	u64 shadow1_total[SMM_BENCH_MAX_REPS];
	int ret;
	struct completion done;
};

/* A run: its cpus threads, and how they meet and stop. */
struct smm_bench_work {
	struct smm_machine *m;
	struct smm_bench_result *r;
	smm_bench_fn host_fn, shadow_fn;	/* the two sides of the run */
	struct kmem_cache *host_cache;		/* slab=SIZE */
	struct smm_kmem_cache *shadow_cache;
	unsigned int reps_done;		/* by the first thread */
	unsigned int loops_done;	/* ... into the phase it stopped in */
	bool stop;		/* the writer got a fatal signal */
	bool failed;		/* a thread failed: the others stop too */
	atomic_t met;		/* arrivals at bench_meet(), all threads */
	wait_queue_head_t wq;	/* where the others wait for the last */
	unsigned int nr;	/* threads */
	struct smm_bench_thread t[];
};

/*
 * Every thread of the run waits here before each timed phase. Asleep
 * (@spin false) while the first thread runs a phase alone, so that the
 * others take no host CPU from it; spinning (@spin true) just before a
 * phase all N run, so that they start it together rather than one
 * wake-up apart. False when the run is stopping (a fatal signal to the
 * writer, or another thread failed): every thread waiting or coming sees
 * it, none waits for one gone.
 */
static bool bench_meet(struct smm_bench_thread *t, unsigned int *meetings,
		       bool spin)
{
	struct smm_bench_work *w = t->w;
	int want = ++*meetings * w->nr;

	if (READ_ONCE(w->stop) || READ_ONCE(w->failed))
		return false;
	if (atomic_inc_return(&w->met) >= want) {
		wake_up_all(&w->wq);
		return true;
	}
	while (atomic_read(&w->met) < want) {
		if (READ_ONCE(w->stop) || READ_ONCE(w->failed))
			return false;
		if (spin)
			cpu_relax();
		else
			wait_event_timeout(w->wq, atomic_read(&w->met) >= want ||
					   READ_ONCE(w->stop) ||
					   READ_ONCE(w->failed), HZ);
	}
	return true;
}

/* @loops loops of batch allocations, then batch frees: the ns they took. */
static int bench_host(struct smm_bench_thread *t, unsigned int loops, u64 *ns)
{
	const struct smm_bench_args *a = &t->w->r->a;
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | (a->zero ? __GFP_ZERO : 0);
	unsigned int l, i;
	u64 t0;

	t0 = ktime_get_ns();
	for (l = 0; l < loops; l++) {
		for (i = 0; i < a->batch; i++) {
			t->host[i] = alloc_pages(gfp, a->order);
			if (unlikely(!t->host[i]))
				goto fail;
		}
		for (i = 0; i < a->batch; i++)
			__free_pages(t->host[i], a->order);
	}
	*ns = ktime_get_ns() - t0;
	return 0;
fail:
	while (i--)
		__free_pages(t->host[i], a->order);
	pr_info("ctl: bench: the host had no order-%u block for allocation %u of the batch (cpu %u)\n",
		a->order, i + 1, t->cpu);
	return -ENOMEM;
}

static int bench_shadow(struct smm_bench_thread *t, unsigned int loops,
			u64 *ns)
{
	const struct smm_bench_args *a = &t->w->r->a;
	unsigned int gfp = SMM_GFP_KERNEL | (a->zero ? SMM___GFP_ZERO : 0);
	struct smm_machine *m = t->w->m;
	int nid = t->nid;
	unsigned int l, i;
	u64 t0;

	t0 = ktime_get_ns();
	for (l = 0; l < loops; l++) {
		for (i = 0; i < a->batch; i++) {
			t->shadow[i] = smm_alloc_pages(m, gfp, a->order, nid, NULL);
			if (unlikely(!t->shadow[i]))
				goto fail;
		}
		for (i = 0; i < a->batch; i++)
			smm_free_pages(m, t->shadow[i], a->order);
	}
	*ns = ktime_get_ns() - t0;
	return 0;
fail:
	while (i--)
		smm_free_pages(m, t->shadow[i], a->order);
	pr_info("ctl: bench: the shadow had no order-%u block for allocation %u of the batch (cpu %u)\n",
		a->order, i + 1, t->cpu);
	return -ENOMEM;
}

static int bench_host_slab(struct smm_bench_thread *t, unsigned int loops,
			   u64 *ns)
{
	struct smm_bench_work *w = t->w;
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | (w->r->a.zero ? __GFP_ZERO : 0);
	unsigned int batch = w->r->a.batch, l, i;
	u64 t0;

	t0 = ktime_get_ns();
	for (l = 0; l < loops; l++) {
		for (i = 0; i < batch; i++) {
			t->host_obj[i] = kmem_cache_alloc(w->host_cache, gfp);
			if (unlikely(!t->host_obj[i]))
				goto fail;
		}
		for (i = 0; i < batch; i++)
			kmem_cache_free(w->host_cache, t->host_obj[i]);
	}
	*ns = ktime_get_ns() - t0;
	return 0;
fail:
	while (i--)
		kmem_cache_free(w->host_cache, t->host_obj[i]);
	pr_info("ctl: bench: the host's cache had no object for allocation %u of the batch (cpu %u)\n",
		i + 1, t->cpu);
	return -ENOMEM;
}

static int bench_shadow_slab(struct smm_bench_thread *t, unsigned int loops,
			     u64 *ns)
{
	struct smm_bench_work *w = t->w;
	unsigned int gfp = SMM_GFP_KERNEL | (w->r->a.zero ? SMM___GFP_ZERO : 0);
	unsigned int batch = w->r->a.batch, l, i;
	struct smm_machine *m = w->m;
	u64 t0;

	t0 = ktime_get_ns();
	for (l = 0; l < loops; l++) {
		for (i = 0; i < batch; i++) {
			t->shadow_obj[i] = smm_kmem_cache_alloc(m, w->shadow_cache,
								gfp);
			if (unlikely(!t->shadow_obj[i]))
				goto fail;
		}
		for (i = 0; i < batch; i++)
			smm_kmem_cache_free(m, w->shadow_cache, t->shadow_obj[i]);
	}
	*ns = ktime_get_ns() - t0;
	return 0;
fail:
	while (i--)
		smm_kmem_cache_free(m, w->shadow_cache, t->shadow_obj[i]);
	pr_info("ctl: bench: the shadow's cache had no object for allocation %u of the batch (cpu %u)\n",
		i + 1, t->cpu);
	return -ENOMEM;
}

/* A timed phase runs in chunks of this many pairs (at least one loop). */
#define SMM_BENCH_CHUNK_PAIRS	4096

/*
 * One side's @loops loops of a phase, in chunks of SMM_BENCH_CHUNK_PAIRS
 * pairs, their ns summed into *@total: between chunks the thread looks
 * for a stop (a fatal signal to the writer, another thread failed), so
 * that a killed run ends within a chunk, not at the end of a phase that
 * takes seconds under TCG. Each chunk reads the clock twice more: a
 * few hundred instructions against a chunk's million, on both sides.
 * mirror=on: the host's loop with the mirror's probes on for this
 * thread, attached before the first chunk, detached after the last.
 */
static int bench_timed(struct smm_bench_thread *t, bool host,
		       unsigned int loops, u64 *total)
{
	struct smm_bench_work *w = t->w;
	smm_bench_fn run = host ? w->host_fn : w->shadow_fn;
	unsigned int per = max(1U, SMM_BENCH_CHUNK_PAIRS / w->r->a.batch);
	bool mirror = !host && w->r->a.mirror;
	unsigned int done, n;
	u64 ns, mirrored, missed;
	int ret = 0;

	if (mirror) {
		ret = smm_mirror_bench_on(w->m, current->pid);
		if (ret)
			return ret;
	}
	*total = 0;
	for (done = 0; done < loops; done += n) {
		if (READ_ONCE(w->stop) || READ_ONCE(w->failed)) {
			ret = -EINTR;
			break;
		}
		n = min(per, loops - done);
		ret = run(t, n, &ns);
		if (ret)
			break;
		*total += ns;
	}
	if (ret == -EINTR && t == w->t)
		w->loops_done = done;
	if (mirror) {
		smm_mirror_bench_off(w->m, &mirrored, &missed);
		t->mirrored += mirrored;
		t->mirror_missed += missed;
	}
	return ret;
}

/*
 * One timed phase of repetition @i, host or shadow: with cpus > 1 the
 * first thread first runs it alone (the others asleep in bench_meet()),
 * then every thread at once.
 */
static int bench_phase(struct smm_bench_thread *t, unsigned int i,
		       bool host, unsigned int *meetings)
{
	struct smm_bench_work *w = t->w;
	unsigned int loops = w->r->a.loops;
	int ret;

	cond_resched();
	if (w->nr > 1) {
		if (!bench_meet(t, meetings, false))
			return -EINTR;
		if (t == w->t) {
			ret = bench_timed(t, host, loops,
					  host ? &t->host1_total[i] :
						 &t->shadow1_total[i]);
			if (ret)
				return ret;
		}
		/* the others sleep until the first is done alone */
		if (!bench_meet(t, meetings, false))
			return -EINTR;
	}
	if (!bench_meet(t, meetings, true))
		return -EINTR;
	return bench_timed(t, host, loops,
			   host ? &t->host_total[i] : &t->shadow_total[i]);
}

static int bench_thread(void *data)
{
	struct smm_bench_thread *t = data;
	struct smm_bench_work *w = t->w;
	unsigned int reps = w->r->a.reps, meetings = 0, i;
	u64 warm;
	int ret;

	/* one untimed loop each: the per-cpu lists and caches warm */
	ret = bench_timed(t, true, 1, &warm);
	if (!ret)
		ret = bench_timed(t, false, 1, &warm);
	for (i = 0; i < reps && !ret; i++) {
		if (t == w->t)
			w->reps_done = i;
		ret = bench_phase(t, i, true, &meetings);
		if (!ret)
			ret = bench_phase(t, i, false, &meetings);
	}
	if (ret && ret != -EINTR) {
		WRITE_ONCE(w->failed, true);
		wake_up_all(&w->wq);
	}
	t->ret = ret;
	/* The module may go once done is complete: leave without returning here. */
	kthread_complete_and_exit(&t->done, 0);
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
			"order=%u batch=%u zero=%d reps=%u loops=%u cpu=%u cpus=%u nid=%d verify=%d host_init_on_alloc=%d slab=%u mirror=%d",
			a->order, a->batch, a->zero, a->reps, a->loops, a->cpu,
			a->cpus, r->nid, r->verify, r->host_init_on_alloc,
			a->slab, a->mirror);
	if (a->mirror)
		len += scnprintf(buf + len, size - len,
				 " mirrored=%llu mirror_missed=%llu",
				 r->mirrored, r->mirror_missed);
	len = put_stats(buf, len, size, "host_ns", r->host_ns, a->reps);
	len = put_stats(buf, len, size, "shadow_ns", r->shadow_ns, a->reps);
	len = put_stats(buf, len, size, "ratio", r->ratio, a->reps);
	if (a->cpus > 1) {
		len = put_stats(buf, len, size, "host1_ns", r->host1_ns, a->reps);
		len = put_stats(buf, len, size, "shadow1_ns", r->shadow1_ns, a->reps);
		len = put_stats(buf, len, size, "host_scale", r->host_scale, a->reps);
		len = put_stats(buf, len, size, "shadow_scale", r->shadow_scale, a->reps);
		len = put_stats(buf, len, size, "scale", r->scale, a->reps);
	}
	if (reps) {
		len = put_list(buf, len, size, " host_ns=", r->host_ns, a->reps);
		len = put_list(buf, len, size, " shadow_ns=", r->shadow_ns, a->reps);
		len = put_list(buf, len, size, " ratio=", r->ratio, a->reps);
	}
	if (reps && a->cpus > 1)
		put_list(buf, len, size, " scale=", r->scale, a->reps);
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

/* @a / @b in thousandths, rounded; @b 0 counts as 1. */
static u64 bench_thousandths(u64 a, u64 b)
{
	return div64_u64(a * 1000 + b / 2, b ?: 1);
}

/*
 * The two sides of run @w; for slab=SIZE their caches, of SIZE-byte
 * objects, no flags, created for the run (the shadow's under smm_lock:
 * the views walk its cache list).
 */
static int bench_sides(struct smm_bench_work *w)
{
	const struct smm_bench_args *a = &w->r->a;
	struct smm_machine *m = w->m;

	w->host_fn = bench_host;
	/* mirror=on: the host's loop, with the mirror on (bench_timed()) */
	w->shadow_fn = a->mirror ? bench_host : bench_shadow;
	if (!a->slab)
		return 0;
	w->host_fn = bench_host_slab;
	w->shadow_fn = bench_shadow_slab;
	w->host_cache = kmem_cache_create("smm_bench", a->slab, 0, 0, NULL);
	if (!w->host_cache) {
		pr_info("ctl: bench: the host made no cache of %u-byte objects\n",
			a->slab);
		return -ENOMEM;
	}
	mutex_lock(&smm_lock);
	if (smm_slab_is_available(m))
		w->shadow_cache = smm_kmem_cache_create(m, "smm_bench", a->slab,
							0, 0);
	mutex_unlock(&smm_lock);
	if (!w->shadow_cache) {
		pr_info("ctl: bench: the shadow made no cache of %u-byte objects\n",
			a->slab);
		return -ENOMEM;
	}
	return 0;
}

/* The run's caches, threads' arrays, and the run. */
static void bench_free(struct smm_bench_work *w)
{
	unsigned int k;

	if (!w)
		return;
	/* every object was freed: neither destroy finds one left */
	kmem_cache_destroy(w->host_cache);
	if (w->shadow_cache) {
		mutex_lock(&smm_lock);
		smm_kmem_cache_destroy(w->m, w->shadow_cache);
		mutex_unlock(&smm_lock);
	}
	for (k = 0; k < w->nr; k++) {
		kfree(w->t[k].host);
		kfree(w->t[k].shadow);
	}
	kvfree(w);
}

/*
 * Runs without smm_lock, m->busy set (as smm_stress_run()). With cpus=N
 * the threads are bound to CPUs cpu .. cpu + N - 1 and a repetition's
 * figure is the slowest thread's: per alloc+free pair on each CPU while
 * all N run; N x the first CPU's figure alone over it is the scaling.
 */
int smm_bench_run(struct smm_machine *m, const struct smm_bench_args *a)
{
	struct smm_bench_result *r;
	struct smm_bench_work *w;
	unsigned int i, k;
	u64 pairs;
	int ret;

	for (k = 0; k < a->cpus; k++) {
		unsigned int cpu = a->cpu + k;

		if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
			if (k)
				pr_info("ctl: bench cpus=%u from cpu=%u needs CPU %u, which is not online\n",
					a->cpus, a->cpu, cpu);
			else
				pr_info("ctl: bench cpu=%u is not an online CPU\n",
					cpu);
			return -EINVAL;
		}
	}
	/* about 1 KiB a thread: not necessarily contiguous */
	w = kvzalloc(struct_size(w, t, a->cpus), GFP_KERNEL);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!w || !r) {
		ret = -ENOMEM;
		goto out;
	}
	w->nr = a->cpus;
	w->m = m;
	w->r = r;
	r->a = *a;
	ret = bench_sides(w);
	if (ret)
		goto out;
	for (k = 0; k < w->nr; k++) {
		struct smm_bench_thread *t = &w->t[k];

		t->w = w;
		t->cpu = a->cpu + k;
		t->nid = smm_numa_node_id(m, t->cpu);
		init_completion(&t->done);
		t->host = kcalloc(a->batch, sizeof(*t->host), GFP_KERNEL);
		t->shadow = kcalloc(a->batch, sizeof(*t->shadow), GFP_KERNEL);
		if (!t->host || !t->shadow) {
			ret = -ENOMEM;
			goto out;
		}
	}
	r->nid = w->t[0].nid;
	r->verify = READ_ONCE(m->cfg.verify);
	r->host_init_on_alloc = want_init_on_alloc(GFP_KERNEL);
	atomic_set(&w->met, 0);
	init_waitqueue_head(&w->wq);
	/* all created before any runs: a thread not created stops the rest */
	for (k = 0; k < w->nr; k++) {
		struct task_struct *task;

		task = kthread_create_on_node(bench_thread, &w->t[k],
					      cpu_to_node(w->t[k].cpu),
					      "smm_bench/%u", w->t[k].cpu);
		if (IS_ERR(task)) {
			ret = PTR_ERR(task);
			/* never woken: they exit without running bench_thread() */
			while (k--)
				kthread_stop(w->t[k].task);
			goto out;
		}
		kthread_bind(task, w->t[k].cpu);
		w->t[k].task = task;
	}
	for (k = 0; k < w->nr; k++)
		wake_up_process(w->t[k].task);
	ret = 0;
	for (k = 0; k < w->nr; k++) {
		/* a fatal signal wakes the threads asleep in bench_meet() */
		smm_wait_worker(&w->t[k].done, &w->stop, &w->wq);
		/* a thread's own failure first, then a stop */
		if (w->t[k].ret && (!ret || ret == -EINTR))
			ret = w->t[k].ret;
	}
	if (ret == -EINTR && w->stop)
		pr_info("ctl: bench: stopped by a fatal signal after %u of %u repetitions, %u of %u loops into the next phase, nothing recorded\n",
			w->reps_done, a->reps, w->loops_done, a->loops);
	if (ret)
		goto out;

	pairs = (u64)a->loops * a->batch;
	r->mirrored = w->t[0].mirrored;
	r->mirror_missed = w->t[0].mirror_missed;
	for (i = 0; i < a->reps; i++) {
		u64 host = 0, shadow = 0, host1, shadow1;

		for (k = 0; k < w->nr; k++) {
			host = max(host, w->t[k].host_total[i]);
			shadow = max(shadow, w->t[k].shadow_total[i]);
		}
		r->host_ns[i] = div64_u64(host + pairs / 2, pairs);
		r->shadow_ns[i] = div64_u64(shadow + pairs / 2, pairs);
		r->ratio[i] = bench_thousandths(shadow, host);
		if (w->nr == 1)
			continue;
		host1 = w->t[0].host1_total[i];
		shadow1 = w->t[0].shadow1_total[i];
		r->host1_ns[i] = div64_u64(host1 + pairs / 2, pairs);
		r->shadow1_ns[i] = div64_u64(shadow1 + pairs / 2, pairs);
		r->host_scale[i] = bench_thousandths(w->nr * host1, host);
		r->shadow_scale[i] = bench_thousandths(w->nr * shadow1, shadow);
		r->scale[i] = bench_thousandths(r->shadow_scale[i],
						r->host_scale[i]);
	}
	mutex_lock(&smm_lock);
	smm_bench_results[smm_bench_nr++ % SMM_BENCH_KEEP] = *r;
	pr_info("bench: %s\n", bench_format(r, false));
	mutex_unlock(&smm_lock);
out:
	bench_free(w);
	kfree(r);
	return ret;
}
