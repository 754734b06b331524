# Ports and settings shared by the e2e servers (sourced). Dedicated ports, database and
# Redis db, so the suite never touches a developer's running stack.
export E2E_API_PORT="${E2E_API_PORT:-8200}"
export E2E_WEB_PORT="${E2E_WEB_PORT:-3200}"
export E2E_FAKE_PROVIDER_PORT="${E2E_FAKE_PROVIDER_PORT:-8201}"
E2E_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
export E2E_ROOT
