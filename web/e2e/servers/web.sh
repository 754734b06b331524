#!/usr/bin/env bash
# A production build of the web app (what users get), in its own dist dir so it never
# clobbers a developer's .next, served by server.mjs as in production.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$E2E_ROOT/web"
export NEXT_TELEMETRY_DISABLED=1
export NEXT_DIST_DIR=.next-e2e
export NEXT_PUBLIC_GRAPHQL_URL="http://localhost:${E2E_API_PORT}/graphql"
export WEB_PORT="$E2E_WEB_PORT"
if [ "${E2E_SKIP_BUILD:-}" != "1" ]; then
  pnpm exec next build >/dev/null
fi
exec node server.mjs --port "$E2E_WEB_PORT"
