#!/usr/bin/env bash
# A second fake provider (OpenAI wire format, standing in for Gemini) whose replies take about
# 15 s: long enough to reload, switch chats and stop from another tab while one runs. The
# words are bold, so a reply stopped part-way ends inside an open `**` (e2e/markdown.spec.ts).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$E2E_ROOT/api"
words="$(seq -f 'w%02g' 1 60 | paste -sd' ')"
exec uv run --frozen python -m tests.fakes.provider_server --port "$E2E_SLOW_PROVIDER_PORT" \
  --text "Slow reply starts. **${words}** slow reply ends." --chunks 60 --chunk-delay 0.25
