/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debugfs `ctl` command language, parsed and executed by portable code
 * so that the host tests exercise exactly what the module runs.
 */
#ifndef _SHADOWMM_CTL_H
#define _SHADOWMM_CTL_H

#include "machine.h"
#include "parameters.h"

/* Longest command accepted, newline included. */
#define SMM_CTL_MAX	256

/*
 * Execute one command. Returns 0, or a negative errno with the machine
 * unchanged: -EINVAL for a malformed or out-of-range command, -ENOMEM when a
 * well-formed allocation cannot be satisfied, -EBUSY when a range is in use
 * by the shadow's own metadata. Every outcome is explained through @log.
 * A long command (workload, count=, free, kfree) stopped by a fatal
 * signal returns -EINTR, what it did recorded (held), the rest not done.
 */
int smm_ctl_exec(struct smm_machine *m, const char *cmd, smm_log_fn log,
		 void *ctx);

/*
 * The whole grammar, one line a command form ("WORD ARGS...", the
 * command word first), then indented lines saying what the
 * placeholders take: what `cat ctl` and the `help` command print.
 */
void smm_ctl_help(smm_emit_fn emit, void *ctx);

/* stress ms=: the longest run */
#define SMM_STRESS_MAX_MS	60000

/*
 * `stress ms=N [seed=S]`, in the same grammar as every other command.
 * Returns 1 with *@ms and *@seed set, 0 when @cmd is not a stress command
 * (nothing logged: smm_ctl_exec() takes it), or -EINVAL, explained
 * through @log.
 */
int smm_ctl_parse_stress(const char *cmd, unsigned int *ms, u32 *seed,
			 smm_log_fn log, void *ctx);

/* bench: the limits of its arguments */
#define SMM_BENCH_MIN_REPS	7
#define SMM_BENCH_MAX_REPS	31
#define SMM_BENCH_DEF_LOOPS	1000
#define SMM_BENCH_MAX_LOOPS	1000000
#define SMM_BENCH_MAX_BATCH	1024
#define SMM_BENCH_MAX_CPU	4095
#define SMM_BENCH_MAX_CPUS	64
/* pages held at once on each side: (batch * cpus) << order, 16 MiB */
#define SMM_BENCH_MAX_HELD	((16UL << 20) >> PAGE_SHIFT)
/*
 * pages allocated per repetition, (loops * batch * cpus) << order, with
 * cpus > 1 one more cpus' worth (the first CPU's run alone): 2^22
 */
#define SMM_BENCH_MAX_REP_PAGES	(4UL << 20)
/* ... and with gfp=zero, pages zeroed per repetition: 2^18, 1 GiB */
#define SMM_BENCH_MAX_ZERO_PAGES	(256UL << 10)
/* slab=SIZE: object sizes, up to the largest kmalloc cache's (8 KiB) */
#define SMM_BENCH_MIN_SLAB	8
#define SMM_BENCH_MAX_SLAB	8192

struct smm_bench_args {
	unsigned int order;
	unsigned int reps;	/* host and shadow repetitions, alternating */
	unsigned int loops;	/* per repetition */
	unsigned int batch;	/* allocations, then as many frees, per loop */
	unsigned int cpu;	/* the CPU the (first) timing thread is bound to */
	unsigned int cpus;	/* threads at once, on CPUs cpu, cpu + 1, ... */
	bool zero;		/* __GFP_ZERO on both sides */
	/*
	 * slab=SIZE: kmem_cache_alloc() and kmem_cache_free() on a cache of
	 * objects of SIZE bytes on each side instead of pages (0: pages)
	 */
	unsigned int slab;
	/*
	 * mirror=on: both sides are the host's loop, the second with the
	 * live mirror's probes attached (for the run's thread alone)
	 */
	bool mirror;
};

/*
 * `bench order=N|slab=SIZE [reps=R] [loops=L] [batch=B] [gfp=zero]
 * [cpu=C] [cpus=N] [mirror=on]`, in the same grammar as every other
 * command (the module runs it: src/kernel/bench.c). Returns 1 with *@a filled, 0 when @cmd is not a
 * bench command (nothing logged), or -EINVAL, explained through @log.
 */
int smm_ctl_parse_bench(const char *cmd, struct smm_bench_args *a,
			smm_log_fn log, void *ctx);

struct smm_mirror_filter;

/*
 * `mirror on [pid=P] [comm=NAME] [order=LO[-HI]] [nid=N]` and
 * `mirror off`, in the same grammar as every other command (the module
 * runs them: src/kernel/mirror.c). Returns 1 for on with *@f filled, 2
 * for off, 0 when @cmd is not a mirror command (nothing logged), or
 * -EINVAL, explained through @log.
 */
int smm_ctl_parse_mirror(const char *cmd, struct smm_mirror_filter *f,
			 smm_log_fn log, void *ctx);

/* An smm_log_fn that prints nothing. */
void smm_log_discard(void *ctx, const char *fmt, ...) __printf(2, 3);

#endif /* _SHADOWMM_CTL_H */
