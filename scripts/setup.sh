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
# The second kernel, Debian's 6.12 (the 6.12 lane of make check): when no
# usable 6.12 kernel is installed (scripts/kver.sh --series 6.12), the newest
# plain amd64 6.12 image + headers in apt's lists joins the install: the
# linux-image-6.12-amd64 / linux-headers-6.12-amd64 meta-packages, else the
# newest linux-headers-6.12.*-amd64 and its image. Discovered, not pinned.
# When the archive has none, setup says so and succeeds: the 6.12 lane is
# skipped. It never runs `apt-get update` just to look for it again.
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
#   python3-docutils, shellcheck  `make style`: README.rst and shell scripts
#   python3-matplotlib  scripts/plot (make demo's PNGs, make plot-test)
#   coreutils           timeout(1) around qemu (essential, listed for clarity)
#                       and in the guest for the kernel's kselftest runner
#   rsync               `make ksft`: the kernel's lib.mk installs with it
#   clang libclang-rt-14-dev  `make fuzz`: libFuzzer (-fsanitize=fuzzer)
#                       and clang's ASan/UBSan runtimes
packages="linux-image-amd64 linux-headers-amd64 qemu-system-x86
	busybox-static kmod bpftrace cpio make gcc libc6-dev sparse dkms
	xz-utils bc flex bison libelf-dev libssl-dev dwarves coreutils
	linux-source-6.1 perl shellcheck python3-docutils python3-matplotlib
	clang libclang-rt-14-dev rsync
	${SHADOWMM_EXTRA_PACKAGES:-}"

# One dpkg-query for the whole list: "NAME STATUS" of the packages dpkg
# knows (the others are missing too).
# shellcheck disable=SC2086 # word splitting of the package list is wanted
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $packages 2>/dev/null |
	awk '$2 == "install" && $3 == "ok" && $4 == "installed" { print $1 }' || true)
missing=""
for p in $packages; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done

# --- the second kernel series (6.12) ---------------------------------------
series2=6.12

has_candidate() { # PKG: apt's lists have an installable version of it
	local c
	c=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')
	[ -n "$c" ] && [ "$c" != "(none)" ]
}

# The packages of the newest plain amd64 $series2 kernel in apt's lists,
# "IMAGE HEADERS", or nothing.
series2_packages() {
	local v img
	if has_candidate "linux-image-$series2-amd64" &&
	   has_candidate "linux-headers-$series2-amd64"; then
		echo "linux-image-$series2-amd64 linux-headers-$series2-amd64"
		return 0
	fi
	v=$(apt-cache search --names-only "^linux-headers-${series2//./\\.}\\.[0-9]+\\+deb[0-9]+-amd64\$" 2>/dev/null |
		awk '{ sub(/^linux-headers-/, "", $1); print $1 }' | sort -V | tail -n 1)
	[ -n "$v" ] || return 0
	for img in "linux-image-$v" "linux-image-$v-unsigned"; do
		if has_candidate "$img"; then
			echo "$img linux-headers-$v"
			return 0
		fi
	done
}

series2_pkgs=""
series2_note=""
if ! "$here/kver.sh" --series "$series2" >/dev/null 2>&1; then
	series2_pkgs=$(series2_packages)
	s2missing=""
	for p in $series2_pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			s2missing="$s2missing $p"
	done
	missing="$missing$s2missing"
	if [ -n "$series2_pkgs" ] && [ -z "$s2missing" ]; then
		series2_note="$series2_pkgs installed, but no usable $series2 kernel:" \
"$("$here/kver.sh" --series "$series2" 2>&1 || true)"
	fi
fi

series2_status() { # one line: the $series2 lane's kernel, or why it is skipped
	local v
	if v=$("$here/kver.sh" --series "$series2" 2>/dev/null); then
		echo "$series2 lane: $v"
	elif [ -n "$series2_note" ]; then
		echo "$series2 lane skipped: $series2_note"
	else
		echo "$series2 lane skipped: apt's lists have no Debian $series2 amd64 kernel" \
			"(linux-image-$series2-amd64 or linux-image-$series2.*-amd64)"
	fi
}

if [ -z "$missing" ]; then
	echo "[setup] all packages installed; kernel $("$here/kver.sh"); $(series2_status)"
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
if [ -z "$series2_pkgs" ] && ! "$here/kver.sh" --series "$series2" >/dev/null 2>&1; then
	# the lists are fresh now: look for the second kernel again
	series2_pkgs=$(series2_packages)
	missing="$missing $series2_pkgs"
fi
[ -z "$series2_pkgs" ] || echo "[setup] $series2 kernel: $series2_pkgs"
echo "[setup] apt-get install --no-install-recommends (all listed packages)"
# shellcheck disable=SC2086 # word splitting of the package list is wanted
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends $packages $series2_pkgs

echo "[setup] usable kernels (vmlinuz + headers):"
"$here/kver.sh" --all | sed 's/^/[setup]   /'
echo "[setup] default kernel: $("$here/kver.sh")"
echo "[setup] $(series2_status)"
