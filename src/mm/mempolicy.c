// SPDX-License-Identifier: GPL-2.0
/*
 * Memory policies, mm/mempolicy.c of v6.1, for the allocations ctl makes
 * without nid=: alloc_pages() under the task's policy. The shadow has one
 * task (ctl) and one policy at a time (ctl `policy`): no per-VMA policies,
 * no MPOL_LOCAL or MPOL_PREFERRED_MANY, no cpusets (so
 * cpuset_nodemask_valid_mems_allowed() is always true).
 *
 * alloc_pages() -> interleave: alloc_page_interleave(interleave_nodes())
 *               -> otherwise: __alloc_pages(policy_node(), policy_nodemask())
 *
 * Portable: builds into the module and into the host unit tests.
 */
#include "internal.h"

/*
 * check_highest_zone(): policy_zone is the highest zone other than
 * Movable that some node has populated; it only grows while the
 * zonelists are built (smm_build_all_zonelists() starts it at 0).
 */
void smm_check_highest_zone(struct smm_machine *m, int zid)
{
	if (zid > m->policy_zone && zid != SMM_ZONE_MOVABLE)
		m->policy_zone = zid;
}

/* node_states[N_HIGH_MEMORY]: a populated zone below Movable (no HIGHMEM). */
static bool smm_node_has_high_memory(struct smm_machine *m, int nid)
{
	struct smm_pglist_data *pgdat = smm_pgdat(m, nid);
	int zid;

	for (zid = 0; zid < SMM_ZONE_MOVABLE; zid++)
		if (smm_populated_zone(&pgdat->node_zones[zid]))
			return true;
	return false;
}

/*
 * apply_policy_zone(): a bind nodemask only constrains requests that may
 * use policy_zone or above; lower zones (GFP_DMA32 where Normal exists)
 * take any node. A policy whose nodes have only Movable memory applies
 * to Movable requests only.
 */
static bool smm_apply_policy_zone(struct smm_machine *m,
				  const struct smm_mempolicy *pol, int zone)
{
	int dynamic_policy_zone = m->policy_zone;
	bool intersects = false;
	int nid;

	for (nid = 0; nid < SMM_MAX_NUMNODES; nid++)
		if ((pol->nodes.bits & BIT(nid)) &&
		    smm_node_has_high_memory(m, nid))
			intersects = true;
	if (!intersects)
		dynamic_policy_zone = SMM_ZONE_MOVABLE;
	return zone >= dynamic_policy_zone;
}

/* policy_nodemask(): bind's nodes, where apply_policy_zone() says so. */
static const struct smm_nodemask *
smm_policy_nodemask(struct smm_machine *m, unsigned int gfp,
		    const struct smm_mempolicy *pol)
{
	if (pol->mode == SMM_MPOL_BIND &&
	    smm_apply_policy_zone(m, pol, smm_gfp_zone(gfp)))
		return &pol->nodes;
	return NULL;
}

/*
 * policy_node(): preferred names its node; every other mode starts from
 * the local node (NUMA_NO_NODE: smm_alloc_pages() takes numa_node_id()).
 */
static int smm_policy_node(const struct smm_mempolicy *pol)
{
	return pol->mode == SMM_MPOL_PREFERRED ? pol->preferred_nid :
						 NUMA_NO_NODE;
}

/* interleave_nodes(): the node after the task's last one, wrapping. */
static int smm_interleave_nodes(struct smm_mempolicy *pol)
{
	int nid = pol->il_prev;
	int i;

	for (i = 0; i < SMM_MAX_NUMNODES; i++) {
		nid = (nid + 1) % SMM_MAX_NUMNODES;
		if (pol->nodes.bits & BIT(nid))
			break;
	}
	pol->il_prev = nid;
	return nid;
}

/*
 * alloc_page_interleave(): that node, no nodemask; interleave_hit when
 * the page is from it.
 */
static struct smm_page *smm_alloc_page_interleave(struct smm_machine *m,
						  unsigned int gfp,
						  unsigned int order, int nid)
{
	struct smm_page *page = smm_alloc_pages(m, gfp, order, nid, NULL);

	if (page && smm_page_nid(page) == nid)
		smm_count_numa_event(m, nid, SMM_NUMA_INTERLEAVE_HIT);
	return page;
}

struct smm_page *smm_alloc_pages_policy(struct smm_machine *m,
					unsigned int gfp, unsigned int order,
					struct smm_mempolicy *pol)
{
	struct smm_mempolicy default_policy = { .mode = SMM_MPOL_DEFAULT };

	/* __GFP_THISNODE: the default policy, whatever the task's */
	if (!pol || (gfp & SMM___GFP_THISNODE))
		pol = &default_policy;

	if (pol->mode == SMM_MPOL_INTERLEAVE)
		return smm_alloc_page_interleave(m, gfp, order,
						 smm_interleave_nodes(pol));
	return smm_alloc_pages(m, gfp, order, smm_policy_node(pol),
			       smm_policy_nodemask(m, gfp, pol));
}
