/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thin layer that lets the portable core build both inside the module
 * and as a userspace program on the host, the way the kernel's own
 * tools/testing/memblock builds mm/memblock.c: the core includes only this
 * header, never a kernel header directly.
 */
#ifndef _SHADOWMM_COMPAT_H
#define _SHADOWMM_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/minmax.h>
#include <linux/align.h>
#include <linux/list.h>
#include <linux/printk.h>
#include <linux/bug.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/cache.h>
#include <linux/io.h>
#include <linux/spinlock.h>
#include <linux/smp.h>
#include <linux/atomic.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/irqflags.h>
#include <linux/sort.h>
#include <asm/barrier.h>

#define SMM_PHYS_ADDR_MAX	PHYS_ADDR_MAX

/* Shadow memory is ordinary RAM in the host's direct map. */
static inline void *smm_phys_to_virt(phys_addr_t pa)
{
	return phys_to_virt(pa);
}

static inline phys_addr_t smm_virt_to_phys(const void *va)
{
	return virt_to_phys((void *)va);
}

/*
 * The shadow's locks are the kernel's own (zone->lock and the pcp lock,
 * taken irqsave as v6.1 takes them) so lockdep sees them.
 */
#define smm_spinlock_t				spinlock_t
#define smm_spin_lock_init(l)			spin_lock_init(l)
#define smm_spin_lock_irqsave(l, flags)		spin_lock_irqsave(l, flags)
#define smm_spin_unlock_irqrestore(l, flags)	spin_unlock_irqrestore(l, flags)
/*
 * Another lock of a class already held, irqs already off: lockdep
 * subclass @sub (1..7) keeps it from looking recursive (check holds
 * every pcp lock of a zone this way).
 */
#define smm_spin_lock_nested(l, sub)		spin_lock_nested(l, sub)
/* A lock of another class, irqs already off. */
#define smm_spin_lock(l)			spin_lock(l)
/* The pcp lock on the fast paths, as v6.1's pcp_spin_trylock() */
#define smm_spin_trylock(l)			spin_trylock(l)
#define smm_spin_unlock(l)			spin_unlock(l)

/*
 * A per-CPU record written without a lock (the rmqueue ring): the
 * writer's interrupts off, and barriers between the record and its
 * sequence word, which a reader on another CPU checks around its copy.
 */
#define smm_local_irq_save(flags)	local_irq_save(flags)
#define smm_local_irq_restore(flags)	local_irq_restore(flags)
/* orders a record's fields against its sequence word, writer side */
#define smm_smp_wmb()			smp_wmb()
/* and reader side: the sequence word, the copy, the sequence word again */
#define smm_smp_rmb()			smp_rmb()
/* a read that races with a writer by design (KCSAN: not a data race) */
#define smm_data_race(expr)		data_race(expr)

/* sort() of lib/sort.c */
#define smm_sort(base, num, size, cmp)	sort(base, num, size, cmp, NULL)

/* Machine-wide sequences and once-only flags, without a lock. */
#define smm_atomic64_t			atomic64_t
#define smm_atomic64_set(a, v)		atomic64_set(a, v)
#define smm_atomic64_inc_return(a)	atomic64_inc_return(a)
#define smm_atomic64_read(a)		atomic64_read(a)
/* true for the one caller that changes *@flag from 0 to 1 */
#define smm_test_and_set_once(flag)	(!xchg(flag, 1))

/* Debug work the kernel does only with CONFIG_DEBUG_VM (the map's poison) */
#define SMM_DEBUG_VM		IS_ENABLED(CONFIG_DEBUG_VM)

/* The CPU whose per-cpu lists an allocation uses; pins the task to it. */
#define smm_get_cpu()		get_cpu()
#define smm_put_cpu()		put_cpu()
#define smm_nr_cpu_ids()	nr_cpu_ids
/* The real node of a CPU; shadow node ids are real node ids. */
#define smm_cpu_to_node(cpu)	cpu_to_node(cpu)
/* Keep a long run on one CPU (and its per-cpu lists) without pinning it. */
#define smm_migrate_disable()	migrate_disable()
#define smm_migrate_enable()	migrate_enable()

/*
 * A long ctl command (workload ops=, alloc count=, free all) is a loop in
 * the writer's context, under the ctl mutex: a scheduling point, and
 * whether the writer is being killed (the loop then stops with -EINTR).
 */
#define smm_cond_resched()		cond_resched()
#define smm_fatal_signal_pending()	fatal_signal_pending(current)

#else
/*
 * The host build (selftests/unit) supplies the same names from libc; its
 * shim lives with the host tests, which add their directory to the
 * include path.
 */
#include "compat_user.h"
#endif /* __KERNEL__ */

#endif /* _SHADOWMM_COMPAT_H */
