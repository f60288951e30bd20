#!/usr/bin/env bash
# The examples as a user runs them: sysstatus packed with `npm pack`, installed into a fresh folder
# beside a copy of examples/business-trip, whose suites then run under node:test, Vitest and Jest,
# and lark-mcp (the official Lark MCP server) is driven against sysstatus. Fails when any test fails.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# npm pack runs the build (prepare) and packs what package.json's files list: dist, the bin, docs.
(cd "$ROOT" && npm pack --silent --pack-destination "$WORK" >/dev/null)
TARBALL="$(ls "$WORK"/sysstatus-*.tgz)"

cp -R "$ROOT/examples/business-trip" "$WORK/app"
cd "$WORK/app"
# better-sqlite3 compiles from source where no prebuilt binary can be downloaded: use both cores.
JOBS=max npm install --no-audit --no-fund "$TARBALL"
# lark-mcp's keytar (its store for OAuth user tokens, unused with --token-mode tenant_access_token)
# builds against libsecret, which this machine lacks; lark-mcp runs without it.
npm install --no-audit --no-fund --no-save --ignore-scripts @larksuiteoapi/lark-mcp@0.5.1 @modelcontextprotocol/sdk@1.32.2

npm run test:node
npm run test:vitest
npm run test:jest
npm run test:mcp
