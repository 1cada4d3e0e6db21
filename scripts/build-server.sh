#!/usr/bin/env bash
# Builds the server as production runs it: the TypeScript sources bundled by esbuild into ES modules under
# dist/server/ (or $1), npm packages left as imports, and every lazily imported part (CLI commands, the worker's
# handlers, the demo generator) its own chunk so it still loads only when used. Running the sources through tsx
# instead (bin/vitrine.js, for development) costs about 75 MB more memory per process for its in-memory transpile.
set -euo pipefail
cd "$(dirname "$0")/.."
exec npx --no-install esbuild src/cli/main.ts --bundle --splitting --format=esm --platform=node --target=node20 \
  --packages=external --outdir="${1:-dist/server}" --log-level=warning
