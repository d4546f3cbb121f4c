#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# copy-sources.sh - copy the module's sources to DIR for a build against a
# second kernel, so that the top's shadowmm.ko stays the first kernel's
# (scripts/check.sh, scripts/check-debug.sh).
#
# Usage: scripts/copy-sources.sh DIR
#
# Only files whose content differs are copied (and so get a new mtime):
# kbuild rebuilds what changed since the last run and never misses an edit
# for its mtime. Sources gone from the tree go from the copy.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
d=$(mkdir -p "$1/build" && cd "$1" && pwd)
cd "$top"
(cd "$d" && find include src debugfs -type f -name '*.[ch]' 2>/dev/null) |
	while IFS= read -r f; do [ -e "$f" ] || rm -f "$d/$f"; done
find Kbuild Makefile dkms.conf include src debugfs -type f \
	\( -name '*.[ch]' -o -name Kbuild -o -name Makefile -o -name dkms.conf \) |
	while IFS= read -r f; do
		cmp -s "$f" "$d/$f" && continue
		case "$f" in */*) mkdir -p "$d/${f%/*}" ;; esac
		cp "$f" "$d/$f"
	done
