#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.sh FILE... - run the kernel's checkpatch.pl --strict over files.
#
# checkpatch.pl ships in Debian's linux-source-* package (scripts/setup.sh
# installs linux-source-6.1); the three files it needs are extracted once
# into ${SHADOWMM_CACHE:-~/.cache/shadowmm}/checkpatch. CHECKPATCH_PL=path
# uses another copy. Exit status: 0 when every file is clean.
set -eu

cache=${SHADOWMM_CACHE:-$HOME/.cache/shadowmm}/checkpatch
pl=${CHECKPATCH_PL:-$cache/scripts/checkpatch.pl}

if [ ! -x "$pl" ]; then
	# 6.1's checkpatch (the version the module follows), else the newest
	tarball=/usr/src/linux-source-6.1.tar.xz
	[ -f "$tarball" ] ||
		tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-*.tar.xz' | sort -V | tail -n 1)
	if [ -z "$tarball" ]; then
		echo "[style] no checkpatch.pl: install linux-source-6.1 (scripts/setup.sh)" >&2
		exit 1
	fi
	echo "[style] extracting checkpatch.pl from $tarball"
	rm -rf "$cache" && mkdir -p "$cache"
	tar -xJf "$tarball" -C "$cache" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi

# SPDX tags are checked by checkpatch on files, too.
"$pl" --strict --no-tree --quiet --show-types --terse --no-summary \
	--ignore FILE_PATH_CHANGES -f "$@"
echo "[style] checkpatch --strict: $# files clean"
