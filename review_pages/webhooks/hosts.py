"""Which receivers a webhook may reach, and how a delivery reaches exactly the address checked.

A receiver must be on the public internet: every address its host name resolves to must be
globally routable (`is_public`). Refused: loopback, private, link-local, shared (carrier-grade
NAT, 100.64.0.0/10, where one cloud's metadata service lives), documentation, benchmarking,
multicast, reserved and unspecified addresses, and the IPv6 forms that carry an IPv4 address
inside them (IPv4-mapped, 6to4, Teredo, NAT64) when that IPv4 address is not public itself.
`REVIEW_PAGES["WEBHOOKS_ALLOW_PRIVATE_HOSTS"]` lifts the rule (a receiver on the same network).

The rule is checked when an endpoint is saved and again at each delivery, and a delivery
connects to the address it checked (`destination` resolves the name once; `session_for` pins
the connection to that address, keeping the name for the Host header, TLS's SNI and the
certificate check). So a name that resolved to a public address when it was checked cannot
send the connection elsewhere by answering differently a moment later (DNS rebinding).

Weighed: requests-hardened (Saleor's SSRF filter for requests) pins the connection the same
way, but checks only the first address with a fixed rule of its own (it lets reserved IPv6
ranges through and has no "allow private" switch), so the rule here could not be the one
the admin form and the `webhooks` command apply.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from ..conf import reviews_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Ranges not routable on the internet that Python's `is_global` does not know on every
#: supported version (its tables gained entries in 3.12.4 and 3.13).
NOT_GLOBAL = tuple(
    ipaddress.ip_network(network)
    for network in (
        "100.64.0.0/10",  # shared address space (carrier-grade NAT; cloud metadata services)
        "192.0.0.0/24",  # IETF protocol assignments
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "198.18.0.0/15",  # benchmarking
        "64:ff9b:1::/48",  # NAT64 for local use
        "5f00::/16",  # segment routing SIDs
        "3fff::/20",  # documentation (RFC 9637)
    )
)
#: The well-known NAT64 prefix: the last 32 bits are an IPv4 address reached through it.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """A receiver the rule does not allow; the message says why."""


class Unresolvable(Refused):
    """The receiver's name has no address now (perhaps for a moment: a delivery retries)."""


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for (mapped, 6to4, Teredo, NAT64)."""
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)  # (server, client)
    if address in NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return []


def is_public(address: IPAddress) -> bool:
    """Whether `address` is globally routable (and so not the server's own network)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded:
            # The IPv6 form reaches the IPv4 address it carries: that one decides, the same
            # on every Python (3.11 calls 6to4 global whatever it carries, 3.13 private;
            # both call ::ffff:0:0/96 private). Teredo's prefix is never global (2001::/32):
            # refused below even when what it carries is public.
            if not all(is_public(inner) for inner in embedded):
                return False
            if address.teredo is None:
                return True
    if any(address in network for network in NOT_GLOBAL if network.version == address.version):
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_private
    )


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` stands for (an address literal stands for itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True)
class Destination:
    """Where one delivery goes: the URL, and the address its connection is pinned to."""

    url: str
    host: str
    port: int
    address: IPAddress


def destination(url: str) -> Destination:
    """Resolve `url`'s host once and check every address; raises Refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"{url!r} is not an http(s) URL.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise Refused(f"{url!r} has no valid port ({error}).") from error
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError) as error:
        raise Unresolvable(f"The host {parts.hostname!r} cannot be resolved ({error}).") from error
    if not addresses:
        raise Unresolvable(f"The host {parts.hostname!r} has no address.")
    if not reviews_settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS:
        internal = [str(address) for address in addresses if not is_public(address)]
        if internal:
            raise Refused(
                f"{parts.hostname!r} is not a public internet address ({', '.join(internal)}: "
                "loopback, private, link-local, shared, reserved or documentation addresses, "
                "or an IPv6 form of one); set WEBHOOKS_ALLOW_PRIVATE_HOSTS to allow it."
            )
    return Destination(url=url, host=parts.hostname, port=port, address=addresses[0])


def refusal(url: str) -> str | None:
    """Why a delivery may not go to `url`, or None when it may."""
    try:
        destination(url)
    except Refused as error:
        return str(error)
    return None


class PinnedAddressAdapter(HTTPAdapter):
    """Connects to the address that was checked instead of looking the name up again.

    The pool is keyed and connected by the address; the name stays in the Host header and,
    for https, in the TLS server name and the certificate check.
    """

    def __init__(self, target: Destination):
        super().__init__(max_retries=0)
        self.target = target

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        name = host_params["host"].strip("[]")
        if name.lower() != self.target.host.strip("[]").lower():
            raise Refused(f"{request.url!r} is not the checked receiver.")
        request.headers = CaseInsensitiveDict(request.headers or {})
        shown = f"[{name}]" if ":" in name else name
        default_port = 443 if host_params["scheme"] == "https" else 80
        port = host_params.get("port") or default_port
        request.headers["Host"] = shown if port == default_port else f"{shown}:{port}"
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        host_params["host"] = str(self.target.address)
        return host_params, pool_kwargs


def session_for(target: Destination) -> requests.Session:
    """A session whose connections to the receiver go to `target.address` only."""
    session = requests.Session()
    adapter = PinnedAddressAdapter(target)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
