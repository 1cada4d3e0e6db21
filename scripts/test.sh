#!/usr/bin/env bash
# The whole test suite: what `npm test` runs, locally and in CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/dynamodb-local.sh          # AWS's DynamoDB Local for the catalog contract tests (from the npm registry)
npx vite build --config web/vite.config.ts --logLevel warn   # the storefront the browser test opens
npx tsc -p .                            # server, tests, benches
npx tsc -p web                          # storefront

# infra/ (CDK): typecheck + assertion tests on the synthesised templates, cdk-nag included (offline, ~50 s).
npm ci --prefix infra --no-audit --no-fund --loglevel=error
npm test --prefix infra

# Every *.test.ts under test/, one file per process (node:test), two at a time on these 2-core machines.
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=2 --test-reporter=spec "$@" "${files[@]}"
