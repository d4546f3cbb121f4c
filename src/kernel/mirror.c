// SPDX-License-Identifier: GPL-2.0
/*
 * The live mirror: probes on the host's kmem:mm_page_alloc, mm_page_free
 * and mm_page_free_batched replay every host page allocation (that the
 * filter selects) and every free of a mirrored pfn into the shadow,
 * through the portable core (src/mirror.c).
 *
 * The probes run wherever the host allocates or frees pages: process,
 * softirq and hardirq context, under host locks. They disable interrupts
 * (the core's per-cpu re-entry guard and counters need the CPU to stay),
 * take only the mirror's and the shadow's own spinlocks, never sleep,
 * never allocate host memory (the pfn table and the log are allocated at
 * insmod, sized by mirror_entries= and mirror_log_entries=), and the
 * shadow allocator they call never calls the host's. The shadow's own
 * pages are host pages the module holds until rmmod, so no host free of
 * them happens while the probes are attached.
 *
 * Why one pfn's events replay in order: see src/mirror.c.
 *
 * Attach: free probes first, then alloc, so that every allocation
 * mirrored has its free seen. Detach: the reverse, then
 * tracepoint_synchronize_unregister() before anything the probes touch
 * changes; ctl reset and rmmod detach first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/moduleparam.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/tracepoint.h>

#include "shadowmm/ctl.h"
#include "shadowmm/kernel/module.h"
#include "host_compat.h"

static unsigned long mirror_entries = 65536;
module_param(mirror_entries, ulong, 0444);
MODULE_PARM_DESC(mirror_entries, "Host blocks the mirror can hold at once (its pfn table, allocated at load), 16..4194304 (default 65536)");

static unsigned int mirror_log_entries = 16384;
module_param(mirror_log_entries, uint, 0444);
MODULE_PARM_DESC(mirror_log_entries, "Events debugfs mirror/log keeps, the newest, 0..1048576 (default 16384; 0: no log)");

struct smm_mirror smm_mirror;

static struct {
	const char *name;
	void *probe;
	struct tracepoint *tp;
} smm_mirror_tps[3];

enum { SMM_TP_FREE, SMM_TP_FREE_BATCHED, SMM_TP_ALLOC };

/* The shadow gfp bits of a host gfp (what the shadow allocator acts on). */
static unsigned int smm_host_gfp(gfp_t gfp)
{
	unsigned int s = 0;

	if (gfp & __GFP_DMA)
		s |= SMM___GFP_DMA;
	if (gfp & __GFP_HIGHMEM)
		s |= SMM___GFP_HIGHMEM;
	if (gfp & __GFP_DMA32)
		s |= SMM___GFP_DMA32;
	if (gfp & __GFP_MOVABLE)
		s |= SMM___GFP_MOVABLE;
	if (gfp & __GFP_RECLAIMABLE)
		s |= SMM___GFP_RECLAIMABLE;
	if (gfp & __GFP_HIGH)
		s |= SMM___GFP_HIGH;
	if (smm_host_gfp_atomic(gfp))
		s |= SMM___GFP_ATOMIC;
	if (gfp & __GFP_THISNODE)
		s |= SMM___GFP_THISNODE;
	if (gfp & __GFP_NOWARN)
		s |= SMM___GFP_NOWARN;
	if (gfp & __GFP_DIRECT_RECLAIM)
		s |= SMM___GFP_DIRECT_RECLAIM;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		s |= SMM___GFP_KSWAPD_RECLAIM;
	if (gfp & __GFP_NORETRY)
		s |= SMM___GFP_NORETRY;
	return s;
}

static void smm_probe_alloc(void *data, struct page *page, unsigned int order,
			    gfp_t gfp, int migratetype)
{
	struct smm_mirror_event ev = { .type = SMM_MIRROR_ALLOC };
	struct smm_machine *m = data;
	unsigned long flags;
	int nid;

	local_irq_save(flags);
	ev.cpu = smp_processor_id();
	nid = page ? page_to_nid(page) : NUMA_NO_NODE;
	if (!smm_mirror_filter_match(&smm_mirror.filter, current->pid,
				     current->comm, order, nid)) {
		smm_mirror_count(&smm_mirror, ev.cpu, SMM_MST_ALLOCS);
		smm_mirror_count(&smm_mirror, ev.cpu, SMM_MST_FILTERED);
	} else if (!page) {
		smm_mirror_count(&smm_mirror, ev.cpu, SMM_MST_ALLOCS);
		smm_mirror_count(&smm_mirror, ev.cpu, SMM_MST_HOST_FAIL);
	} else {
		ev.pfn = page_to_pfn(page);
		ev.order = order;
		ev.gfp = smm_mirror_gfp(smm_host_gfp(gfp), migratetype);
		ev.nid = smm_mirror_shadow_node(m, nid);
		ev.pid = current->pid;
		smm_mirror_apply(&smm_mirror, m, &ev);
	}
	local_irq_restore(flags);
}

