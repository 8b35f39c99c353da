"""A webhook endpoint: registered by its organisation's own administrator for an https:// address and kinds of event
it may see; disabled with a reason and enabled again; its secret rotated by recording the next generation only."""

from __future__ import annotations

import pytest

from domain.errors import NotPermittedError
from domain.errors import ReasonRequiredError
from domain.limits import InvalidInputError
from domain.organisation import OrganisationKind
from domain.webhook import WebhookEndpoint, webhook_endpoint_id
from tests.builders import COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID, administrator_of
from tests.unit.given import collected

URL = "https://ehr.community.example/Corral"
ADMINISTRATOR = administrator_of(COMMUNITY_ID)


def registered(**changes: object) -> WebhookEndpoint:
    given = {"url": URL, "kinds": ["quarter.closed", "submission.returned"], "description": " our EPR "} | changes
    return WebhookEndpoint.register(
        ADMINISTRATOR, COMMUNITY_ID, OrganisationKind.PROVIDER, given["url"], given["kinds"], given["description"]
    )


def test_its_administrator_registers_an_https_address_for_kinds_of_event_named_once_in_a_fixed_order() -> None:
    endpoint = registered(kinds=["submission.returned", "quarter.closed", "quarter.closed"])

    (event,) = collected(endpoint)
    assert isinstance(event, WebhookEndpoint.EndpointRegistered)
    assert (event.organisation_id, event.url, event.description) == (COMMUNITY_ID, URL, "our EPR")
    assert event.kinds == ("submission.returned", "quarter.closed")
    assert endpoint.id == webhook_endpoint_id(COMMUNITY_ID, URL) != webhook_endpoint_id(COMMUNITY_ID, URL.lower())
    assert endpoint.enabled and endpoint.generation == 1
    assert "secret" not in str(vars(event)).lower()


@pytest.mark.parametrize(
    "url",
    [
        "http://ehr.community.example/corral",
        "ftp://ehr.community.example/corral",
        "https:///corral",
        "https://user:password@ehr.community.example/corral",
        "ehr.community.example/corral",
        "https://ehr.community.example:99999/corral",
    ],
)
def test_an_address_that_is_not_https_with_a_host_and_no_credentials_is_refused_naming_the_url(url: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        registered(url=url)
    assert refused.value.field == "url"


@pytest.mark.parametrize("kinds", [[], ["evidence.read"]])
def test_no_kind_or_one_there_is_not_is_refused_naming_the_kinds(kinds: list[str]) -> None:
    with pytest.raises(InvalidInputError) as refused:
        registered(kinds=kinds)
    assert refused.value.field == "kinds"


@pytest.mark.parametrize("actor", [COMMUNITY, administrator_of(COMMISSIONER_ID)])
def test_no_one_but_its_own_administrator_registers_or_changes_an_endpoint(actor: object) -> None:
    with pytest.raises(NotPermittedError):
        WebhookEndpoint.register(actor, COMMUNITY_ID, OrganisationKind.PROVIDER, URL, ["quarter.closed"], "")  # type: ignore[arg-type]
    endpoint = registered()
    for change in (
        lambda: endpoint.disable(actor, "why"),
        lambda: endpoint.enable(actor),
        lambda: endpoint.rotate_secret(actor),
    ):  # type: ignore[arg-type]
        with pytest.raises(NotPermittedError):
            change()


def test_disabling_needs_a_reason_and_disabling_or_enabling_again_records_nothing() -> None:
    endpoint = registered()
    collected(endpoint)

    with pytest.raises(ReasonRequiredError):
        endpoint.disable(ADMINISTRATOR, " ")
    endpoint.disable(ADMINISTRATOR, "moving the receiver")
    endpoint.disable(ADMINISTRATOR, "still moving")
    disabled = collected(endpoint)
    endpoint.enable(ADMINISTRATOR)
    endpoint.enable(ADMINISTRATOR)
    enabled = collected(endpoint)

    assert [type(e) for e in disabled] == [WebhookEndpoint.Disabled] and disabled[0].reason == "moving the receiver"
    assert [type(e) for e in enabled] == [WebhookEndpoint.Enabled] and endpoint.enabled


def test_a_rotation_records_only_the_next_generation() -> None:
    endpoint = registered()
    collected(endpoint)

    endpoint.rotate_secret(ADMINISTRATOR)
    endpoint.rotate_secret(ADMINISTRATOR)

    assert [e.generation for e in collected(endpoint)] == [2, 3] and endpoint.generation == 3
