// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow's own views of its buddy allocator, beside the kernel's
 * formats of mm/vmstat.c: every free list with its length, histograms of
 * the per-cpu event counters (requested order x current_order,
 * fallbacks, outcomes), the scalar events, the zonelists and their
 * fallback matrix, and the rmqueue trace ring. Each function documents
 * its format; none changes the machine.
 *
 * Portable: builds into the module and into the host unit tests.
 */
#include "mm/internal.h"

/* ---- free_area ---------------------------------------------------------- */

static void smm_free_area_print(struct smm_machine *m __always_unused,
				struct smm_pglist_data *pgdat,
				struct smm_zone *zone, smm_emit_fn emit,
				void *ctx)
{
	/* A list cannot hold more blocks than the zone has pages. */
	unsigned long limit = zone->spanned_pages + 1;
	unsigned int order;
	int mt;

	for (order = 0; order < SMM_MAX_ORDER; order++) {
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			struct list_head *head, *pos;
			unsigned long count = 0;

			head = &zone->free_area[order].free_list[mt];
			for (pos = head->next; pos != head && count < limit;
			     pos = pos->next)
				count++;
			emit(ctx, "node %d zone %s order %u type %s nr_free %lu\n",
			     pgdat->node_id,
			     smm_zid_name(zone - pgdat->node_zones), order,
			     smm_migratetype_names[mt], count);
		}
	}
}

/*
 * free_area: the length of every buddy free list (pcp lists are not
 * included), one record a line, for every populated zone, order and
 * migratetype, in that nesting:
 *
 *	node 0 zone DMA32 order 3 type Movable nr_free 2
 */
void smm_show_free_area(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	smm_walk_zones(m, true, smm_free_area_print, emit, ctx);
}

/* ---- histograms of the event counters ----------------------------------- */

/* Every table: a label column of this width, then the values. */
#define SMM_HIST_LABEL		"%-20s"
#define SMM_HIST_ORDER_W	10	/* columns keyed by order */
#define SMM_HIST_TYPE_W		12	/* columns keyed by migratetype */

static void smm_hist_order_header(smm_emit_fn emit, void *ctx,
				  const char *label)
{
	unsigned int order;

	emit(ctx, SMM_HIST_LABEL, label);
	for (order = 0; order < SMM_MAX_ORDER; order++)
		emit(ctx, " %*u", SMM_HIST_ORDER_W, order);
	emit(ctx, "\n");
}

static void smm_hist_type_header(smm_emit_fn emit, void *ctx,
				 const char *label)
{
	int mt;

	emit(ctx, SMM_HIST_LABEL, label);
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
		emit(ctx, " %*s", SMM_HIST_TYPE_W, smm_migratetype_names[mt]);
	emit(ctx, "\n");
}

static void smm_hist_row(smm_emit_fn emit, void *ctx, const char *label,
			 const u64 *vals, unsigned int n, int width)
{
	unsigned int i;

	emit(ctx, SMM_HIST_LABEL, label);
	for (i = 0; i < n; i++)
		emit(ctx, " %*llu", width, (unsigned long long)vals[i]);
	emit(ctx, "\n");
}

/*
 * rmqueue_hist: which free list __rmqueue_smallest() took each block from.
 * One table per migratetype that has any count (the migratetype the
 * block was taken as: the fallback's when __rmqueue_fallback stole it):
 * a title line, a header of current orders (the order of the free block
 * that was split), one row per requested order; then the pcp hits per
 * order (requests served from a per-cpu list, no free list touched):
 *
 *	migratetype Movable
 *	order\current                 0          1 ...         10
 *	0                             5          0 ...          1
 *	...
 *	10                            0          0 ...          0
 *	pcp_hit
 *	order                         0          1 ...         10
 *	count                       123          0 ...          0
 *
 * Every row: a label of up to 20 characters, then one number per column.
 */
void smm_show_rmqueue_hist(struct smm_machine *m, smm_emit_fn emit,
			   void *ctx)
{
	struct smm_vm_events *ev;
	unsigned int order, cur;
	char label[24];
	int mt;

	if (smm_no_buddy(m))
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
		u64 total = 0;

		for (order = 0; order < SMM_MAX_ORDER; order++)
			for (cur = 0; cur < SMM_MAX_ORDER; cur++)
				total += ev->rmqueue[mt][order][cur];
		if (!total)
			continue;

		emit(ctx, "migratetype %s\n", smm_migratetype_names[mt]);
		smm_hist_order_header(emit, ctx, "order\\current");
		for (order = 0; order < SMM_MAX_ORDER; order++) {
			snprintf(label, sizeof(label), "%u", order);
			smm_hist_row(emit, ctx, label, ev->rmqueue[mt][order],
				     SMM_MAX_ORDER, SMM_HIST_ORDER_W);
		}
	}
	emit(ctx, "pcp_hit\n");
	smm_hist_order_header(emit, ctx, "order");
	smm_hist_row(emit, ctx, "count", ev->pcp_hit, SMM_MAX_ORDER,
		     SMM_HIST_ORDER_W);
	kfree(ev);
}

