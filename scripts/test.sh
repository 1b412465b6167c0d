#!/usr/bin/env bash
# `npm test`: the whole suite, in the order that fails fastest. CI runs exactly this (see .ci/run).
#   lint (Prettier + ESLint) → type check (svelte-check) → unit tests → production build →
#   integration tests on a real PostgreSQL (embedded, or DATABASE_URL when set) → e2e tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }

step "lint"
npx prettier --check .
npx eslint .

step "type check"
npx svelte-kit sync
npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings

step "unit tests"
npx vitest run --project unit

step "build"
npx vite build

step "integration tests (PostgreSQL: ${DATABASE_URL:+from DATABASE_URL}${DATABASE_URL:-embedded})"
npx vitest run --project integration

step "e2e tests (Chromium)"
CHROMIUM_PATH="$(bash scripts/find-chromium.sh)"
export CHROMIUM_PATH
npx playwright test
