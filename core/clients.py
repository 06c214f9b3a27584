"""Who is asking: the one client-address function of Qiyue.

`client_address(request)` is the address the request came from. Behind a reverse proxy (TLS terminator, load
balancer) every request arrives from the proxy, and the proxy names the real client in `X-Forwarded-For`; anybody
else can write that header too. So the header is believed only when the request comes from an address listed in
settings.TRUSTED_PROXIES (addresses or networks), and then only up to the first hop that is not itself trusted:

    client ──▶ proxy A ──▶ proxy B ──▶ Qiyue          X-Forwarded-For: client, A      REMOTE_ADDR: B

With A and B trusted the client's address is used; with only B trusted, A's. Without TRUSTED_PROXIES the header is
ignored. Every rate limit (complaints, sign-in lockout, API throttles) keys on this function.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def parse_networks(entries) -> tuple[Network, ...]:
    """The networks of a list of addresses or CIDR networks; ValueError names the first bad one."""
    return _networks(tuple(str(entry).strip() for entry in entries if str(entry).strip()))


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [IPv6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted_proxy(address) -> bool:
    networks = parse_networks(getattr(settings, "TRUSTED_PROXIES", ()))
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the nearest untrusted hop of X-Forwarded-For behind trusted proxies."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return UNKNOWN
    address = remote
    if not is_trusted_proxy(address):
        return str(address)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        parsed = _address(hop)
        if parsed is None:
            break  # a forged or garbled entry: keep the last hop known to be real
        address = parsed
        if not is_trusted_proxy(address):
            break
    return str(address)
