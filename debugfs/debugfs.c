// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/shadowmm/: root only (0400 views, 0600 ctl: written,
 * a command; read, the grammar). Every view is a row of a table; one show
 * function serves them all.
 */
#include <linux/debugfs.h>
#include <linux/string.h>

#include "shadowmm/vmstat.h"
#include "shadowmm/views.h"
#include "debugfs.h"

static struct dentry *smm_dbg_root;

/* Every table of views, each ended by an empty entry. */
static const struct smm_dbg_view *const smm_view_tables[] = {
	smm_memblock_views,
	smm_vmstat_views,
	smm_slab_views,
	smm_mirror_views,
	smm_bench_views,
};

void smm_seq_emit(void *ctx, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	seq_vprintf(ctx, fmt, args);
	va_end(args);
}

static int smm_view_show(struct seq_file *sf, void *unused)
{
	const struct smm_dbg_view *view = sf->private;

	mutex_lock(&smm_lock);
	if (smm_machine && smm_machine->booted)
		view->show(sf, smm_machine);
	mutex_unlock(&smm_lock);
	return 0;
}

static int smm_view_open(struct inode *inode, struct file *file)
{
	return single_open(file, smm_view_show, inode->i_private);
}

static const struct file_operations smm_view_fops = {
	.owner = THIS_MODULE,
	.open = smm_view_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * A list view's reader, between two reads: the record next to print, at
 * index pos, valid while the lists' generation is still gen. A reader
 * reading on from there costs a step a record; after a change (ctl
 * allocated or freed meanwhile) it walks to index pos from the head, as
 * the kernel's /proc lists do: each read consistent, not the whole file.
 */
struct smm_list_cursor {
	const struct smm_dbg_view *view;
	struct list_head *next;
	loff_t pos;
	unsigned long gen;
	bool valid;
};

static void *smm_list_start(struct seq_file *sf, loff_t *pos)
{
	struct smm_list_cursor *c = sf->private;
	struct list_head *head, *p;
	loff_t i;

	mutex_lock(&smm_lock);
	if (!smm_machine || !smm_machine->booted)
		return NULL;
	head = c->view->list(smm_machine);
	if (c->valid && c->gen == smm_machine->held_gen && c->pos == *pos) {
		p = c->next;
	} else {
		for (p = head->next, i = 0; p != head && i < *pos; i++) {
			p = p->next;
			if (!((i + 1) % 1024))
				cond_resched();
		}
	}
	c->pos = *pos;
	return p == head ? NULL : p;
}

static void *smm_list_next(struct seq_file *sf, void *v, loff_t *pos)
{
	struct smm_list_cursor *c = sf->private;
	struct list_head *p = ((struct list_head *)v)->next;

	c->pos = ++*pos;
	return p == c->view->list(smm_machine) ? NULL : p;
}

static void smm_list_stop(struct seq_file *sf, void *v)
{
	struct smm_list_cursor *c = sf->private;

	if (smm_machine && smm_machine->booted) {
		c->next = v ? v : c->view->list(smm_machine);
		c->gen = smm_machine->held_gen;
		c->valid = true;
	}
	mutex_unlock(&smm_lock);
}

static int smm_list_show(struct seq_file *sf, void *v)
{
	struct smm_list_cursor *c = sf->private;

	c->view->show_one(sf, smm_machine, v);
	return 0;
}

static const struct seq_operations smm_list_seq_ops = {
	.start = smm_list_start,
	.next = smm_list_next,
	.stop = smm_list_stop,
	.show = smm_list_show,
};

static int smm_list_open(struct inode *inode, struct file *file)
{
	struct smm_list_cursor *c;

	c = __seq_open_private(file, &smm_list_seq_ops, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->view = inode->i_private;
	return 0;
}

static const struct file_operations smm_list_fops = {
	.owner = THIS_MODULE,
	.open = smm_list_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/* "memblock/memory": the directory part is created on first use. */
static void smm_create_view(const struct smm_dbg_view *view)
{
	const char *slash = strchr(view->path, '/');
	struct dentry *parent = smm_dbg_root;
	char dir[32];

	if (slash) {
		strscpy(dir, view->path,
			min_t(size_t, sizeof(dir), slash - view->path + 1));
		parent = debugfs_lookup(dir, smm_dbg_root);
		if (!parent)
			parent = debugfs_create_dir(dir, smm_dbg_root);
		else
			dput(parent);
	}
	debugfs_create_file(slash ? slash + 1 : view->path, 0400, parent,
			    (void *)view,
			    view->list ? &smm_list_fops : &smm_view_fops);
}

/* node<N>/numastat: the node id is the file's private data. */
static int smm_numastat_show(struct seq_file *sf, void *unused)
{
	int nid = (long)sf->private;

	mutex_lock(&smm_lock);
	if (smm_machine && smm_machine->booted)
		smm_show_numastat(smm_machine, nid, smm_seq_emit, sf);
	mutex_unlock(&smm_lock);
	return 0;
}

static int smm_numastat_open(struct inode *inode, struct file *file)
{
	return single_open(file, smm_numastat_show, inode->i_private);
}

static const struct file_operations smm_numastat_fops = {
	.owner = THIS_MODULE,
	.open = smm_numastat_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/* The shadow nodes are the region's, fixed from load to unload. */
static void smm_create_node_dirs(void)
{
	struct dentry *dir;
	char name[16];
	int i;

	for (i = 0; i < smm_machine->nr_nodes; i++) {
		long nid = smm_machine->node_ids[i];

		snprintf(name, sizeof(name), "node%ld", nid);
		dir = debugfs_create_dir(name, smm_dbg_root);
		debugfs_create_file("numastat", 0400, dir, (void *)nid,
				    &smm_numastat_fops);
	}
}

void smm_debugfs_init(void)
{
	const struct smm_dbg_view *view;
	unsigned int i;

	smm_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	for (i = 0; i < ARRAY_SIZE(smm_view_tables); i++)
		for (view = smm_view_tables[i]; view->path; view++)
			smm_create_view(view);
	smm_create_node_dirs();
	smm_debugfs_slab_init(smm_dbg_root);
	debugfs_create_file("ctl", 0600, smm_dbg_root, NULL, &smm_ctl_fops);
}

void smm_debugfs_exit(void)
{
	debugfs_remove_recursive(smm_dbg_root);
	smm_debugfs_slab_exit();
	smm_dbg_root = NULL;
}
