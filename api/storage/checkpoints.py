"""Signed checkpoints of the chain's head (issue 18): the head's position and hash and the time, signed with an Ed25519
key, as a small JSON file a commissioner keeps outside Corral. Whoever holds the verify key (`corral log key`) can
later prove that nothing up to the checkpoint's position was rewritten, even by someone who recomputed every hash.
Each checkpoint exported is also recorded beside the log (`corral_checkpoints`), so an evidence pack can cite the
first checkpoint that covers its events."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text, insert, select
from sqlalchemy.orm import Session

from api.storage.chain import sibling_name
from api.storage.files import create_once
from domain.record import Checkpoint
from projections.database import UTCDateTime

FORMAT = "corral-log-checkpoint/1"


class CheckpointRefusedError(ValueError):
    """A checkpoint file that cannot be trusted: unreadable, or its signature does not match the verify key."""


def signing_key(path: Path) -> Ed25519PrivateKey:
    """The log's signing key, kept in `path`; made (readable by its owner only) the first time it is asked for."""
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        create_once(path, pem.decode())
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise CheckpointRefusedError(f"{path} does not hold an unencrypted PEM private key") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointRefusedError(f"{path} does not hold an Ed25519 private key")
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    """The verify key as PEM, to publish."""
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode()


def load_public_key(pem: str) -> Ed25519PublicKey:
    """A published verify key, read back from its PEM."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError as error:
        raise CheckpointRefusedError("the verify key is not a PEM public key") from error
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointRefusedError("the verify key is not an Ed25519 key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a verify key: the start of the SHA-256 of its raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _signed_part(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def sign(key: Ed25519PrivateKey, position: int, head_hash: bytes, taken_at: datetime) -> Checkpoint:
    """A checkpoint of the chain's head, its file's text signed over every other field."""
    fields = {
        "format": FORMAT,
        "position": position,
        "hash": head_hash.hex(),
        "taken_at": taken_at.isoformat(),
        "key_id": key_id(key.public_key()),
    }
    signature = base64.b64encode(key.sign(_signed_part(fields))).decode()
    document = json.dumps({**fields, "signature": signature}, indent=2) + "\n"
    return Checkpoint(position, head_hash.hex(), taken_at, str(fields["key_id"]), document)


def check(document: str, key: Ed25519PublicKey) -> Checkpoint:
    """The checkpoint a file holds, once its signature is checked against the verify key; else refused."""
    try:
        fields = json.loads(document)
        signature = base64.b64decode(fields.pop("signature"), validate=True)
        position, head_hash = int(fields["position"]), str(fields["hash"])
        taken_at, signer = datetime.fromisoformat(fields["taken_at"]), str(fields["key_id"])
        bytes.fromhex(head_hash)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise CheckpointRefusedError(f"this is not a Corral checkpoint file ({error})") from error
    if fields.get("format") != FORMAT:
        raise CheckpointRefusedError(f"this is not a Corral checkpoint file (format {fields.get('format')!r})")
    if signer != key_id(key):
        raise CheckpointRefusedError(f"the checkpoint was signed with another key ({signer}, not {key_id(key)})")
    try:
        key.verify(signature, _signed_part(fields))
    except InvalidSignature as error:
        raise CheckpointRefusedError("the checkpoint's signature does not match: the file was altered") from error
    return Checkpoint(position, head_hash, taken_at, signer, document)


class Checkpoints:
    """The table of every checkpoint exported, beside the events table."""

    def __init__(self, events_table_name: str, schema: str | None) -> None:
        self.table = Table(
            sibling_name(events_table_name, "checkpoints"),
            MetaData(schema=schema),
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("position", BigInteger, nullable=False, index=True),
            Column("hash", String(64), nullable=False),
            Column("taken_at", UTCDateTime, nullable=False),
            Column("key_id", String(64), nullable=False),
            Column("document", Text, nullable=False),
        )

    def record(self, session: Session, checkpoint: Checkpoint) -> None:
        """Keep a copy of a checkpoint as exported."""
        session.execute(
            insert(self.table).values(
                position=checkpoint.position,
                hash=checkpoint.hash,
                taken_at=checkpoint.taken_at,
                key_id=checkpoint.key_id,
                document=checkpoint.document,
            )
        )

    def covering(self, session: Session, position: int) -> Checkpoint | None:
        """The first checkpoint recorded at or after `position` (by position, then by when it was recorded)."""
        table = self.table
        query = select(table).where(table.c.position >= position).order_by(table.c.position, table.c.id).limit(1)
        row = session.execute(query).first()
        if row is None:
            return None
        return Checkpoint(row.position, row.hash, row.taken_at, row.key_id, row.document)
