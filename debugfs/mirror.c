// SPDX-License-Identifier: GPL-2.0
/*
 * The mirror's views: mirror/stats (its counters, "name value"),
 * mirror/compare (the host's free_area counts beside the shadow's, both in
 * buddyinfo's layout) and mirror/log (the events applied, in the offline
 * replay's input format; see src/mirror.c).
 */
#include "shadowmm/vmstat.h"
#include "debugfs.h"

static void show_mirror_stats(struct seq_file *sf, struct smm_machine *m)
{
	seq_printf(sf, "on %d\n", m->mirroring);
	smm_show_mirror_stats(&smm_mirror, smm_seq_emit, sf);
}

static void show_mirror_compare(struct seq_file *sf, struct smm_machine *m)
{
	seq_puts(sf, "# host\n");
	smm_show_host_buddyinfo(smm_seq_emit, sf);
	seq_puts(sf, "# shadow\n");
	smm_show_buddyinfo(m, smm_seq_emit, sf);
}

static void show_mirror_log(struct seq_file *sf, struct smm_machine *m)
{
	smm_show_mirror_log(&smm_mirror, m, smm_seq_emit, sf);
}

const struct smm_dbg_view smm_mirror_views[] = {
	{ "mirror/stats", show_mirror_stats },
	{ "mirror/compare", show_mirror_compare },
	{ "mirror/log", show_mirror_log },
	{ }
};
