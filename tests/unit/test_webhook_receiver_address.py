"""Where a webhook endpoint may be: registering one written as an address inside a network (loopback, private,
link-local, unique-local, shared, multicast, reserved, unspecified, or an IPv6 address carrying one, however written)
or named localhost is refused naming the url, unless the deployment allows that network; so is a well-known port
other than 443; and an organisation has at most so many endpoints enabled at once."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

import pytest

from domain.limits import ENABLED_WEBHOOKS_PER_ORGANISATION, InvalidInputError
from domain.organisation import OrganisationKind
from domain.receiver_address import is_public
from domain.webhook import WebhookEndpoint
from tests.builders import COMMUNITY_ID, administrator_of
from tests.unit.given import collected

ADMINISTRATOR = administrator_of(COMMUNITY_ID)
INSIDE = {
    "loopback": "127.0.0.1",
    "loopback elsewhere in 127/8": "127.8.9.10",
    "private 10/8": "10.1.2.3",
    "private 172.16/12": "172.16.5.4",
    "private 192.168/16": "192.168.1.1",
    "link-local, the cloud's metadata service": "169.254.169.254",
    "shared (carrier-grade NAT)": "100.64.0.1",
    "IETF protocol assignments": "192.0.0.8",
    "benchmarking": "198.18.0.1",
    "documentation": "203.0.113.7",
    "unspecified": "0.0.0.0",
    "multicast": "224.0.0.1",
    "reserved": "240.0.0.1",
    "broadcast": "255.255.255.255",
    "IPv6 loopback": "[::1]",
    "IPv6 unspecified": "[::]",
    "IPv6 link-local": "[fe80::1]",
    "IPv6 link-local with a zone": "[fe80::1%25eth0]",
    "unique-local": "[fd12:3456::1]",
    "IPv6 multicast": "[ff02::1]",
    "IPv4-mapped loopback": "[::ffff:127.0.0.1]",
    "IPv4-mapped metadata service": "[::ffff:a9fe:a9fe]",
    "IPv4-compatible loopback": "[::127.0.0.1]",
    "NAT64 of a private address": "[64:ff9b::10.0.0.1]",
    "6to4 of loopback": "[2002:7f00:1::1]",
    "Teredo": "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
    "IPv4 written short": "127.1",
    "IPv4 written as one number": "2130706433",
    "IPv4 written in hex": "0x7f.0.0.1",
}


def registered(url: str, allowed: tuple[str, ...] = (), enabled_already: int = 0) -> WebhookEndpoint:
    networks = [ip_network(n) for n in allowed]
    return WebhookEndpoint.register(
        ADMINISTRATOR, COMMUNITY_ID, OrganisationKind.PROVIDER, url, ["quarter.closed"], "", networks, enabled_already
    )


@pytest.mark.parametrize("host", INSIDE.values(), ids=INSIDE.keys())
def test_an_address_inside_a_network_is_refused_naming_the_url_and_the_mistake(host: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        registered(f"https://{host}:8443/corral")

    assert refused.value.field == "url"
    assert "inside a private network: give the receiver's public name or address" in refused.value.message


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST.", "hooks.localhost"])
def test_localhost_by_name_is_refused_as_this_server_itself(host: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        registered(f"https://{host}/corral")

    assert refused.value.field == "url" and "this server itself" in refused.value.message


@pytest.mark.parametrize(
    "url",
    [
        "https://ehr.community.example/corral",
        "https://8.8.8.8/corral",
        "https://[2606:4700:4700::1111]/corral",
        "https://ehr.community.example:443/corral",
        "https://ehr.community.example:1024/corral",
        "https://ehr.community.example:8443/corral",
        "https://ehr.community.example:65535/corral",
    ],
)
def test_a_public_name_or_address_on_443_or_a_high_port_is_registered(url: str) -> None:
    (event,) = collected(registered(url))

    assert isinstance(event, WebhookEndpoint.EndpointRegistered) and event.url == url


@pytest.mark.parametrize("port", [1, 22, 25, 80, 389, 445, 636, 1023])
def test_a_well_known_port_other_than_443_is_refused(port: int) -> None:
    with pytest.raises(InvalidInputError) as refused:
        registered(f"https://ehr.community.example:{port}/corral")

    assert refused.value.field == "url"
    assert refused.value.message == f"a webhook goes to port 443 or a port from 1024 to 65535, not {port}"


def test_an_address_in_a_network_the_deployment_allows_is_registered_and_one_outside_it_still_refused() -> None:
    allowed = ("10.20.0.0/16", "fd00:abcd::/32")

    registered("https://10.20.3.4:8443/corral", allowed)
    registered("https://[fd00:abcd::7]/corral", allowed)
    with pytest.raises(InvalidInputError):
        registered("https://10.21.3.4/corral", allowed)
    with pytest.raises(InvalidInputError):
        registered("https://169.254.169.254/latest/meta-data/", allowed)


def test_an_organisation_with_the_most_endpoints_enabled_registers_or_enables_no_more() -> None:
    most = ENABLED_WEBHOOKS_PER_ORGANISATION
    endpoint = registered("https://ehr.community.example/corral", enabled_already=most - 1)
    endpoint.disable(ADMINISTRATOR, "moving the receiver")
    collected(endpoint)

    with pytest.raises(InvalidInputError) as refused:
        registered("https://ehr.community.example/other", enabled_already=most)
    with pytest.raises(InvalidInputError):
        endpoint.enable(ADMINISTRATOR, enabled_already=most)
    endpoint.enable(ADMINISTRATOR, enabled_already=most - 1)

    assert refused.value.field == "endpoints" and f"at most {most} webhook endpoints enabled" in refused.value.message
    assert [type(e) for e in collected(endpoint)] == [WebhookEndpoint.Enabled]


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])
def test_a_public_address_or_an_ipv6_one_carrying_it_is_public(address: str) -> None:
    assert is_public(ip_address(address))
