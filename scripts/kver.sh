#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kver.sh - print the Debian kernel version the shadowmm lanes use.
#
# Usage:
#   scripts/kver.sh            print the default version: $KERNEL if set
#                              (validated), else the newest installed 6.1
#                              kernel that has both /boot/vmlinuz-VER and
#                              /lib/modules/VER/build, else the newest such
#                              kernel of any series
#   scripts/kver.sh --all      print every usable version, newest first
#   scripts/kver.sh --series S print the newest usable kernel of series S
#                              (e.g. 6.1, 6.12: versions "S.*"); exit 1 with
#                              a message when there is none
#   scripts/kver.sh --series-of V  print V's series (6.12.117+deb12-amd64 ->
#                              6.12)
#   scripts/kver.sh --check V  exit 0 if V is usable, else print why, exit 1
#
# The lanes: 6.1 is the default kernel, 6.12 the second one
# (make KERNEL=$(scripts/kver.sh --series 6.12) ...); scripts/setup.sh
# installs both when the archive has them.
#
# "Usable" means: /boot/vmlinuz-VER exists and /lib/modules/VER/build points
# at a tree with a Makefile (the headers package). Nothing is pinned: the
# versions are discovered on each call.
#
# Exit status: 0 and the version on stdout; 1 with a message on stderr when
# no usable kernel is installed (run scripts/setup.sh).

set -eu

# Is $1 a usable kernel version? Prints the reason when not (to stderr).
kver_check() {
	local v=$1
	if [ ! -e "/boot/vmlinuz-$v" ]; then
		echo "kver: /boot/vmlinuz-$v does not exist (package linux-image-$v)" >&2
		return 1
	fi
	if [ ! -e "/lib/modules/$v/build/Makefile" ]; then
		echo "kver: /lib/modules/$v/build is missing (package linux-headers-$v)" >&2
		return 1
	fi
	return 0
}

# Every usable version, newest first.
kver_all() {
	local f v
	for f in /boot/vmlinuz-*; do
		[ -e "$f" ] || continue
		v=${f#/boot/vmlinuz-}
		kver_check "$v" 2>/dev/null && echo "$v"
	done | sort -rV
}

kver_default() {
	local all v
	if [ -n "${KERNEL:-}" ]; then
		kver_check "$KERNEL" || return 1
		echo "$KERNEL"
		return 0
	fi
	all=$(kver_all)
	if [ -z "$all" ]; then
		echo "kver: no kernel with both /boot/vmlinuz-VER and /lib/modules/VER/build;" \
			"run scripts/setup.sh (installs linux-image-amd64 linux-headers-amd64)" >&2
		return 1
	fi
	v=$(kver_series 6.1 2>/dev/null || true)
	[ -n "$v" ] || v=$(echo "$all" | head -n 1)
	echo "$v"
}

# The newest usable kernel of series $1 ("6.12" matches 6.12.*, not 6.1.*),
# the plain flavour (-amd64) before -rt/-cloud ones.
kver_series() {
	local v
	v=$(kver_all | awk -v s="$1." 'index($0, s) == 1' |
		awk '/-(rt|cloud)-/ { other[n++] = $0; next } { print }
			END { for (i = 0; i < n; i++) print other[i] }' | head -n 1)
	if [ -z "$v" ]; then
		echo "kver: no usable $1 kernel (/boot/vmlinuz-$1.* with its headers);" \
			"scripts/setup.sh installs Debian's newest $1 when the archive has one" >&2
		return 1
	fi
	echo "$v"
}

case "${1:-}" in
"") kver_default ;;
--all) kver_all ;;
--series)
	[ $# -eq 2 ] || { echo "usage: $0 --series SERIES (e.g. 6.12)" >&2; exit 2; }
	kver_series "$2"
	;;
--series-of)
	[ $# -eq 2 ] || { echo "usage: $0 --series-of VERSION" >&2; exit 2; }
	echo "$2" | cut -d. -f1,2 | sed 's/[^0-9.].*//'
	;;
--check)
	[ $# -eq 2 ] || { echo "usage: $0 --check VERSION" >&2; exit 2; }
	kver_check "$2"
	;;
-h | --help) awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); print; next } NR > 3 { exit }' "$0" ;;
*) echo "usage: $0 [--all | --series SERIES | --series-of VERSION | --check VERSION]" >&2; exit 2 ;;
esac