/*
 * fallback_hist: __rmqueue_fallback() events, from the migratetype asked
 * for (rows) to the migratetype of the free list used (columns); then, in
 * the same shape, those that stole the whole pageblock (its migratetype
 * changed to the one asked for):
 *
 *	fallback
 *	from\to                 Unmovable      Movable ...      Isolate
 *	Unmovable                       0           12 ...            0
 *	...
 *	steal
 *	from\to                 Unmovable      Movable ...      Isolate
 *	Unmovable                       0            3 ...            0
 *	...
 */
void smm_show_fallback_hist(struct smm_machine *m, smm_emit_fn emit,
			    void *ctx)
{
	struct smm_vm_events *ev;
	int mt;

	if (smm_no_buddy(m))
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	emit(ctx, "fallback\n");
	smm_hist_type_header(emit, ctx, "from\\to");
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
		smm_hist_row(emit, ctx, smm_migratetype_names[mt],
			     ev->fallback[mt], SMM_MIGRATE_TYPES,
			     SMM_HIST_TYPE_W);
	emit(ctx, "steal\n");
	smm_hist_type_header(emit, ctx, "from\\to");
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
		smm_hist_row(emit, ctx, smm_migratetype_names[mt],
			     ev->steal[mt], SMM_MIGRATE_TYPES,
			     SMM_HIST_TYPE_W);
	kfree(ev);
}

/*
 * alloc_hist: smm_alloc_pages() outcomes by order: successes per zone the
 * page came from (one row per populated zone), then failures:
 *
 *	alloc_success
 *	order                         0          1 ...         10
 *	node 0 zone DMA               0          0 ...          0
 *	node 0 zone DMA32            42          1 ...          0
 *	...
 *	alloc_fail
 *	order                         0          1 ...         10
 *	count                         0          0 ...          3
 */
void smm_show_alloc_hist(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	struct smm_vm_events *ev;
	char label[24];
	int i, zid;

	if (smm_no_buddy(m))
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	emit(ctx, "alloc_success\n");
	smm_hist_order_header(emit, ctx, "order");
	for (i = 0; i < m->nr_nodes; i++) {
		int nid = m->node_ids[i];

		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
			if (!smm_populated_zone(&m->node_data[nid].node_zones[zid]))
				continue;
			snprintf(label, sizeof(label), "node %d zone %s", nid,
				 smm_zone_names[zid]);
			smm_hist_row(emit, ctx, label,
				     ev->alloc_success[nid][zid],
				     SMM_MAX_ORDER, SMM_HIST_ORDER_W);
		}
	}
	emit(ctx, "alloc_fail\n");
	smm_hist_order_header(emit, ctx, "order");
	smm_hist_row(emit, ctx, "count", ev->alloc_fail, SMM_MAX_ORDER,
		     SMM_HIST_ORDER_W);
	kfree(ev);
}

/*
 * events: the scalar counters, "name value" a line, summed over CPUs:
 * watermark_fail, pcp_refill (rmqueue_bulk calls), pcp_drain
 * (free_pcppages_bulk calls) and verify_mismatch (pages whose verify tag
 * was wrong on free: a double allocation or a stray write).
 */
void smm_show_events(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	struct smm_vm_events *ev;

	if (smm_no_buddy(m))
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	emit(ctx, "watermark_fail %llu\n", (unsigned long long)ev->watermark_fail);
	emit(ctx, "pcp_refill %llu\n", (unsigned long long)ev->pcp_refill);
	emit(ctx, "pcp_drain %llu\n", (unsigned long long)ev->pcp_drain);
	emit(ctx, "verify_mismatch %llu\n",
	     (unsigned long long)ev->verify_mismatch);
	kfree(ev);
}

/* ---- NUMA ----------------------------------------------------------------- */

static void smm_show_one_zonelist(struct smm_machine *m, int nid,
				  const char *name,
				  const struct smm_zonelist *zl,
				  smm_emit_fn emit, void *ctx)
{
	const struct smm_zoneref *z;
	int prev = NUMA_NO_NODE;

	emit(ctx, "node %d %s:", nid, name);
	for (z = zl->_zonerefs; z->zone; z++) {
		if (z->zone->node == prev)
			continue;
		prev = z->zone->node;
		emit(ctx, " %d(%d)", prev, smm_node_distance(m, nid, prev));
	}
	emit(ctx, " zones:");
	for (z = zl->_zonerefs; z->zone; z++)
		emit(ctx, " %d/%s", z->zone->node, smm_zid_name(z->zone_idx));
	emit(ctx, "\n");
}

