"""Server-side request forgery: which webhook URLs Till may send to.

A webhook URL is a merchant's instruction to make Till send a request, so it must not reach
Till's own machine or network. Checked when an endpoint is saved and again before every
attempt, on the address the request is then sent to (the caller connects to exactly the
address vetted here, never a second DNS answer, so DNS rebinding gains nothing).

- Live mode: https only, and every address the host resolves to must be public.
- Test mode: http allowed; loopback and private networks too when TILL_WEBHOOK_ALLOW_LOCAL
  is on (development). Link-local (cloud metadata at 169.254.169.254), multicast,
  unspecified and reserved addresses are refused in every mode.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_DEFAULT_PORTS = {"http": 80, "https": 443}
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
NOT_PUBLIC = "URL must be publicly accessible"


class UnsafeUrl(Exception):  # noqa: N818 - a verdict, read as "raise UnsafeUrl(...)"
    """The URL is malformed or leads somewhere Till refuses to send."""


@dataclass(frozen=True)
class Target:
    """A parsed webhook URL: what to connect to and what to ask for."""

    scheme: str
    host: str  # a name or an IP literal, without brackets, lowercase
    port: int
    request_path: str  # path and query, as sent on the request line
    host_header: str
    basic_auth: str | None  # "user:password" from the URL, sent as Authorization: Basic


def url_parse(url: str, *, livemode: bool) -> Target:
    """Checks the URL's form (not its addresses) and splits it for sending."""
    if not url or url != url.strip() or any(ord(ch) < 33 for ch in url):
        raise UnsafeUrl("URL must not be empty or contain whitespace or control characters")
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"URL is malformed ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise UnsafeUrl("URL must start with https:// (or http:// in test mode)")
    if livemode and scheme != "https":
        raise UnsafeUrl("URL must use https in live mode")
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeUrl("URL must name a host")
    port = port or _DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        raise UnsafeUrl("URL has an invalid port")
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if port == _DEFAULT_PORTS[scheme] else f"{shown_host}:{port}"
    request_path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    basic_auth = None
    if parts.username is not None:
        basic_auth = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    return Target(scheme=scheme, host=host, port=port, request_path=request_path,
                  host_header=host_header, basic_auth=basic_auth)


def address_refusal(address: IPAddress, *, allow_local: bool) -> str | None:
    """Why Till will not send to `address`, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return address_refusal(embedded, allow_local=allow_local)
    if address.is_unspecified or address.is_link_local or address.is_multicast:
        return f"{NOT_PUBLIC} ({address} is a link-local, multicast or unspecified address)"
    if address.is_loopback or (address.is_private and not address.is_reserved):
        if allow_local:
            return None
        return f"{NOT_PUBLIC} ({address} is a loopback or private address)"
    if address.is_reserved or not address.is_global:
        return f"{NOT_PUBLIC} ({address} is a reserved or non-public address)"
    return None


def host_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (itself for an IP literal), in resolver order.

    Raises socket.gaierror when the name does not resolve.
    """
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in seen:
            seen.append(address)
    return seen


def addresses_vet(target: Target, *, allow_local: bool) -> list[IPAddress]:
    """The addresses of `target`'s host, all of them allowed; UnsafeUrl if any is not.

    One refused address refuses the host: a name that resolves both inside and outside
    must not be a way in. socket.gaierror propagates (the caller decides what an
    unresolvable name means).
    """
    addresses = host_addresses(target.host, target.port)
    if not addresses:
        raise socket.gaierror(f"{target.host} has no addresses")
    for address in addresses:
        if reason := address_refusal(address, allow_local=allow_local):
            raise UnsafeUrl(reason)
    return addresses


def url_check(url: str, *, livemode: bool, allow_local: bool) -> Target:
    """Checks a URL being saved on an endpoint: form, scheme, and the addresses it resolves
    to now, through the same resolution as every attempt (`addresses_vet`). A name that does
    not resolve is refused now rather than failing every delivery; every attempt checks the
    addresses again (a name can change)."""
    target = url_parse(url, livemode=livemode)
    try:
        addresses_vet(target, allow_local=allow_local and not livemode)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(f"the host {target.host} does not resolve to an address ({exc}); "
                        "use a name that resolves in public DNS, or an IP address") from exc
    return target
