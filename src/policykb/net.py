"""Where a policykb server may listen: this computer only, unless the user says otherwise.

policykb has no server yet. Any that is added (a SPARQL endpoint, a report preview) must
bind through `check_bind`, so that by default only programs on this computer can connect:

    host = check_bind(args.host)                          # None -> "127.0.0.1"
    host = check_bind(args.host, allow_remote=args.allow_remote)

A server reachable from other machines answers anyone who can reach it (and rdflib's SPARQL
runs LOAD and SERVICE, which fetch URLs and read local files, so keep SPARQL Update off
there); listening on a non-loopback address has to be asked for explicitly.
"""

from __future__ import annotations

import ipaddress

from policykb.errors import PolicyKBError

DEFAULT_BIND = "127.0.0.1"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost", "ip6-loopback"})


def is_loopback(host: str) -> bool:
    """True for an address (or the name localhost) that only this computer can reach:
    127.0.0.0/8, ::1 and ::ffff:127.x.x.x. False for anything else, including "",
    "0.0.0.0" and "::" (every interface) and any other host name (it may resolve anywhere)."""
    host = _bare(host)
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def check_bind(host: str | None = None, *, allow_remote: bool = False) -> str:
    """The address to listen on: DEFAULT_BIND when `host` is None, `host` itself when it is
    loopback or `allow_remote` is set; otherwise a PolicyKBError saying how to allow it."""
    if host is None:
        return DEFAULT_BIND
    if not isinstance(host, str):
        raise PolicyKBError.single(f"the address to listen on must be text, not {type(host).__name__}")
    if is_loopback(host) or allow_remote:
        return _bare(host)
    what = "every network interface" if _bare(host) in ("", "0.0.0.0", "::") else f"'{host}'"
    raise PolicyKBError.single(
        f"refusing to listen on {what}: by default a policykb server accepts connections from this "
        "computer only", expected=f"a loopback address ({DEFAULT_BIND}, ::1 or localhost)",
        hint="other machines could then query it; allow it explicitly (allow_remote=True, --allow-remote) "
             "if that is what you want")


def _bare(host: str) -> str:
    """`host` without surrounding spaces and the brackets of an IPv6 literal ("[::1]")."""
    host = host.strip()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host
