"""Webhooks reach only the public internet: every address a receiver's name resolves to must
be globally routable, checked when the endpoint is saved and again at each delivery, and the
delivery connects to the address it checked (no second lookup: DNS rebinding)."""

from __future__ import annotations

import io
import ipaddress
import socket

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from review_pages.models import WebhookDelivery, WebhookEndpoint
from review_pages.webhooks import delivery, hosts
from tests.support.receiver import Receiver

PUBLIC_ONLY = override_settings(REVIEW_PAGES={"WEBHOOKS_ALLOW_PRIVATE_HOSTS": False})
PRIVATE_ALLOWED = override_settings(REVIEW_PAGES={"WEBHOOKS_ALLOW_PRIVATE_HOSTS": True})

REFUSED = {
    "cloud metadata in shared space": "http://100.100.100.200/latest/meta-data/",
    "carrier-grade NAT": "http://100.64.0.1/",
    "6to4 of loopback": "http://[2002:7f00:1::]/",
    "6to4 of link-local metadata": "http://[2002:a9fe:a9fe::]/",
    "6to4 of a private network": "http://[2002:0a00:0001::1]/",
    "Teredo": "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "NAT64 of loopback": "http://[64:ff9b::7f00:1]/",
    "NAT64 of metadata": "http://[64:ff9b::a9fe:a9fe]/",
    "NAT64 local-use prefix": "http://[64:ff9b:1::5db8:d822]/",
    "IPv4-mapped loopback": "http://[::ffff:127.0.0.1]/",
    "IPv4-mapped private": "http://[::ffff:10.0.0.1]/",
    "loopback": "http://127.0.0.1:9/hooks",
    "IPv6 loopback": "http://[::1]/",
    "unspecified": "http://0.0.0.0/",
    "IPv6 unspecified": "http://[::]/",
    "this network": "http://0.1.2.3/",
    "private 10/8": "http://10.1.2.3/",
    "private 172.16/12": "http://172.16.5.4/",
    "private 192.168/16": "http://192.168.0.7/",
    "unique local IPv6": "http://[fd00:ec2::254]/",
    "link-local metadata": "http://169.254.169.254/latest/",
    "IPv6 link-local": "http://[fe80::1]/",
    "documentation 192.0.2/24": "http://192.0.2.10/",
    "documentation 198.51.100/24": "http://198.51.100.10/",
    "documentation 203.0.113/24": "http://203.0.113.10/",
    "IPv6 documentation": "http://[2001:db8::1]/",
    "IPv6 documentation 3fff::/20": "http://[3fff::1]/",
    "benchmarking": "http://198.18.0.1/",
    "IETF protocol assignments": "http://192.0.0.8/",
    "6to4 relay anycast": "http://192.88.99.1/",
    "multicast": "http://224.0.0.1/",
    "global-scope multicast": "http://233.252.0.1/",
    "IPv6 multicast": "http://[ff0e::1]/",
    "reserved 240/4": "http://240.0.0.1/",
    "broadcast": "http://255.255.255.255/",
    "IPv6 discard prefix": "http://[100::1]/",
    "localhost by name": "http://localhost/hooks",
}
ACCEPTED = {
    "public IPv4": "http://93.184.216.34/hooks",
    "public IPv6": "https://[2606:4700:4700::1111]/hooks",
    "6to4 of a public address": "http://[2002:5db8:d822::1]/",
    "NAT64 of a public address": "http://[64:ff9b::5db8:d822]/",
    "IPv4-mapped public address": "http://[::ffff:93.184.216.34]/",
}


def add_endpoint(url: str) -> str:
    out = io.StringIO()
    call_command(
        "webhooks", "add", url, "--secret", "s", "--events", "review.published", stdout=out
    )
    return out.getvalue()


def fake_dns(monkeypatch, *answers: list[str]) -> list[str]:
    """Each lookup of a name under example.net answers the next list of addresses (the last
    one repeats); returns the log of those names looked up. Other lookups (an address
    literal, when a connection is made) go to the real resolver."""
    looked_up: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if not str(host).endswith(".example.net"):
            return real_getaddrinfo(host, port, *args, **kwargs)
        looked_up.append(host)
        addresses = answers[min(len(looked_up), len(answers)) - 1]
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, port),
            )
            for address in addresses
        ]

    monkeypatch.setattr(hosts.socket, "getaddrinfo", getaddrinfo)
    return looked_up


