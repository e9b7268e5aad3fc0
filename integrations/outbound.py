"""Outbound HTTP to user-controlled URLs, guarded against SSRF (DESIGN.md §7).

A URL a user supplies (an AI base URL now, flow HTTP nodes and outgoing webhooks later) may only
reach public addresses: loopback, private, link-local (cloud metadata), carrier-grade NAT, unique-local
and other non-global ranges are refused. The check runs twice: when the URL is saved
(`validate_public_url`, for a clear 400) and again when a connection is opened
(`guarded_http_client`): the host is resolved, every address must be public, and the connection
goes to the address that was checked, so a DNS answer that changes in between cannot reach an
internal host. TLS still verifies the certificate against the host name.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import httpcore2
import httpx2


class UnsafeDestination(ValueError):
    """The URL is malformed or would reach a non-public address."""


def public_addresses(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeDestination(f"{host} does not resolve.") from exc
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global:
            raise UnsafeDestination(f"{host} resolves to {address}, which is not a public address.")
        addresses.append(str(address))
    return addresses


def validate_public_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeDestination("Expected an http(s) URL with a host.")
    public_addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


class PublicAddressBackend(httpcore2.SyncBackend):
    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            address = public_addresses(host, port)[0]
        except UnsafeDestination as exc:
            # A connection error to HTTP clients (which handle those), caused by the refusal.
            raise httpcore2.ConnectError(str(exc)) from exc
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


class PublicAddressTransport(httpx2.HTTPTransport):
    def __init__(self) -> None:
        # No proxies from the environment: the guard must see the real destination.
        super().__init__(trust_env=False)
        # httpx2 has no public hook for the network backend; its pool is rebuilt with ours.
        self._pool = httpcore2.ConnectionPool(
            ssl_context=httpx2.create_ssl_context(trust_env=False),
            network_backend=PublicAddressBackend(),
        )


def guarded_http_client(*, timeout: float) -> httpx2.Client:
    return httpx2.Client(transport=PublicAddressTransport(), timeout=timeout, follow_redirects=False)
