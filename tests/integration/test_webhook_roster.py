"""The most endpoints an organisation may have enabled holds when its administrators act at once, on both databases:
each registering, enabling and disabling records the organisation's roster of enabled endpoints in the same
transaction, so of two changes that read the same roster only one is saved, and the other is refused as a
concurrent change (tried again, it is counted against the roster as the first left it)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from domain.application import Corral
from domain.errors import ConcurrentChangeError
from domain.limits import ENABLED_WEBHOOKS_PER_ORGANISATION, InvalidInputError
from domain.webhook import WebhookRoster, webhook_endpoint_id
from tests.builders import COMMUNITY_ID, administrator_of
from tests.integration.given import agreed_scheme

ADMINISTRATOR = administrator_of(COMMUNITY_ID)
KINDS = ["quarter.closed"]


def address(n: int) -> str:
    return f"https://hooks{n}.community.example/corral"


def at_once(*acts: Callable[[], object]) -> list[object]:
    """Each act in a thread of its own, all started together; what each returned or raised."""
    outcomes: list[object] = [None] * len(acts)

    def run(i: int) -> None:
        try:
            outcomes[i] = acts[i]()
        except Exception as error:  # noqa: BLE001 - kept to be looked at
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(acts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_registrations_at_once_when_19_are_enabled_cannot_both_succeed(app: Corral) -> None:
    agreed_scheme(app)
    already = [str(webhook_endpoint_id(COMMUNITY_ID, address(n))) for n in range(ENABLED_WEBHOOKS_PER_ORGANISATION - 1)]
    both_read = threading.Barrier(2, timeout=10)

    def enabled_before_rosters() -> list[str]:
        both_read.wait()  # each has found no roster and reads the views: neither has saved yet
        return already

    def registering(n: int) -> Callable[[], object]:
        return lambda: app.register_webhook(ADMINISTRATOR, address(n), KINDS, "", enabled_before_rosters)

    outcomes = at_once(registering(100), registering(101))

    assert sorted(type(o).__name__ for o in outcomes) == ["ConcurrentChangeError", "Recorded"]
    roster = app.repository.get(WebhookRoster.create_id(COMMUNITY_ID))
    assert len(roster.enabled) == ENABLED_WEBHOOKS_PER_ORGANISATION
    with pytest.raises(InvalidInputError) as refused:  # tried again: the roster is full
        app.register_webhook(ADMINISTRATOR, address(101), KINDS)
    assert refused.value.field == "endpoints"


def test_of_two_changes_read_from_the_same_roster_only_the_first_is_saved(app: Corral) -> None:
    agreed_scheme(app)
    for n in range(ENABLED_WEBHOOKS_PER_ORGANISATION - 2):
        app.register_webhook(ADMINISTRATOR, address(n), KINDS)
    first, second = (app.repository.get(WebhookRoster.create_id(COMMUNITY_ID)) for _ in range(2))
    disabled = app.webhook_to_manage(ADMINISTRATOR, webhook_endpoint_id(COMMUNITY_ID, address(0)))
    disabled.disable(ADMINISTRATOR, "moved")
    first.record(ADMINISTRATOR, disabled)
    app.save(disabled, first)
    enabled = app.webhook_to_manage(ADMINISTRATOR, webhook_endpoint_id(COMMUNITY_ID, address(1)))
    enabled.disable(ADMINISTRATOR, "moved")
    second.record(ADMINISTRATOR, enabled)

    with pytest.raises(ConcurrentChangeError):
        app._save(enabled, second)

    assert app.webhook_endpoint(enabled.id).enabled
    assert (
        len(app.repository.get(WebhookRoster.create_id(COMMUNITY_ID)).enabled) == ENABLED_WEBHOOKS_PER_ORGANISATION - 3
    )
