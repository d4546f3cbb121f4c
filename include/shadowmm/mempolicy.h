/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NUMA memory policies (include/linux/mempolicy.h, mm/mempolicy.c of
 * v6.1) for the one "task" the shadow has: ctl. src/mm/mempolicy.c.
 */
#ifndef _SHADOWMM_MEMPOLICY_H
#define _SHADOWMM_MEMPOLICY_H

#include "page_alloc.h"

struct smm_machine;

/* The modes ctl `policy` sets (set_mempolicy()'s). */
enum smm_mpol_mode {
	SMM_MPOL_DEFAULT,	/* the local node, falling back by distance */
	SMM_MPOL_PREFERRED,	/* this node first, then by distance */
	SMM_MPOL_BIND,		/* only these nodes */
	SMM_MPOL_INTERLEAVE,	/* round-robin over these nodes */
};

struct smm_mempolicy {
	enum smm_mpol_mode mode;
	int preferred_nid;		/* SMM_MPOL_PREFERRED */
	struct smm_nodemask nodes;	/* SMM_MPOL_BIND, _INTERLEAVE */
	int il_prev;			/* the task's il_prev: last node used */
};

/*
 * alloc_pages() of v6.1: 2^@order pages under the task policy @pol (NULL:
 * the default, local policy). __GFP_THISNODE ignores the policy.
 */
struct smm_page *smm_alloc_pages_policy(struct smm_machine *m,
					unsigned int gfp, unsigned int order,
					struct smm_mempolicy *pol);

/* check_highest_zone(): build_zonelists() reports each populated zone. */
void smm_check_highest_zone(struct smm_machine *m, int zid);

#endif /* _SHADOWMM_MEMPOLICY_H */
