"""The SSRF guard for user-supplied URLs: checked when saved and again when connecting."""

import httpx2
import pytest

from integrations.outbound import UnsafeDestination, guarded_http_client, validate_public_url
from tests.stand_ins import LoopbackServer


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/v1",
        "http://localhost/v1",
        "http://10.1.2.3/v1",
        "http://192.168.0.10/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://[::1]/",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_non_public_addresses_are_refused(url):
    with pytest.raises(UnsafeDestination, match="not a public address"):
        validate_public_url(url)


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "http:///nohost", "not a url"])
def test_only_http_urls_with_a_host(url):
    with pytest.raises(UnsafeDestination, match="http"):
        validate_public_url(url)


def test_public_addresses_pass():
    validate_public_url("https://8.8.8.8/v1")
    validate_public_url("http://[2001:4860:4860::8888]/v1")


def test_the_connection_itself_refuses_a_private_address():
    """Even a URL that passed validation (or a DNS answer that changed since) cannot reach loopback."""
    with LoopbackServer() as server:
        server.routes[("GET", "/secret")] = lambda request: (200, {"secret": True})
        client = guarded_http_client(timeout=2)
        for url in (f"{server.url}/secret", server.url.replace("127.0.0.1", "localhost") + "/secret"):
            with pytest.raises(httpx2.ConnectError, match="not a public address"):
                client.get(url)
        assert server.requests == []
