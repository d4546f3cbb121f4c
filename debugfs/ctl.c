// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs `ctl`: one command per write, executed by the portable parser in
 * src/ctl.c under smm_lock. The outcome is explained in dmesg; the write
 * returns the command's error, so `echo bad > ctl` fails visibly. Read,
 * ctl prints the grammar (smm_ctl_help()); so does the `help` command, to
 * dmesg.
 *
 * `stress ms=N [seed=S]`, parsed by the same grammar, is run here: it
 * goes on for a while with smm_lock dropped, so that debugfs stays
 * readable meanwhile; so does `bench order=N ...` (src/kernel/bench.c).
 * `mirror on|off` attaches or detaches the mirror's probes
 * (src/kernel/mirror.c); a valid `reset` detaches them first (through
 * m->mirror_detach).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "shadowmm/ctl.h"
#include "debugfs.h"

/*
 * `stress` and `bench` run with smm_lock dropped, m->busy set: the
 * machine, claimed, or NULL with *@ret the reason (said in dmesg).
 */
static struct smm_machine *smm_ctl_claim(int *ret)
{
	struct smm_machine *m;

	*ret = 0;
	mutex_lock(&smm_lock);
	m = smm_machine;
	if (!m || !m->booted || m->cfg.upto != SMM_UPTO_BUDDY) {
		pr_info("ctl: no buddy allocator (reset upto=buddy)\n");
		*ret = -EINVAL;
	} else if (m->busy) {
		pr_info("ctl: a stress or bench run is going on\n");
		*ret = -EBUSY;
	} else if (m->mirroring) {
		pr_info("ctl: the mirror owns the shadow (mirror off first)\n");
		*ret = -EBUSY;
	} else {
		m->busy = true;
	}
	mutex_unlock(&smm_lock);
	return *ret ? NULL : m;
}

static void smm_ctl_release(struct smm_machine *m)
{
	mutex_lock(&smm_lock);
	m->busy = false;
	mutex_unlock(&smm_lock);
}

static int smm_ctl_stress(unsigned int ms, u32 seed)
{
	struct smm_machine *m;
	int ret;

	m = smm_ctl_claim(&ret);
	if (!m)
		return ret;
	ret = smm_stress_run(m, ms, seed);
	smm_ctl_release(m);
	return ret;
}

static int smm_ctl_bench(const struct smm_bench_args *a)
{
	struct smm_machine *m;
	int ret;

	m = smm_ctl_claim(&ret);
	if (!m)
		return ret;
	ret = smm_bench_run(m, a);
	smm_ctl_release(m);
	return ret;
}

static ssize_t smm_ctl_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct smm_mirror_filter filter;
	struct smm_bench_args bench;
	char buf[SMM_CTL_MAX + 1];
	unsigned int ms;
	u32 seed;
	int ret;

	if (*ppos) {
		pr_info("ctl: write the whole command at offset 0\n");
		return -EINVAL;
	}
	if (!count) {
		pr_info("ctl: empty command\n");
		return -EINVAL;
	}
	if (count > SMM_CTL_MAX) {
		pr_info("ctl: command longer than %d bytes\n", SMM_CTL_MAX);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strlen(buf) != count) {
		pr_info("ctl: a NUL byte inside the command\n");
		return -EINVAL;
	}

	ret = smm_ctl_parse_stress(buf, &ms, &seed, smm_log_printk, NULL);
	if (ret) {
		if (ret > 0)
			ret = smm_ctl_stress(ms, seed);
		return ret ? ret : count;
	}

	ret = smm_ctl_parse_bench(buf, &bench, smm_log_printk, NULL);
	if (ret) {
		if (ret > 0)
			ret = smm_ctl_bench(&bench);
		return ret ? ret : count;
	}

	ret = smm_ctl_parse_mirror(buf, &filter, smm_log_printk, NULL);
	if (ret) {
		if (ret > 0)
			ret = smm_mirror_ctl(ret == 1, &filter);
		return ret ? ret : count;
	}

	mutex_lock(&smm_lock);
	if (smm_machine) {
		ret = smm_ctl_exec(smm_machine, buf, smm_log_printk, NULL);
	} else {
		pr_info("ctl: no machine\n");
		ret = -ENODEV;
	}
	mutex_unlock(&smm_lock);
	/* caches may have come or gone (cache create/destroy, reset) */
	smm_debugfs_slab_sync();
	return ret ? ret : count;
}

/* The grammar is the table's, fixed: no smm_lock needed. */
static int smm_ctl_show(struct seq_file *sf, void *unused)
{
	smm_ctl_help(smm_seq_emit, sf);
	return 0;
}

/*
 * seq_open() takes FMODE_PWRITE away; a command written with pwrite(2)
 * at offset 0 (smm-fuzz-ctl does) is still one command.
 */
static int smm_ctl_open(struct inode *inode, struct file *file)
{
	int ret = single_open(file, smm_ctl_show, NULL);

	if (!ret)
		file->f_mode |= FMODE_PWRITE;
	return ret;
}

const struct file_operations smm_ctl_fops = {
	.owner = THIS_MODULE,
	.open = smm_ctl_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = smm_ctl_write,
	.release = single_release,
};
