// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs `ctl`: one command per write, executed by the portable parser in
 * src/ctl.c under smm_lock. The outcome is explained in dmesg; the write
 * returns the command's error, so `echo bad > ctl` fails visibly.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/uaccess.h>

#include "shadowmm/ctl.h"
#include "debugfs.h"

static ssize_t smm_ctl_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[SMM_CTL_MAX + 1];
	int ret;

	if (*ppos || !count || count > SMM_CTL_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strlen(buf) != count)
		return -EINVAL;		/* an embedded NUL */

	mutex_lock(&smm_lock);
	ret = smm_machine ? smm_ctl_exec(smm_machine, buf, smm_log_printk, NULL)
			  : -ENODEV;
	mutex_unlock(&smm_lock);
	return ret ? ret : count;
}

const struct file_operations smm_ctl_fops = {
	.owner = THIS_MODULE,
	.write = smm_ctl_write,
};
