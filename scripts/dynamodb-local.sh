#!/usr/bin/env bash
# Fetches AWS's DynamoDB Local (the Java emulator) for the catalog contract tests, without installing the npm
# package that ships it: `amplify-dynamodb-simulator` pulls 283 dependencies (the Amplify CLI core), but only its
# `emulator/` folder (~64 MB: DynamoDBLocal.jar + DynamoDBLocal_lib) is needed. Idempotent: skips when present.
# Usage: bash scripts/dynamodb-local.sh   (needs the npm registry; Java 17+ to run the emulator)
set -euo pipefail

VERSION="2.9.30"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${DYNAMODB_LOCAL_DIR:-$ROOT/.cache/dynamodb-local}"

if [[ -f "$DEST/DynamoDBLocal.jar" && -d "$DEST/DynamoDBLocal_lib" ]]; then
  echo "dynamodb-local: already present in $DEST"
  exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "dynamodb-local: fetching amplify-dynamodb-simulator@$VERSION"
# --ignore-scripts: only the tarball is wanted, nothing runs.
TARBALL="$(cd "$TMP" && npm pack --silent --ignore-scripts "amplify-dynamodb-simulator@$VERSION" | tail -n 1)"
tar -xzf "$TMP/$TARBALL" -C "$TMP" package/emulator
if [[ ! -f "$TMP/package/emulator/DynamoDBLocal.jar" ]]; then
  echo "dynamodb-local: the tarball has no package/emulator/DynamoDBLocal.jar" >&2
  exit 1
fi

# Move into place in one step so an interrupted run never leaves a half-filled folder that looks complete.
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST.partial" "$DEST"
mv "$TMP/package/emulator" "$DEST.partial"
mv "$DEST.partial" "$DEST"
echo "dynamodb-local: installed in $DEST ($(du -sh "$DEST" | cut -f1))"
