#!/usr/bin/env bash
# Minimal Debian roots for testing what we ship on a machine like a user's (an older glibc, no
# Rust, no C compiler, no CA store) or for a toolchain this machine lacks (Swift on trixie).
# Built from Debian's own packages with debootstrap, in a folder the caller chooses (a fresh
# temporary folder per run: nothing is cached between runs).
#
#   scripts/debian-root.sh create SUITE DIR [PACKAGE...]   debootstrap SUITE into DIR, then
#                                                          apt-get install the packages inside
#   scripts/debian-root.sh run DIR [--bind HOST_DIR:ROOT_DIR]... -- CMD [ARG...]
#                                                          run CMD inside DIR (proc, dev and the
#                                                          binds mounted for the command only)
#   scripts/debian-root.sh destroy DIR                     unmount whatever is left, delete DIR
#   scripts/debian-root.sh tools                           install debootstrap (apt-get) if missing
#                                                          (before creating roots in parallel)
#
# The root shares this machine's network namespace, so a server started outside on 127.0.0.1 is
# reachable inside. Needs root (CI and the developers' machines run as root) and debootstrap,
# which `create` installs with apt-get when it is missing.
set -euo pipefail

mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

die() {
    echo "debian-root.sh: $*" >&2
    exit 2
}

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Every mount point at or below DIR, deepest first.
mounts_under() {
    local dir
    dir=$(realpath -m "$1")
    awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}

unmount_all() {
    local m
    while read -r m; do
        [[ -n $m ]] && as_root umount -l "$m"
    done < <(mounts_under "$1")
}

cmd_tools() {
    if ! command -v debootstrap >/dev/null 2>&1; then
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
}

cmd_create() {
    [[ $# -ge 2 ]] || die "usage: create SUITE DIR [PACKAGE...]"
    local suite=$1 dir=$2
    shift 2
    cmd_tools
    mkdir -p "$dir"
    local started=$SECONDS
    as_root debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 ||
        { tail -n 20 "$dir.debootstrap.log" >&2; die "debootstrap $suite failed"; }
    rm -f "$dir.debootstrap.log"
    if [[ $# -gt 0 ]]; then
        cmd_run "$dir" -- sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"' sh "$@" \
            >"$dir.apt.log" 2>&1 || { tail -n 20 "$dir.apt.log" >&2; die "apt-get install $* failed in the $suite root"; }
        rm -f "$dir.apt.log"
    fi
    echo "debian-root.sh: $suite root in $dir ($((SECONDS - started)) s${*:+, with $*})"
}

cmd_run() {
    [[ $# -ge 1 ]] || die "usage: run DIR [--bind HOST:ROOT]... -- CMD..."
    local dir=$1
    shift
    [[ -d $dir/etc ]] || die "$dir is not a Debian root"
    local binds=()
    while [[ $# -gt 0 && $1 != -- ]]; do
        case $1 in
        --bind)
            [[ $# -ge 2 && $2 == *:* ]] || die "--bind takes HOST_DIR:ROOT_DIR"
            binds+=("$2")
            shift 2
            ;;
        *) die "unknown option $1" ;;
        esac
    done
    [[ ${1:-} == -- ]] || die "run: put -- before the command"
    shift
    [[ $# -gt 0 ]] || die "run: no command"
    as_root mount -t proc proc "$dir/proc"
    as_root mount --rbind /dev "$dir/dev"
    local b
    for b in "${binds[@]}"; do
        mkdir -p "$dir/${b#*:}"
        as_root mount --bind "${b%%:*}" "$dir/${b#*:}"
    done
    # The root's resolver is not needed for loopback, but apt-get inside needs one.
    cp -f /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    local rc=0
    as_root chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 "$@" || rc=$?
    unmount_all "$dir"
    return "$rc"
}

cmd_destroy() {
    [[ $# -eq 1 ]] || die "usage: destroy DIR"
    [[ -e $1 ]] || return 0
    unmount_all "$1"
    [[ -z $(mounts_under "$1") ]] || die "$1 still has mounts; not deleting it"
    as_root rm -rf --one-file-system "$1"
}

[[ $# -ge 1 ]] || die "usage: create|run|destroy|tools ..."
sub=$1
shift
case $sub in
create) cmd_create "$@" ;;
run) cmd_run "$@" ;;
destroy) cmd_destroy "$@" ;;
tools) cmd_tools ;;
*) die "unknown command $sub (create, run, destroy, tools)" ;;
esac
