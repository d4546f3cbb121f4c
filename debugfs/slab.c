// SPDX-License-Identifier: GPL-2.0
/*
 * The slab layer's debugfs files: `slabinfo` (/proc/slabinfo 2.1),
 * `slab_objects` (what ctl holds) and `slab/<cache>/<attr>`, the values
 * of /sys/kernel/slab/<cache>/ (src/slabinfo.c prints them all).
 *
 * The per-cache directories follow the caches: smm_debugfs_slab_sync()
 * runs after every ctl command and at load. A file names its cache by a
 * copied name, never by pointer: its reader looks the cache up under
 * smm_lock and finds nothing once it is gone, so it never touches a
 * freed cache. Directories are removed with smm_lock dropped, because
 * debugfs_remove() waits for readers, who may be waiting for smm_lock.
 */
#include <linux/debugfs.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "shadowmm/views.h"
#include "debugfs.h"

static void show_slabinfo(struct seq_file *sf, struct smm_machine *m)
{
	smm_show_slabinfo(m, smm_seq_emit, sf);
}

static void show_held_object(struct seq_file *sf, struct smm_machine *m,
			     const struct list_head *pos)
{
	smm_show_held_object(m, pos, smm_seq_emit, sf);
}

const struct smm_dbg_view smm_slab_views[] = {
	{ "slabinfo", show_slabinfo },
	{ "slab_objects", .list = smm_held_objects, .show_one = show_held_object },
	{ }
};

#define SMM_SLAB_MAX_ATTRS	40

struct smm_slab_dir;

struct smm_slab_file {
	struct smm_slab_dir *dir;
	const char *attr;
};

struct smm_slab_dir {
	struct list_head list;
	char name[SMM_SLAB_NAME_LEN];
	struct dentry *dentry;
	struct smm_slab_file files[SMM_SLAB_MAX_ATTRS];
};

static LIST_HEAD(smm_slab_dirs);
/* the directory list; taken before smm_lock, never inside it */
static DEFINE_MUTEX(smm_slab_dirs_lock);
static struct dentry *smm_slab_root;

static int smm_slab_attr_show(struct seq_file *sf, void *unused)
{
	struct smm_slab_file *f = sf->private;

	mutex_lock(&smm_lock);
	if (smm_machine && smm_machine->booted)
		smm_show_slab_attr(smm_machine, f->dir->name, f->attr,
				   smm_seq_emit, sf);
	mutex_unlock(&smm_lock);
	return 0;
}

static int smm_slab_attr_open(struct inode *inode, struct file *file)
{
	return single_open(file, smm_slab_attr_show, inode->i_private);
}

static const struct file_operations smm_slab_attr_fops = {
	.owner = THIS_MODULE,
	.open = smm_slab_attr_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static void smm_slab_dir_create(const char *name)
{
	struct smm_slab_dir *d = kzalloc(sizeof(*d), GFP_KERNEL);
	unsigned int i;

	if (!d)
		return;
	strscpy(d->name, name, sizeof(d->name));
	d->dentry = debugfs_create_dir(d->name, smm_slab_root);
	for (i = 0; smm_slab_attr_names[i] && i < SMM_SLAB_MAX_ATTRS; i++) {
		d->files[i].dir = d;
		d->files[i].attr = smm_slab_attr_names[i];
		debugfs_create_file(smm_slab_attr_names[i], 0400, d->dentry,
				    &d->files[i], &smm_slab_attr_fops);
	}
	list_add_tail(&d->list, &smm_slab_dirs);
}

static bool smm_name_in(const char (*names)[SMM_SLAB_NAME_LEN],
			unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

void smm_debugfs_slab_sync(void)
{
	char (*names)[SMM_SLAB_NAME_LEN] = NULL;
	struct smm_slab_dir *d, *tmp;
	struct smm_kmem_cache *s;
	unsigned int n = 0, max = 0, i;

	mutex_lock(&smm_slab_dirs_lock);
	if (!smm_slab_root)
		goto out;
	mutex_lock(&smm_lock);
	if (smm_machine && smm_machine->slab) {
		list_for_each_entry(s, &smm_machine->slab->caches, list)
			max++;
		names = kcalloc(max ? max : 1, sizeof(*names), GFP_KERNEL);
		if (names)
			list_for_each_entry(s, &smm_machine->slab->caches, list)
				strscpy(names[n++], s->name, sizeof(names[0]));
	}
	mutex_unlock(&smm_lock);
	if (max && !names)
		goto out;

	list_for_each_entry_safe(d, tmp, &smm_slab_dirs, list) {
		if (smm_name_in(names, n, d->name))
			continue;
		/* waits for its readers: smm_lock is not held here */
		debugfs_remove_recursive(d->dentry);
		list_del(&d->list);
		kfree(d);
	}
	for (i = 0; i < n; i++) {
		bool found = false;

		list_for_each_entry(d, &smm_slab_dirs, list)
			if (!strcmp(d->name, names[i]))
				found = true;
		if (!found)
			smm_slab_dir_create(names[i]);
	}
out:
	mutex_unlock(&smm_slab_dirs_lock);
	kfree(names);
}

void smm_debugfs_slab_init(struct dentry *root)
{
	mutex_lock(&smm_slab_dirs_lock);
	smm_slab_root = debugfs_create_dir("slab", root);
	mutex_unlock(&smm_slab_dirs_lock);
	smm_debugfs_slab_sync();
}

/* After debugfs_remove_recursive() of the root: only the records remain. */
void smm_debugfs_slab_exit(void)
{
	struct smm_slab_dir *d, *tmp;

	mutex_lock(&smm_slab_dirs_lock);
	list_for_each_entry_safe(d, tmp, &smm_slab_dirs, list) {
		list_del(&d->list);
		kfree(d);
	}
	smm_slab_root = NULL;
	mutex_unlock(&smm_slab_dirs_lock);
}
