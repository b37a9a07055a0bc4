"""Which receivers a webhook may reach: not the server's own network, unless allowed.

A URL whose host is (or resolves to) a loopback, private, link-local, multicast, reserved or
unspecified address is refused unless `REVIEW_PAGES["WEBHOOKS_ALLOW_PRIVATE_HOSTS"]`; it is
checked when an endpoint is saved and again before each attempt (a name can move). A name
that moves between that check and the connection (DNS rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ..conf import reviews_settings


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def _is_internal(address) -> bool:
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def refusal(url: str) -> str | None:
    """Why a delivery may not go to `url`, or None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL."
    if reviews_settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS:
        return None
    try:
        addresses = _addresses(parts.hostname)
    except (OSError, UnicodeError) as error:
        return f"The host {parts.hostname!r} cannot be resolved ({error})."
    internal = sorted({str(address) for address in addresses if _is_internal(address)})
    if internal:
        return (
            f"{parts.hostname!r} is a loopback, private or link-local address "
            f"({', '.join(internal)}); set WEBHOOKS_ALLOW_PRIVATE_HOSTS to allow it."
        )
    return None