/*
 * zonelists: two lines a node, the fallback list (every node, the order
 * build_zonelists() gave) and the __GFP_THISNODE list:
 *
 *	node 0 fallback: 0(10) 1(20) zones: 0/Movable 0/Normal ... 1/DMA
 *	node 0 thisnode: 0(10) zones: 0/Movable 0/Normal 0/DMA32 0/DMA
 *
 * Nodes in the order the allocator tries them, each with its distance
 * from the list's node, then every zone of the list as node/zone.
 */
void smm_show_zonelists(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	int i;

	if (smm_no_buddy(m))
		return;
	for (i = 0; i < m->nr_nodes; i++) {
		struct smm_pglist_data *pgdat = smm_nth_pgdat(m, i);

		smm_show_one_zonelist(m, pgdat->node_id, "fallback",
				      &pgdat->node_zonelists[SMM_ZONELIST_FALLBACK],
				      emit, ctx);
		smm_show_one_zonelist(m, pgdat->node_id, "thisnode",
				      &pgdat->node_zonelists[SMM_ZONELIST_NOFALLBACK],
				      emit, ctx);
	}
}

/* node<N>/numastat: /sys/devices/system/node/nodeN/numastat, verbatim. */
void smm_show_zonelist_fallback(struct smm_machine *m, smm_emit_fn emit,
				void *ctx)
{
	struct smm_vm_events *ev;
	int i, j;

	if (smm_no_buddy(m))
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	for (i = 0; i < SMM_MAX_NUMNODES; i++)
		for (j = 0; j < SMM_MAX_NUMNODES; j++)
			if (ev->zonelist_fallback[i][j])
				emit(ctx, "%d %d %llu\n", i, j,
				     (unsigned long long)ev->zonelist_fallback[i][j]);
	kfree(ev);
}

/* ---- rmqueue_trace ------------------------------------------------------ */

/*
 * rmqueue_trace: the last `size` events of the machine, oldest first, one
 * a line:
 *
 *	seq 7 pfn 0x8a00 nid 0 zone DMA32 order 0 current_order 3 migratetype Movable pcp 0
 *
 * Each CPU keeps its own last `size` records (head % size is its next
 * slot); seq orders them machine-wide. The writers take no lock (see
 * smm_rmqueue_ring_write()), so each slot is copied on its own and kept
 * when its seq is the same, and not busy, before and after the copy: a
 * slot being rewritten meanwhile is left out (its old record is being
 * replaced by a newer one anyway), as is a record written after its slot
 * was copied. The copies are sorted by seq and the newest `size` of the
 * machine printed.
 */
static bool smm_rmqueue_slot_copy(const struct smm_rmqueue_rec *slot,
				  struct smm_rmqueue_rec *dst)
{
	u64 seq = READ_ONCE(slot->seq);

	if (seq == SMM_RMQUEUE_BUSY)
		return false;
	smm_smp_rmb();
	/* torn when a writer came meanwhile: the second seq read says so */
	*dst = smm_data_race(*slot);
	smm_smp_rmb();
	dst->seq = seq;
	return READ_ONCE(slot->seq) == seq;
}

static int smm_rmqueue_rec_cmp(const void *a, const void *b)
{
	const struct smm_rmqueue_rec *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void smm_show_rmqueue_trace(struct smm_machine *m, smm_emit_fn emit,
			    void *ctx)
{
	struct smm_rmqueue_ring *ring = &m->rmqueue_ring;
	unsigned int size = ring->size, cpu;
	struct smm_rmqueue_rec *buf;
	size_t n = 0, i;
	u64 newest = 0;

	if (smm_no_buddy(m) || !size || !ring->cpus)
		return;
	buf = kvcalloc((size_t)m->nr_cpus * size, sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		emit(ctx, "error: out of memory\n");
		return;
	}

	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		const struct smm_rmqueue_cpu_ring *cr = &ring->cpus[cpu];
		u64 head = READ_ONCE(cr->head), j;

		smm_smp_rmb();
		for (j = head > size ? head - size : 0; j < head; j++)
			if (smm_rmqueue_slot_copy(&cr->recs[j % size], &buf[n]))
				n++;
	}
	smm_sort(buf, n, sizeof(*buf), smm_rmqueue_rec_cmp);
	if (n)
		newest = buf[n - 1].seq + 1;

	for (i = 0; i < n; i++) {
		const struct smm_rmqueue_rec *r = &buf[i];

		/* only the newest `size` of the machine */
		if (newest > size && r->seq < newest - size)
			continue;
		emit(ctx,
		     "seq %llu pfn 0x%lx nid %d zone %s order %u current_order %u migratetype %s pcp %d\n",
		     (unsigned long long)r->seq, r->pfn, r->nid,
		     smm_zid_name(r->zone), r->order, r->current_order,
		     smm_mt_name(r->migratetype), r->pcp ? 1 : 0);
	}
	kvfree(buf);
}
