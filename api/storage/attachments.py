"""Attachment files: size-limited, typed by their content, stored once under their SHA-256."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from tempfile import NamedTemporaryFile
from typing import BinaryIO

import filetype

from api.storage.faults import StoreUnavailableError
from api.storage.settings import Settings
from domain.errors import DomainError
from domain.evidence import Attachment

ALLOWED = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
    "text/plain",
}
CHUNK = 1024 * 1024
HEAD = 8192  # how much of a file its type is told from


class AttachmentRefusedError(DomainError):
    """The file is too large, of a type not accepted, or unnamed."""

    field = "attachments"


def safe_name(name: str) -> str:
    """The file's own name without any folder, control characters or characters a file system could misread."""
    base = re.split(r"[\\\\/]", unicodedata.normalize("NFC", name))[-1]
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    cleaned = re.sub(r'[<>:"|?*]', "_", cleaned).strip(" .")
    if not cleaned:
        raise AttachmentRefusedError("the file needs a name")
    return cleaned[:200]


def sniff(head: bytes, name: str) -> str:
    """The media type the content itself shows; plain UTF-8 text is CSV when named .csv."""
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # a character cut at the end of the sample is fine
                return "application/octet-stream"
        return "text/csv" if name.lower().endswith(".csv") else "text/plain"
    return "application/octet-stream"


@dataclass(frozen=True)
class StoredFile:
    """A stored file as it is served: where it is, the type its content shows, and a safe name."""

    path: Path
    media_type: str
    name: str


class AttachmentStore:
    """Files kept under `folder/<first two hex>/<sha256>`; the same content is stored once."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    @classmethod
    def of(cls, settings: Settings) -> AttachmentStore:
        """The store the settings name."""
        return cls(settings.attachments_dir, settings.attachment_max_bytes)

    def check(self) -> None:
        """Raise StoreUnavailableError unless a file can be written in the folder (made if it is missing)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with NamedTemporaryFile(dir=self.folder):
                pass
        except OSError as error:
            raise StoreUnavailableError("attachment store", error.strerror or type(error).__name__) from error

    def keep(self, stream: BinaryIO, name: str) -> Attachment:
        """Check and store an uploaded file; nothing is kept if it is refused. A missing folder is made again;
        one that cannot be written (read-only, or not a folder) makes the store unavailable."""
        name = safe_name(name)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            return self._keep(stream, name)
        except OSError as error:
            raise StoreUnavailableError("attachment store", error.strerror or type(error).__name__) from error

    def _keep(self, stream: BinaryIO, name: str) -> Attachment:
        digest, size, head = hashlib.sha256(), 0, b""
        with NamedTemporaryFile(dir=self.folder, delete=False) as temporary:
            try:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise AttachmentRefusedError(f"the file is larger than the {self.max_bytes:,} bytes allowed")
                    head = head if len(head) >= HEAD else (head + chunk)[:HEAD]
                    digest.update(chunk)
                    temporary.write(chunk)
                media_type = sniff(head, name)
                if media_type not in ALLOWED:
                    raise AttachmentRefusedError(
                        f"{name} is {media_type}; accepted are PDF, PNG, JPEG, Word, Excel, CSV and plain text"
                    )
            except BaseException:
                Path(temporary.name).unlink(missing_ok=True)
                raise
        sha256 = digest.hexdigest()
        target = self.path(sha256)
        target.parent.mkdir(exist_ok=True)
        Path(temporary.name).replace(target)
        return Attachment(sha256, name, size, media_type)

    def stored(self, sha256: str, name: str) -> StoredFile | None:
        """The file with this hash, typed again by its own content and safely named; None if it is not kept."""
        # Evidence recorded before uploads were recorded may carry a client's claimed name and type: trust neither.
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            return None
        path = self.path(sha256)
        try:
            with path.open("rb") as file:
                head = file.read(HEAD)
        except OSError:
            return None
        try:
            name = safe_name(name)
        except AttachmentRefusedError:
            name = sha256
        media_type = sniff(head, name)
        return StoredFile(path, media_type if media_type in ALLOWED else "application/octet-stream", name)

    def path(self, sha256: str) -> Path:
        """Where the file with this hash is kept; the store is unavailable while its folder is not a folder."""
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise AttachmentRefusedError("not a SHA-256")
        if self.folder.exists() and not self.folder.is_dir():
            raise StoreUnavailableError("attachment store", f"{self.folder} is not a folder")
        return self.folder / sha256[:2] / sha256
