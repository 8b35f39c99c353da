"""Where a webhook may be sent: only to an address on the public internet, or in a network the deployment allows
(CORRAL_WEBHOOK_ALLOWED_NETWORKS), so that no one can make Corral post inside its own network. Registration refuses a
host written as such an address or named localhost; the deliverer refuses a host that resolves to one."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

INSIDE = "an address inside a private network"
# Blocks Python 3.11's `is_global` misses: IETF protocol assignments, local-use NAT64, and IPv6 multicast's and
# IPv4 multicast's scopes (multicast is never a receiver).
NOT_GLOBAL = tuple(
    ip_network(n) for n in ("192.0.0.0/24", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "224.0.0.0/4", "ff00::/8")
)
NAT64 = ip_network("64:ff9b::/96")


def _embedded(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 one carries and reaches in the end: mapped, NAT64, 6to4 or IPv4-compatible."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64 or int(address) >> 32 == 0:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def is_public(address: Address) -> bool:
    """Whether an address is globally routable: not loopback, private, link-local, unique-local, shared, multicast,
    reserved, unspecified, nor an IPv6 address that carries one of those."""
    if isinstance(address, IPv6Address):
        if address.teredo is not None:
            return False
        inner = _embedded(address)
        if inner is not None and address.sixtofour is None:
            return is_public(inner)
        if inner is not None and not is_public(inner):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_link_local
        or address.is_loopback
        or address.is_unspecified
        or address.is_private
        or any(address in network for network in NOT_GLOBAL)
    )


def may_receive(address: Address, allowed: Iterable[Network] = ()) -> bool:
    """Whether a webhook may be posted to the address: a public one, or one in a network the deployment allows."""
    if isinstance(address, IPv6Address) and address.scope_id:
        address = ip_address(str(address).partition("%")[0])
    return is_public(address) or any(address in network for network in allowed if network.version == address.version)


def as_address(host: str) -> Address | None:
    """The address a host written as one stands for, however written (`127.1`, `0x7f.0.0.1`, `[::1]`), else None."""
    try:
        return ip_address(host)
    except ValueError:
        pass
    try:
        return IPv4Address(socket.inet_aton(host))  # the forms the resolver also reads as IPv4 (no lookup)
    except (OSError, UnicodeError, ValueError):
        return None


def written_host_refusal(host: str, allowed: Iterable[Network] = ()) -> str | None:
    """Why a URL's host, as written, may not receive webhooks (an address inside a network, or localhost); None if
    it may, as far as can be told without looking the name up."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host} is this server itself: give the receiver's public name"
    address = as_address(host)
    if address is not None and not may_receive(address, allowed):
        return f"{host} is {INSIDE}: give the receiver's public name or address"
    return None
