#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# setup.sh - install what shadowmm needs to build, test and boot its guest.
#
# Usage: scripts/setup.sh
#
# Idempotent: when every package below is already installed (dpkg-query) it
# prints one line and returns at once; otherwise it runs `apt-get update` and
# one `apt-get install -y --no-install-recommends` of the whole list. Needs
# root; as another user it goes through sudo when sudo exists.
#
# Then it prints the Debian kernel version(s) that have both /boot/vmlinuz-VER
# and /lib/modules/VER/build (nothing here is pinned to a version) and the
# default one (scripts/kver.sh; override with KERNEL=VER).
#
# Environment: SHADOWMM_EXTRA_PACKAGES="pkg ..." installs more packages.
# Exit status: 0 when done, non-zero when apt-get fails or no usable kernel.

set -eu

here=$(cd "$(dirname "$0")" && pwd)

# What each package is for:
#   linux-image-amd64 linux-headers-amd64   the guest kernel + module build
#   qemu-system-x86     the guest; its hard Depends bring seabios (BIOS),
#                       ipxe-qemu and qemu-system-data (linuxboot_dma.bin):
#                       everything a -kernel/-initrd -display none boot reads
#   busybox-static kmod bpftrace cpio       the guest initramfs
#   make gcc libc6-dev bc flex bison libelf-dev libssl-dev xz-utils dwarves
#                       module builds, host unit tests, and a kernel build
#                       (debug-kernel lane: dwarves = pahole for BTF)
#   sparse dkms         `make check` (C=2) and the dkms packaging
#   linux-source-6.1 perl  checkpatch.pl for `make style` (scripts/checkpatch.sh)
#   coreutils           timeout(1) around qemu (essential, listed for clarity)
packages="linux-image-amd64 linux-headers-amd64 qemu-system-x86
	busybox-static kmod bpftrace cpio make gcc libc6-dev sparse dkms
	xz-utils bc flex bison libelf-dev libssl-dev dwarves coreutils
	linux-source-6.1 perl ${SHADOWMM_EXTRA_PACKAGES:-}"

# One dpkg-query for the whole list: "NAME STATUS" of the packages dpkg
# knows (the others are missing too).
# shellcheck disable=SC2086 # word splitting of the package list is wanted
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $packages 2>/dev/null |
	awk '$2 == "install" && $3 == "ok" && $4 == "installed" { print $1 }' || true)
missing=""
for p in $packages; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done

if [ -z "$missing" ]; then
	echo "[setup] all packages installed; kernel $("$here/kver.sh")"
	exit 0
fi

echo "[setup] missing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "[setup] error: must run as root (or with sudo available) to install:$missing" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "[setup] apt-get update"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
echo "[setup] apt-get install --no-install-recommends (all listed packages)"
# shellcheck disable=SC2086 # word splitting of the package list is wanted
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends $packages

echo "[setup] usable kernels (vmlinuz + headers):"
"$here/kver.sh" --all | sed 's/^/[setup]   /'
echo "[setup] default kernel: $("$here/kver.sh")"
