// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs `ctl`: one command per write, executed by the portable parser in
 * src/ctl.c under smm_lock. The outcome is explained in dmesg; the write
 * returns the command's error, so `echo bad > ctl` fails visibly.
 *
 * `stress ms=N [seed=S]` is the one command handled here: it runs for a
 * while, with smm_lock dropped so that debugfs stays readable meanwhile.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "shadowmm/ctl.h"
#include "debugfs.h"

#define SMM_STRESS_MAX_MS	60000

static int smm_ctl_stress(char *args)
{
	unsigned int ms = 0, seed = 1;
	struct smm_machine *m;
	char *tok;
	int ret;

	while ((tok = strsep(&args, " \t\n"))) {
		if (!*tok)
			continue;
		if (!strncmp(tok, "ms=", 3) && !ms) {
			if (kstrtouint(tok + 3, 0, &ms) || !ms || ms > SMM_STRESS_MAX_MS)
				return -EINVAL;
		} else if (!strncmp(tok, "seed=", 5)) {
			if (kstrtouint(tok + 5, 0, &seed))
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	if (!ms) {
		pr_info("ctl: stress needs ms=1..%d\n", SMM_STRESS_MAX_MS);
		return -EINVAL;
	}

	mutex_lock(&smm_lock);
	m = smm_machine;
	if (!m || !m->booted || m->cfg.upto != SMM_UPTO_BUDDY)
		ret = -EINVAL;
	else if (m->busy)
		ret = -EBUSY;
	else
		ret = 0;
	if (!ret)
		m->busy = true;
	mutex_unlock(&smm_lock);
	if (ret)
		return ret;

	ret = smm_stress_run(m, ms, seed);

	mutex_lock(&smm_lock);
	m->busy = false;
	mutex_unlock(&smm_lock);
	return ret;
}

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

	if (!strncmp(buf, "stress", 6) && (!buf[6] || isspace(buf[6]))) {
		ret = smm_ctl_stress(buf + 6);
		return ret ? ret : count;
	}

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
