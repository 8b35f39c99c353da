"""The chain's hash: every stored byte and the hash before it count, and no two different events encode alike."""

from __future__ import annotations

from uuid import UUID

from api.storage.chain import GENESIS, link_hash

ID = UUID("12345678-1234-5678-1234-567812345678")


def test_the_hash_depends_on_every_field_and_the_hash_before() -> None:
    base = link_hash(GENESIS, 7, ID, 3, "domain.x:Event", b"{}")

    variants = [
        link_hash(b"\x01" * 32, 7, ID, 3, "domain.x:Event", b"{}"),
        link_hash(GENESIS, 8, ID, 3, "domain.x:Event", b"{}"),
        link_hash(GENESIS, 7, UUID(int=ID.int ^ 1), 3, "domain.x:Event", b"{}"),
        link_hash(GENESIS, 7, ID, 4, "domain.x:Event", b"{}"),
        link_hash(GENESIS, 7, ID, 3, "domain.x:Evenu", b"{}"),
        link_hash(GENESIS, 7, ID, 3, "domain.x:Event", b"{ }"),
    ]

    assert len({base, *variants}) == 7 and len(base) == 32


def test_a_byte_moved_between_topic_and_state_changes_the_hash() -> None:
    assert link_hash(GENESIS, 1, ID, 1, "ab", b"c") != link_hash(GENESIS, 1, ID, 1, "a", b"bc")


def test_an_originator_id_hashes_the_same_as_its_stored_bytes() -> None:
    assert link_hash(GENESIS, 1, ID, 1, "t", b"s") == link_hash(GENESIS, 1, ID.bytes, 1, "t", b"s")
