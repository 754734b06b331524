# Ports and settings shared by the e2e servers (sourced). Dedicated ports, database and
# Redis db, so the suite never touches a developer's running stack.
export E2E_API_PORT="${E2E_API_PORT:-8200}"
# A second API process sharing the database and Redis (durable replies across processes).
export E2E_API2_PORT="${E2E_API2_PORT:-8202}"
# A third API process sharing them, configured as the default ones are not: a token budget
# and provider fallback (search.spec.ts, usage.spec.ts). Next to the first by default.
export E2E_API3_PORT="${E2E_API3_PORT:-$((E2E_API_PORT + 4))}"
export E2E_WEB_PORT="${E2E_WEB_PORT:-3200}"
export E2E_FAKE_PROVIDER_PORT="${E2E_FAKE_PROVIDER_PORT:-8201}"
# A fake provider whose replies take about 15 s (standing in for Gemini), for replies that
# must outlive a reload.
export E2E_SLOW_PROVIDER_PORT="${E2E_SLOW_PROVIDER_PORT:-8203}"
export E2E_DATABASE_URL="${E2E_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/parley_e2e}"
export E2E_REDIS_URL="${E2E_REDIS_URL:-redis://127.0.0.1:6379/6}"
E2E_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
export E2E_ROOT
