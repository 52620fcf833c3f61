# Shared settings for kbpf's scripts. Sourced, not run.
# Everything downloaded or built for tests lives in one cache outside the checkout.
KBPF_CACHE=${KBPF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kbpf}
KBPF_SRC_TARBALL=${KBPF_SRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

kbpf_log() { printf '[kbpf] %s\n' "$*" >&2; }
kbpf_die() { printf '[kbpf] error: %s\n' "$*" >&2; exit 1; }
