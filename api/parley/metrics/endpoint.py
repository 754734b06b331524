"""`GET /metrics`: the Prometheus text format, for the scraper only.

A scrape is let in when the client's address (as `parley.client_ip` judges it, believing
X-Forwarded-For only from TRUSTED_PROXIES) is in METRICS_ALLOW (loopback by default), or when
it brings `Authorization: Bearer <METRICS_TOKEN>`. Anyone else gets the answer of a path that
does not exist: nothing said about why.
"""

from __future__ import annotations

import ipaddress
import os
import secrets

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from parley.client_ip import IPNetwork, client_ip
from parley.settings import Settings

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Routed here whatever the method, so that the refusal of any is the same 404.
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _registry() -> CollectorRegistry:
    # With one file per process, a scrape reads them all (a fresh registry each time, as the
    # library asks: the collector must not be registered where the values are written).
    if os.environ.get(MULTIPROC_DIR_VARIABLE):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def _address_allowed(address: str, allowed: list[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in allowed)


class MetricsEndpoint:
    def __init__(self, settings: Settings) -> None:
        token = settings.metrics_token
        self._token = token.get_secret_value().encode() if token is not None else None
        self._allowed = settings.metrics_allow_networks
        self._trusted = settings.trusted_proxy_networks

    def allows(self, request: Request) -> bool:
        if self._token is not None:
            scheme, _, given = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and secrets.compare_digest(
                given.strip().encode(), self._token
            ):
                return True
        peer = request.client.host if request.client else None
        address = client_ip(peer, request.headers.get("x-forwarded-for"), self._trusted)
        return _address_allowed(address, self._allowed)

    async def respond(self, request: Request) -> Response:
        # Every method is routed here and a refusal is the app's own 404, so nothing tells
        # this path from one that does not exist (a 405 or a different body would).
        if request.method not in ("GET", "HEAD") or not self.allows(request):
            raise HTTPException(status_code=404)
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
