#!/usr/bin/env bash
# The real API for the browser tests: a fresh database each run, the DEMO provider, the
# fake provider server standing in for Anthropic, a slow one for Gemini, and OpenAI pointed
# at a closed port so a failing provider can be tested too.
#   api.sh            the first process: resets the database and Redis, then serves
#   api.sh --second   another process on E2E_API2_PORT sharing them, once the first is up
#   api.sh --insights another on E2E_API3_PORT with a token budget and provider fallback
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$E2E_ROOT/api"

ROLE="${1:-}"
PORT="$E2E_API_PORT"
[ "$ROLE" = "--second" ] && PORT="$E2E_API2_PORT"
[ "$ROLE" = "--insights" ] && PORT="$E2E_API3_PORT"

export DATABASE_URL="$E2E_DATABASE_URL"
export REDIS_URL="$E2E_REDIS_URL"
export SECRET_KEY="e2e-only-secret-key-0123456789abcdef"
export CORS_ORIGINS="http://localhost:${E2E_WEB_PORT},http://127.0.0.1:${E2E_WEB_PORT}"
export API_PORT="$PORT"
export BCRYPT_ROUNDS=4              # registration speed matters more than hash cost here
export DEMO_STREAM_DELAY_MS=40      # ~2 s per demo reply: long enough to see pieces and stop
export DEFAULT_AI_PROVIDER=DEMO
export ANTHROPIC_API_KEY="fake-key" ANTHROPIC_BASE_URL="http://127.0.0.1:${E2E_FAKE_PROVIDER_PORT}"
export OPENAI_API_KEY="fake-key" OPENAI_BASE_URL="http://127.0.0.1:9/v1"
export GEMINI_API_KEY="fake-key" GEMINI_BASE_URL="http://127.0.0.1:${E2E_SLOW_PROVIDER_PORT}/v1"
export XAI_API_KEY="" OLLAMA_BASE_URL=""
export AI_MAX_ATTEMPTS=1 AI_CONNECT_TIMEOUT_SECONDS=2
# Not the default (200): the web app must use the limit the API serves (e2e/limits.spec.ts).
export TITLE_MAX_CHARS=60
export LOG_LEVEL=WARNING
# Every browser here is 127.0.0.1, and the web server forwards X-Forwarded-For from there:
# trust it, and lift the limits so parallel tests (and the 1,000-message bench seed) fit.
export TRUSTED_PROXIES="127.0.0.1/32,::1/128"
export RATE_LIMIT_AUTH="10000/minute" RATE_LIMIT_MESSAGES="10000/minute"
export RATE_LIMIT_SEARCH="10000/minute" RATE_LIMIT_FORKS="10000/minute"
# The second process refuses a user's third message in 15 s (limits are per user and shared
# through Redis): e2e/refusals.spec.ts sends from a tab pointed at it to see the countdown.
[ "$ROLE" = "--second" ] && export RATE_LIMIT_MESSAGES="${E2E_API2_RATE_LIMIT_MESSAGES:-2/15seconds}"

if [ "$ROLE" = "--insights" ]; then
  # Per user and month: each test's new user starts with all of it.
  export TOKEN_BUDGET="${E2E_TOKEN_BUDGET:-5000}"
  # OpenAI points at a closed port: its replies are answered by the fake Anthropic.
  export AI_FALLBACKS="OPENAI=ANTHROPIC"
fi

if [ -n "$ROLE" ]; then
  # The first process owns the reset: wait until it serves.
  until curl -sf "http://127.0.0.1:${E2E_API_PORT}/health_check" >/dev/null; do sleep 0.5; done
else
  uv run --frozen python -m parley.local_setup dropdb
  uv run --frozen python -m parley.local_setup createdb
  uv run --frozen alembic upgrade head >/dev/null
  uv run --frozen python -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()'
fi
exec uv run --frozen uvicorn parley.main:create_app --factory --host 127.0.0.1 --port "$PORT" --log-level warning
