# Shared by the benchmark scripts (sourced): cargo profile names and Debian tools.

step() { printf '\n==> %s\n' "$*" >&2; }

# Sets PROFILE to the folder under target/ (debug for dev) and CARGO_PROFILE to the matching
# cargo flags, from a profile name: release, debug/dev, or any custom profile.
set_profile() {
  case "$1" in
    debug|dev) PROFILE=debug; CARGO_PROFILE=(--profile dev) ;;
    release) PROFILE=release; CARGO_PROFILE=(--release) ;;
    *) PROFILE="$1"; CARGO_PROFILE=(--profile "$1") ;;
  esac
}

# apt-get installs the Debian packages given as TOOL=PACKAGE pairs whose tool is missing: TOOL
# is a command looked up on PATH and in /usr/sbin, or an absolute path (/usr/bin/time: `time`
# alone would find the shell keyword). Through sudo when not root.
install_missing() {
  local missing=() pair tool pkg
  for pair in "$@"; do
    tool="${pair%%=*}" pkg="${pair#*=}"
    case "$tool" in
      /*) [ -x "$tool" ] || missing+=("$pkg") ;;
      *) command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || missing+=("$pkg") ;;
    esac
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  step "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
