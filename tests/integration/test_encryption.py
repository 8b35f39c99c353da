"""Encryption at rest: the stored state is ciphertext that only the right key reads back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy
from eventsourcing.cryptography import AESCipher
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.application import Corral
from domain.organisation import OrganisationKind
from tests.builders import OPERATOR

SECRET_NAME = "Rowcroft Hospice Confidential Trust"


def stored_states(settings: Settings) -> list[bytes]:
    """The raw `state` column of every stored event, read without the application."""
    table = "corral_events"
    if settings.database_schema:
        table = f"{settings.database_schema}.{table}"
    engine = sqlalchemy.create_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            return [bytes(row[0]) for row in connection.execute(sqlalchemy.text(f"SELECT state FROM {table}"))]
    finally:
        engine.dispose()


def with_key(settings: Settings, key: str) -> Settings:
    """The same store, read and written with a cipher key."""
    return settings.model_copy(update={"cipher_key": SecretStr(key)})


@pytest.fixture
def encrypted(settings: Settings) -> Iterator[tuple[Settings, Corral]]:
    """An application that encrypts every event it stores."""
    encrypted_settings = with_key(settings, AESCipher.create_key(16))
    application = build_application(encrypted_settings)
    yield encrypted_settings, application
    application.close()


def test_without_a_cipher_key_the_stored_state_is_readable_json(app: Corral, settings: Settings) -> None:
    app.register_organisation(OPERATOR, "ROWCROFT", SECRET_NAME, OrganisationKind.PROVIDER)

    states = stored_states(settings)

    assert len(states) == 1
    assert SECRET_NAME.encode() in states[0]


def test_with_a_cipher_key_the_stored_state_hides_the_plaintext_and_reads_back(
    encrypted: tuple[Settings, Corral],
) -> None:
    settings, app = encrypted

    organisation_id = app.register_organisation(OPERATOR, "ROWCROFT", SECRET_NAME, OrganisationKind.PROVIDER).id

    states = stored_states(settings)
    assert len(states) == 1
    assert SECRET_NAME.encode() not in states[0]
    assert b"Rowcroft" not in states[0]
    assert app.organisation(organisation_id).name == SECRET_NAME


def test_the_same_store_read_with_the_wrong_key_fails(encrypted: tuple[Settings, Corral]) -> None:
    settings, app = encrypted
    organisation_id = app.register_organisation(OPERATOR, "ROWCROFT", SECRET_NAME, OrganisationKind.PROVIDER).id
    intruder = build_application(with_key(settings, AESCipher.create_key(16)))

    try:
        with pytest.raises(ValueError, match="cipher"):
            intruder.organisation(organisation_id)
    finally:
        intruder.close()


def test_compressed_and_encrypted_events_read_back(settings: Settings) -> None:
    compressed = with_key(settings, AESCipher.create_key(32)).model_copy(update={"compress_events": True})
    app = build_application(compressed)
    try:
        organisation_id = app.register_organisation(OPERATOR, "ROWCROFT", SECRET_NAME, OrganisationKind.PROVIDER).id

        assert app.organisation(organisation_id).name == SECRET_NAME
        assert SECRET_NAME.encode() not in stored_states(compressed)[0]
    finally:
        app.close()