@PUBLIC_ONLY
@pytest.mark.parametrize("url", REFUSED.values(), ids=REFUSED.keys())
def test_webhooks_add_refuses_a_receiver_that_is_not_on_the_public_internet(db, url):
    with pytest.raises(CommandError, match="not a public internet address"):
        add_endpoint(url)
    assert not WebhookEndpoint.objects.exists()


@PUBLIC_ONLY
@pytest.mark.parametrize("url", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_webhooks_add_accepts_a_public_receiver(db, url):
    assert "Added endpoint" in add_endpoint(url)
    assert WebhookEndpoint.objects.get().url == url


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("100.64.0.0", False),
        ("100.127.255.255", False),
        ("100.128.0.0", True),
        ("2002:0808:0808::", True),
        ("2002:c0a8:0001::", False),
        ("::ffff:8.8.8.8", True),
        ("::ffff:169.254.169.254", False),
        ("64:ff9b::808:808", True),
        ("64:ff9b::a00:1", False),
    ],
)
def test_is_public_decides_by_the_ipv4_address_inside_and_the_range_edges(address, public):
    assert hosts.is_public(ipaddress.ip_address(address)) is public


@PUBLIC_ONLY
def test_a_name_with_one_private_address_among_public_ones_is_refused(db, monkeypatch):
    fake_dns(monkeypatch, ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(CommandError, match=r"not a public internet address \(10\.0\.0\.5"):
        add_endpoint("https://hooks.example.net/in")
    assert not WebhookEndpoint.objects.exists()


@PUBLIC_ONLY
def test_a_name_that_became_internal_is_refused_at_delivery_and_nothing_is_sent(db, monkeypatch):
    fake_dns(monkeypatch, ["93.184.216.34"], ["169.254.169.254"])
    add_endpoint("http://hooks.example.net/in")
    endpoint = WebhookEndpoint.objects.get()
    item = WebhookDelivery.objects.create(endpoint=endpoint, event="review.published", body="{}")
    sent = []
    monkeypatch.setattr(hosts.PinnedAddressAdapter, "send", lambda *a, **k: sent.append(a))

    assert delivery.attempt(item.pk) == WebhookDelivery.FAILED
    item.refresh_from_db()
    assert "169.254.169.254" in item.last_error and "not a public internet address" in (
        item.last_error
    )
    assert sent == []


@PUBLIC_ONLY
def test_a_name_that_does_not_resolve_at_delivery_is_retried(db, monkeypatch):
    fake_dns(monkeypatch, ["93.184.216.34"])
    add_endpoint("http://hooks.example.net/in")
    item = WebhookDelivery.objects.create(
        endpoint=WebhookEndpoint.objects.get(), event="review.published", body="{}"
    )

    def no_answer(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(hosts.socket, "getaddrinfo", no_answer)
    assert delivery.attempt(item.pk) == WebhookDelivery.PENDING
    item.refresh_from_db()
    assert "cannot be resolved" in item.last_error


@PRIVATE_ALLOWED
def test_a_delivery_connects_to_the_address_it_checked_without_a_second_lookup(db, monkeypatch):
    """The name answers 127.0.0.1 once, then an address nothing listens on (a rebinding):
    the delivery reaches the receiver at the first answer, with the name in its Host."""
    receiver = Receiver()
    try:
        port = receiver.server.server_port
        looked_up = fake_dns(monkeypatch, ["127.0.0.1"], ["10.255.255.1"])
        endpoint = WebhookEndpoint.objects.create(
            url=f"http://rebind.example.net:{port}/hooks",
            secret="s",
            events=["review.published"],
        )
        item = WebhookDelivery.objects.create(
            endpoint=endpoint, event="review.published", body='{"x": 1}'
        )

        status = delivery.attempt(item.pk)
        item.refresh_from_db()
        assert status == WebhookDelivery.DELIVERED, item.last_error
        assert looked_up == ["rebind.example.net"]
        assert len(receiver.requests) == 1
        assert receiver.requests[0]["headers"]["Host"] == f"rebind.example.net:{port}"
        assert receiver.requests[0]["body"] == b'{"x": 1}'
    finally:
        receiver.close()


def test_the_pinned_session_refuses_another_host_than_the_checked_one(monkeypatch):
    target = hosts.Destination(
        url="http://a.example.net/",
        host="a.example.net",
        port=80,
        address=ipaddress.ip_address("93.184.216.34"),
    )
    with hosts.session_for(target) as session, pytest.raises(hosts.Refused):
        session.post("http://b.example.net/", data=b"", timeout=1)
