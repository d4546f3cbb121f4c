// SPDX-License-Identifier: GPL-2.0
/*
 * How long a stretch of the loading task's own work took, without the
 * time it spent off the CPU: make bench's init figure.
 *
 * smm_boot() allocates from the host with GFP_KERNEL (the per-cpu
 * pagesets, the slab state, each cache's per-cpu slabs), and each such
 * allocation may reschedule under CONFIG_PREEMPT_VOLUNTARY. Whatever
 * runs then (a kworker, journald, under -icount every instruction of
 * it) was inside the wall-clock window, though none of it is the
 * pipeline's: in the guest's 128M load it added about 466k of 2.8M
 * instructions, in every load of a boot alike, since under -icount the
 * tick falls at the same instruction each time. A preempt notifier on
 * the task sees each switch out and back, and the time between is
 * subtracted. Interrupts taken on the task's CPU stay in: they are
 * short, and the kernel does not separate them either without
 * CONFIG_IRQ_TIME_ACCOUNTING (Debian's kernels do not set it).
 */
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include "shadowmm/kernel/module.h"

#ifdef CONFIG_PREEMPT_NOTIFIERS
static void smm_oncpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct smm_oncpu *c = container_of(pn, struct smm_oncpu, pn);

	/* the NMI-safe clock: this runs inside the scheduler, rq locked */
	c->off_ns += ktime_get_mono_fast_ns() - c->out_at;
	c->switches++;
}

static void smm_oncpu_sched_out(struct preempt_notifier *pn,
				struct task_struct *next)
{
	struct smm_oncpu *c = container_of(pn, struct smm_oncpu, pn);

	c->out_at = ktime_get_mono_fast_ns();
}

static struct preempt_ops smm_oncpu_ops = {
	.sched_in = smm_oncpu_sched_in,
	.sched_out = smm_oncpu_sched_out,
};

void smm_oncpu_start(struct smm_oncpu *c)
{
	c->off_ns = 0;
	c->switches = 0;
	c->counted = true;
	preempt_notifier_init(&c->pn, &smm_oncpu_ops);
	preempt_notifier_inc();
	/* registered with preemption off: it is current's list */
	preempt_disable();
	preempt_notifier_register(&c->pn);
	preempt_enable();
	c->start = ktime_get_ns();
}

u64 smm_oncpu_stop(struct smm_oncpu *c, u64 *wall_ns)
{
	*wall_ns = ktime_get_ns() - c->start;
	preempt_disable();
	preempt_notifier_unregister(&c->pn);
	preempt_enable();
	preempt_notifier_dec();
	return *wall_ns - min(c->off_ns, *wall_ns);
}
#else
/* no preempt notifiers in this kernel: the wall clock, said so */
void smm_oncpu_start(struct smm_oncpu *c)
{
	c->off_ns = 0;
	c->switches = 0;
	c->counted = false;
	c->start = ktime_get_ns();
}

u64 smm_oncpu_stop(struct smm_oncpu *c, u64 *wall_ns)
{
	*wall_ns = ktime_get_ns() - c->start;
	return *wall_ns;
}
#endif
