/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel-only glue (module init/exit, region backends, debugfs)
 * shares. The portable core never includes this.
 */
#ifndef _SHADOWMM_KERNEL_MODULE_H
#define _SHADOWMM_KERNEL_MODULE_H

#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include "shadowmm/machine.h"
#include "shadowmm/mirror.h"

/* The one machine, and the lock every reader and writer of it holds. */
extern struct smm_machine *smm_machine;
extern struct mutex smm_lock;

void smm_log_printk(void *ctx, const char *fmt, ...) __printf(2, 3);

/*
 * The time of a stretch of the loading task's work without its time off
 * the CPU (src/kernel/oncpu.c: a preempt notifier; where the kernel has
 * none, counted is false and the two are the wall clock).
 */
struct smm_oncpu {
#ifdef CONFIG_PREEMPT_NOTIFIERS
	struct preempt_notifier pn;
#endif
	u64 start, out_at, off_ns;
	unsigned long switches;
	bool counted;
};

void smm_oncpu_start(struct smm_oncpu *c);
/* the time on the CPU since smm_oncpu_start(); *@wall_ns, all of it */
u64 smm_oncpu_stop(struct smm_oncpu *c, u64 *wall_ns);

/* Region backends (src/kernel/region.c). */
extern const char *const smm_backend_names[];
int smm_backend_lookup(const char *name);
unsigned long smm_region_node_limit(int backend, int nid);
int smm_region_acquire(struct smm_region *r, int backend,
		       unsigned long pages_per_node);
void smm_region_release(struct smm_region *r);

/*
 * ctl `stress` (src/kernel/stress.c): runs without smm_lock, m->busy set;
 * a fatal signal to the writer stops its threads at their next step,
 * -EINTR (what they did is logged and given back as at the end).
 */
int smm_stress_run(struct smm_machine *m, unsigned int ms, u32 seed);

/*
 * The writer of stress or bench waiting for a worker thread: woken every
 * 10 s (a long run is not a hung task) and by a fatal signal, which sets
 * *@stop for the worker to see and wakes @wq (NULL: none), where workers
 * may sleep; it still waits for the worker to end (it uses the machine
 * and its caller's memory). True if a signal came.
 */
struct wait_queue_head;
bool smm_wait_worker(struct completion *done, bool *stop,
		     struct wait_queue_head *wq);

/*
 * ctl `bench` (src/kernel/bench.c): likewise (a fatal signal stops it
 * after the repetition going on, nothing recorded); its results,
 * smm_lock held.
 */
struct smm_bench_args;
int smm_bench_run(struct smm_machine *m, const struct smm_bench_args *a);
void smm_bench_show(smm_emit_fn emit, void *ctx);

/*
 * The live mirror (src/kernel/mirror.c): its table and log are
 * allocated by smm_mirror_module_init() (the mirror_entries= and
 * mirror_log_entries= parameters, -EINVAL naming a bad one).
 */
extern struct smm_mirror smm_mirror;
int smm_mirror_module_init(void);
void smm_mirror_module_exit(void);
/* ctl `mirror on|off`: takes smm_lock; on resets the shadow first. */
int smm_mirror_ctl(bool on, const struct smm_mirror_filter *f);
/* Probes off and no longer running (nothing when off); smm_lock held. */
void smm_mirror_detach(struct smm_machine *m);
/* bench mirror=on: the probes for task @pid's allocations, and off. */
int smm_mirror_bench_on(struct smm_machine *m, int pid);
void smm_mirror_bench_off(struct smm_machine *m, u64 *mirrored, u64 *missed);
/* mirror/compare: the host's free_area counts in buddyinfo's layout. */
void smm_show_host_buddyinfo(smm_emit_fn emit, void *ctx);

/* debugfs (debugfs/). */
void smm_debugfs_init(void);
void smm_debugfs_exit(void);

#endif /* _SHADOWMM_KERNEL_MODULE_H */
