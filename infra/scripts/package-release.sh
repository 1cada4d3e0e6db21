#!/usr/bin/env bash
# Builds the release tarball the API instances run (lib/compute-api/user-data.ts unpacks it into /opt/vitrine/app
# and starts `node dist/server/main.js start`): the app's package.json, lockfile, bin/ and src/ (for `npx vitrine`
# operator commands), the server built from them (dist/server), its production dependencies, and the built
# storefront (web/dist).
#   bash infra/scripts/package-release.sh [arm64|x64] [out.tgz]
# arm64 matches the stages' Graviton instances (t4g, m7g); x64 is for Intel/AMD instance types.
#
# Run it where the instances run: Linux on the same CPU, ideally Amazon Linux 2023 itself (a CI runner or
# `docker run --platform linux/arm64 public.ecr.aws/amazonlinux/amazonlinux:2023`, see DEPLOY.md). Native
# dependencies are built or picked by their install scripts for the machine they install on: argon2's prebuilt
# binary crashed (SIGSEGV) on the Debian 12 x64 machine this was written on, where npm builds it from source.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cpu="${1:-arm64}"
host="$(uname -m)"
case "$cpu:$host" in
  arm64:aarch64 | x64:x86_64) ;;
  *) echo "package-release: building for $cpu on a $host machine; run it on Linux $cpu (see DEPLOY.md)" >&2; exit 1 ;;
esac
[ "$(uname -s)" = Linux ] || { echo "package-release: run it on Linux (see DEPLOY.md)" >&2; exit 1; }
version="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)"
out="$(realpath -m "${2:-$root/infra/.cache/release/vitrine-$version-$cpu.tgz}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
mkdir -p "$work/app/web"
cp -R package.json package-lock.json bin src "$work/app/"
# The storefront is built straight into the release (the checkout's own web/dist is left alone).
npx vite build --config web/vite.config.ts --logLevel warn --outDir "$work/app/web/dist" --emptyOutDir
bash scripts/build-server.sh "$work/app/dist/server"
(cd "$work/app" && npm ci --omit=dev --no-audit --no-fund)
mkdir -p "$(dirname "$out")"
tar -czf "$out" -C "$work/app" .
echo "$out $(du -h "$out" | cut -f1)"
