#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# vm-init.sh - /init of the shadowmm guest (copied into the initramfs by
# scripts/mkinitramfs.sh). Runs under busybox ash as PID 1.
#
# Reads /etc/smm/mode ("run" or "shell") and /etc/smm/cmd.sh (the command,
# written verbatim by the host, so quotes and newlines need no escaping).
#
# run:   runs `sh /etc/smm/cmd.sh </dev/null` in /root, then prints on the
#        console, each on a line of its own:
#            SMM-EXIT <status>
#            SMM-TAINT <value of /proc/sys/kernel/tainted>
#            SMM-DMESG-BEGIN
#            <dmesg: the kernel log since boot, read from /dev/kmsg, so
#             a `dmesg -c` in CMD hides nothing>
#            SMM-DMESG-END
#        and powers off. The host reads the status from SMM-EXIT: a panic
#        also ends qemu with status 0, so qemu's own status means nothing.
# shell: runs cmd.sh first when it is not empty, then an interactive
#        busybox sh with job control on the console; leaving it (exit,
#        Ctrl-D, poweroff) powers the guest off.
#
# Guest layout: /lib/shadowmm/shadowmm.ko (a link to
# /lib/modules/$(uname -r)/extra/shadowmm.ko), /lib/shadowmm/selftests/,
# /lib/shadowmm/bpftrace/*.bt, bpftrace and kmod in /usr/bin.

# The kernel starts /init without a console when the archive holds no
# /dev/console node: mount devtmpfs first, then take the console.
/bin/busybox mkdir -p /dev /proc /sys /tmp /run /root
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1

/bin/busybox --install -s
PATH=/usr/sbin:/usr/bin:/sbin:/bin
HOME=/root
export PATH HOME

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
# what udev makes on a distribution (devtmpfs does not): the kernel's
# kselftest runner writes to /dev/stdout
for f in stdin:0 stdout:1 stderr:2; do
	[ -e "/dev/${f%:*}" ] || ln -s "/proc/self/fd/${f#*:}" "/dev/${f%:*}"
done
hostname shadowmm

# PID 1 ignores the signals busybox poweroff/reboot/halt send to init:
# make them act at once (-no-reboot turns a reboot into qemu's exit too).
# These serve programs that exec them; ash itself prefers its applets, so
# the interactive shell gets functions of the same names (/etc/profile).
for p in poweroff reboot halt; do
	rm -f "/sbin/$p"
	printf '#!/bin/sh\nsync\nexec /bin/busybox poweroff -f\n' >"/sbin/$p"
	chmod 755 "/sbin/$p"
done

# The kernel log as read from /dev/kmsg since boot: unlike the syslog
# buffer behind dmesg it survives `dmesg -c` in a test. Tests see the
# file as $SMM_KMSG (run_guest.sh checks it per test).
SMM_KMSG=/run/smm-kmsg.log
export SMM_KMSG
setsid sh -c 'while :; do cat /dev/kmsg; sleep 0.2; done' \
	</dev/null >"$SMM_KMSG" 2>/dev/null &

# dmesg-formatted kernel log from $SMM_KMSG (after making sure the reader
# has caught up), or plain dmesg when there is no such file.
smm_dmesg() {
	if [ ! -s "$SMM_KMSG" ]; then
		dmesg
		return
	fi
	tok="smm-kmsg-sync-$$"
	echo "$tok" >/dev/kmsg
	i=0
	while [ "$i" -lt 30 ] && ! grep -qF "$tok" "$SMM_KMSG"; do
		sleep 0.1
		i=$((i + 1))
	done
	# Records are "PRI,SEQ,USEC,FLAGS[,...];TEXT"; lines starting with a
	# blank are key=value continuations.
	awk '/^ / { next }
	{
		i = index($0, ";")
		if (!i) next
		split(substr($0, 1, i - 1), h, ",")
		t = h[3] + 0; s = int(t / 1000000)
		printf "[%5d.%06d] %s\n", s, t - s * 1000000, substr($0, i + 1)
	}' "$SMM_KMSG" | grep -vF "$tok"
}

read -r uptime _ </proc/uptime
echo "SMM-INIT uptime=${uptime}s kernel=$(uname -r)"

mode=run
[ -r /etc/smm/mode ] && read -r mode </etc/smm/mode

smm_off() {
	sync
	/bin/busybox poweroff -f
	# Not reached unless poweroff failed.
	echo o >/proc/sysrq-trigger
	sleep 10
}

if [ "$mode" = shell ]; then
	cat >/etc/profile <<'EOF'
PATH=/usr/sbin:/usr/bin:/sbin:/bin
PS1='shadowmm:\w# '
export PATH PS1
[ -r /etc/smm/tty ] && stty $(cat /etc/smm/tty) 2>/dev/null
# busybox ash runs its poweroff applet directly, which only signals PID 1
# (ignored): functions win over applets.
poweroff() { sync; /bin/busybox poweroff -f; }
reboot() { poweroff; }
halt() { poweroff; }
EOF
	cd /lib/shadowmm || cd /
	if [ -s /etc/smm/cmd.sh ]; then
		sh /etc/smm/cmd.sh
		echo "[guest] command exited with status $?"
	fi
	echo "[guest] shadowmm guest shell. Module: /lib/shadowmm/shadowmm.ko" \
		"(smm_load/smm_unload after '. selftests/lib.sh'), tests:" \
		"/lib/shadowmm/selftests, bpftrace scripts: /lib/shadowmm/bpftrace."
	echo "[guest] Leave with 'poweroff' or Ctrl-D; Ctrl-A x kills qemu."
	setsid cttyhack sh -l
	smm_off
fi

cd /root || cd /
if [ -r /etc/smm/cmd.sh ]; then
	sh /etc/smm/cmd.sh </dev/null
	status=$?
else
	echo "[guest] no /etc/smm/cmd.sh in the initramfs"
	status=127
fi

# Markers for the host. Each starts on a fresh line.
echo
echo "SMM-EXIT $status"
echo "SMM-TAINT $(cat /proc/sys/kernel/tainted)"
echo "SMM-DMESG-BEGIN"
smm_dmesg
echo "SMM-DMESG-END"
smm_off
