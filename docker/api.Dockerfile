# syntax=docker/dockerfile:1
#
# Parley API image (Strawberry GraphQL on Starlette, served by uvicorn).
# Build context: the repository root (see compose.yaml and .dockerignore).
#
#   docker build -f docker/api.Dockerfile -t parley-api .
#
# The same image runs the migrations (`alembic upgrade head`, the one-shot
# `migrate` service in compose.yaml) and the server (the default CMD), with the
# same programs and arguments as the Makefile's `migrate` and API targets.
# Dependencies come from PyPI only: uv is installed with pip rather than copied
# from the ghcr.io/astral-sh/uv image.

ARG PYTHON_VERSION=3.11

# ---------------------------------------------------------------------------
# builder: resolve the locked dependencies into /app/.venv
# ---------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim AS builder

ARG UV_VERSION=0.13.9
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install "uv==${UV_VERSION}"

WORKDIR /app

# Third-party dependencies first, so this layer is reused until uv.lock changes.
COPY api/pyproject.toml api/uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

# Then the project itself, installed as a regular (non-editable) package.
COPY api/ ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable

# ---------------------------------------------------------------------------
# runtime: the virtualenv plus what Alembic reads at run time
# ---------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim AS runtime

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH="/app/.venv/bin:${PATH}" \
    API_PORT=8000

RUN groupadd --system --gid 10001 parley \
    && useradd --system --uid 10001 --gid parley --home-dir /app --no-create-home parley

WORKDIR /app

COPY --from=builder /app/.venv /app/.venv
COPY --from=builder /app/alembic.ini /app/alembic.ini
COPY --from=builder /app/migrations /app/migrations

USER parley:parley

EXPOSE 8000

# No curl in the slim image: probe with the interpreter that is already there.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health_check', timeout=4)"]

# The same command as `make serve` (production settings, API_WORKERS processes); the port
# inside the container is fixed, publish it elsewhere with `-p HOST:8000`.
ENV API_HOST=0.0.0.0 \
    API_PORT=8000
CMD ["python", "-m", "parley.server"]
