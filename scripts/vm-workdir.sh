# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# vm-workdir.sh - sourced by scripts/vm.sh and scripts/vm-test.sh: pick the
# directory a guest run works in.
#
# vm_workdir VMDIR sets $workdir. build/vm (VMDIR) is shared by every run
# from this checkout: whoever holds its lock (fd 9, released when the run
# exits) uses it; a concurrent run works in a private VMDIR/run.PID (the
# 200 MB initramfs is copied instead of reused) whose initramfs files go at
# exit; its logs stay for the caller (check.sh reads vm-test.log), and
# private directories a day old are removed. Uses the caller's log().

vm_workdir() { # VMDIR
	mkdir -p "$1"
	find "$1" -maxdepth 1 -name 'run.*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
	exec 9>>"$1/.lock"
	if flock -n 9; then
		workdir=$1
		return
	fi
	workdir="$1/run.$$"
	log "build/vm is in use by another run: working in $workdir"
	mkdir -p "$workdir"
	trap 'rm -rf "$workdir/initrd.cpio" "$workdir/initrd.cpio.base" "$workdir/initramfs-run.cpio" "$workdir/initramfs-root"' EXIT
}