static void smm_probe_free_common(struct smm_machine *m, struct page *page,
				  unsigned int order,
				  enum smm_mirror_type type)
{
	struct smm_mirror_event ev = { .type = type };
	unsigned long flags;

	local_irq_save(flags);
	ev.cpu = smp_processor_id();
	ev.pfn = page_to_pfn(page);
	ev.order = order;
	ev.nid = NUMA_NO_NODE;
	ev.pid = current->pid;
	smm_mirror_apply(&smm_mirror, m, &ev);
	local_irq_restore(flags);
}

static void smm_probe_free(void *data, struct page *page, unsigned int order)
{
	smm_probe_free_common(data, page, order, SMM_MIRROR_FREE);
}

static void smm_probe_free_batched(void *data, struct page *page)
{
	smm_probe_free_common(data, page, 0, SMM_MIRROR_FREE_BATCHED);
}

static void smm_find_tp(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(smm_mirror_tps); i++)
		if (!strcmp(tp->name, smm_mirror_tps[i].name))
			smm_mirror_tps[i].tp = tp;
}

int smm_mirror_module_init(void)
{
	int ret;

	if (mirror_entries < SMM_MIRROR_ENTRIES_MIN ||
	    mirror_entries > SMM_MIRROR_ENTRIES_MAX) {
		pr_err("invalid mirror_entries=%lu: expected %lu..%lu\n",
		       mirror_entries, (unsigned long)SMM_MIRROR_ENTRIES_MIN,
		       (unsigned long)SMM_MIRROR_ENTRIES_MAX);
		return -EINVAL;
	}
	if (mirror_log_entries > SMM_MIRROR_LOG_MAX) {
		pr_err("invalid mirror_log_entries=%u: expected 0..%lu\n",
		       mirror_log_entries, (unsigned long)SMM_MIRROR_LOG_MAX);
		return -EINVAL;
	}
	ret = smm_mirror_init(&smm_mirror, mirror_entries, mirror_log_entries,
			      nr_cpu_ids);
	if (ret) {
		pr_err("mirror: no memory for %lu table entries and %u log entries\n",
		       mirror_entries, mirror_log_entries);
		return ret;
	}
	smm_mirror_tps[SMM_TP_FREE].name = "mm_page_free";
	smm_mirror_tps[SMM_TP_FREE].probe = smm_probe_free;
	smm_mirror_tps[SMM_TP_FREE_BATCHED].name = "mm_page_free_batched";
	smm_mirror_tps[SMM_TP_FREE_BATCHED].probe = smm_probe_free_batched;
	smm_mirror_tps[SMM_TP_ALLOC].name = "mm_page_alloc";
	smm_mirror_tps[SMM_TP_ALLOC].probe = smm_probe_alloc;
	for_each_kernel_tracepoint(smm_find_tp, NULL);
	return 0;
}

void smm_mirror_module_exit(void)
{
	smm_mirror_destroy(&smm_mirror);
}

/* Every probe off, the alloc one first; none runs after the return. */
static void smm_mirror_probes_off(struct smm_machine *m)
{
	int i;

	for (i = ARRAY_SIZE(smm_mirror_tps) - 1; i >= 0; i--)
		tracepoint_probe_unregister(smm_mirror_tps[i].tp,
					    smm_mirror_tps[i].probe, m);
	tracepoint_synchronize_unregister();
}

/*
 * Every probe on, the free ones first (so that every allocation mirrored
 * has its free seen); on a failure none is left on.
 */
static int smm_mirror_probes_on(struct smm_machine *m)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(smm_mirror_tps); i++) {
		ret = tracepoint_probe_register(smm_mirror_tps[i].tp,
						smm_mirror_tps[i].probe, m);
		if (ret) {
			pr_info("ctl: mirror: kmem:%s: probe not attached: %d\n",
				smm_mirror_tps[i].name, ret);
			while (i--)
				tracepoint_probe_unregister(smm_mirror_tps[i].tp,
							    smm_mirror_tps[i].probe,
							    m);
			tracepoint_synchronize_unregister();
			return ret;
		}
	}
	return 0;
}

