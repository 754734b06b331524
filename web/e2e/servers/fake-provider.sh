#!/usr/bin/env bash
# The API's fake AI provider (OpenAI/Anthropic wire formats), standing in for Anthropic.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$E2E_ROOT/api"
exec uv run --frozen python -m tests.fakes.provider_server --port "$E2E_FAKE_PROVIDER_PORT" \
  --text "Fake provider says hello in five pieces." --chunks 5 --chunk-delay 0.05
