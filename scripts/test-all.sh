#!/usr/bin/env bash
# Runs every test of Onsite: the Rust suites (unit, HTTP, store on SQLite *and* PostgreSQL,
# CLI) and the browser journeys. Needs PostgreSQL on 127.0.0.1:5432 (or
# ONSITE_TEST_POSTGRES_URL), Chromium at /usr/bin/chromium, Python's aiosmtpd, and Node;
# .ci/run installs them on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi

# Browser journeys drive the real binary, which the test run above built (the CLI tests need
# it); building it again with `cargo build -p onsite` would recompile dependencies with other
# features.
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
export ONSITE_BIN="$target_dir/debug/onsite"
[ -x "$ONSITE_BIN" ] || cargo build -p onsite
if [ ! -d tests/e2e/node_modules ]; then
  npm ci --prefix tests/e2e --no-audit --no-fund
fi
npm test --prefix tests/e2e