/* -ENOENT, said, when the host lacks one of the kmem tracepoints. */
static int smm_mirror_have_tps(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(smm_mirror_tps); i++) {
		if (!smm_mirror_tps[i].tp) {
			pr_info("ctl: mirror: the host has no kmem:%s tracepoint\n",
				smm_mirror_tps[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

/* Detach every probe of @m, the alloc one first; smm_lock held. */
void smm_mirror_detach(struct smm_machine *m)
{
	u64 sum[SMM_MIRROR_NR_STATS];

	if (!m->mirroring)
		return;
	/* no probe runs past here: the machine may change or go */
	smm_mirror_probes_off(m);
	m->mirroring = false;
	smm_mirror_stats_sum(&smm_mirror, sum);
	pr_info("mirror: off: %llu of %llu host allocations mirrored, %llu frees, %llu unmatched, %llu dropped\n",
		sum[SMM_MST_MIRRORED], sum[SMM_MST_ALLOCS], sum[SMM_MST_FREES],
		sum[SMM_MST_UNMATCHED], sum[SMM_MST_DROPPED]);
}

static int smm_mirror_attach(struct smm_machine *m,
			     const struct smm_mirror_filter *f)
{
	int ret;

	ret = smm_mirror_have_tps();
	if (ret)
		return ret;
	if (f->host_nid >= 0 && !node_state(f->host_nid, N_MEMORY)) {
		pr_info("ctl: mirror: nid=%d is not a host node with memory\n",
			f->host_nid);
		return -EINVAL;
	}
	if (m->busy) {
		pr_info("ctl: a stress or bench run is going on\n");
		return -EBUSY;
	}
	if (!m->booted || m->cfg.upto != SMM_UPTO_BUDDY) {
		pr_info("ctl: no buddy allocator (reset upto=buddy)\n");
		return -EINVAL;
	}
	/*
	 * A fresh boot of the shadow: what mirror/log records then replays
	 * from a state the host build rebuilds from the log's header.
	 */
	smm_machine_teardown(m);
	ret = smm_boot(m, smm_log_printk, NULL);
	if (ret)
		return ret;
	smm_mirror_clear(&smm_mirror);
	smm_mirror.filter = *f;
	m->mirror_detach = smm_mirror_detach;
	m->mirroring = true;
	ret = smm_mirror_probes_on(m);
	if (ret) {
		m->mirroring = false;
		return ret;
	}
	pr_info("ctl: mirror on (pid %d comm '%s' order %u-%u nid %d)\n",
		f->pid, f->comm, f->order_lo, f->order_hi, f->host_nid);
	return 0;
}

/*
 * bench mirror=on (src/kernel/bench.c), m->busy held by the bench, the
 * mirror off: the probes on for the host allocations of task @pid alone
 * (every host free is looked up, as with `mirror on`), without the fresh
 * shadow boot `mirror on` does: the bench's own allocations are all
 * freed before smm_mirror_bench_off(), which releases whatever else is
 * left. Starts the mirror's counters and log afresh, as `mirror on` does.
 */
int smm_mirror_bench_on(struct smm_machine *m, int pid)
{
	int ret;

	ret = smm_mirror_have_tps();
	if (ret)
		return ret;
	smm_mirror_clear(&smm_mirror);
	smm_mirror_filter_any(&smm_mirror.filter);
	smm_mirror.filter.pid = pid;
	return smm_mirror_probes_on(m);
}

/*
 * The probes off again; *@mirrored the allocations mirrored since
 * smm_mirror_bench_on(), *@missed those the filter passed but the mirror
 * could not follow (no shadow block, a full table, dropped).
 */
void smm_mirror_bench_off(struct smm_machine *m, u64 *mirrored, u64 *missed)
{
	u64 sum[SMM_MIRROR_NR_STATS];

	smm_mirror_probes_off(m);
	smm_mirror_stats_sum(&smm_mirror, sum);
	*mirrored = sum[SMM_MST_MIRRORED];
	*missed = sum[SMM_MST_SHADOW_FAIL] + sum[SMM_MST_TABLE_FULL] +
		  sum[SMM_MST_DROPPED];
	/* no probe runs now: nothing else touches the table */
	smm_mirror_release(&smm_mirror, m);
	smm_mirror_filter_any(&smm_mirror.filter);
}

int smm_mirror_ctl(bool on, const struct smm_mirror_filter *f)
{
	struct smm_machine *m;
	int ret = 0;

	mutex_lock(&smm_lock);
	m = smm_machine;
	if (!m)
		ret = -ENODEV;
	else if (on && m->mirroring)
		ret = -EBUSY;
	else if (on)
		ret = smm_mirror_attach(m, f);
	else
		smm_mirror_detach(m);
	if (ret == -EBUSY && m && m->mirroring)
		pr_info("ctl: the mirror is already on\n");
	mutex_unlock(&smm_lock);
	return ret;
}

/*
 * mirror/compare, the host's half: its zones' free_area[].nr_free in
 * buddyinfo's layout, read without zone->lock (a snapshot, as a reader
 * of /proc/buddyinfo gets one moment of it).
 */
void smm_show_host_buddyinfo(smm_emit_fn emit, void *ctx)
{
	int nid, z, o;

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];

			if (!populated_zone(zone))
				continue;
			emit(ctx, "Node %d, zone %8s ", nid, zone->name);
			for (o = 0; o < SMM_HOST_NR_ORDERS; o++)
				emit(ctx, "%6lu ",
				     READ_ONCE(zone->free_area[o].nr_free));
			emit(ctx, "\n");
		}
	}
}
