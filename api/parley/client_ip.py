"""The caller's IP address, believing `X-Forwarded-For` only from proxies we were told to trust.

Run uvicorn with `--no-proxy-headers` so this is the only place that reads the header.
"""

from __future__ import annotations

import ipaddress

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str) -> list[IPNetwork]:
    """`TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges."""
    networks = []
    for item in value.split(","):
        if item.strip():
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                raise ValueError(f"not an IP address or network: {item.strip()!r}") from None
    return networks


def _trusted(address: str, networks: list[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(peer: str | None, forwarded_for: str | None, trusted: list[IPNetwork]) -> str:
    if peer is None:
        return "unknown"
    if not forwarded_for or not _trusted(peer, trusted):
        return peer
    # Each proxy appends the address it saw; walking from the right, the first address that is
    # not one of our proxies is the client. Anything left of it could be forged by the client.
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer
