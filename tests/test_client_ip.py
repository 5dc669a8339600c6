"""Client IP resolution with configured trusted proxy hops (SEC-IP)."""

import pytest
from django.test import RequestFactory, override_settings

from interview_analyzer.client_ip import client_ip


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_by_default_forwarded_headers_are_ignored():
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_HOPS=1)
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),  # the client as our load balancer saw it
        ("1.2.3.4, 198.51.100.7", "198.51.100.7"),  # a forged entry in front is ignored
        ("garbage, 198.51.100.7", "198.51.100.7"),
        (None, "10.0.0.2"),  # not through the proxy: the connecting address
        ("", "10.0.0.2"),
        ("2001:db8::5", "2001:db8::5"),
    ],
)
def test_one_trusted_hop(forwarded, expected):
    assert client_ip(request_from("10.0.0.2", forwarded)) == expected


@override_settings(TRUSTED_PROXY_HOPS=2)
def test_two_trusted_hops():
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_a_garbled_trusted_entry_falls_back_to_the_proxy_that_sent_it():
    assert client_ip(request_from("10.0.0.2", "not-an-ip")) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_CIDRS=["10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.1.1.1", "198.51.100.7"),
        ("10.0.0.2", "198.51.100.7", "198.51.100.7"),
        ("203.0.113.50", "1.2.3.4", "203.0.113.50"),  # not from a trusted proxy: header ignored
        ("10.0.0.2", "bogus, 10.1.1.1", "10.1.1.1"),
    ],
)
def test_trusted_proxy_networks(remote, forwarded, expected):
    assert client_ip(request_from(remote, forwarded)) == expected


def test_missing_remote_address_is_not_an_error():
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    assert client_ip(request) == "0.0.0.0"  # noqa: S104
