"""An identity provider that cannot be discovered is not asked again for a while: sign-ins with it are refused at once
instead of each holding a worker thread for the whole timeout."""

from __future__ import annotations

import socket
import time

import pytest

from api.http import oidc
from api.http.oidc import ProviderClient, SignInFailedError
from api.storage.identity_providers import IdentityProvider


def closed_port() -> int:
    """A port on this machine that nothing listens on: a connection to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_provider_that_cannot_be_reached_is_refused_at_once_until_it_is_worth_asking_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issuer = f"http://127.0.0.1:{closed_port()}"
    client = ProviderClient(IdentityProvider(key="p", display_name="P", issuer=issuer, client_id="c"), "/callback")
    asked: list[str] = []
    real_request = oidc._request
    monkeypatch.setattr(oidc, "_request", lambda url, *a, **k: asked.append(url) or real_request(url, *a, **k))

    for _ in range(3):
        with pytest.raises(SignInFailedError, match="cannot be reached"):
            client.load_server_metadata()
    assert len(asked) == 1  # the first failure is remembered

    not_before, why = oidc._undiscovered[issuer]
    monkeypatch.setitem(oidc._undiscovered, issuer, (time.monotonic() - 1, why))  # the wait is over
    with pytest.raises(SignInFailedError):
        client.load_server_metadata()
    assert len(asked) == 2 and not_before > 0
