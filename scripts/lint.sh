#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - the non-C half of `make style`: shellcheck over scripts/ and
# the guest selftests (sh -n too, via selftests/Makefile; the debug lane's
# scripts/kernel/tests/ run beside selftests/lib.sh in the guest), README.rst
# parsed by docutils with warnings as errors, so its tables stay tables.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

shellcheck -x scripts/*.sh
make -s -C selftests check
for f in scripts/kernel/tests/*.sh; do
	sh -n "$f"
	busybox sh -n "$f"
done
shellcheck -s sh -x -P selftests scripts/kernel/tests/*.sh
# scripts/record runs in the guest: busybox sh
sh -n scripts/record
busybox sh -n scripts/record
shellcheck -s sh -x scripts/record
# scripts/plot: Debian's python3 (the one python3-matplotlib is for)
/usr/bin/python3 - scripts/plot <<'PY'
import ast
import sys
ast.parse(open(sys.argv[1]).read(), sys.argv[1])
PY
if /usr/bin/python3 -m pyflakes --version >/dev/null 2>&1; then
	/usr/bin/python3 -m pyflakes scripts/plot
fi
python3 - README.rst <<'PY'
import sys
import docutils.core
src = open(sys.argv[1]).read()
docutils.core.publish_string(src, writer_name="null",
                             settings_overrides={"report_level": 2,
                                                 "halt_level": 2})
PY
echo "[style] shellcheck, sh -n, scripts/plot and README.rst clean"
