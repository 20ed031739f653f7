"""A policykb server listens on this computer's loopback unless told otherwise (net.py)."""

from __future__ import annotations

import socket

import pytest

from policykb.errors import PolicyKBError
from policykb.net import DEFAULT_BIND, check_bind, is_loopback

LOOPBACK = ["127.0.0.1", "127.0.0.53", "127.255.255.254", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1",
            "localhost", "LOCALHOST", " 127.0.0.1 "]
REMOTE = ["0.0.0.0", "::", "[::]", "", "  ", "192.168.1.10", "10.0.0.1", "8.8.8.8", "fe80::1", "fe80::1%eth0",
          "2001:db8::1", "example.org", "127.0.0.1.nip.io", "localhost.example.org", "127.0.0.1:8080", "0",
          "::ffff:8.8.8.8"]


def test_the_default_is_ipv4_loopback():
    assert DEFAULT_BIND == "127.0.0.1"
    assert check_bind() == "127.0.0.1"
    assert check_bind(None) == "127.0.0.1"


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_addresses_are_accepted(host):
    assert is_loopback(host)
    assert check_bind(host) == host.strip().strip("[]")


@pytest.mark.parametrize("host", REMOTE)
def test_other_addresses_are_refused_unless_allowed(host):
    assert not is_loopback(host)
    with pytest.raises(PolicyKBError) as excinfo:
        check_bind(host)
    message = str(excinfo.value)
    assert message.startswith("error: refusing to listen on ")
    assert "Expected a loopback address (127.0.0.1, ::1 or localhost)" in message
    assert "allow_remote=True" in message
    assert check_bind(host, allow_remote=True) == host.strip().strip("[]")


def test_every_interface_is_named_as_such():
    for host in ("0.0.0.0", "::", ""):
        with pytest.raises(PolicyKBError, match="refusing to listen on every network interface"):
            check_bind(host)


def test_a_host_that_is_not_text_is_refused():
    with pytest.raises(PolicyKBError, match="must be text"):
        check_bind(2130706433)  # 127.0.0.1 as a number


def test_a_socket_bound_to_the_checked_default_is_reachable_only_on_loopback():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind((check_bind(), 0))
        server.listen(1)
        host, port = server.getsockname()
        assert host == "127.0.0.1" and port > 0
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
