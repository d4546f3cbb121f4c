/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The offline replay (src/user/trace_replay.c, userspace only): page
 * allocator events recorded with stock tools (tracefs `trace` or
 * `trace_pipe` text, `trace-cmd report`) or the module's mirror/log, fed
 * line by line into a shadow machine through the mirror's core
 * (mirror.h), with the kernel's views of the result.
 */
#ifndef _SHADOWMM_REPLAY_H
#define _SHADOWMM_REPLAY_H

#include "mirror.h"

#define SMM_REPLAY_MAX_HOST_RANGES	16

/* What --show prints (at the end and every --every events). */
#define SMM_SHOW_BUDDYINFO	0x1
#define SMM_SHOW_PAGETYPEINFO	0x2
#define SMM_SHOW_EXTFRAG	0x4
#define SMM_SHOW_STATS		0x8

struct smm_replay_opts {
	/* the machine, unless the input's mirror-log header describes one */
	unsigned int nodes;
	u64 node_size;
	unsigned int cpus;
	enum smm_zone_layout zone_layout;
	unsigned long entries;
	/* the highest physical address the host build can back */
	phys_addr_t phys_limit;
	struct smm_mirror_filter filter;
	/* host pfn ranges -> host node, for traces that do not say */
	unsigned int nr_host_ranges;
	struct {
		unsigned long start, end;	/* [start, end) */
		int nid;
	} host_ranges[SMM_REPLAY_MAX_HOST_RANGES];
	unsigned long every;		/* 0: only at the end */
	unsigned int show;
};

struct smm_replay {
	struct smm_replay_opts o;
	struct smm_machine *m;
	struct smm_mirror mm;
	bool booted, boot_failed, header;
	unsigned long entries;
	smm_emit_fn out;	/* views and the summary */
	smm_emit_fn err;	/* one line per malformed line (the first ones) */
	void *ctx;
	unsigned long lines, events, malformed, other, ignored;
	unsigned long first_malformed;
	u64 trace_lost;		/* [LOST N EVENTS] and the log's # lost */
};

void smm_replay_default_opts(struct smm_replay_opts *o);
int smm_replay_init(struct smm_replay *r, const struct smm_replay_opts *o,
		    smm_emit_fn out, smm_emit_fn err, void *ctx);
/* One line of input, without its newline (it may be modified). */
void smm_replay_line(struct smm_replay *r, char *line);
/* A line the caller could not even read whole: counted as malformed. */
void smm_replay_bad_line(struct smm_replay *r, const char *why);
/* Boot if no event did, print the summary and the views; 0 or -errno. */
int smm_replay_finish(struct smm_replay *r);
void smm_replay_destroy(struct smm_replay *r);
void smm_replay_show(struct smm_replay *r);

#endif /* _SHADOWMM_REPLAY_H */
