#!/usr/bin/env bash
# Runs a command the way synth and the tests need on any machine: no AWS credentials, no Docker, nothing written
# outside infra/ (the CDK CLI and aws-cdk-lib write under ~/.cdk and $TMPDIR: tests synthesise into temp folders),
# no telemetry, no notices. Each run gets its own TMPDIR under .cache/tmp, removed afterwards.
# Not for `cdk deploy`: that needs your real HOME for ~/.aws.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache/home .cache/tmp
export HOME="$PWD/.cache/home" CDK_HOME="$PWD/.cache/home"
TMPDIR="$(mktemp -d "$PWD/.cache/tmp/run.XXXXXX")"
export TMPDIR
export CDK_DISABLE_CLI_TELEMETRY=true CDK_DISABLE_VERSION_CHECK=true NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false
status=0
"$@" || status=$?
rm -rf "$TMPDIR"
exit "$status"
