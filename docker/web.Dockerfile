# syntax=docker/dockerfile:1
#
# Parley web image (Next.js, served by web/server.mjs: `next start` plus the client
# address check, see that file).
# Build context: the repository root, which holds the pnpm workspace
# (package.json, pnpm-workspace.yaml, pnpm-lock.yaml) with the `web` package.
#
#   docker build -f docker/web.Dockerfile \
#     --build-arg NEXT_PUBLIC_GRAPHQL_URL=https://api.example.com/graphql -t parley-web .
#
# NEXT_PUBLIC_* variables are inlined into the browser bundle by `next build`,
# so the GraphQL URL is a build argument: changing it means rebuilding the image.

ARG NODE_VERSION=20

# ---------------------------------------------------------------------------
# base: Node + the pnpm version pinned by the root package.json
# ---------------------------------------------------------------------------
FROM node:${NODE_VERSION}-slim AS base

ENV NEXT_TELEMETRY_DISABLED=1 \
    CI=true

WORKDIR /app

# Install exactly the pnpm named in "packageManager" (falls back to pnpm 10).
COPY package.json ./
RUN pm="$(node -p "(require('./package.json').packageManager || 'pnpm@10').split('+')[0]")" \
    && case "$pm" in pnpm@*) ;; *) echo "packageManager must be pnpm, got: $pm" >&2; exit 1 ;; esac \
    && npm install --global --no-fund --no-audit "$pm" \
    && pnpm --version

# ---------------------------------------------------------------------------
# fetch: download every locked package into the store (cached until the lockfile changes)
# ---------------------------------------------------------------------------
FROM base AS fetch

COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc* ./
RUN pnpm fetch --frozen-lockfile

# ---------------------------------------------------------------------------
# build: install everything offline from the store, then `next build`
# ---------------------------------------------------------------------------
FROM fetch AS build

# Only the web package: API changes do not invalidate this stage.
COPY web/ web/
RUN pnpm install --frozen-lockfile --offline

ARG NEXT_PUBLIC_GRAPHQL_URL=http://localhost:8000/graphql
ENV NEXT_PUBLIC_GRAPHQL_URL=${NEXT_PUBLIC_GRAPHQL_URL}

RUN pnpm --filter web build \
    && rm -rf web/.next/cache

# ---------------------------------------------------------------------------
# prod-deps: a fresh install without devDependencies (pruning in place would
# leave them in node_modules/.pnpm). Add the manifest of any new workspace package.
# ---------------------------------------------------------------------------
FROM fetch AS prod-deps

COPY web/package.json web/
RUN pnpm install --prod --frozen-lockfile --offline

# ---------------------------------------------------------------------------
# runtime: `next start` as the unprivileged `node` user
# ---------------------------------------------------------------------------
FROM node:${NODE_VERSION}-slim AS runtime

ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000

WORKDIR /app

COPY --from=prod-deps /app/package.json ./package.json
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/web/node_modules ./web/node_modules
COPY --from=build /app/web/package.json /app/web/next.config.* /app/web/server.mjs /app/web/root-env.mjs ./web/
COPY --from=build /app/web/src/lib/server/client-address.mjs ./web/src/lib/server/
# `next start` writes its cache under .next at run time: the node user owns it.
COPY --from=build --chown=node:node /app/web/.next ./web/.next

USER node
WORKDIR /app/web

EXPOSE 3000

# Any answer below 500 means the server is up and rendering.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=5 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:3000/').then((r) => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))"]

# The web package's `start` script, run directly rather than through `pnpm --filter web
# start` so that the server is PID 1 and receives SIGTERM. Behind a reverse proxy, set
# WEB_TRUSTED_PROXIES to its address(es), or every client looks like the proxy.
CMD ["node", "server.mjs", "--port", "3000", "--hostname", "0.0.0.0"]
