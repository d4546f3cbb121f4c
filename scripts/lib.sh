# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - what every host script under scripts/ starts with, sourced as
#   . "$(dirname "$0")/lib.sh"; smm_script TAG
#
# Sets $here (scripts/) and $repo, and defines:
#   usage       print the script's header comment (from line 4 to the
#               first line that is not a comment), without the "# "
#   log MSG     "[TAG] MSG" on stdout
#   err MSG     "[TAG] error: MSG" on stderr
#   bad_usage MSG   err MSG, point to --help, exit 2
#   copy_selftests DIR  selftests/ into DIR as the guest runs it: the
#               host-side unit tests, the guest's C helpers' sources
#               (tools/), build products and dot files left out

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2034 # for the scripts that source this
repo=$(cd "$here/.." && pwd)

smm_script() {
	smm_tag=$1
}

usage() { awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); print; next } NR > 3 { exit }' "$0"; }
log() { echo "[$smm_tag] $*"; }
err() { echo "[$smm_tag] error: $*" >&2; }
bad_usage() { err "$*"; echo "[$smm_tag] see: $0 --help" >&2; exit 2; }

copy_selftests() {
	tar -C "$repo/selftests" --exclude=./unit --exclude=./tools --exclude='*.o' --exclude='./.*' -cf - . |
		tar -C "$1" -xpf -
}
